// Renderers of a RunResult. They only render: every decision was made by the
// runner. Schema of the results JSON: docs/results.md.
#pragma once

#include <string>

#include "suite/runner/files.hpp"
#include "suite/runner/run.hpp"

namespace essconf::runner {

std::string results_json(const RunResult& result);
std::string junit_xml(const RunResult& result);
// The table by clause, the non-passing cases with their reproducer, and the
// summary line. `colour`: ANSI colours (for a terminal).
std::string terminal_report(const RunResult& result, bool colour);
// "N cases: ... ; R HTTP requests in T s" alone.
std::string summary_line(const RunResult& result);

}  // namespace essconf::runner
