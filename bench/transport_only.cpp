// essconf serve's transport with a handler that does nothing (a fixed 400
// JSON error, the size of the reference's): separates the cost of the HTTP
// layer from the cost of the service in scripts/bench.
// Usage: transport_only PORT THREADS
#include <cstdio>
#include <cstdlib>

#include "reference/server/http_server.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: transport_only PORT THREADS\n");
    return 2;
  }
  essconf::server::ServerOptions options;
  options.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  options.threads = std::max(1, std::atoi(argv[2]));
  essconf::server::HttpResponse fixed;
  fixed.status = 400;
  fixed.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  fixed.body =
      R"({"RequestId":"185F59F4-59A9-4D74-BF8E-C707E590E82E","HostId":"ess.essconf.local","Code":"InvalidInstanceId.NotFound",)"
      R"("Message":"Instance \"i-demo-none\" does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound&product=Ess"})";
  essconf::server::HttpServer server(options, [&](const essconf::wire::HttpRequest&) { return fixed; }, {});
  server.run(/*handle_signals=*/true);
}
