#include "suite/report/terminal_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reference/model/catalog.hpp"
#include "suite/report/failure_text.hpp"

namespace essconf::report {
namespace {

using runner::CaseResult;
using runner::PropertyResult;
using runner::RunResult;
using runner::VerdictKind;

// `s` in its verdict's colour when `colour`, else as it is.
class Painter {
 public:
  explicit Painter(bool colour) : colour_(colour) {}
  std::string operator()(VerdictKind k, const std::string& s) const {
    if (!colour_) return s;
    const char* code = k == VerdictKind::pass ? "32" : k == VerdictKind::fail || k == VerdictKind::error ? "31"
                       : k == VerdictKind::deviation ? "33" : "90";
    return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
  }

 private:
  bool colour_;
};

// Per clause of the catalog: how each case that names it ended.
std::string clause_table(const RunResult& r, const Painter& paint) {
  std::map<std::string, std::map<VerdictKind, int>> by_clause;
  for (const auto& c : r.cases)
    for (const auto& cl : c.case_clauses) ++by_clause[cl][c.verdict.kind];
  std::string out = fmt::format("{:<36} {:>5} {:>5} {:>5} {:>5} {:>5}\n", "clause", "pass", "fail", "dev", "n/a", "err");
  for (const auto& cl : model::catalog().clauses) {
    auto it = by_clause.find(cl.id);
    if (it == by_clause.end()) continue;
    auto& m = it->second;
    auto cell = [&](VerdictKind k) {
      const int v = m.count(k) ? m.at(k) : 0;
      return v == 0 ? fmt::format("{:>5}", "-") : paint(k, fmt::format("{:>5}", v));
    };
    out += fmt::format("{:<36} {} {} {} {} {}\n", cl.id, cell(VerdictKind::pass), cell(VerdictKind::fail),
                       cell(VerdictKind::deviation), cell(VerdictKind::not_applicable), cell(VerdictKind::error));
  }
  return out;
}

// A case that did not pass (or was flaky): its summary and how to reproduce it.
std::string case_problem(const CaseResult& c, const Painter& paint) {
  const std::string known = c.baseline_reason.empty() ? "" : " [known: " + c.baseline_reason + "]";
  std::string out = "\n" + paint(c.verdict.kind, fmt::format("{} {}", name(c.verdict.kind), c.id)) + known + "  (" + c.file +
                    ")\n  " + c.verdict.summary + "\n";
  if (c.flaky()) out += "  " + paint(VerdictKind::fail, runner::flaky_text(c.repeats)) + "\n";
  if (!c.curl.empty()) out += "  reproduce: " + c.curl + "\n";
  return out;
}

std::string property_lines(const PropertyResult& p, const Painter& paint) {
  std::string out = "\n" + paint(p.verdict, fmt::format("{} {}", name(p.verdict), p.name)) +
                    fmt::format(" (seed {}, {:.2f} s, {} HTTP requests): {}\n", p.seed, p.seconds, p.http_requests, p.summary);
  if (p.flaky()) out += "  " + paint(VerdictKind::fail, runner::flaky_text(p.repeats)) + "\n";
  for (std::size_t i = 0; i < p.failures.size(); ++i)
    out += fmt::format("\n  failure {} of {}: ", i + 1, p.failures.size()) + failure_text(p.failures[i]) + "\n";
  return out;
}

}  // namespace

std::string summary_line(const RunResult& r) {
  const auto n = r.counts();
  std::string props;
  if (!r.properties.empty()) {
    std::map<VerdictKind, int> p;
    for (const auto& x : r.properties) ++p[x.verdict];
    props = fmt::format("; {} properties: {} passed, {} failed", r.properties.size(), p[VerdictKind::pass], p[VerdictKind::fail]);
    if (p[VerdictKind::error] > 0) props += fmt::format(", {} errors", p[VerdictKind::error]);
    if (p[VerdictKind::not_applicable] > 0) props += fmt::format(", {} not applicable", p[VerdictKind::not_applicable]);
  }
  std::size_t repetitions = 0;
  for (const auto& c : r.cases) repetitions = std::max(repetitions, c.repeats.size());
  for (const auto& p : r.properties) repetitions = std::max(repetitions, p.repeats.size());
  if (repetitions > 1)
    props += fmt::format("; {} repetitions: {} flaky cases, {} flaky properties", repetitions, r.flaky_cases(),
                         std::count_if(r.properties.begin(), r.properties.end(), [](const PropertyResult& p) { return p.flaky(); }));
  return fmt::format("{} cases: {} passed, {} failed, {} deviations, {} not applicable, {} errors{}; {} HTTP requests in {:.2f} s",
                     r.cases.size(), n.at(VerdictKind::pass), n.at(VerdictKind::fail), n.at(VerdictKind::deviation),
                     n.at(VerdictKind::not_applicable), n.at(VerdictKind::error), props, r.http_requests, r.wall_seconds);
}

std::string terminal_report(const RunResult& r, bool colour) {
  const Painter paint(colour);
  std::string out = fmt::format("essconf {}: {} (profile {}, spec {})\n", runner::name(r.mode), r.target, model::name(r.profile),
                                r.spec_revision);
  if (!r.run_error.empty()) return out + "the run could not happen: " + r.run_error + "\n";
  out += clause_table(r, paint);
  for (const auto& c : r.cases) {
    if ((c.verdict.kind == VerdictKind::pass || c.verdict.kind == VerdictKind::not_applicable) && !c.flaky()) continue;
    out += case_problem(c, paint);
  }
  for (const auto& p : r.properties) out += property_lines(p, paint);
  return out + "\n" + summary_line(r) + "\n";
}

}  // namespace essconf::report
