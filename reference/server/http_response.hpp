// An HTTP response as the reference service decides it, before any socket.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/http_request.hpp"

namespace essconf::server {

struct HttpResponse {
  int status = 200;
  std::vector<wire::Header> headers;  // Content-Type among them; Content-Length is the transport's
  std::string body;
  bool close = false;  // ask the transport to close the connection after this response

  // The first header with this name (ASCII case-insensitive), or "".
  std::string_view header(std::string_view name) const noexcept {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (const auto& h : headers)
      if (h.name.size() == name.size() &&
          std::equal(h.name.begin(), h.name.end(), name.begin(), [&](char a, char b) { return lower(a) == lower(b); }))
        return h.value;
    return {};
  }
};

}  // namespace essconf::server
