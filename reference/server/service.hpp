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
#include <map>
#include <memory>
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

// The request header that names an isolated World (the fixture protocol's
// isolated_worlds capability, docs/fixture-protocol.md): every request, of the
// API or of the protocol, acts on the World of its name; without it, on the
// default World.
inline constexpr std::string_view kWorldHeader = "Conformance-World";
// How many named Worlds the reference keeps (the contract asks for 16 at least).
inline constexpr std::size_t kMaxNamedWorlds = 64;

// Whether `name` may name a World: 1 to 64 characters of A-Z a-z 0-9 . _ -.
bool is_world_name(std::string_view name) noexcept;

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
  model::World world() const;  // the default World

 private:
  // One World and what goes with it. Each has its own lock: calls on two
  // Worlds never wait for each other.
  struct State {
    mutable std::shared_mutex mu;
    model::World world;
    model::NonceLedger nonces;
    std::deque<std::pair<std::int64_t, std::string>> nonce_order;  // for forgetting old nonces
    std::uint64_t version = 0;  // under mu: bumped whenever world or nonces change
    std::uint64_t calls = 0;    // under mu: hooked calls, numbered for the hooks
  };

  // The State a request acts on: the default one without kWorldHeader, else
  // the named one, made by a PUT (`create`) while fewer than kMaxNamedWorlds
  // exist. nullptr for a name no PUT loaded, or one that may not name a World.
  State* state_of(const wire::HttpRequest& request, bool create);
  HttpResponse remove_instances(State& s, const wire::HttpRequest& request);
  HttpResponse remove_instances_hooked(State& s, const wire::HttpRequest& request);
  model::Context context(const State& s) const;  // needs s.mu (either way)
  // Under the exclusive lock: the nonce and the effects of `d`; releases the lock and renders.
  HttpResponse act(State& s, model::Decision d, const wire::HttpRequest& request,
                   std::unique_lock<std::shared_mutex>& lock);
  HttpResponse fixture(const wire::HttpRequest& request);
  HttpResponse put_world(State& s, const wire::HttpRequest& request);
  // The response to a decision; needs no lock (options_ and its hooks do not change).
  HttpResponse render(const model::Decision& decision, const wire::HttpRequest& request, RenderFields fields) const;
  std::string next_request_id();     // lock-free
  std::string next_activity_id();    // lock-free
  void remember_nonce(State& s, const model::NonceUse& use, bool succeeded, std::int64_t now);  // needs s.mu exclusively

  State default_;
  // A name no PUT has loaded acts on an empty World, which nothing changes:
  // no group to remove from, no key to record a nonce for.
  State unloaded_;
  mutable std::shared_mutex names_mu_;  // guards named_ (the States themselves have their own locks)
  std::map<std::string, std::unique_ptr<State>, std::less<>> named_;
  std::atomic<std::uint64_t> rng_counter_;  // splitmix64's counter: each draw takes one value
  ServiceOptions options_;
};

}  // namespace essconf::server
