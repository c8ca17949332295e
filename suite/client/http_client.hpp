// The suite's HTTP client for targets: sends a wire::HttpRequest exactly as
// given (the bytes the report shows are the bytes sent) over a kept-alive
// connection, and turns whatever comes back, or does not, into an Exchange.
// It never throws for anything a target does, never follows redirects, and
// never waits or reads without bound. The only suite translation unit with Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/http_request.hpp"
#include "suite/client/url.hpp"

namespace essconf::client {

struct ClientLimits {
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds request_timeout{10'000};  // from the first byte written to the last byte read
  std::size_t max_response_bytes = 4 * 1024 * 1024;   // headers + body
};

// What happened to one request.
enum class TransportError {
  none,
  connect_failed,    // refused, unreachable, or connect_timeout
  timeout,           // no complete response within request_timeout
  reset,             // the connection closed or reset before a complete response
  not_http,          // bytes that are not an HTTP/1.x response
  too_large,         // the response is larger than max_response_bytes
};

std::string_view describe(TransportError e) noexcept;

struct Exchange {
  TransportError error = TransportError::none;
  std::string error_detail;  // for a person: what the target did ("sent 4 MiB and more", "closed after 12 bytes")
  int status = 0;
  std::vector<wire::Header> headers;
  std::string body;
  std::chrono::microseconds elapsed{0};

  std::string_view header(std::string_view name) const noexcept;  // first, case-insensitive, or ""
};

// Whether a request a kept-alive connection dropped without a byte of answer
// goes again on a fresh connection. The server may have closed the idle
// connection just as the request went (it never saw it), or read the request
// and closed without answering (it may have acted on it). Only a request that
// is safe to repeat may be resent: the fixture protocol's. A RemoveInstances
// call never is (RFC 9110 9.2.2: it is not idempotent, whatever its method),
// and resending it would hide the dropped answer behind a replayed nonce.
enum class Resend { never, when_dropped };

class HttpClient {
 public:
  HttpClient(Url url, ClientLimits limits = {}, Resend resend = Resend::never);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends `request` as to_http_bytes(request) (no header added: callers set
  // Host, Content-Length and Content-Type themselves, see with_transport_headers)
  // on the kept-alive connection, reconnecting first if the previous one was
  // closed. `deadline` caps the whole exchange (the run's time budget).
  Exchange send(const wire::HttpRequest& request,
                std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

  // Adds `header` to every request sent from now on, after the request's own
  // headers: `Conformance-World: NAME` for a property stream on its own World
  // (docs/fixture-protocol.md, isolated_worlds). The bytes a report shows are
  // the request's without it, so that they replay on the default World.
  void add_to_every_request(wire::Header header);

  std::uint64_t requests_sent() const noexcept;
  const Url& url() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The request with the headers HTTP/1.1 needs for `url` added when absent:
// Host, Content-Length (when there is a body or the method is POST/PUT), and
// User-Agent: essconf/<version>.
wire::HttpRequest with_transport_headers(wire::HttpRequest request, const Url& url);

}  // namespace essconf::client
