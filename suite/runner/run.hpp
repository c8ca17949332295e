// The conformance run: every selected case against one target, judged by the
// model and the checker; the result stream suite/report renders (results JSON,
// JUnit, the terminal table).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/expectation.hpp"
#include "suite/client/http_client.hpp"
#include "suite/runner/case.hpp"
#include "suite/probe/probe_judge.hpp"
#include "suite/runner/checker.hpp"

namespace essconf::runner {

// How far long work has come, for a live status line (the CLI draws it; the
// library knows nothing of terminals). Reported after each catalog case, at
// each run of a property and after each concurrency round, on the thread
// doing the work: the callback must be cheap and must not throw.
struct Progress {
  std::string_view phase;           // "catalog", "property.differential", "property.stateful", "property.concurrency", "fuzz"
  std::uint64_t done = 0;           // cases, runs (shrinking steps included) or rounds done
  std::uint64_t total = 0;          // planned; 0 when not known
  std::uint64_t failures = 0;       // blocking cases, or the property's distinct failures, so far
  std::uint64_t http_requests = 0;  // sent in this phase so far
};
using ProgressCallback = std::function<void(const Progress&)>;

struct RunOptions {
  client::Url target;
  client::Url fixture;
  model::Profile profile = model::Profile::spec;
  std::uint64_t seed = 1;
  client::ClientLimits limits;
  std::chrono::milliseconds run_timeout{600'000};
  std::int64_t clock_tolerance = 10;  // seconds of doubt about the target's clock
  // When set, every request a case does not sign itself is signed with these
  // (a target that enforces signatures outside the fixture protocol's World).
  std::optional<std::pair<std::string, std::string>> credentials;
  // How signed requests carry their signature (--signature): v3 is judged
  // only when asked for, the fixture protocol's Signature mode being v1.
  SignatureScheme signature = SignatureScheme::v1;
  ProgressCallback on_progress;  // empty: nobody is told
  // essconf probe: no fixture protocol. Each request is judged over every
  // World consistent with these declarations (probe::Judge), sent only when
  // safe, and the World is neither set nor read.
  std::optional<probe::Declarations> probe;
  // A property stream's own World (isolated_worlds): every request carries
  // `Conformance-World: world_name`. Empty: the default World.
  std::string world_name;
};

// Whether the target's fixture protocol lists `feature` in its capabilities
// (false when they cannot be read).
bool target_lists(const RunOptions& o, std::string_view feature);

// A client for `url` with the options' World header, if any.
client::HttpClient client_for(const RunOptions& o, const client::Url& url,
                              client::Resend resend = client::Resend::never);

struct CaseResult {
  std::string id;
  std::vector<std::string> case_clauses;
  std::string description;
  std::string file;
  Verdict verdict;
  std::string world_before;  // JSON, as loaded
  std::string world_after;   // JSON, as read back ("" when not read)
  std::vector<std::string> requests;  // the exact bytes of each send
  std::string curl;                   // the last send as a curl line
  std::string expectation;            // the model's expectation as JSON
  int status = 0;
  std::string response_headers;       // "Name: value\n" lines
  std::string response_body;          // at most 64 KiB
  double seconds = 0;
  std::string baseline_reason;        // set when a baseline entry excuses this verdict
  std::vector<VerdictKind> repeats;   // with --repeat N: the verdict of each repetition, else empty

