// Oracle (server invariants): the input is raw HTTP/1.1 bytes, up to 8
// pipelined requests, parsed by Beast as the transport does (16 KiB headers,
// 64 KiB body) and handed to a fresh Service on the demo World (one per
// input, so every crash replays alone; the requests of one input share it).
// Every answer has a status in 100..499; every RemoveInstances answer (a path
// Service::handle does not route to the fixture protocol) has a body that
// parses with a RequestId equal to x-acs-request-id; the Service's World
// always round-trips through JSON.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include <boost/beast/http.hpp>

#include "embedded/essconf_demo_world.hpp"
#include "reference/model/world.hpp"
#include "reference/server/beast_request.hpp"
#include "reference/server/service.hpp"
#include "reference/wire/body.hpp"

namespace http = boost::beast::http;
namespace model = essconf::model;

namespace {
model::World demo_world() {
  auto parsed = model::parse_world(essconf::embedded::kDemoWorldJson);
  if (!parsed) std::abort();
  return std::move(*parsed);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const model::World demo = demo_world();
  essconf::server::Service service(demo, {{}, [] { return std::int64_t{1790000000}; }, 1, "fuzz.local"});
  boost::asio::const_buffer input(data, size);
  for (int n = 0; n < 8 && input.size() > 0; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!ec && !parser.is_done() && input.size() > 0) input += parser.put(input, ec);
    if (ec || !parser.is_done()) return 0;  // need_more included: a request cut short is never answered
    auto& msg = parser.get();
    const auto request = essconf::server::to_wire(msg, std::move(msg.body()));
    const auto response = service.handle(request);
    if (response.status < 100 || response.status > 499) std::abort();
    if (!essconf::server::is_fixture_path(request.path())) {
      const auto id = essconf::wire::parse_body(response.body).field("RequestId");
      if (!id || id->empty() || *id != response.header("x-acs-request-id")) std::abort();
    }
    const auto world = service.world();
    const auto again = model::parse_world(model::to_json(world));
    if (!again || !(*again == world)) std::abort();
  }
  return 0;
}
