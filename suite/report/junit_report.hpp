// JUnit XML of one run, for CI: the cases, and each property once per distinct
// failure. It only renders: runner::blocks decides what is a failure.
#pragma once

#include <string>

#include "suite/runner/run.hpp"

namespace essconf::report {

std::string junit_xml(const runner::RunResult& result);

}  // namespace essconf::report
