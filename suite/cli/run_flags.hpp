// What essconf run and essconf probe share on their command lines: a target
// named by --target [LABEL=]URL, the catalog of --cases and --filter, and the
// files a finished run writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "reference/json/result.hpp"
#include "suite/runner/run.hpp"

// Where the catalog is, and the repository it is named relative to: compile
// definitions of the essconf binary (suite/CMakeLists.txt).
#ifndef ESSCONF_CASES_DIR
#define ESSCONF_CASES_DIR "fixtures/cases"
#endif
#ifndef ESSCONF_SOURCE_DIR
#define ESSCONF_SOURCE_DIR ""
#endif

namespace essconf::cli {

// The flags every run of cases has: --profile, --signature, --seed and the limits.
struct SharedRunFlags {
  model::Profile profile = model::Profile::spec;
  std::string signature = "v1";
  std::uint64_t seed = 1;
  int connect_timeout_ms = 3000;
  int request_timeout_ms = 10000;
  int run_timeout_s = 600;
  int property_runs = 300;    // generated cases of the property phase (0: none)
  bool skip_catalog = false;  // only the property phase

  // Sets the RunOptions they map to.
  void apply(runner::RunOptions& options) const;
};

// --connect-timeout-ms, --request-timeout-ms and --run-timeout-s.
void add_timeout_options(CLI::App* cmd, SharedRunFlags& flags);

// --property-runs and --skip-catalog, with what they mean to this command.
void add_property_options(CLI::App* cmd, SharedRunFlags& flags, const std::string& runs_help,
                          const std::string& skip_help);

// One --target: "[LABEL=]URL" or "[LABEL=]reference".
struct TargetSpec {
  std::string label;  // the target's name in reports; default "HOST-PORT"
  std::string url;    // "" for the embedded reference server
};

Result<TargetSpec> parse_target(const std::string& text);

// The case catalog of `cases_dir`, its files named relative to `source_dir`
// (as in the repository, wherever it was built); nullopt when a file does not
// read (each problem said on stderr after `command`).
std::optional<std::vector<runner::Case>> load_catalog(std::string_view command, const std::string& cases_dir,
                                                      const std::string& source_dir);

// Whether --filter selects the case: its id or one of its clauses matches a
// glob (every case when there is no filter).
bool selected(const runner::Case& c, const std::vector<std::string>& filters);

// DIR/results.json when `out_dir` is set, JUnit XML to `junit` when set.
// -> 0, or 2 when a file could not be written (said on stderr after `command`).
int write_run_files(std::string_view command, const std::string& out_dir, const std::string& junit,
                    const runner::RunResult& result);

}  // namespace essconf::cli
