// What essconf run prints: the table by clause, the non-passing cases with
// their reproducer, the properties, and the summary line.
#pragma once

#include <string>

#include "suite/runner/run.hpp"

namespace essconf::report {

// `colour`: ANSI colours (for a terminal).
std::string terminal_report(const runner::RunResult& result, bool colour);
// "N cases: ... ; R HTTP requests in T s" alone.
std::string summary_line(const runner::RunResult& result);

}  // namespace essconf::report
