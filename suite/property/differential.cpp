// The differential property: for any generated World and request, the
// target's answer (and the World it leaves) is one the model allows. Each
// generated case runs through runner::CaseSession, exactly like a catalog
// case; a failure is shrunk by RapidCheck and reported as a case file.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <rapidcheck.h>

#include "reference/model/clause_ids.hpp"
#include "suite/property/generators.hpp"
#include "suite/property/properties.hpp"
#include "suite/property/rc_result.hpp"

namespace essconf::property {
namespace {

// A generated case is not a counterexample unless its verdict blocks (the run's one rule).
bool acceptable(const runner::CaseResult& r, model::Profile profile) { return !runner::blocks(r.verdict.kind, profile); }

// The failure's report: the shrunk case, its findings and how to replay it.
runner::PropertyFailure describe_failure(const runner::CaseResult& r, const rc::detail::FailureResult& bad,
                                         const PropertyOptions& o, int passed_before, std::vector<std::string> clauses) {
  runner::PropertyFailure f;
  f.kind = r.verdict.kind;
  f.clauses = std::move(clauses);
  f.summary = fmt::format("after {} passing cases, a generated case fails (shrunk): {}", passed_before, r.verdict.summary);
  std::ostringstream d;
  d << "Minimal case (save as fixtures/cases/<family>/<id>.json to keep it):\n";
  for (const auto& [name, value] : bad.counterExample) d << value << "\n";
  d << "\nFindings:\n";
  for (const auto& x : r.verdict.findings)
    d << fmt::format("[{}] {}\n  expected: {}\n  observed: {}\n", runner::name(x.kind), x.clause, x.expected, x.observed);
  if (!r.requests.empty()) d << "\nRequest:\n" << r.requests.back() << "\n";
  d << "curl:\n" << r.curl << "\n";
  d << fmt::format("Response: {}\n{}\n{}\n", r.status, r.response_headers, r.response_body.substr(0, 2000));
  d << fmt::format("\nReplay: essconf run --target URL --skip-catalog --seed {} --property-runs {}\n", o.run.seed,
                   o.differential_runs);
  f.detail = d.str();
  return f;
}

// Whether the session can run the property; when not, `out` says why.
bool ready(const runner::CaseSession& session, PropertyResult& out) {
  if (!session.setup_error().empty()) {
    out.verdict = runner::VerdictKind::error;
    out.summary = session.setup_error();
    return false;
  }
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
  if (!ready(session, out)) return out;
  FailureLedger ledger;
  std::optional<runner::CaseResult> last_failure;  // shrinking ends on the minimal one
  std::uint64_t counter = 0;
  std::uint64_t calls = 0;  // runs of the property, shrinking steps included
  auto property = [&] {
    runner::Case c = *gen_case();
    c.id += fmt::format(".{}", ++counter);
    RC_TAG(c.id.substr(0, c.id.find('.', sizeof("property.") - 1)));
    const runner::CaseResult r = session.run(c);
    if (o.run.on_progress)
      o.run.on_progress({out.name, ++calls, static_cast<std::uint64_t>(o.differential_runs), out.failures.size(),
                         session.http_requests()});
    if (acceptable(r, o.run.profile)) return;
    if (!ledger.is_new(FailureLedger::signatures(r.verdict, o.run.profile))) return;  // already recorded
    // Shrinking cut short by the run's time limit proves nothing: the smallest failure found before stands.
    if (last_failure && std::chrono::steady_clock::now() >= deadline) return;
    last_failure = r;
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
    out.failures.push_back(describe_failure(*last_failure, bad, o, out.runs, ledger.new_clauses(signatures)));
    ledger.set_aside(signatures);
    last_failure.reset();
    return true;
  });
  out.summary = summary_of(out);
  out.http_requests = session.http_requests();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace essconf::property
