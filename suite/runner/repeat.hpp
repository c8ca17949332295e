// `essconf run --repeat N`: the same cases and properties, with the same seed,
// run N times against one target, folded into one result that says how
// stable each verdict was. A flaky case or property (verdicts that differ
// between repetitions) blocks the gate (runner::blocks).
#pragma once

#include <vector>

#include "suite/runner/run.hpp"

namespace essconf::runner {

// How bad a verdict is, for picking the one a folded result shows:
// fail > error > deviation > not applicable > pass.
int severity(VerdictKind k) noexcept;

// Folds the repetitions of one run (same cases, same order, same seed) into
// one: each case and property gets `repeats` (its verdict in every
// repetition) and otherwise the result of the repetition where its verdict was
// worst, so its reproducer is that of the failure. Counters add up. A case or
// property missing from a repetition (its time ran out) counts as an error
// there. With one repetition, returns it unchanged (repeats stay empty).
RunResult fold_repeats(std::vector<RunResult> runs);

}  // namespace essconf::runner
