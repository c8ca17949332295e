// The compatibility matrix: clauses (rows, grouped as in the catalog) by
// targets (columns), each cell what that target's cases and properties showed
// for that clause, and each target's conformance figures. Pure: the HTML and
// Markdown reports only render it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "reference/model/catalog.hpp"
#include "suite/report/selftest_summary.hpp"
#include "suite/runner/run.hpp"

namespace essconf::report {

// Worst first: a cell shows the worst evidence any case or property gave.
// `untested` ("not judged"): no case or property gave a verdict on the clause,
// because none reached it or every one that did failed on another clause.
enum class Cell { fail, error, deviation, pass, not_applicable, untested };
std::string_view name(Cell c) noexcept;
inline constexpr std::array kCells{Cell::fail, Cell::error, Cell::deviation, Cell::pass, Cell::not_applicable, Cell::untested};

// How many cases or properties gave each Cell, indexed by the Cell itself.
class CellCounts {
 public:
  void add(Cell c) noexcept { ++n_[static_cast<std::size_t>(c)]; }
  int operator[](Cell c) const noexcept { return n_[static_cast<std::size_t>(c)]; }

 private:
  std::array<int, kCells.size()> n_{};
};

struct CellEvidence {
  Cell cell = Cell::untested;
  CellCounts counts;            // cases and properties by the verdict they gave
  int first_problem = -1;       // index in Matrix::problems[target] of the first fail, deviation or error here
};

struct Row {
  std::string clause;
  std::string level;  // stated, implied, convention, open ("" for a clause this catalog does not know)
  std::string rule;
  std::vector<CellEvidence> cells;  // one per target
};

struct Group {
  std::string title;
  std::vector<Row> rows;
};

// What went wrong, for the failure listings: a case, or one failure of a
// property (failure is null when the property erred or was flaky).
struct Problem {
  const runner::CaseResult* case_result = nullptr;
  const runner::PropertyResult* property = nullptr;
  runner::VerdictKind kind;
  const runner::PropertyFailure* failure = nullptr;

  std::string id() const;  // unique within a target: the case id, or the property's name and clause
};

struct Figures {
  int stated = 0, stated_passed = 0;    // stated clauses with evidence, and those that passed (or deviated)
  int implied = 0, implied_passed = 0;
  int deviations = 0;                   // clauses with a deviation
  int failed_clauses = 0;               // clauses with a fail or an error
  CellCounts cases;                     // cases by verdict
  int properties = 0, properties_failed = 0;
  bool conformant = false;              // the run happened; no fail, no error, no failed property
                                        // (and, under the strict profile, no deviation)
};

struct Matrix {
  std::string spec_revision;            // the catalog's
  std::vector<const runner::RunResult*> targets;
  std::vector<Group> groups;
  std::vector<Figures> figures;          // one per target
  std::vector<std::vector<Problem>> problems;  // one list per target, in case order then properties
  std::optional<SelftestSummary> selftest;     // the suite's own strength, when a selftest.json was given
};

// `targets` must outlive the matrix.
Cell cell_of(runner::VerdictKind k) noexcept;

Matrix build_matrix(const std::vector<runner::RunResult>& targets, const model::Catalog& catalog);

}  // namespace essconf::report
