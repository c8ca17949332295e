// The conformance run: every selected case against one target, judged by the
// model and the checker; the result stream the writers render (results JSON,
// JUnit, the terminal table).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "reference/model/expectation.hpp"
#include "suite/client/http_client.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/checker.hpp"

namespace essconf::runner {

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
};

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
};

// One property of the property phase (suite/property), as the writers render it.
struct PropertyResult {
  std::string name;         // "property.differential", "property.stateful", "property.concurrency"
  std::string clause;       // the clause it checks ("robust.no-server-error" for the differential
                            // one; the failing case's first verdict clause when it fails)
  bool passed = false;
  bool ran = false;         // false: could not run (the reason is in `summary`)
  int runs = 0;             // cases, sequences or rounds that passed before the end or the failure
  std::uint64_t seed = 0;
  std::string summary;      // one line for a person
  std::string detail;       // the minimal counterexample: case file(s), reproducer, RapidCheck's reproduce line
  std::vector<std::pair<std::string, int>> distribution;  // tags and how many runs had them
  std::uint64_t http_requests = 0;
  double seconds = 0;
};

struct RunResult {
  std::string spec_revision;
  std::string label;  // the target's name in reports ("" before the CLI names it)
  std::string shard;  // "i/n" when the run was one slice of the catalog, else ""
  std::string target;
  std::string fixture;
  std::string profile;
  std::uint64_t seed = 0;
  std::string started_at;  // ISO 8601 UTC
  double wall_seconds = 0;
  std::uint64_t http_requests = 0;
  std::vector<std::string> features;
  std::string run_error;  // why the run could not happen at all ("" when it did)
  std::vector<CaseResult> cases;
  std::vector<PropertyResult> properties;  // the property phase, when it ran

  std::map<VerdictKind, int> counts() const;
  int failed_properties() const;
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

// Runs `cases` in order. Never throws for anything the target does.
RunResult run_cases(const std::vector<Case>& cases, const RunOptions& options);

}  // namespace essconf::runner
