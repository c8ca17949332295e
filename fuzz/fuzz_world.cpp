// Oracle (round trip): any bytes either are rejected with a JSON path and a
// reason, or give a World that writes to JSON and parses back equal.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reference/model/world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = essconf::model::parse_world({reinterpret_cast<const char*>(data), size});
  if (!parsed) {
    if (parsed.problem().path.empty() || parsed.problem().path[0] != '$' || parsed.problem().message.empty()) std::abort();
    return 0;
  }
  const auto again = essconf::model::parse_world(essconf::model::to_json(*parsed));
  if (!again || !(*again == *parsed)) std::abort();
  return 0;
}
