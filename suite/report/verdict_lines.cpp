// The verdict lines: one per target and case or property, sorted; what two
// runs are compared by when their timings, ports and nonces differ.
#include <algorithm>

#include <fmt/format.h>

#include "suite/report/reports.hpp"
#include "suite/runner/results_reader.hpp"
#include "suite/runner/text.hpp"

namespace essconf::report {

std::string verdict_lines(const Matrix& m) {
  std::vector<std::string> lines;
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
  };
  for (const auto* r : m.targets) {
    const std::string who = runner::display_name(*r);
    for (const auto& c : r->cases)
      lines.push_back(fmt::format("{}\tcase\t{}\t{}{}\t{}\n", who, c.id, runner::name(c.verdict.kind), c.flaky() ? " (flaky)" : "",
                                  join(c.verdict.kind == runner::VerdictKind::pass ? c.case_clauses : c.verdict.clauses)));
    for (const auto& p : r->properties) {
      std::vector<std::string> clauses;
      for (const auto& f : p.failures) clauses.push_back(p.clause_of(f));
      if (clauses.empty()) clauses.push_back(p.clause);
      lines.push_back(fmt::format("{}\tproperty\t{}\t{}{}\t{}\n", who, p.name, runner::name(p.verdict),
                                  p.flaky() ? " (flaky)" : "", join(clauses)));
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += runner::xml_text(l);
  return out;
}

}  // namespace essconf::report
