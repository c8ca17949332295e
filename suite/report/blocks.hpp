// Text blocks both reports show: pretty JSON, bounded excerpts, cell labels.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "suite/report/matrix.hpp"
#include "suite/runner/results_reader.hpp"

namespace essconf::report {

// A JSON document indented two spaces per level; text that is not JSON as it is.
std::string pretty_json(std::string_view text);

// At most `limit` bytes of `text` (cut at a UTF-8 boundary), with a note
// that the rest is in results.json when it was cut.
std::string excerpt(std::string_view text, std::size_t limit);

// "✔ pass", "✘ fail", ...: a cell as a glyph and a word (the glyph alone is not enough in print).
std::string_view cell_label(Cell c) noexcept;

// "3 pass · 1 fail": what a cell's evidence counted ("" for none).
std::string evidence_counts(const CellEvidence& e);

// "essconf-results" verdict of a target: "conformant", "not conformant", "run error".
std::string_view target_verdict(const runner::RunResult& r, const Figures& f) noexcept;

}  // namespace essconf::report
