#include "reference/model/apply.hpp"

#include <gtest/gtest.h>

#include "reference/model/model.hpp"
#include "suite/selftest/model_fixtures.hpp"

namespace essconf::model {
namespace {

using testing::base_world;

TEST(Apply, ImmediateReleaseRemovesAndReleasesAutoCreated) {
  const World before = base_world();
  const World after = apply(before, {"asg-main", {"i-auto1", "i-manual1"}, RemovePolicy::release}, "asa-1");
  const ScalingGroup* g = after.group("asg-main");
  EXPECT_EQ(g->members.size(), 2u);
  EXPECT_EQ(g->member("i-auto1"), nullptr);
  EXPECT_EQ(g->member("i-manual1"), nullptr);
  EXPECT_EQ(after.ecs_instance("i-auto1"), nullptr) << "effect.auto-created.released";
  ASSERT_NE(after.ecs_instance("i-manual1"), nullptr) << "effect.attached.kept";
  EXPECT_EQ(after.ecs_instance("i-manual1")->status, EcsStatus::running);
  ASSERT_EQ(after.activities.size(), 2u);
  EXPECT_EQ(after.activities.back().id, "asa-1");
  EXPECT_EQ(after.activities.back().group_id, "asg-main");
  EXPECT_EQ(after.activities.back().status, ActivityStatus::successful);
  EXPECT_EQ(after.activities.back().remove_policy, RemovePolicy::release);
  EXPECT_EQ(after.group("asg-recycle")->members, before.group("asg-recycle")->members) << "no other group changes";
}

TEST(Apply, ImmediateRecycleStopsAutoCreatedKeepsAttachedStatus) {
  World before = base_world();
  before.ecs_instance("i-r3")->status = EcsStatus::stopped;
  const World after = apply(before, {"asg-recycle", {"i-r1", "i-r3"}, RemovePolicy::recycle}, "asa-2");
  ASSERT_NE(after.ecs_instance("i-r1"), nullptr);
  EXPECT_EQ(after.ecs_instance("i-r1")->status, EcsStatus::stopped);
  EXPECT_EQ(after.ecs_instance("i-r3")->status, EcsStatus::stopped) << "an Attached instance keeps its Status";
  EXPECT_EQ(after.group("asg-recycle")->members.size(), 1u);
}

TEST(Apply, ManualLeavesMembersRemovingUntilCompleted) {
  World before = base_world();
  before.completion = ActivityCompletion::manual;
  World after = apply(before, {"asg-main", {"i-auto2"}, RemovePolicy::release}, "asa-3");
  EXPECT_EQ(after.group("asg-main")->member("i-auto2")->state, MemberState::removing);
  EXPECT_NE(after.ecs_instance("i-auto2"), nullptr);
  EXPECT_TRUE(after.has_activity_in_progress("asg-main"));
  const auto done = complete_activities(after);
  EXPECT_EQ(done, std::vector<std::string>{"asa-3"});
  EXPECT_EQ(after.group("asg-main")->member("i-auto2"), nullptr);
  EXPECT_EQ(after.ecs_instance("i-auto2"), nullptr);
  EXPECT_FALSE(after.has_activity_in_progress("asg-main"));
  EXPECT_TRUE(complete_activities(after).empty()) << "nothing left to complete";
}

TEST(Apply, CompletingALoadedActivityWithoutInstancesOnlyChangesStatus) {
  World w = base_world();
  w.activities.push_back({"act-run", "asg-main", ActivityStatus::in_progress, std::nullopt, std::nullopt});
  const World before = w;
  EXPECT_EQ(complete_activities(w), std::vector<std::string>{"act-run"});
  EXPECT_EQ(w.groups, before.groups);
  EXPECT_EQ(w.ecs, before.ecs);
  EXPECT_EQ(w.activities.back().status, ActivityStatus::successful);
}

// The model's accept-then-apply never leaves a group below MinSize.
TEST(Apply, AcceptedCallsNeverGoBelowMinSize) {
  World w = base_world();
  w.group("asg-main")->min_size = 2;
  const Context ctx = testing::context();
  int accepted = 0;
  for (const char* id : {"i-auto1", "i-auto2", "i-auto3", "i-manual1"}) {
    const Expectation e = expect(w, testing::Req().ids({id}).build(), Profile::strict, ctx);
    if (!e.reference.success) continue;
    w = apply(w, e.reference.effects, std::string("asa-") + id);
    ++accepted;
    EXPECT_GE(static_cast<std::int64_t>(w.group("asg-main")->members.size()), 2);
  }
  EXPECT_EQ(accepted, 2);
}

}  // namespace
}  // namespace essconf::model
