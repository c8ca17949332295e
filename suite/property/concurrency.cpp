// The concurrency phase (atomic.concurrent-min-size): rounds of parallel
// RemoveInstances calls released together from kept-alive connections, each
// round's history checked by check_linearizable.
#include "suite/property/concurrency.hpp"

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

#include <fmt/format.h>

#include "reference/wire/body.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/checker.hpp"
#include "suite/runner/fixture_driver.hpp"

namespace essconf::property {
namespace {

constexpr std::string_view kGroup = "asg-conc";

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A uniform-enough draw in [0, n) (n > 0).
std::size_t draw(std::uint64_t& state, std::size_t n) { return static_cast<std::size_t>(splitmix64(state) % n); }

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One round: the World and, per client, the instances it removes.
struct RoundPlan {
  model::World world;
  std::vector<std::vector<std::string>> ids;
};

// Deterministic from (seed, round): 6 to 16 members, MinSize = members - k
// with k in [1, connections - 1], so that at most k single-instance removals
// can succeed; Immediate completion on even rounds, Manual on odd ones.
RoundPlan plan_round(std::uint64_t seed, int round, int connections) {
  std::uint64_t rng = seed * 0xD1B54A32D192ED03ULL + static_cast<std::uint64_t>(round) * 0x9E3779B97F4A7C15ULL + 0x5EED;
  RoundPlan p;
  model::World& w = p.world;
  w.completion = round % 2 == 0 ? model::ActivityCompletion::immediate : model::ActivityCompletion::manual;
  const std::size_t n = 6 + draw(rng, 11);
  const std::size_t k_max = std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(std::max(connections, 1)) - 1, n - 1));
  const std::size_t k = 1 + draw(rng, k_max);
  model::ScalingGroup g;
  g.id = std::string(kGroup);
  g.state = model::GroupState::active;
  g.policy = model::ScalingPolicy::release;
  g.min_size = static_cast<std::int64_t>(n - k);
  g.max_size = static_cast<std::int64_t>(n + 4);
  std::vector<std::string> members;
  for (std::size_t i = 1; i <= n; ++i) {
    const std::string id = fmt::format("i-c{}", i);
    members.push_back(id);
    const auto creation = draw(rng, 5) == 0 ? model::CreationType::attached : model::CreationType::auto_created;
    g.members.push_back({id, creation, model::MemberState::in_service});
    w.ecs.push_back({id, model::EcsStatus::running});
  }
  w.groups.push_back(std::move(g));

  // Mostly distinct members; now and then two clients name the same one, or
  // a client names two.
  for (std::size_t i = n - 1; i > 0; --i) std::swap(members[i], members[draw(rng, i + 1)]);
  for (int c = 0; c < connections; ++c) {
    std::string first = members[static_cast<std::size_t>(c) % n];
    if (c > 0 && draw(rng, 8) == 0) first = p.ids[draw(rng, static_cast<std::size_t>(c))].front();
    std::vector<std::string> ids{first};
    if (draw(rng, 8) == 0) {
      std::size_t j = draw(rng, n);
      if (members[j] == first) j = (j + 1) % n;
      ids.push_back(members[j]);
    }
    p.ids.push_back(std::move(ids));
  }
  return p;
}

std::string transport_problem(const client::Exchange& x) {
  return fmt::format("{}{}", client::describe(x.error), x.error_detail.empty() ? "" : ": " + x.error_detail);
}

using Deadline = std::chrono::steady_clock::time_point;

// One client per connection, each connected (a request on its own
// connection) before the barrier; a problem when one cannot reach the target.
Status connect_clients(const ConcurrencyOptions& options, int round, Deadline deadline,
                            std::vector<client::HttpClient>& clients) {
  const auto connections = static_cast<std::size_t>(options.connections);
  clients.reserve(connections);
  for (std::size_t c = 0; c < connections; ++c) {
    clients.push_back(runner::client_for(options.run, options.run.target));
    wire::HttpRequest warm;
    warm.target = options.run.target.base_path + "/_conformance/v1/capabilities";
    const auto x = clients.back().send(client::with_transport_headers(std::move(warm), options.run.target), deadline);
    if (x.error != client::TransportError::none)
      return Problem("", fmt::format("round {}: client {} could not reach the target: {}", round, c, transport_problem(x)));
  }
  return Done{};
}

// Per client, its RemoveInstances call of the round, signed at `now` when
// the run has credentials.
std::vector<wire::HttpRequest> round_requests(const ConcurrencyOptions& options, const RoundPlan& plan, int round,
                                              std::int64_t now) {
  std::vector<wire::HttpRequest> requests;
  for (std::size_t c = 0; c < plan.ids.size(); ++c) {
    runner::RequestSpec spec;
    spec.params = {{"Action", "RemoveInstances"}, {"Version", "2014-08-28"}, {"Format", "JSON"},
                   {"ScalingGroupId", std::string(kGroup)}};
    for (std::size_t i = 0; i < plan.ids[c].size(); ++i)
      spec.params.emplace_back(fmt::format("InstanceId.{}", i + 1), plan.ids[c][i]);
    if (options.run.credentials)
      spec.sign = runner::SignSpec::with_key(options.run.credentials->first, options.run.credentials->second);
    const std::string nonce = fmt::format("conc-{:x}-{}-{}-{}", options.seed, round, c, now);
    requests.push_back(client::with_transport_headers(
        runner::build_request(runner::in_scheme(std::move(spec), options.run.signature), now, nonce,
                              options.run.target.host_header()),
        options.run.target));
  }
  return requests;
}

