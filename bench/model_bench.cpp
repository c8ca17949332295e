// The model's decision rate (Google Benchmark): model::expect (every allowed
// outcome, what the runner judges by) and model::decide (the reference's
// answer, what essconf serve computes) on a typical
// World and request, and on a 20-id request against a 200-instance group,
// each next to its baseline in the same run: reading the same request's
// parameters (model::request_params), the least any target does with it.
// Also model::parse_world (every PUT world essconf serve takes, every GET
// world the runner reads back) next to its own baseline: Boost.JSON's parse
// of the same text, the least any reader of it does.
#include <benchmark/benchmark.h>

#include <string>

#include <boost/json/parse.hpp>

#include "reference/model/model.hpp"
#include "reference/server/service.hpp"
#include "suite/selftest/model_fixtures.hpp"

namespace {

using essconf::model::CreationType;
using essconf::model::MemberState;
namespace testing = essconf::model::testing;

// asg-main grown to 200 members (MinSize 1), and a call naming 20 of them.
essconf::model::World big_world() {
  auto w = testing::base_world();
  auto& g = w.groups.front();
  g.max_size = 1000;
  for (int i = 0; i < 196; ++i) {
    const std::string id = "i-big" + std::to_string(i);
    w.ecs.push_back({id, essconf::model::EcsStatus::running});
    g.members.push_back({id, CreationType::auto_created, MemberState::in_service});
  }
  return w;
}

essconf::wire::HttpRequest twenty_ids() {
  std::vector<std::string> ids;
  ids.reserve(20);
  for (int i = 0; i < 20; ++i) ids.push_back("i-big" + std::to_string(i * 9));
  return testing::Req().ids(ids).build();
}

void Expect(benchmark::State& state, const essconf::model::World& world, const essconf::wire::HttpRequest& request) {
  const auto context = testing::context();
  for ([[maybe_unused]] auto _ : state)
    benchmark::DoNotOptimize(essconf::model::expect(world, request, essconf::model::Profile::spec, context));
  state.SetItemsProcessed(state.iterations());
}

// What essconf serve computes per call: the reference decision alone.
void Decide(benchmark::State& state, const essconf::model::World& world, const essconf::wire::HttpRequest& request) {
  const auto context = testing::context();
  for ([[maybe_unused]] auto _ : state) benchmark::DoNotOptimize(essconf::model::decide(world, request, context));
  state.SetItemsProcessed(state.iterations());
}

// The whole call essconf serve's service answers (decision, effects, the
// rendered body and its ids, under the service's lock), on a World that
// refuses it (an activity in progress), so every iteration is alike.
void ServiceHandle(benchmark::State& state, essconf::model::World world, const essconf::wire::HttpRequest& request) {
  essconf::model::Activity busy;
  busy.id = "asa-busy";
  busy.group_id = world.groups.front().id;
  busy.status = essconf::model::ActivityStatus::in_progress;
  world.activities.push_back(std::move(busy));
  essconf::server::Service service(std::move(world), {.hooks = {}, .clock = [] { return testing::context().now; }});
  for ([[maybe_unused]] auto _ : state) benchmark::DoNotOptimize(service.handle(request));
  state.SetItemsProcessed(state.iterations());
}

void ReadParams(benchmark::State& state, const essconf::wire::HttpRequest& request) {
  for ([[maybe_unused]] auto _ : state) benchmark::DoNotOptimize(essconf::model::request_params(request));
  state.SetItemsProcessed(state.iterations());
}

void ParseWorld(benchmark::State& state, const std::string& json) {
  for ([[maybe_unused]] auto _ : state) benchmark::DoNotOptimize(essconf::model::parse_world(json));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}

void ParseJson(benchmark::State& state, const std::string& json) {
  for ([[maybe_unused]] auto _ : state) benchmark::DoNotOptimize(boost::json::parse(json));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}

const auto kTypicalWorld = testing::base_world();
const auto kTypicalRequest = testing::Req().build();
const auto kBigWorld = big_world();
const auto kTwentyIds = twenty_ids();

BENCHMARK_CAPTURE(ReadParams, typical_baseline, kTypicalRequest);
BENCHMARK_CAPTURE(Expect, typical, kTypicalWorld, kTypicalRequest);
BENCHMARK_CAPTURE(Decide, typical, kTypicalWorld, kTypicalRequest);
BENCHMARK_CAPTURE(ServiceHandle, typical_refused, kTypicalWorld, kTypicalRequest);
BENCHMARK_CAPTURE(ReadParams, twenty_ids_baseline, kTwentyIds);
BENCHMARK_CAPTURE(Expect, twenty_ids_200_members, kBigWorld, kTwentyIds);
BENCHMARK_CAPTURE(Decide, twenty_ids_200_members, kBigWorld, kTwentyIds);
const auto kBigWorldJson = essconf::model::to_json(kBigWorld);
BENCHMARK_CAPTURE(ParseJson, world_200_members_baseline, kBigWorldJson);
BENCHMARK_CAPTURE(ParseWorld, world_200_members, kBigWorldJson);

}  // namespace

BENCHMARK_MAIN();
