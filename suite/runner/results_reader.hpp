// Reads results.json (docs/results.md) back into RunResults, and merges the
// results of `--shard` slices of one target: the input of `essconf report`.
// The inverse of results_json: results_json(read) gives back the same document.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suite/runner/run.hpp"

namespace essconf::runner {

// One results document, or the first problem with its JSON path
// ("$.cases[3].verdict: ...").
Result<RunResult> parse_results(std::string_view json);

// The results of one target, one per target: documents with the same label
// (or, without labels, the same target URL) are slices of one run and merge
// into one. Slices must agree on the spec revision, profile and seed and may
// not both hold a case or a property. `names[i]` names `results[i]` in
// problems (its file).
Result<std::vector<RunResult>> merge_results(std::vector<RunResult> results, const std::vector<std::string>& names);

// The name a target goes by in reports: its label, else its URL.
std::string display_name(const RunResult& r);

}  // namespace essconf::runner