// Sends `op.request` and records when it was invoked and returned, and the
// answer: an activity, an error code and message, or none (indeterminate).
void send_and_record(client::HttpClient& client, Operation& op, Deadline deadline) {
  op.invoked_ns = steady_ns();
  const client::Exchange x = client.send(op.request, deadline);
  op.returned_ns = steady_ns();
  if (x.error != client::TransportError::none) {
    op.indeterminate = true;
    op.message = transport_problem(x);
    return;
  }
  op.status = x.status;
  const wire::ParsedBody body = wire::parse_body(x.body);
  if (x.status >= 200 && x.status <= 299) {
    if (auto id = body.field("ScalingActivityId"); id && !id->empty()) op.activity_id = std::move(*id);
  } else {
    op.code = body.field("Code").value_or("");
    op.message = body.field("Message").value_or("");
  }
}

// Every client sends its request at once (released together from a
// barrier); the history of what each saw.
std::vector<Operation> race(std::vector<client::HttpClient>& clients, const std::vector<wire::HttpRequest>& requests,
                            Deadline deadline) {
  std::vector<Operation> history(clients.size());
  std::latch ready(static_cast<std::ptrdiff_t>(clients.size()));
  std::vector<std::thread> threads;
  threads.reserve(clients.size());
  for (std::size_t c = 0; c < clients.size(); ++c) {
    threads.emplace_back([&, c] {
      Operation& op = history[c];
      op.client = static_cast<int>(c);
      op.request = requests[c];
      ready.arrive_and_wait();
      send_and_record(clients[c], op, deadline);
    });
  }
  for (auto& t : threads) t.join();
  return history;
}

// One run of the phase: the report it fills and the requests it counts.
class Phase {
 public:
  explicit Phase(const ConcurrencyOptions& options)
      : options_(options),
        deadline_(start_ + options.run.run_timeout),
        fixture_client_(runner::client_for(options.run, options.run.fixture, client::Resend::when_dropped)),
        fixture_(fixture_client_) {}

  ConcurrencyReport run() {
    if (options_.connections < 1) {
      report_.error = fmt::format("the concurrency phase needs at least one connection, not {}", options_.connections);
      return finish();
    }
    // The target can run the phase when its fixture protocol answers and
    // offers `world`; Manual rounds also need `activities`.
    const auto caps = fixture_.capabilities();
    if (!caps) {
      report_.error = "the fixture protocol is not usable: " + caps.error();
      return finish();
    }
    if (!caps->has("world")) {
      report_.error = "the target does not list the fixture feature \"world\", which the concurrency phase needs";
      report_.lacks_world = true;
      return finish();
    }
    const bool manual_rounds = caps->has("activities");
    for (int round = 0; round < options_.rounds; ++round) {
      if (round % 2 == 1 && !manual_rounds) continue;  // Manual completion needs `activities`
      if (std::chrono::steady_clock::now() >= deadline_) {
        report_.error = fmt::format("the run's time limit was reached after {} concurrency rounds", report_.rounds_run);
        break;
      }
      if (auto ran = run_round(round); !ran) {
        report_.error = ran.error();
        break;
      }
    }
    return finish();
  }

 private:
  // Loads the round's World, races the clients, reads the World back and
  // checks the history; a problem when the round could not run.
  Status run_round(int round) {
    RoundPlan plan = plan_round(options_.seed, round, options_.connections);
    if (auto loaded = fixture_.load_world(plan.world); !loaded)
      return Problem("", fmt::format("round {}: {}", round, loaded.error()));
    std::vector<client::HttpClient> clients;
    if (auto connected = connect_clients(options_, round, deadline_, clients); !connected) {
      count_requests(clients);
      return connected;
    }
    const std::int64_t now = unix_now();
    std::vector<Operation> history = race(clients, round_requests(options_, plan, round, now), deadline_);
    count_requests(clients);
    auto after = fixture_.get_world();
    if (!after) return Problem("", fmt::format("round {}: {}", round, after.error()));
    const model::Context context{now, options_.run.clock_tolerance, nullptr,
                                 options_.run.signature == runner::SignatureScheme::v3};
    LinearizabilityResult result = check_linearizable(plan.world, history, *after, options_.run.profile, context);
    ++report_.rounds_run;
    for (const auto& op : history) report_.answered += op.indeterminate ? 0 : 1;
    if (!result.linearizable)
      report_.failures.push_back({round, std::move(plan.world), std::move(history), std::move(*after), std::move(result)});
    if (options_.run.on_progress)
      options_.run.on_progress({"property.concurrency", static_cast<std::uint64_t>(round + 1),
                                static_cast<std::uint64_t>(options_.rounds), report_.failures.size(), requests_sent()});
    return Done{};
  }

  void count_requests(const std::vector<client::HttpClient>& clients) {
    for (const auto& c : clients) api_requests_ += c.requests_sent();
  }

  std::uint64_t requests_sent() const { return api_requests_ + fixture_client_.requests_sent(); }

  ConcurrencyReport finish() {
    report_.http_requests = requests_sent();
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return report_;
  }

  const ConcurrencyOptions& options_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  const Deadline deadline_;
  client::HttpClient fixture_client_;
  runner::FixtureDriver fixture_;
  std::uint64_t api_requests_ = 0;
  ConcurrencyReport report_;
};

}  // namespace

ConcurrencyReport check_concurrency(const ConcurrencyOptions& options) { return Phase(options).run(); }

}  // namespace essconf::property
