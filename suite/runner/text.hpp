// Text for the documents essconf writes: JSON strings must be valid UTF-8,
// XML and HTML text may not hold most control characters. What a target sent
// may be neither.
#pragma once

#include <string>
#include <string_view>

namespace essconf::runner {

// `s` with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// Text XML 1.0 can carry: valid UTF-8 without control characters other than
// tab, LF and CR (not even as character references); the others become '?'.
std::string xml_text(std::string_view s);

}  // namespace essconf::runner
