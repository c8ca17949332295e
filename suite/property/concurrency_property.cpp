// The concurrency check as a property of the run (atomic.concurrent-min-size).
#include <set>

#include <fmt/format.h>

#include "suite/property/concurrency.hpp"
#include "suite/property/properties.hpp"
#include "reference/model/model.hpp"

namespace essconf::property {
namespace {

// A round that failed: the World before, the history and the World after.
std::string describe_round(const ConcurrencyRound& r, const PropertyOptions& o) {
  std::string d = fmt::format("Round {} (seed {}). World before:\n{}\n\nHistory (client, invoked..returned ns, answer):\n",
                              r.index, o.run.seed, model::to_json(r.world));
  for (std::size_t i = 0; i < r.history.size(); ++i) {
    const auto& op = r.history[i];
    d += fmt::format("#{} client {} {}..{} {} {}\n  {}\n", i, op.client, op.invoked_ns, op.returned_ns,
                     op.indeterminate ? std::string("no answer") : std::to_string(op.status),
                     op.code.empty() ? (op.activity_id ? *op.activity_id : std::string()) : op.code,
                     wire::to_curl(op.request, o.run.target.origin()));
  }
  return d + "\nWorld after:\n" + model::to_json(r.final_world) + "\n";
}

}  // namespace

PropertyResult check_concurrency_property(const PropertyOptions& o) {
  PropertyResult out;
  out.name = "property.concurrency";
  out.clause = "atomic.concurrent-min-size";  // when it fails: the first failing round's (linearizability.hpp)
  out.seed = o.run.seed;
  ConcurrencyOptions c;
  c.run = o.run;
  c.rounds = o.concurrency_rounds;
  c.seed = o.run.seed;
  const ConcurrencyReport report = check_concurrency(c);
  out.http_requests = report.http_requests;
  out.seconds = report.seconds;
  if (!report.error.empty()) {
    out.verdict = report.lacks_world ? runner::VerdictKind::not_applicable : runner::VerdictKind::error;
    out.summary = report.error;
    return out;
  }
  if (report.rounds_run > 0 && report.answered == 0) {
    // Calls without an answer may have taken effect in any order: such a history proves nothing.
    out.verdict = runner::VerdictKind::error;
    out.summary = fmt::format("not judged: the target answered none of the calls of {} rounds", report.rounds_run);
    return out;
  }
  out.runs = report.rounds_run - static_cast<int>(report.failures.size());
  if (report.failures.empty()) {
    out.verdict = runner::VerdictKind::pass;
    out.summary = fmt::format("{} rounds of {} parallel calls, every history linearizable", report.rounds_run, c.connections);
    return out;
  }
  // One failure per clause: the first round that broke it.
  std::set<std::string> clauses;
  for (const ConcurrencyRound& r : report.failures) {
    const std::string clause = r.result.clause.empty() ? out.clause : r.result.clause;
    if (!clauses.insert(clause).second) continue;
    out.failures.push_back({{clause}, runner::VerdictKind::fail, fmt::format("round {}: {}", r.index, r.result.explanation),
                            describe_round(r, o)});
  }
  out.verdict = runner::VerdictKind::fail;
  out.clause = out.clause_of(out.failures.front());
  out.summary = fmt::format("{} of {} rounds are not linearizable: {}", report.failures.size(), report.rounds_run,
                            report.failures.front().result.explanation);
  return out;
}

}  // namespace essconf::property
