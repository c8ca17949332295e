// The head of an HTTP/1.x message as raw peers read it: the start line and
// the field lines, nothing checked beyond their shape. The peers that speak
// HTTP by hand (the client's test servers, the hostile server, serve_attack's
// response reader) read heads with this one function.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/json/result.hpp"

namespace essconf::raw {

struct Field {
  std::string name;
  std::string value;  // without the whitespace around it
};

struct Head {
  std::string start_line;
  std::vector<Field> fields;  // in order, repeats kept

  bool has(std::string_view name) const noexcept;
  std::string_view field(std::string_view name) const noexcept;  // the first, case-insensitive, or ""
};

// The message's head: the bytes before its CRLF CRLF (that excluded). Each
// field line needs a colon; otherwise the problem quotes the line.
Result<Head> parse_head(std::string_view head);

// Content-Length's value as a number: nullopt when it is not 1 to 18 digits.
std::optional<std::size_t> parse_length(std::string_view value) noexcept;

}  // namespace essconf::raw
