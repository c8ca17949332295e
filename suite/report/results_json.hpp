// results.json: one run as a document (schema: docs/results.md). The inverse
// of runner::parse_results (suite/runner/results_reader.hpp). It only renders:
// every decision was made by the runner.
#pragma once

#include <string>

#include "suite/runner/run.hpp"

namespace essconf::report {

std::string results_json(const runner::RunResult& result);

}  // namespace essconf::report
