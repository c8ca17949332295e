// Each self-test fault changes what a client can observe (status, body,
// Content-Type or the World after) on a scenario that exercises its clause,
// while the reference's answer on the same scenario is the model's.
#include "suite/selftest/faults.hpp"

#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "reference/model/catalog.hpp"
#include "suite/selftest/model_fixtures.hpp"
#include "suite/selftest/fault_scenarios.hpp"
#include "reference/server/service.hpp"
#include "reference/wire/body.hpp"

namespace essconf::selftest {
namespace {

using server::HttpResponse;
using server::Service;
using server::ServiceOptions;

using testing::FaultScenario;
using testing::base_world;
using testing::kNow;
using testing::Req;
const auto scenarios = testing::fault_scenarios;

// What a client sees of one call, with generated ids reduced to their presence.
struct Observation {
  bool answered;  // false: the connection closes without an answer
  int status;
  std::string content_type;
  std::map<std::string, std::string> fields;
  model::World world_after;
  bool operator==(const Observation&) const = default;
};

model::World without_activity_ids(model::World w) {
  for (auto& a : w.activities)
    if (a.id.starts_with("asa-")) a.id = "<new>";
  return model::canonical(std::move(w));
}

Observation observe(const model::World& world, FaultSet faults, const std::vector<wire::HttpRequest>& calls) {
  ServiceOptions o;
  o.clock = [] { return kNow; };
  o.seed = 7;
  o.hooks = fault_hooks(faults);
  Service s(world, o);
  HttpResponse last;
  for (const auto& c : calls) last = s.handle(c);
  auto body = wire::parse_body(last.body);
  const model::World after = s.world();
  if (body.fields.count("RequestId")) body.fields["RequestId"] = "<present>";
  if (auto id = body.field("ScalingActivityId")) {
    const bool tracked = std::any_of(after.activities.begin(), after.activities.end(),
                                     [&](const model::Activity& a) { return a.id == *id; });
    const bool earlier = std::any_of(world.activities.begin(), world.activities.end(),
                                     [&](const model::Activity& a) { return a.id == *id; });
    body.fields["ScalingActivityId"] = earlier ? "<names an earlier activity>" : tracked ? "<names an activity>" : "<names nothing>";
  }
  return {!last.drop, last.status, std::string(last.header("Content-Type")), body.fields, without_activity_ids(after)};
}

TEST(Faults, EveryFaultHasAScenarioAndAKnownClause) {
  std::set<std::string> covered;
  for (const auto& sc : scenarios()) covered.insert(sc.fault);
  std::set<std::string> families;
  for (const auto& f : fault_catalog()) {
    EXPECT_TRUE(covered.count(std::string(f.name)) || f.fault == Fault::racy_min_size) << f.name << " has no scenario";
    const model::Clause* c = model::catalog().find(f.clause);
    ASSERT_NE(c, nullptr) << f.name << " names unknown clause " << f.clause;
    families.insert(c->family);
    EXPECT_EQ(fault_named(f.name), f.fault);
  }
  EXPECT_GE(fault_catalog().size(), 15u);
  for (const auto& fam : model::catalog().families)
    if (fam.id != "wire") {
      EXPECT_TRUE(families.count(fam.id)) << "no fault breaks a clause of family " << fam.id;
    }
}

class FaultChangesTheAnswer : public ::testing::TestWithParam<FaultScenario> {};

TEST_P(FaultChangesTheAnswer, OnItsScenario) {
  const FaultScenario& sc = GetParam();
  const auto fault = fault_named(sc.fault);
  ASSERT_TRUE(fault) << sc.fault;
  model::World w = base_world();
  sc.world(w);
  std::vector<wire::HttpRequest> calls;
  for (const auto& r : sc.calls) calls.push_back(r.build());
  FaultSet faulty;
  faulty.set(static_cast<std::size_t>(*fault));
  const Observation reference = observe(w, {}, calls);
  const Observation broken = observe(w, faulty, calls);
  EXPECT_FALSE(reference == broken) << sc.fault << " changed nothing a client can see";
}

INSTANTIATE_TEST_SUITE_P(Server, FaultChangesTheAnswer, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<FaultScenario>& info) {
                           std::string n;
                           for (char c : info.param.fault) n += c == '-' ? '_' : c;
                           return n;
                         });

// racy-min-size only shows under concurrency: two parallel calls that the
// reference serialises (one refused by MinSize) both succeed.
TEST(Faults, RacyMinSizeGoesBelowMinSizeUnderConcurrency) {
  auto run = [](FaultSet faults) {
    model::World w = base_world();
    w.group("asg-main")->min_size = 3;
    ServiceOptions o;
    o.hooks = fault_hooks(faults);
    Service s(w, o);
    std::thread a([&] { s.handle(Req().ids({"i-auto1"}).build()); });
    std::thread b([&] { s.handle(Req().ids({"i-auto2"}).build()); });
    a.join();
    b.join();
    return s.world().group("asg-main")->members.size();
  };
  EXPECT_EQ(run({}), 3u);
  FaultSet racy;
  racy.set(static_cast<std::size_t>(Fault::racy_min_size));
  EXPECT_EQ(run(racy), 2u) << "both calls passed the check before either removed";
}

}  // namespace
}  // namespace essconf::selftest
