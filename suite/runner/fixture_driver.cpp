#include "suite/runner/fixture_driver.hpp"

#include "suite/runner/checker.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::runner {
namespace {

constexpr std::string_view kPrefix = "/_conformance/v1/";

std::string what_happened(const client::Exchange& x) {
  if (x.error != client::TransportError::none)
    return fmt::format("{}{}", client::describe(x.error), x.error_detail.empty() ? "" : ": " + x.error_detail);
  std::string body = x.body.substr(0, 200);
  for (char& c : body)
    if (c == '\n' || c == '\r') c = ' ';
  std::string redirect;
  if (x.status >= 300 && x.status <= 399 && !x.header("Location").empty())
    redirect = fmt::format(" (a redirect to {}, not followed)", x.header("Location").substr(0, 200));
  return fmt::format("answered {}{}{}", x.status, redirect, body.empty() ? "" : " " + body);
}

}  // namespace

bool Capabilities::has(std::string_view feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

FixtureDriver::FixtureDriver(client::HttpClient& client) : client_(client) {}

client::Exchange FixtureDriver::call(const std::string& method, const std::string& path, const std::string& body,
                                     bool prefer_representation) {
  wire::HttpRequest r;
  r.method = method;
  r.target = client_.url().base_path + std::string(kPrefix) + path;
  r.body = body;
  if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
  if (prefer_representation) r.headers.push_back({"Prefer", "return=representation"});
  return client_.send(client::with_transport_headers(std::move(r), client_.url()));
}

Result<Capabilities> FixtureDriver::capabilities() {
  const auto x = call("GET", "capabilities", "");
  if (x.error != client::TransportError::none || x.status != 200)
    return Problem("", "GET /_conformance/v1/capabilities " + what_happened(x));
  boost::system::error_code ec;
  const auto doc = boost::json::parse(x.body, ec);
  if (ec)
    return Problem("", fmt::format("GET /_conformance/v1/capabilities answered 200 with a body that is not JSON ({}): {}",
                                   ec.message(), x.body.substr(0, 200)));
  const auto* obj = doc.if_object();
  const auto* protocol = obj ? obj->if_contains("protocol") : nullptr;
  const auto* features = obj ? obj->if_contains("features") : nullptr;
  if (protocol == nullptr || !protocol->is_int64() || features == nullptr || !features->is_array())
    return Problem("", "capabilities is not {\"protocol\": N, \"features\": [...]}: " + x.body.substr(0, 200));
  Capabilities c;
  c.protocol = static_cast<int>(protocol->get_int64());
  if (c.protocol != 1) return Problem("", fmt::format("the target speaks fixture protocol {}, essconf speaks 1", c.protocol));
  for (const auto& f : features->get_array())
    if (f.is_string()) c.features.emplace_back(f.get_string());
  representation_ = c.has("world_representation");
  return c;
}

Status FixtureDriver::put_world(const model::World& world) {
  const auto x = call("PUT", "world", model::to_json(world));
  if (x.error == client::TransportError::none && (x.status == 204 || x.status == 200)) return Done{};
  return Problem("", "PUT /_conformance/v1/world " + what_happened(x));
}

Result<model::World> FixtureDriver::world_from(const client::Exchange& x, std::string_view what) {
  auto parsed = model::parse_world(x.body);
  if (!parsed) return Problem("", fmt::format("{} returned an invalid World at {}", what, parsed.error()));
  return parsed;
}

Result<model::World> FixtureDriver::get_world() {
  const auto x = call("GET", "world", "");
  if (x.error != client::TransportError::none || x.status != 200)
    return Problem("", "GET /_conformance/v1/world " + what_happened(x));
  return world_from(x, "GET /_conformance/v1/world");
}

Status FixtureDriver::load_world(const model::World& world) {
  const auto x = call("PUT", "world", model::to_json(world), representation_);
  if (x.error != client::TransportError::none || (x.status != 204 && x.status != 200))
    return Problem("", "PUT /_conformance/v1/world " + what_happened(x));
  // A target may ignore the preference (RFC 7240): a 204, or a 200 without a
  // body, is read back with a GET.
  const bool answered = representation_ && x.status == 200 && !x.body.empty();
  const auto loaded =
      answered ? world_from(x, "PUT /_conformance/v1/world with Prefer: return=representation") : get_world();
  if (!loaded) return loaded.problem();
  if (!(comparable(*loaded, world) == comparable(world, world)))
    return Problem("", "the target did not load the World faithfully: GET world after PUT differs from it");
  return Done{};
}

Status FixtureDriver::complete_activities() {
  const auto x = call("POST", "activities/complete", "");
  if (x.error == client::TransportError::none && x.status == 200) return Done{};
  return Problem("", "POST /_conformance/v1/activities/complete " + what_happened(x));
}

}  // namespace essconf::runner
