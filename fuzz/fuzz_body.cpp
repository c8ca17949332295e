// Oracle (round trip): parse_body never crashes on any bytes. Whatever it
// reads as an error body (RequestId, Code, Message) or a success body
// (ScalingActivityId, RequestId), render_error/render_success of those fields
// in XML and in JSON parses back with no problem, the same shape and root,
// and, when the input's fields are clean (no parse problem, so valid UTF-8;
// no control bytes but tab/LF/CR, no U+FFFE/U+FFFF), exactly the same values;
// otherwise the documented U+FFFD replacements (XML values come back clean).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reference/wire/body.hpp"

namespace wire = essconf::wire;

namespace {
bool clean(std::string_view v) {
  for (unsigned char c : v)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  return v.find("\xEF\xBF\xBE") == std::string_view::npos && v.find("\xEF\xBF\xBF") == std::string_view::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = wire::parse_body({reinterpret_cast<const char*>(data), size});
  if (in.syntax != wire::Syntax::xml && in.syntax != wire::Syntax::json) return 0;
  const bool error = in.is_error_shape();
  const char* const names[] = {"RequestId", error ? "Code" : "ScalingActivityId", "Message"};
  const std::size_t count = error ? 3 : 2;
  std::string values[3];
  bool exact = in.problems.empty();
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = in.field(names[i]).value_or("");
    exact = exact && clean(values[i]);
  }
  for (const auto format : {wire::Format::xml, wire::Format::json}) {
    const auto out = error ? wire::render_error({values[0], "", values[1], values[2], ""}, format)
                           : wire::render_success({values[0], values[1]}, format);
    const auto back = wire::parse_body(out.body);
    if (!back.problems.empty() || back.is_error_shape() != (error && !values[1].empty())) std::abort();
    if (format == wire::Format::xml && back.root != (error ? "Error" : "RemoveInstancesResponse")) std::abort();
    for (std::size_t i = 0; i < count; ++i) {
      const auto got = back.field(names[i]).value_or("");
      if (exact ? got != values[i] : format == wire::Format::xml && !clean(got)) std::abort();
    }
  }
  return 0;
}