  bool flaky() const noexcept;  // the repetitions did not all agree
};

// Verdicts of repetitions that do not all agree.
bool flaky(const std::vector<VerdictKind>& repeats) noexcept;
// "flaky over 3 repetitions: pass 2, fail 1".
std::string flaky_text(const std::vector<VerdictKind>& repeats);

// The one rule of what blocks conformance, a baseline aside: a fail, an
// error, and under the strict profile a deviation; for a case or a property,
// also a flaky verdict (repetitions that disagree).
bool blocks(VerdictKind k, model::Profile profile) noexcept;
bool blocks(const CaseResult& c, model::Profile profile) noexcept;
struct PropertyResult;
bool blocks(const PropertyResult& p, model::Profile profile) noexcept;

// One distinct failure of a property: its signature (the clause and the
// kind of what went wrong) and its own shrunk counterexample. A property goes
// on past a failure with that signature set aside, so one run lists every
// distinct failing clause (property/failure_ledger.hpp).
struct PropertyFailure {
  // Every clause the counterexample breaks that no earlier failure of the
  // property had broken, the headline first (none when the harness failed).
  std::vector<std::string> clauses;
  VerdictKind kind = VerdictKind::fail;  // fail, error, or deviation (under the strict profile)
  std::string summary;      // one line for a person
  std::string detail;       // the minimal counterexample: case file(s), reproducer, replay line
};

// One property of the property phase (suite/property), as suite/report renders it.
struct PropertyResult {
  std::string name;         // "property.differential", "property.stateful", "property.concurrency"
  std::string clause;       // the clause it checks; when it failed, the first failure's
  // pass; fail (failures lists each distinct one); error (the harness could
  // not run: it fails the run); not applicable (the target lacks a feature
  // the property needs).
  VerdictKind verdict = VerdictKind::error;
  int runs = 0;             // cases, sequences or rounds that passed
  std::uint64_t seed = 0;
  std::string summary;      // one line for a person
  std::vector<PropertyFailure> failures;  // in the order found
  std::vector<std::pair<std::string, int>> distribution;  // tags and how many runs had them
  std::uint64_t http_requests = 0;
  double seconds = 0;
  std::vector<VerdictKind> repeats;  // with --repeat N: the verdict of each repetition, else empty

  // The clause a failure is listed under: its first, or the property's own.
  const std::string& clause_of(const PropertyFailure& f) const noexcept { return f.clauses.empty() ? clause : f.clauses.front(); }
  bool flaky() const noexcept;
};

// How a target was judged: `essconf run` (the fixture protocol sets and reads
// its World) or `essconf probe` (no fixture protocol: only what the
// declarations decide, docs/probe.md).
enum class RunMode { run, probe };
std::string_view name(RunMode m) noexcept;
std::optional<RunMode> parse_run_mode(std::string_view text) noexcept;

struct RunResult {
  std::string spec_revision;
  RunMode mode = RunMode::run;
  std::string label;  // the target's name in reports ("" before the CLI names it)
  std::string shard;  // "i/n" when the run was one slice of the catalog, else ""
  std::string target;
  std::string fixture;
  model::Profile profile = model::Profile::spec;
  std::uint64_t seed = 0;
  std::string started_at;  // ISO 8601 UTC
  double wall_seconds = 0;
  std::uint64_t http_requests = 0;
  std::vector<std::string> features;
  std::string run_error;  // why the run could not happen at all ("" when it did)
  std::vector<CaseResult> cases;
  std::vector<PropertyResult> properties;  // the property phase, when it ran

  std::map<VerdictKind, int> counts() const;
  int failed_properties() const;  // properties that block the gate: fail, error or flaky
  int flaky_cases() const;
  // The run happened, and nothing blocks it (blocks()); with `excuse_baseline`,
  // cases a baseline entry excuses (CaseResult::baseline_reason) aside.
  bool conformant(bool excuse_baseline = false) const;
};

// A connection to one target for running cases one at a time: the catalog,
// and the property phase's generated cases, go through the same steps.
class CaseSession {
 public:
  // Connects lazily; reads the target's capabilities. `deadline` bounds everything.
  CaseSession(const RunOptions& options, std::chrono::steady_clock::time_point deadline);
  ~CaseSession();
  CaseSession(const CaseSession&) = delete;
  CaseSession& operator=(const CaseSession&) = delete;

  // "" when the fixture protocol is usable, else why not.
  const std::string& setup_error() const;
  const std::vector<std::string>& features() const;
  CaseResult run(const Case& c);
  std::uint64_t http_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The verdict on a request the target did not answer (x.error is not none).
// A hang, a reset or bytes that are not HTTP while the target still answers
// a harmless request sent right after (GET / without parameters) is the
// target's choice: a fail of robust.no-server-error. A target that answers
// nothing, or cannot be reached, or sends more than the client's limit, gets
// an error: the run could not judge it.
Verdict unanswered_verdict(const client::Exchange& x, client::HttpClient& api,
                           std::chrono::steady_clock::time_point deadline);
// The same, once it is known whether the target answers other requests.
Verdict unanswered_verdict(const client::Exchange& x, bool answers_others);

// Runs `cases` in order. Never throws for anything the target does.
RunResult run_cases(const std::vector<Case>& cases, const RunOptions& options);

}  // namespace essconf::runner
