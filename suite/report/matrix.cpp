#include "suite/report/matrix.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace essconf::report {
namespace {

using runner::VerdictKind;

// Adds one piece of evidence to a cell: the cell shows the worst.
// `problem`: the index of the problem listing this evidence comes from, if any.
void add(CellEvidence& e, Cell c, int problem = -1) {
  e.counts.add(c);
  e.cell = std::min(e.cell, c);
  if (e.first_problem < 0) e.first_problem = problem;
}

}  // namespace

std::string_view name(Cell c) noexcept {
  switch (c) {
    case Cell::fail: return "fail";
    case Cell::error: return "error";
    case Cell::deviation: return "deviation";
    case Cell::pass: return "pass";
    case Cell::not_applicable: return "not applicable";
    case Cell::untested: return "not judged";
  }
  return "?";
}

Cell cell_of(VerdictKind k) noexcept {
  switch (k) {
    case VerdictKind::pass: return Cell::pass;
    case VerdictKind::deviation: return Cell::deviation;
    case VerdictKind::fail: return Cell::fail;
    case VerdictKind::not_applicable: return Cell::not_applicable;
    case VerdictKind::error: return Cell::error;
  }
  return Cell::error;
}

std::string Problem::id() const {
  if (case_result != nullptr) return case_result->id;
  return property->name + (failure != nullptr ? "." + property->clause_of(*failure) : "");
}

Matrix build_matrix(const std::vector<runner::RunResult>& targets, const model::Catalog& catalog) {
  Matrix m;
  m.spec_revision = catalog.revision;
  // Evidence per clause id, per target. A case's verdict counts for a clause
  // as follows: a finding for its clause (fail or deviation); a pass for the
  // clauses the case names and those of the outcome that passed; not
  // applicable and error for the clauses the case names. A failing case says
  // nothing about its other clauses.
  std::map<std::string, std::vector<CellEvidence>> evidence;
  auto at = [&](const std::string& clause, std::size_t t) -> CellEvidence& {
    auto& v = evidence[clause];
    v.resize(targets.size());
    return v[t];
  };
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const auto& r = targets[t];
    m.targets.push_back(&r);
    Figures f;
    std::vector<Problem> problems;
    for (const auto& c : r.cases) {
      f.cases.add(cell_of(c.verdict.kind));
      if (c.flaky() && (c.verdict.kind == VerdictKind::pass || c.verdict.kind == VerdictKind::not_applicable)) {
        // Passed some repetitions only: a problem under the case's clauses.
        for (const auto& cl : c.case_clauses) add(at(cl, t), Cell::fail, static_cast<int>(problems.size()));
        problems.push_back({&c, nullptr, VerdictKind::fail});
        continue;
      }
      switch (c.verdict.kind) {
        case VerdictKind::fail:
        case VerdictKind::deviation: {
          std::set<std::string> seen;  // one count per case and clause
          const int problem = static_cast<int>(problems.size());
          for (const auto& finding : c.verdict.findings)
            if (seen.insert(finding.clause + (finding.kind == VerdictKind::fail ? "!" : "?")).second)
              add(at(finding.clause, t), cell_of(finding.kind), problem);
          problems.push_back({&c, nullptr, c.verdict.kind});
          break;
        }
        case VerdictKind::pass: {
          std::set<std::string> clauses(c.case_clauses.begin(), c.case_clauses.end());
          clauses.insert(c.verdict.clauses.begin(), c.verdict.clauses.end());
          for (const auto& cl : clauses) add(at(cl, t), Cell::pass);
          break;
        }
        case VerdictKind::not_applicable:
        case VerdictKind::error:
          for (const auto& cl : c.case_clauses)
            add(at(cl, t), cell_of(c.verdict.kind),
                c.verdict.kind == VerdictKind::error ? static_cast<int>(problems.size()) : -1);
          if (c.verdict.kind == VerdictKind::error) problems.push_back({&c, nullptr, c.verdict.kind});
          break;
      }
    }
    for (const auto& p : r.properties) {
      ++f.properties;
      f.properties_failed += p.blocks();
      if (p.clause.empty()) continue;
      for (const auto& failure : p.failures) {
        for (const auto& clause : failure.clauses.empty() ? std::vector<std::string>{p.clause} : failure.clauses)
          add(at(clause, t), cell_of(failure.kind), static_cast<int>(problems.size()));
        problems.push_back({nullptr, &p, failure.kind, &failure});
      }
      if (!p.failures.empty()) continue;
      if (p.verdict == VerdictKind::error || p.flaky()) {
        const VerdictKind k = p.verdict == VerdictKind::error ? VerdictKind::error : VerdictKind::fail;
        add(at(p.clause, t), cell_of(k), static_cast<int>(problems.size()));
        problems.push_back({nullptr, &p, k});
      } else {
        add(at(p.clause, t), cell_of(p.verdict));
      }
    }
    m.figures.push_back(f);
    m.problems.push_back(std::move(problems));
  }

  auto row_for = [&](const std::string& id, const std::string& level, const std::string& rule) {
    Row row{id, level, rule, {}};
    auto it = evidence.find(id);
    row.cells = it == evidence.end() ? std::vector<CellEvidence>(targets.size()) : it->second;
    row.cells.resize(targets.size());
    return row;
  };
  std::set<std::string> known;
  for (const auto& family : catalog.families) {
    Group g{family.title, {}};
    for (const auto& cl : catalog.clauses)
      if (cl.family == family.id) {
        g.rows.push_back(row_for(cl.id, std::string(model::name(cl.level)), cl.rule));
        known.insert(cl.id);
      }
    if (!g.rows.empty()) m.groups.push_back(std::move(g));
  }
  // Results judged against another revision of the catalog may name clauses this one does not know.
  Group unknown{"Not in this catalog revision", {}};
  for (const auto& [id, cells] : evidence)
    if (!known.count(id)) unknown.rows.push_back(row_for(id, "", ""));
  if (!unknown.rows.empty()) m.groups.push_back(std::move(unknown));

  for (std::size_t t = 0; t < targets.size(); ++t) {
    auto& f = m.figures[t];
    for (const auto& g : m.groups)
      for (const auto& row : g.rows) {
        const Cell c = row.cells[t].cell;
        const bool passed = c == Cell::pass || c == Cell::deviation;
        const bool tested = c != Cell::untested && c != Cell::not_applicable;
        if (row.level == "stated" && tested) ++f.stated, f.stated_passed += passed;
        if (row.level == "implied" && tested) ++f.implied, f.implied_passed += passed;
        f.deviations += c == Cell::deviation;
        f.failed_clauses += c == Cell::fail || c == Cell::error;
      }
    f.conformant = targets[t].conformant();
  }
  return m;
}

}  // namespace essconf::report
