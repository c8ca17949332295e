// The reference RemoveInstances service: an HttpRequest in, an HttpResponse
// out, no I/O. Every RemoveInstances answer is the model's reference Decision
// (so server and model cannot disagree); the fixture protocol v1
// (docs/fixture-protocol.md) sets and reads the World. Thread-safe and
// linearizable (atomic.concurrent-min-size): a call is decided under a shared
// lock; a refusal that changes nothing is answered from there, and a call that
// changes the World or the nonces acts under the exclusive lock, on its
// decision only if nothing changed in between (else it is decided again).
#pragma once

#include <cstdint>
#include <functional>
#include <deque>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <set>
#include <string>
#include <string_view>

#include "reference/model/model.hpp"
#include "reference/server/http_response.hpp"
#include "reference/server/service_hook.hpp"

namespace essconf::server {

struct ServiceOptions {
  ServiceHooks hooks;                               // none: the reference
  std::function<std::int64_t()> clock;              // Unix seconds; default: the system clock
  std::uint64_t seed = 0;                           // for RequestId and ScalingActivityId; 0: random
  std::string host_id = "ess.essconf.local";        // HostId of error bodies
};

// The prefix of the fixture protocol's paths.
inline constexpr std::string_view kFixturePrefix = "/_conformance/v1/";

// Whether `path` (without its query) belongs to the fixture protocol: under
// kFixturePrefix, or that prefix without its final slash. Everything else is
// the API.
constexpr bool is_fixture_path(std::string_view path) noexcept {
  return path.starts_with(kFixturePrefix) || path == kFixturePrefix.substr(0, kFixturePrefix.size() - 1);
}

class Service {
 public:
  explicit Service(model::World world, ServiceOptions options = {});

  HttpResponse handle(const wire::HttpRequest& request);
  model::World world() const;

 private:
  HttpResponse remove_instances(const wire::HttpRequest& request);
  HttpResponse remove_instances_hooked(const wire::HttpRequest& request);
  model::Context context() const;  // needs mu_ (either way)
  // Under the exclusive lock: the nonce and the effects of `d`; releases the lock and renders.
  HttpResponse act(model::Decision d, const wire::HttpRequest& request, std::unique_lock<std::shared_mutex>& lock);
  HttpResponse fixture(const wire::HttpRequest& request);
  // The response to a decision; needs no lock (options_ and its hooks do not change).
  HttpResponse render(const model::Decision& decision, const wire::HttpRequest& request, RenderFields fields) const;
  std::string next_request_id();     // lock-free
  std::string next_activity_id();    // lock-free
  void remember_nonce(const model::NonceUse& use, bool succeeded, std::int64_t now);  // needs mu_ exclusively

  mutable std::shared_mutex mu_;
  model::World world_;
  model::NonceLedger nonces_;
  std::deque<std::pair<std::int64_t, std::string>> nonce_order_;  // for forgetting old nonces
  std::uint64_t version_ = 0;       // under mu_: bumped whenever world_ or nonces_ change
  std::atomic<std::uint64_t> rng_counter_;  // splitmix64's counter: each draw takes one value
  std::uint64_t calls_ = 0;         // under mu_: hooked calls, numbered for the hooks
  ServiceOptions options_;
};

}  // namespace essconf::server
