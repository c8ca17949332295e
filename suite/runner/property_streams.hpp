// `essconf run --streams N`: the property phase as N processes against one
// target, each on its own World (the fixture protocol's isolated_worlds,
// docs/fixture-protocol.md) with its own seed and its share of the runs; their
// results are merged into one PropertyResult per property.
//
// Processes, not threads: RapidCheck keeps its generation state in static
// stacks shared by every thread (rc::detail::ImplicitParam), so two
// properties cannot run at once in one process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suite/property/properties.hpp"
#include "suite/runner/run.hpp"

namespace essconf::runner {

// One property of the phase: its name (PropertyResult::name) and how to run it.
struct PropertyCheck {
  std::string_view name;
  PropertyResult (*run)(const property::PropertyOptions&);
};

// The World stream `k` (1-based) acts on.
std::string stream_world_name(int k);

// Stream k's (1-based) options out of n: seed + k - 1, its World, and its
// share of each count (at least 1); no progress callback.
property::PropertyOptions stream_options(const property::PropertyOptions& all, int k, int n);

// One property's results from the streams (parts[k-1] from stream k) as one:
// the worst verdict, runs and requests added up, the wall time of the slowest,
// and each failure whose clause no earlier stream listed, marked with the
// stream that found it.
PropertyResult merge_streams(const std::vector<PropertyResult>& parts, std::uint64_t base_seed);

// Runs `checks` as `streams` processes and merges their results, in the order
// of `checks`; std::nullopt when the target does not list isolated_worlds (or
// its capabilities cannot be read): then the caller runs them as one stream.
// A stream that ends without results (a crash, a signal) makes each property
// an error naming it.
std::optional<std::vector<PropertyResult>> run_property_streams(const property::PropertyOptions& options,
                                                                const std::vector<PropertyCheck>& checks,
                                                                int streams);

}  // namespace essconf::runner
