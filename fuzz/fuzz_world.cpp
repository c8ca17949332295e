// Oracle (round trip): any bytes either are rejected with a JSON path and a
// reason, or give a World that writes to JSON and parses back equal.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reference/model/world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = essconf::model::parse_world({reinterpret_cast<const char*>(data), size});
  if (!parsed.world) {
    if (parsed.path.empty() || parsed.path[0] != '$' || parsed.error.empty()) std::abort();
    return 0;
  }
  const auto again = essconf::model::parse_world(essconf::model::to_json(*parsed.world));
  if (!again.world || !(*again.world == *parsed.world)) std::abort();
  return 0;
}
