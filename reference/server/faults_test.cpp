// Each self-test fault changes what a client can observe (status, body,
// Content-Type or the World after) on a scenario that exercises its clause,
// while the reference's answer on the same scenario is the model's.
#include "reference/server/faults.hpp"

#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "reference/model/catalog.hpp"
#include "reference/model/test_support.hpp"
#include "reference/server/service.hpp"
#include "reference/wire/body.hpp"

namespace essconf::server {
namespace {

using model::testing::base_world;
using model::testing::kNow;
using model::testing::Req;

// What a client sees of one call, with generated ids reduced to their presence.
struct Observation {
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
  o.faults = faults;
  Service s(world, o);
  HttpResponse last;
  for (const auto& c : calls) last = s.handle(c);
  auto body = wire::parse_body(last.body);
  const model::World after = s.world();
  if (body.fields.count("RequestId")) body.fields["RequestId"] = "<present>";
  if (auto id = body.field("ScalingActivityId")) {
    const bool tracked = std::any_of(after.activities.begin(), after.activities.end(),
                                     [&](const model::Activity& a) { return a.id == *id; });
    body.fields["ScalingActivityId"] = tracked ? "<names an activity>" : "<names nothing>";
  }
  return {last.status, std::string(last.header("Content-Type")), body.fields, without_activity_ids(after)};
}

struct FaultScenario {
  std::string fault;
  std::function<void(model::World&)> world = [](model::World&) {};
  std::vector<Req> calls = {Req()};
};

model::World signature_world(model::World& w) {
  w.auth.mode = model::AuthMode::signature;
  return w;
}

std::vector<FaultScenario> scenarios() {
  auto many = [](model::World& w) {
    w.group("asg-main")->min_size = 0;
    for (int i = 1; i <= 21; ++i) {
      const std::string id = "i-m" + std::to_string(i);
      w.ecs.push_back({id, model::EcsStatus::running});
      w.group("asg-main")->members.push_back({id, model::CreationType::auto_created, model::MemberState::in_service});
    }
  };
  std::vector<std::string> ids21;
  for (int i = 1; i <= 21; ++i) ids21.push_back("i-m" + std::to_string(i));
  const auto keep = [](model::World&) {};
  const Req recycle_group = Req().set("ScalingGroupId", "asg-recycle").ids({"i-r1"});
  return {
      {"accept-21-ids", many, {Req().ids(ids21)}},
      {"remove-policy-any-value", keep, {Req().set("RemovePolicy", "destroy")}},
      {"default-recycle", keep, {recycle_group}},
      {"recycle-anywhere", keep, {Req().set("RemovePolicy", "recycle")}},
      {"wrong-action-accepted", keep, {Req().set("Action", "DetachInstances")}},
      {"release-attached", keep, {Req().ids({"i-manual1"})}},
      {"keep-auto-created", keep, {Req()}},
      {"remove-extra", keep, {Req()}},
      {"inactive-group-accepted", [](model::World& w) { w.group("asg-main")->state = model::GroupState::inactive; }},
      {"ignore-activity-in-progress",
       [](model::World& w) { w.activities.push_back({"act-run", "asg-main", model::ActivityStatus::in_progress, {}, {}}); }},
      {"cooldown-blocks"},
      {"activity-id-untracked"},
      {"ignore-min-size", [](model::World& w) { w.group("asg-main")->min_size = 4; }},
      {"min-size-off-by-one", [](model::World& w) { w.group("asg-main")->min_size = 3; }},
      {"no-request-id"},
      {"no-activity-id"},
      {"xml-as-json", keep, {Req().set("Format", "XML")}},
      {"wrong-content-type"},
      {"group-not-found-403", keep, {Req().set("ScalingGroupId", "asg-nope")}},
      {"not-found-wrong-code", keep, {Req().ids({"i-free"})}},
      {"unauthorized-allowed", [](model::World& w) { signature_world(w); },
       {Req().sign("LTAI-denied", "d3n13d", "n-1")}},
      {"ignore-load-balancer",
       [](model::World& w) { w.group("asg-main")->load_balancers[0].status = model::LoadBalancerStatus::inactive; }},
      {"ignore-db", [](model::World& w) { w.group("asg-main")->db_instances[0].status = "Stopped"; }},
      {"error-without-code", keep, {Req().ids({"i-free"})}},
      {"partial-removal", keep, {Req().ids({"i-auto1", "i-free"})}},
      {"group-not-found-500", keep, {Req().set("ScalingGroupId", "asg-nope")}},
      {"flaky-throttling", [](model::World& w) { w.group("asg-main")->min_size = 0; },
       {Req().ids({"i-nope"}), Req().ids({"i-nope"}), Req().ids({"i-nope"})}},
      {"post-form-ignored", keep, {Req().form()}},
      {"skip-signature-check", [](model::World& w) { signature_world(w); }, {Req().sign("LTAI-good", "forged", "n-2")}},
      {"ignore-timestamp", [](model::World& w) { signature_world(w); },
       {Req().sign("LTAI-good", "s3cr3t", "n-3", kNow - 3600)}},
      {"nonce-reuse", [](model::World& w) { signature_world(w); },
       {Req().sign("LTAI-good", "s3cr3t", "n-4"), Req().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "n-4")}},
      {"ignore-version", keep, {Req().set("Version", "2015-01-01")}},
  };
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
    o.faults = faults;
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
}  // namespace essconf::server
