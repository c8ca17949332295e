// A request Beast has parsed, as the wire::HttpRequest the service takes: the
// one conversion the transport (http_server.cpp) and the fuzz harness
// (fuzz/fuzz_server.cpp) share, so the fuzzer sees what the server sees.
// Header-only on purpose: both callers are Beast translation units already,
// and a separate one would cost a Beast compile of its own.
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <utility>

#include <boost/beast/http/message.hpp>

#include "reference/wire/http_request.hpp"

namespace essconf::server {

// Method and target as sent, every field in order (repeats kept), and `body`.
inline wire::HttpRequest to_wire(const boost::beast::http::request_header<>& header, std::string body) {
  wire::HttpRequest request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.headers.reserve(static_cast<std::size_t>(std::distance(header.begin(), header.end())));
  for (const auto& field : header)
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  request.body = std::move(body);
  return request;
}

}  // namespace essconf::server
