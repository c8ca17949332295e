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

}  // namespace

ConcurrencyReport check_concurrency(const ConcurrencyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options.run.run_timeout;
  ConcurrencyReport report;
  client::HttpClient fixture_client(options.run.fixture, options.run.limits);
  runner::FixtureDriver fixture(fixture_client);
  std::uint64_t api_requests = 0;
  auto finish = [&] {
    report.http_requests = api_requests + fixture_client.requests_sent();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  };
  if (options.connections < 1) {
    report.error = fmt::format("the concurrency phase needs at least one connection, not {}", options.connections);
    return finish();
  }

  const auto caps = fixture.capabilities();
  if (!caps.value) {
    report.error = "the fixture protocol is not usable: " + caps.error;
    return finish();
  }
  if (!caps.value->has("world")) {
    report.error = "the target does not list the fixture feature \"world\", which the concurrency phase needs";
    report.lacks_world = true;
    return finish();
  }
  const bool manual_rounds = caps.value->has("activities");
  const std::size_t connections = static_cast<std::size_t>(options.connections);

  for (int round = 0; round < options.rounds; ++round) {
    if (round % 2 == 1 && !manual_rounds) continue;  // Manual completion needs `activities`
    if (std::chrono::steady_clock::now() >= deadline) {
      report.error = fmt::format("the run's time limit was reached after {} concurrency rounds", report.rounds_run);
      break;
    }
    RoundPlan plan = plan_round(options.seed, round, options.connections);
    if (auto e = fixture.put_world(plan.world); !e.empty()) {
      report.error = fmt::format("round {}: {}", round, e);
      break;
    }
    const auto loaded = fixture.get_world();
    if (!loaded.value) {
      report.error = fmt::format("round {}: {}", round, loaded.error);
      break;
    }
    if (!(runner::comparable(*loaded.value, plan.world) == runner::comparable(plan.world, plan.world))) {
      report.error = fmt::format("round {}: the target did not load the World faithfully: GET world after PUT differs from it", round);
      break;
    }

    // The clients, each connected (a request on its own connection) before the barrier.
    std::vector<client::HttpClient> clients;
    clients.reserve(connections);
    std::string connect_error;
    for (std::size_t c = 0; c < connections && connect_error.empty(); ++c) {
      clients.emplace_back(options.run.target, options.run.limits);
      wire::HttpRequest warm;
      warm.target = options.run.target.base_path + "/_conformance/v1/capabilities";
      const auto x = clients.back().send(client::with_transport_headers(std::move(warm), options.run.target), deadline);
      if (x.error != client::TransportError::none)
        connect_error = fmt::format("round {}: client {} could not reach the target: {}", round, c, transport_problem(x));
    }
    if (!connect_error.empty()) {
      for (const auto& c : clients) api_requests += c.requests_sent();
      report.error = std::move(connect_error);
      break;
    }

    const std::int64_t now = unix_now();
    std::vector<wire::HttpRequest> requests;
    for (std::size_t c = 0; c < connections; ++c) {
      runner::RequestSpec spec;
      spec.params = {{"Action", "RemoveInstances"}, {"Version", "2014-08-28"}, {"Format", "JSON"},
                     {"ScalingGroupId", std::string(kGroup)}};
      for (std::size_t i = 0; i < plan.ids[c].size(); ++i)
        spec.params.emplace_back(fmt::format("InstanceId.{}", i + 1), plan.ids[c][i]);
      if (options.run.credentials) {
        spec.sign.emplace();
        spec.sign->access_key_id = options.run.credentials->first;
        spec.sign->access_key_secret = options.run.credentials->second;
      }
      const std::string nonce = fmt::format("conc-{:x}-{}-{}-{}", options.seed, round, c, now);
      requests.push_back(client::with_transport_headers(
          runner::build_request(runner::in_scheme(std::move(spec), options.run.signature), now, nonce,
                                options.run.target.host_header()),
          options.run.target));
    }

    std::vector<Operation> history(connections);
    {
      std::latch ready(static_cast<std::ptrdiff_t>(connections));
      std::vector<std::thread> threads;
      threads.reserve(connections);
      for (std::size_t c = 0; c < connections; ++c) {
        threads.emplace_back([&, c] {
          Operation& op = history[c];
          op.client = static_cast<int>(c);
          op.request = requests[c];
          ready.arrive_and_wait();
          op.invoked_ns = steady_ns();
          const client::Exchange x = clients[c].send(requests[c], deadline);
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
        });
      }
      for (auto& t : threads) t.join();
    }
    for (const auto& c : clients) api_requests += c.requests_sent();

    auto after = fixture.get_world();
    if (!after.value) {
      report.error = fmt::format("round {}: {}", round, after.error);
      break;
    }
    const model::Context context{now, options.run.clock_tolerance, nullptr, options.run.signature == runner::SignatureScheme::v3};
    LinearizabilityResult result = check_linearizable(plan.world, history, *after.value, options.run.profile, context);
    ++report.rounds_run;
    for (const auto& op : history) report.answered += op.indeterminate ? 0 : 1;
    if (!result.linearizable)
      report.failures.push_back({round, std::move(plan.world), std::move(history), std::move(*after.value), std::move(result)});
    if (options.run.on_progress)
      options.run.on_progress({"property.concurrency", static_cast<std::uint64_t>(round + 1),
                               static_cast<std::uint64_t>(options.rounds), report.failures.size(),
                               api_requests + fixture_client.requests_sent()});
  }
  return finish();
}

}  // namespace essconf::property
