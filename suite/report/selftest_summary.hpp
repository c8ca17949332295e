// What `essconf selftest` found of the suite's own strength (selftest.json):
// faults caught under their own clause out of all faults, readings passed out
// of all readings, and each run that was not as required. The reports show it
// beside the vendors' columns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/json/result.hpp"

namespace essconf::report {

struct SelftestMiss {
  std::string kind;    // "fault" or "reading"
  std::string name;    // the --fault or --reading spelling
  std::string clause;  // the clause it breaks (a fault) or reads (a reading)
  int exit_status = 0;
  std::vector<std::string> failing_clauses;
};

struct SelftestSummary {
  int faults = 0, faults_caught = 0;
  int readings = 0, readings_passed = 0;
  std::uint64_t seed = 0;
  int property_runs = 0;
  std::vector<SelftestMiss> misses;  // the runs that were not as required
};

// The summary of a selftest.json, or the first problem with its JSON path.
Result<SelftestSummary> parse_selftest(std::string_view json);

}  // namespace essconf::report
