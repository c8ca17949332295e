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

// One results document. On failure: nullopt, and `error` names the JSON
// path of the first problem ("$.cases[3].verdict: ...").
std::optional<RunResult> parse_results(std::string_view json, std::string& error);

// The results of one target, one per target: documents with the same label
// (or, without labels, the same target URL) are slices of one run and merge
// into one. Slices must agree on the spec revision, profile and seed and may
// not both hold a case or a property. On failure: nullopt and `error`.
// `names[i]` names `results[i]` in messages (its file).
std::optional<std::vector<RunResult>> merge_results(std::vector<RunResult> results,
                                                    const std::vector<std::string>& names, std::string& error);

// The name a target goes by in reports: its label, else its URL.
std::string display_name(const RunResult& r);

}  // namespace essconf::runner
