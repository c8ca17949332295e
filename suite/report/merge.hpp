// What `essconf report` reads and what it renders: results.json files (or
// folders holding them) merged into one RunResult per target, at most one
// selftest.json beside them, and the reports the command asks for. The
// command line only maps flags to these and writes or prints what comes back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/json/result.hpp"
#include "suite/report/selftest_summary.hpp"
#include "suite/runner/run.hpp"

namespace essconf::report {

struct ReportInputs {
  std::vector<runner::RunResult> targets;  // one per target: slices of one run (--shard) merged
  std::optional<SelftestSummary> selftest;
};

// A folder stands for the `name` files in it and in its immediate subfolders
// (what `essconf run --out DIR` writes for one target or several, and
// `essconf selftest --out DIR`); a file stands for itself.
std::vector<std::string> expand_input(const std::string& input, const std::string& name);

// Reads every input: each folder's targets in the order they ran. A problem
// names the file (or folder) it is in.
Result<ReportInputs> read_inputs(const std::vector<std::string>& inputs);

// The files to write; "" for a report not asked for.
struct ReportFiles {
  std::string html;
  std::string markdown;
  std::string verdicts;
};

struct Rendering {
  std::string file;  // "": standard output
  std::string text;
};

// The reports `files` asks for, from the matrix of `inputs` against this
// catalog; with none asked for, the Markdown report on standard output.
std::vector<Rendering> render_reports(const ReportInputs& inputs, const ReportFiles& files);

}  // namespace essconf::report
