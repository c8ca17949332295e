// The property phase of essconf run: the differential property (generated
// cases judged by the model through the catalog's own pipeline), the
// stateful one (sequences of commands, shrunk to a minimal sequence), and the
// concurrency check. Each ends as a PropertyResult suite/report renders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suite/runner/run.hpp"

namespace essconf::property {

using runner::PropertyResult;

struct PropertyOptions {
  runner::RunOptions run;
  int differential_runs = 300;  // generated cases
  int stateful_runs = 30;       // command sequences
  int concurrency_rounds = 10;  // rounds of parallel calls
};

PropertyResult check_differential(const PropertyOptions& options);
PropertyResult check_stateful(const PropertyOptions& options);
PropertyResult check_concurrency_property(const PropertyOptions& options);

}  // namespace essconf::property
