// The reference server's transport: Boost.Beast HTTP/1.1 over TCP, keep-alive,
// TCP_NODELAY, a multi-threaded io_context, bounded reads and timeouts. It
// knows nothing of RemoveInstances: every complete request goes to `Handler`
// and its answer is written back. The only translation unit with Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "reference/server/http_response.hpp"
#include "reference/wire/http_request.hpp"

namespace essconf::server {

struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers; more: 431, then close
  std::size_t max_body_bytes = 64 * 1024;    // more: 413, then close
  std::chrono::milliseconds read_timeout{10'000};  // a started request must arrive whole within this
  std::chrono::milliseconds idle_timeout{30'000};  // a keep-alive connection with no request is closed
  std::size_t max_connections = 4096;              // beyond: the oldest connection that has not sent a
                                                   // byte yet is closed to make room; if every one has,
                                                   // the new one is accepted and closed at once
};

// One line per request for the log (method, action, status, code, latency).
struct RequestLog {
  std::string method;
  std::string target;  // the request-target as received (may be long; the logger trims)
  int status = 0;
  std::string_view code;  // the error Code the handler reported in the X-Essconf-Code header, or ""
  std::chrono::microseconds latency{0};
};

using Handler = std::function<HttpResponse(const wire::HttpRequest&)>;
using Logger = std::function<void(const RequestLog&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port)
  int threads = 2;
  ServerLimits limits;
};

class HttpServer {
 public:
  // Binds and listens at once; throws std::system_error with a clear message
  // when the address is bad or the port is in use.
  HttpServer(ServerOptions options, Handler handler, Logger logger = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const noexcept;  // the bound port (useful with port 0)

  // Serves on options.threads threads until stop(); returns when all threads
  // have finished. SIGINT and SIGTERM call stop() when handle_signals is true.
  void run(bool handle_signals = false);
  // Stops accepting, closes connections, makes run() return. Thread-safe;
  // may be called before, during or after run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace essconf::server
