// The differential property: for any generated World and request, the
// target's answer (and the World it leaves) is one the model allows. Each
// generated case runs through runner::CaseSession, exactly like a catalog
// case; a failure is shrunk by RapidCheck and reported as a case file.
//
// Under essconf probe (RunOptions::probe), the cases are refused ones only
// (near-valid and malformed), each moved onto the declarations as the catalog
// is (probe::to_probe_case) and sent only when probe::Judge finds it safe.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <rapidcheck.h>

#include "reference/model/clause_ids.hpp"
#include "suite/probe/probe_cases.hpp"
#include "suite/property/generators.hpp"
#include "suite/property/properties.hpp"
#include "suite/property/rc_result.hpp"

namespace essconf::property {
namespace {

// A generated case is not a counterexample unless its verdict blocks (the run's one rule).
bool acceptable(const runner::CaseResult& r, model::Profile profile) { return !runner::blocks(r.verdict.kind, profile); }

// The failure's report: the shrunk case, its findings and how to replay it.
// `sent` is the case as sent when it is not the generated one (probe moved it).
runner::PropertyFailure describe_failure(const runner::CaseResult& r, const std::optional<runner::Case>& sent,
                                         const rc::detail::FailureResult& bad, const PropertyOptions& o,
                                         int passed_before, std::vector<std::string> clauses) {
  runner::PropertyFailure f;
  f.kind = r.verdict.kind;
  f.clauses = std::move(clauses);
  f.summary = fmt::format("after {} passing cases, a generated case fails (shrunk): {}", passed_before, r.verdict.summary);
  std::ostringstream d;
  d << "Minimal case (save as fixtures/cases/<family>/<id>.json to keep it):\n";
  for (const auto& [name, value] : bad.counterExample) d << value << "\n";
  if (sent) d << "\nSent as (moved onto the declarations, docs/probe.md):\n" << runner::case_to_json(*sent) << "\n";
  d << "\nFindings:\n";
  for (const auto& x : r.verdict.findings)
    d << fmt::format("[{}] {}\n  expected: {}\n  observed: {}\n", runner::name(x.kind), x.clause, x.expected, x.observed);
  if (!r.requests.empty()) d << "\nRequest:\n" << r.requests.back() << "\n";
  d << "curl:\n" << r.curl << "\n";
  d << fmt::format("Response: {}\n{}\n{}\n", r.status, r.response_headers, r.response_body.substr(0, 2000));
  if (o.run.probe)
    d << fmt::format("\nReplay (fresh ids differ from run to run): essconf probe --target URL DECLARATIONS --skip-catalog "
                     "--seed {} --property-runs {}\n",
                     o.run.seed, o.differential_runs);
  else
    d << fmt::format("\nReplay: essconf run --target URL --skip-catalog --seed {} --property-runs {}\n", o.run.seed,
                     o.differential_runs);
  f.detail = d.str();
  return f;
}

// What the distribution counts a run under: its kind ("property.near-valid");
// under probe, also when it was not sent or its clause not judged.
std::string tag(const runner::Case& c, const runner::CaseResult& r) {
  std::string out = c.id.substr(0, c.id.find('.', sizeof("property.") - 1));
  if (r.verdict.kind != runner::VerdictKind::not_applicable) return out;
  const auto& why = r.verdict.summary;
  return out + (why.rfind("not sent", 0) == 0 ? ", not sent" : why.rfind("not judged", 0) == 0 ? ", not judged" : ", not applicable");
}

// Whether the session can run the property; when not, `out` says why.
bool ready(const runner::CaseSession& session, bool probing, PropertyResult& out) {
  if (!session.setup_error().empty()) {
    out.verdict = runner::VerdictKind::error;
    out.summary = session.setup_error();
    return false;
  }
  if (probing) return true;  // no World is set
  const auto& features = session.features();
  if (std::find(features.begin(), features.end(), "world") == features.end()) {
    out.verdict = runner::VerdictKind::not_applicable;
    out.summary = "the target lacks the world feature";
    return false;
  }
  return true;
}

// The summary of a finished run: how many cases passed, or its failures.
std::string summary_of(const PropertyResult& out) {
  if (out.verdict == runner::VerdictKind::pass)
    return fmt::format("{} generated cases, every answer allowed by the model", out.runs);
  if (out.failures.size() == 1) return out.failures.front().summary;
  if (!out.failures.empty())
    return fmt::format("{} distinct failures in {} generated cases; the first: {}", out.failures.size(),
                       out.runs + static_cast<int>(out.failures.size()), out.failures.front().summary);
  return out.summary;
}

}  // namespace

PropertyResult check_differential(const PropertyOptions& o) {
  PropertyResult out;
  out.name = "property.differential";
  out.clause = std::string(model::clause::kNoServerError);
  out.seed = o.run.seed;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + o.run.run_timeout;
  runner::CaseSession session(o.run, deadline);
  if (!ready(session, o.run.probe.has_value(), out)) return out;
  FailureLedger ledger;
  std::optional<runner::CaseResult> last_failure;  // shrinking ends on the minimal one
  std::optional<runner::Case> last_sent;           // under probe: the minimal case as moved
  std::optional<probe::FreshIds> fresh;
  if (o.run.probe) fresh.emplace(probe::FreshIds::for_new_run(o.run.seed));
  std::uint64_t counter = 0;
  std::uint64_t calls = 0;  // runs of the property, shrinking steps included
  auto property = [&] {
    runner::Case c = o.run.probe ? *gen_refused_case() : *gen_case();
    c.id += fmt::format(".{}", ++counter);
    if (o.run.probe) c = probe::to_probe_case(c, *o.run.probe, *fresh);
    const runner::CaseResult r = session.run(c);
    RC_TAG(tag(c, r));
    if (o.run.on_progress)
      o.run.on_progress({out.name, ++calls, static_cast<std::uint64_t>(o.differential_runs), out.failures.size(),
                         session.http_requests()});
    if (acceptable(r, o.run.profile)) return;
    if (!ledger.is_new(FailureLedger::signatures(r.verdict, o.run.profile))) return;  // already recorded
    // Shrinking cut short by the run's time limit proves nothing: the smallest failure found before stands.
    if (last_failure && std::chrono::steady_clock::now() >= deadline) return;
    last_failure = r;
    if (o.run.probe) last_sent = c;
    RC_FAIL(fmt::format("{}: {}", runner::name(r.verdict.kind), r.verdict.summary));
  };
  rc::detail::TestParams params;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = out.name;
  meta.description = "the target's answers to generated requests are ones the model allows";
  check_past_failures(property, meta, params, o.differential_runs, deadline, out, [&](const rc::detail::FailureResult& bad) {
    if (!last_failure) {  // not a case's verdict: the harness itself failed
      out.failures.push_back({{}, runner::VerdictKind::error, "the property failed: " + bad.description, ""});
      return false;
    }
    const auto signatures = FailureLedger::signatures(last_failure->verdict, o.run.profile);
    out.failures.push_back(describe_failure(*last_failure, last_sent, bad, o, out.runs, ledger.new_clauses(signatures)));
    ledger.set_aside(signatures);
    last_failure.reset();
    last_sent.reset();
    return true;
  });
  out.summary = summary_of(out);
  out.http_requests = session.http_requests();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace essconf::property
