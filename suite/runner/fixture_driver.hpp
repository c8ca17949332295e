// The suite's side of the fixture protocol v1 (docs/fixture-protocol.md):
// reads a target's capabilities, loads Worlds, reads them back, completes
// activities. Every failure is a sentence naming what the target did.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/model/world.hpp"
#include "suite/client/http_client.hpp"

namespace essconf::runner {

struct Capabilities {
  int protocol = 0;
  std::vector<std::string> features;
  bool has(std::string_view feature) const;
};

class FixtureDriver {
 public:
  explicit FixtureDriver(client::HttpClient& client);

  Result<Capabilities> capabilities();
  Status put_world(const model::World& world);
  Result<model::World> get_world();
  // PUT, then GET to check that the target holds that state (ids in any order).
  Status load_world(const model::World& world);
  Status complete_activities();

 private:
  client::Exchange call(const std::string& method, const std::string& path, const std::string& body);
  client::HttpClient& client_;
};

}  // namespace essconf::runner
