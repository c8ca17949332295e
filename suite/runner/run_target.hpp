// One target's whole run, as `essconf run` does it for each --target: the
// embedded reference server when there is no target, the catalog, the
// property phase, --repeat, the baseline and the exit status. The command
// line only maps flags to a RunPlan and prints the RunOutcome.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reference/server/service.hpp"
#include "suite/runner/baseline.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/run.hpp"

namespace essconf::runner {

// Slice `index` of `count` of the catalog (--shard i/n); 1 of 1 is all of it.
struct Shard {
  int index = 1;
  int count = 1;
};

struct RunPlan {
  std::string target;                // the target's URL; "" for the embedded reference server
  server::ServiceOptions embedded;   // the embedded server's service (hooks: self-test faults, readings)
  std::string fixture_url;           // the fixture protocol's base URL; "" for the target's own
  // Profile, signature, seed, limits, run timeout, credentials, progress;
  // its target and fixture are set from the URLs above.
  RunOptions options;
  std::vector<Case> cases;           // the cases of this slice, in the order to run them
  Shard shard;
  int property_runs = 0;             // generated cases of the property phase; 0: no property phase
  int streams = 1;                   // property streams, each on its own World (property_streams.hpp)
  int repeat = 1;                    // runs of everything, folded into one result (repeat.hpp)
  std::optional<Baseline> baseline;
  std::string today;                 // YYYY-MM-DD, when baseline entries expire; "": today (UTC)
  std::string label;                 // the target's name in reports (RunResult::label)
  std::function<void()> on_phase;    // told as the catalog and each property start (a status line starts over)
};

struct RunOutcome {
  RunResult result;
  std::optional<BaselineReport> baseline;  // when the plan had a baseline
  std::optional<Problem> error;            // why the run could not start (none when it did)
  int exit_status = 2;                     // 0 conformant, 1 not conformant, 2 the run could not happen
};

// The property phase is not split into slices: slice 1 of n runs it.
bool runs_property_phase(const RunPlan& plan) noexcept;

// Never throws for anything the target does.
RunOutcome run_target(const RunPlan& plan);

}  // namespace essconf::runner
