// The suite's side of the fixture protocol v1 (docs/fixture-protocol.md):
// reads a target's capabilities, loads Worlds, reads them back, completes
// activities. Every failure is a sentence naming what the target did.
// Optional features the target lists in capabilities() are used from then on:
// with `world_representation`, load_world reads the World from the PUT's
// answer instead of a GET.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/model/world.hpp"
#include "suite/client/http_client.hpp"

namespace essconf::runner {

// isolated_worlds: the header that names the World a request acts on.
inline constexpr std::string_view kWorldHeader = "Conformance-World";

struct Capabilities {
  int protocol = 0;
  std::vector<std::string> features;
  bool has(std::string_view feature) const;
};

class FixtureDriver {
 public:
  explicit FixtureDriver(client::HttpClient& client);

  // Also remembers the optional features the driver uses.
  Result<Capabilities> capabilities();
  Status put_world(const model::World& world);
  Result<model::World> get_world();
  // PUT, then check that the target holds that state (ids in any order):
  // from the PUT's answer with world_representation, else from a GET.
  Status load_world(const model::World& world);
  Status complete_activities();

 private:
  client::Exchange call(const std::string& method, const std::string& path, const std::string& body,
                        bool prefer_representation = false);
  Result<model::World> world_from(const client::Exchange& x, std::string_view what);
  client::HttpClient& client_;
  bool representation_ = false;  // the target lists world_representation
};

}  // namespace essconf::runner
