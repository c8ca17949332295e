// A target's URL: http://host[:port][/base-path]. The one URL parser of the
// suite and its tools (essconf run/fuzz targets, serve_attack); no Beast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reference/json/result.hpp"

namespace essconf::client {

// http://host[:port][/base-path]; https is not supported (a clear error).
struct Url {
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;  // "" or "/prefix" without a trailing slash

  std::string origin() const;       // "http://host:port"
  std::string host_header() const;  // "host[:port]", the port only when not 80
};

// Parses a target URL; a problem is a sentence for a person ("https is not
// supported", "no host", "bad port").
Result<Url> parse_url(std::string_view text);

}  // namespace essconf::client
