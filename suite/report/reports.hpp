// The compatibility reports of a Matrix: one self-contained HTML page (inline
// CSS, charts as inline SVG, no network, printable) and Markdown short enough
// for a pull-request comment. Both are pure functions of the matrix: the same
// results give the same bytes.
#pragma once

#include <cstddef>
#include <string>

#include "suite/report/matrix.hpp"

namespace essconf::report {

std::string html_report(const Matrix& m);

// At most `max_bytes` (GitHub refuses comments over 65,536 characters): the
// failure details are cut first, with a note saying how many were left out.
std::string markdown_report(const Matrix& m, std::size_t max_bytes = 60000);

// One tab-separated line per target and case or property, sorted: target,
// "case" or "property", id, verdict, clauses (comma-separated). What two runs
// are compared by when their timings, ports and nonces differ.
std::string verdict_lines(const Matrix& m);

}  // namespace essconf::report
