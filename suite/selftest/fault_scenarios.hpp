// For each self-test fault, a scenario that exercises the clause it breaks:
// a World and the calls to make. Shared by the fault tests and the checker's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "suite/selftest/model_fixtures.hpp"

namespace essconf::selftest::testing {

using model::testing::base_world;
using model::testing::kNow;
using model::testing::Req;

struct FaultScenario {
  std::string fault;
  std::function<void(model::World&)> world = [](model::World&) {};
  std::vector<Req> calls = {Req()};
};

inline model::World signature_world(model::World& w) {
  w.auth.mode = model::AuthMode::signature;
  return w;
}

inline std::vector<FaultScenario> fault_scenarios() {
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
  const auto signed_world = [](model::World& w) { signature_world(w); };
  const auto ten = [](model::World& w) {
    signature_world(w);
    w.group("asg-main")->min_size = 0;
    for (int i = 1; i <= 10; ++i) {
      const std::string id = "i-t" + std::to_string(i);
      w.ecs.push_back({id, model::EcsStatus::running});
      w.group("asg-main")->members.push_back({id, model::CreationType::auto_created, model::MemberState::in_service});
    }
  };
  std::vector<std::string> ids10;
  for (int i = 1; i <= 10; ++i) ids10.push_back("i-t" + std::to_string(i));
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
      {"reset-on-unknown-group", keep, {Req().set("ScalingGroupId", "asg-nope")}},
      {"flaky-throttling", [](model::World& w) { w.group("asg-main")->min_size = 0; },
       {Req().ids({"i-nope"}), Req().ids({"i-nope"}), Req().ids({"i-nope"})}},
      {"post-form-ignored", keep, {Req().form()}},
      {"skip-signature-check", [](model::World& w) { signature_world(w); }, {Req().sign("LTAI-good", "forged", "n-2")}},
      {"ignore-timestamp", [](model::World& w) { signature_world(w); },
       {Req().sign("LTAI-good", "s3cr3t", "n-3", kNow - 3600)}},
      {"nonce-reuse", [](model::World& w) { signature_world(w); },
       {Req().sign("LTAI-good", "s3cr3t", "n-4"), Req().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "n-4")}},
      {"ignore-version", keep, {Req().set("Version", "2015-01-01")}},
      {"sig-sort-joined-pairs", ten, {Req().ids(ids10).sign("LTAI-good", "s3cr3t", "n-5")}},
      {"sig-plus-for-space", signed_world, {Req().set("OwnerAccount", "ops team").sign("LTAI-good", "s3cr3t", "n-6")}},
      {"sig-tilde-encoded", signed_world, {Req().set("OwnerAccount", "ops~team").sign("LTAI-good", "s3cr3t", "n-7")}},
      {"sig-star-literal", signed_world, {Req().set("OwnerAccount", "ops*team").sign("LTAI-good", "s3cr3t", "n-8")}},
      {"sig-slash-unencoded", signed_world, {Req().sign("LTAI-good", "s3cr3t", "n-9")}},
      {"sig-key-without-ampersand", signed_world, {Req().sign("LTAI-good", "s3cr3t", "n-10")}},
      {"sig-form-body-unsigned", signed_world, {Req().form().sign("LTAI-good", "s3cr3t", "n-11")}},
      {"sig-method-always-get", signed_world, {Req().form().sign("LTAI-good", "s3cr3t", "n-12")}},
      {"form-first-param-only", keep, {Req().form()}},
      {"form-last-param-dropped", keep, {Req().form()}},
      {"form-query-ignored", keep, {Req().split()}},
      {"form-body-ignored-with-query", keep, {Req().split()}},
      {"form-only-instance-ids", keep, {Req().form()}},
      {"nonce-ignoring-case", signed_world,
       {Req().sign("LTAI-good", "s3cr3t", "n-Case"), Req().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "N-CASE")}},
      {"nonce-per-signature", signed_world,
       {Req().sign("LTAI-good", "s3cr3t", "n-13"), Req().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "n-13")}},
      {"nonce-get-only", signed_world,
       {Req().form().sign("LTAI-good", "s3cr3t", "n-14"), Req().form().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "n-14")}},
      {"nonce-cache-of-two", signed_world,
       {Req().sign("LTAI-good", "s3cr3t", "n-15"), Req().ids({"i-auto2"}).sign("LTAI-good", "s3cr3t", "n-16"),
        Req().ids({"i-r1"}).set("ScalingGroupId", "asg-recycle").sign("LTAI-good", "s3cr3t", "n-17"),
        Req().ids({"i-auto3"}).sign("LTAI-good", "s3cr3t", "n-15")}},
      {"nonce-burned-by-forgery", signed_world,
       {Req().sign("LTAI-good", "forged", "n-18"), Req().sign("LTAI-good", "s3cr3t", "n-18")}},
      {"group-id-ignoring-case", keep, {Req().set("ScalingGroupId", "ASG-MAIN")}},
      {"group-id-prefix", keep, {Req().set("ScalingGroupId", "asg-ma")}},
      {"instance-id-ignoring-case", keep, {Req().ids({"I-AUTO1"})}},
      {"instance-id-trimmed", keep, {Req().ids({"i-auto1 "})}},
      {"instance-id-any-group", keep, {Req().ids({"i-r1"})}},
      {"xml-unescaped", keep, {Req().set("Format", "XML").ids({"i-<&>"})}},
      {"xml-double-escaped", keep, {Req().set("Format", "XML").ids({"i-<&>"})}},
      {"activity-not-recorded"},
      {"activity-other-group"},
      {"own-activity-ignored", [](model::World& w) { w.completion = model::ActivityCompletion::manual; },
       {Req(), Req().ids({"i-auto2"})}},
      {"astral-dropped-group-id", keep, {Req().set("ScalingGroupId", "asg-main\xF0\x9F\x98\x80")}},
      {"astral-dropped-instance-id", keep, {Req().ids({"i-auto1\xF0\x9F\x98\x80"})}},
      {"astral-mangled-in-body", keep, {Req().ids({"i-\xF0\x9F\x98\x80"})}},
      {"xml-escaped-json", keep, {Req().ids({"i-free"})}},
      {"xml-lt-unescaped", keep, {Req().set("Format", "XML").ids({"i-<&>"})}},
      {"xml-entity-without-semicolon", keep, {Req().set("Format", "XML").ids({"i-<&>"})}},
      {"activity-done-at-once", [](model::World& w) { w.completion = model::ActivityCompletion::manual; }},
      {"astral-high-surrogate-only", keep, {Req().ids({"i-\xF0\x9F\x98\x80"})}},
      {"activity-id-from-history"},
      {"astral-replaced-in-ids", keep, {Req().ids({"i-\xF0\x9F\x98\x80"})}},
  };
}

}  // namespace essconf::selftest::testing
