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

// Evidence per clause id, per target.
class Evidence {
 public:
  explicit Evidence(std::size_t targets) : targets_(targets) {}
  CellEvidence& at(const std::string& clause, std::size_t target) {
    auto& v = by_clause_[clause];
    v.resize(targets_);
    return v[target];
  }
  // A row of the matrix: the clause's evidence for each target (none: every cell untested).
  Row row(const std::string& id, const std::string& level, const std::string& rule) const {
    Row row{id, level, rule, {}};
    auto it = by_clause_.find(id);
    row.cells = it == by_clause_.end() ? std::vector<CellEvidence>(targets_) : it->second;
    row.cells.resize(targets_);
    return row;
  }
  const std::map<std::string, std::vector<CellEvidence>>& by_clause() const { return by_clause_; }

 private:
  std::size_t targets_;
  std::map<std::string, std::vector<CellEvidence>> by_clause_;
};

// A case's verdict counts for a clause as follows: a finding for its clause
// (fail or deviation); a pass for the clauses the case names and those of the
// outcome that passed; not applicable and error for the clauses the case
// names. A failing case says nothing about its other clauses.
void add_case(Evidence& evidence, std::size_t t, const runner::CaseResult& c, Figures& f, std::vector<Problem>& problems) {
  f.cases.add(cell_of(c.verdict.kind));
  const int next_problem = static_cast<int>(problems.size());
  if (c.flaky() && (c.verdict.kind == VerdictKind::pass || c.verdict.kind == VerdictKind::not_applicable)) {
    // Passed some repetitions only: a problem under the case's clauses.
    for (const auto& cl : c.case_clauses) add(evidence.at(cl, t), Cell::fail, next_problem);
    problems.push_back({&c, nullptr, VerdictKind::fail});
    return;
  }
  switch (c.verdict.kind) {
    case VerdictKind::fail:
    case VerdictKind::deviation: {
      std::set<std::string> seen;  // one count per case and clause
      for (const auto& finding : c.verdict.findings)
        if (seen.insert(finding.clause + (finding.kind == VerdictKind::fail ? "!" : "?")).second)
          add(evidence.at(finding.clause, t), cell_of(finding.kind), next_problem);
      problems.push_back({&c, nullptr, c.verdict.kind});
      break;
    }
    case VerdictKind::pass: {
      std::set<std::string> clauses(c.case_clauses.begin(), c.case_clauses.end());
      clauses.insert(c.verdict.clauses.begin(), c.verdict.clauses.end());
      for (const auto& cl : clauses) add(evidence.at(cl, t), Cell::pass);
      break;
    }
    case VerdictKind::not_applicable:
    case VerdictKind::error:
      for (const auto& cl : c.case_clauses)
        add(evidence.at(cl, t), cell_of(c.verdict.kind), c.verdict.kind == VerdictKind::error ? next_problem : -1);
      if (c.verdict.kind == VerdictKind::error) problems.push_back({&c, nullptr, c.verdict.kind});
      break;
  }
}

// Each failure of a property counts under its clauses; otherwise its verdict under its own clause.
void add_property(Evidence& evidence, std::size_t t, const runner::PropertyResult& p, model::Profile profile, Figures& f,
                  std::vector<Problem>& problems) {
  ++f.properties;
  f.properties_failed += runner::blocks(p, profile);
  if (p.clause.empty()) return;
  for (const auto& failure : p.failures) {
    for (const auto& clause : failure.clauses.empty() ? std::vector<std::string>{p.clause} : failure.clauses)
      add(evidence.at(clause, t), cell_of(failure.kind), static_cast<int>(problems.size()));
    problems.push_back({nullptr, &p, failure.kind, &failure});
  }
  if (!p.failures.empty()) return;
  if (p.verdict == VerdictKind::error || p.flaky()) {
    const VerdictKind k = p.verdict == VerdictKind::error ? VerdictKind::error : VerdictKind::fail;
    add(evidence.at(p.clause, t), cell_of(k), static_cast<int>(problems.size()));
    problems.push_back({nullptr, &p, k});
  } else {
    add(evidence.at(p.clause, t), cell_of(p.verdict));
  }
}

// The rows, grouped by the catalog's families, then a group of the clauses
// this catalog does not know (results judged against another revision).
std::vector<Group> rows_by_family(const Evidence& evidence, const model::Catalog& catalog) {
  std::vector<Group> groups;
  std::set<std::string> known;
  for (const auto& family : catalog.families) {
    Group g{family.title, {}};
    for (const auto& cl : catalog.clauses)
      if (cl.family == family.id) {
        g.rows.push_back(evidence.row(cl.id, std::string(model::name(cl.level)), cl.rule));
        known.insert(cl.id);
      }
    if (!g.rows.empty()) groups.push_back(std::move(g));
  }
  Group unknown{"Not in this catalog revision", {}};
  for (const auto& [id, cells] : evidence.by_clause())
    if (!known.count(id)) unknown.rows.push_back(evidence.row(id, "", ""));
  if (!unknown.rows.empty()) groups.push_back(std::move(unknown));
  return groups;
}

// Target `t`'s figures by clause: stated and implied clauses tested and passed, deviations, failures.
void count_clauses(Figures& f, const std::vector<Group>& groups, std::size_t t) {
  for (const auto& g : groups)
    for (const auto& row : g.rows) {
      const Cell c = row.cells[t].cell;
      const bool passed = c == Cell::pass || c == Cell::deviation;
      const bool tested = c != Cell::untested && c != Cell::not_applicable;
      if (row.level == "stated" && tested) ++f.stated, f.stated_passed += passed;
      if (row.level == "implied" && tested) ++f.implied, f.implied_passed += passed;
      f.deviations += c == Cell::deviation;
      f.failed_clauses += c == Cell::fail || c == Cell::error;
    }
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
  Evidence evidence(targets.size());
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const auto& r = targets[t];
    m.targets.push_back(&r);
    Figures f;
    std::vector<Problem> problems;
    for (const auto& c : r.cases) add_case(evidence, t, c, f, problems);
    for (const auto& p : r.properties) add_property(evidence, t, p, r.profile, f, problems);
    m.figures.push_back(f);
    m.problems.push_back(std::move(problems));
  }
  m.groups = rows_by_family(evidence, catalog);
  for (std::size_t t = 0; t < targets.size(); ++t) {
    count_clauses(m.figures[t], m.groups, t);
    m.figures[t].conformant = targets[t].conformant();
  }
  return m;
}

}  // namespace essconf::report
