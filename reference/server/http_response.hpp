// An HTTP response as the reference service decides it, before any socket.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/http_request.hpp"

namespace essconf::server {

struct HttpResponse {
  int status = 200;
  std::vector<wire::Header> headers;  // Content-Type among them; Content-Length is the transport's
  std::string body;
  bool close = false;    // ask the transport to close the connection after this response
  bool chunked = false;  // ask the transport for chunked framing (HTTP/1.1) instead of Content-Length
  bool drop = false;     // close the connection without answering (the reference never does; a self-test fault can)

  // The first header with this name (ASCII case-insensitive), or "".
  std::string_view header(std::string_view name) const noexcept { return wire::header_value(headers, name); }
};

}  // namespace essconf::server
