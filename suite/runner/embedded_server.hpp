// The embedded reference server: essconf serve's service on a free loopback
// port, on its own thread, for as long as the object lives. Used when a
// command is given no --target (run_target.hpp, essconf fuzz), and (with
// hooks) by essconf selftest and the property tests.
#pragma once

#include <string>
#include <thread>

#include <fmt/format.h>

#include "reference/server/http_server.hpp"
#include "reference/server/service.hpp"
#include "suite/client/url.hpp"

namespace essconf::runner {

class EmbeddedServer {
 public:
  explicit EmbeddedServer(server::ServiceOptions options = {}, int threads = 2)
      : service_(model::World{}, std::move(options)),
        http_({"127.0.0.1", 0, threads, {}}, [this](const wire::HttpRequest& r) { return service_.handle(r); }),
        thread_([this] { http_.run(false); }) {}
  ~EmbeddedServer() {
    http_.stop();
    thread_.join();
  }
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  std::string url() const { return fmt::format("http://127.0.0.1:{}", http_.port()); }
  client::Url address() const { return {"127.0.0.1", http_.port(), ""}; }

 private:
  server::Service service_;
  server::HttpServer http_;
  std::thread thread_;
};

}  // namespace essconf::runner
