// One interface around the pure reference: a hook sees each RemoveInstances
// call at fixed points and may bend it. A Service with no hook is the
// reference itself. The self-test layer (suite/selftest/) builds its faults
// (breaks of one clause) and its readings (other legitimate answers where the
// documentation is open) on it; nothing in reference/ implements it.
// Hooks are called under the service's lock, in order, and must be stateless.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "reference/model/model.hpp"
#include "reference/server/http_response.hpp"

namespace essconf::server {

// What a body is rendered from, after the decision.
struct RenderFields {
  wire::Format format = wire::Format::json;
  std::string request_id;
  std::string activity_id;  // success bodies
  std::string code;         // error bodies
};

class ServiceHook {
 public:
  virtual ~ServiceHook() = default;
  // Before the model: the World, request and context it will judge (copies;
  // the kept World changes only through apply).
  virtual void before_model(model::World&, wire::HttpRequest&, model::Context&) const {}
  // After the model: the decision the server acts on.
  virtual void after_model(model::Decision&, const model::World& /*judged*/, const wire::HttpRequest&,
                           const model::Context&, std::uint64_t /*call_number*/) const {}
  // Between a success's decision and its effects, holding the service's lock.
  virtual void before_effects(std::unique_lock<std::shared_mutex>&) const {}
  // After apply (or instead of it, for a rejected call): the World the server keeps.
  virtual void after_apply(model::World& /*after*/, const model::World& /*before*/, const model::Decision&,
                           const wire::HttpRequest&) const {}
  // What the body carries.
  virtual void before_render(RenderFields&, const model::Decision&, const wire::HttpRequest&) const {}
  // Last: the response as it goes out.
  virtual void on_response(HttpResponse&, const model::Decision&) const {}
};

using ServiceHooks = std::vector<std::shared_ptr<const ServiceHook>>;

}  // namespace essconf::server
