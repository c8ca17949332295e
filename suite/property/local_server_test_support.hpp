// Test support for the property tests: the reference service, with any
// hooks, on 127.0.0.1:<any port>, in this process.
#pragma once

#include <memory>
#include <thread>

#include "reference/server/http_server.hpp"
#include "reference/server/service.hpp"
#include "suite/client/http_client.hpp"

namespace essconf::property {

// The reference service on 127.0.0.1:<any port>, 4 threads, in this process.
class LocalServer {
 public:
  explicit LocalServer(server::ServiceOptions service_options = {})
      : service_(model::World{}, std::move(service_options)) {
    server::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 4;
    server_ = std::make_unique<server::HttpServer>(options, [this](const wire::HttpRequest& r) { return service_.handle(r); });
    thread_ = std::thread([this] { server_->run(); });
  }
  ~LocalServer() {
    server_->stop();
    thread_.join();
  }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  client::Url url() const { return {"127.0.0.1", server_->port(), ""}; }

 private:
  server::Service service_;
  std::unique_ptr<server::HttpServer> server_;
  std::thread thread_;
};

}  // namespace essconf::property
