// The Markdown report, for a pull-request comment: the targets' figures, the
// clauses that did not pass everywhere, and as many failure details (in
// <details> blocks) as fit.
#include <algorithm>

#include <fmt/format.h>

#include "suite/report/blocks.hpp"
#include "suite/report/reports.hpp"
#include "suite/runner/text.hpp"

namespace essconf::report {
namespace {

// Text for one table cell: one line, no unescaped pipe.
std::string cell_text(std::string_view s) {
  std::string out;
  for (char c : runner::xml_text(s)) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r' || c == '\t') out += ' ';
    else out += c;
  }
  return out;
}

// A fenced block that no backtick run inside `text` can close.
std::string fenced(std::string_view info, std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fmt::format("{}{}\n{}\n{}\n", fence, info, runner::xml_text(text), fence);
}

std::string case_details(const runner::RunResult& r, const runner::CaseResult& c) {
  std::string out = fmt::format("<details><summary><b>{}</b> · {} {}: {}</summary>\n\n", cell_text(runner::display_name(r)),
                                runner::name(c.verdict.kind), cell_text(c.id), cell_text(c.verdict.summary));
  if (!c.baseline_reason.empty()) out += "Known, excused by the baseline: " + cell_text(c.baseline_reason) + "\n\n";
  if (c.flaky()) out += runner::flaky_text(c.repeats) + "\n\n";
  if (!c.verdict.findings.empty()) {
    out += "| finding | clause | the documentation allows | the target did |\n| --- | --- | --- | --- |\n";
    for (const auto& f : c.verdict.findings)
      out += fmt::format("| {} | `{}` | {} | {} |\n", runner::name(f.kind), cell_text(f.clause), cell_text(excerpt(f.expected, 300)),
                         cell_text(excerpt(f.observed, 300)));
    out += "\n";
  }
  if (!c.curl.empty()) out += fenced("sh", excerpt(c.curl, 2000));
  out += "World before:\n\n" + fenced("json", excerpt(pretty_json(c.world_before), 3000));
  return out + "</details>\n";
}

std::string property_details(const runner::RunResult& r, const Problem& p) {
  const std::string clause = p.failure ? p.property->clause_of(*p.failure) : p.property->clause;
  std::string body = p.property->flaky() ? runner::flaky_text(p.property->repeats) + "\n\n" : "";
  if (p.failure) body += fenced("", excerpt(p.failure->detail, 4000));
  return fmt::format("<details><summary><b>{}</b> · {} {} ({}): {}</summary>\n\n{}</details>\n",
                     cell_text(runner::display_name(r)), runner::name(p.kind), cell_text(p.property->name), cell_text(clause),
                     cell_text(p.failure ? p.failure->summary : p.property->summary), body);
}

// The suite's own strength (essconf selftest), under the targets' table.
std::string selftest_lines(const SelftestSummary& s) {
  std::string out = fmt::format(
      "\nThe suite's own strength (essconf selftest, seed {}, {} property runs): faults caught under their own clause "
      "**{} of {}**; readings passed **{} of {}**.\n",
      s.seed, s.property_runs, s.faults_caught, s.faults, s.readings_passed, s.readings);
  for (const auto& miss : s.misses) {
    std::string failing;
    for (const auto& c : miss.failing_clauses) failing += (failing.empty() ? "" : ", ") + c;
    out += fmt::format("- {} `{}` (`{}`): exit {}, failing {}\n", miss.kind, cell_text(miss.name), cell_text(miss.clause),
                       miss.exit_status, failing.empty() ? "nothing" : cell_text(failing));
  }
  return out;
}

}  // namespace

std::string markdown_report(const Matrix& m, std::size_t max_bytes) {
  std::string out = "## RemoveInstances conformance (essconf)\n\n";
  out += fmt::format("Clause catalog: {}.\n\n", cell_text(m.spec_revision));
  out += "| target | verdict | stated clauses | implied clauses | deviations | cases: pass / fail / deviation / n/a / error | properties |\n";
  out += "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (std::size_t t = 0; t < m.targets.size(); ++t) {
    const auto& r = *m.targets[t];
    const auto& f = m.figures[t];
    const auto verdict = target_verdict(r, f);
    const std::string name = runner::display_name(r) + (r.mode == runner::RunMode::probe ? " (probe)" : "");
    out += fmt::format("| {} | {}{} | {}/{} | {}/{} | {} | {} / {} / {} / {} / {} | {} |\n", cell_text(name),
                       verdict == "conformant" ? "✅ " : "❌ ", verdict, f.stated_passed, f.stated, f.implied_passed, f.implied,
                       f.deviations, f.cases[Cell::pass], f.cases[Cell::fail], f.cases[Cell::deviation],
                       f.cases[Cell::not_applicable], f.cases[Cell::error],
                       f.properties == 0 ? std::string("-") : fmt::format("{}/{}", f.properties - f.properties_failed, f.properties));
  }
  if (m.selftest) out += selftest_lines(*m.selftest);
  // Only the clauses some target did not pass.
  std::string rows;
  for (const auto& g : m.groups)
    for (const auto& row : g.rows) {
      const bool notable = std::any_of(row.cells.begin(), row.cells.end(), [](const CellEvidence& e) {
        return e.cell == Cell::fail || e.cell == Cell::error || e.cell == Cell::deviation;
      });
      if (!notable) continue;
      rows += fmt::format("| `{}` | {} |", cell_text(row.clause), row.level.empty() ? "?" : row.level);
      for (const auto& e : row.cells) rows += fmt::format(" {} |", cell_label(e.cell));
      rows += "\n";
    }
  if (rows.empty()) {
    out += "\nEvery clause a case or property reached passed on every target.\n";
  } else {
    out += "\n### Clauses not passed everywhere\n\n| clause | level |";
    for (const auto* r : m.targets) out += " " + cell_text(runner::display_name(*r)) + " |";
    out += "\n| --- | --- |";
    for (std::size_t t = 0; t < m.targets.size(); ++t) out += " --- |";
    out += "\n" + rows;
  }
  std::vector<std::string> details;
  for (std::size_t t = 0; t < m.targets.size(); ++t)
    for (const auto& p : m.problems[t])
      details.push_back(p.case_result ? case_details(*m.targets[t], *p.case_result) : property_details(*m.targets[t], p));
  if (!details.empty()) {
    out += fmt::format("\n### Problems ({})\n\n", details.size());
    std::size_t shown = 0;
    for (const auto& d : details) {
      // Room for this block and the closing note.
      if (out.size() + d.size() + 200 > max_bytes) break;
      out += d;
      ++shown;
    }
    if (shown < details.size())
      out += fmt::format("\n{} more not shown here; the HTML report and results.json have them all.\n", details.size() - shown);
  }
  return out;
}

}  // namespace essconf::report
