#include "suite/property/linearizability.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "reference/model/model.hpp"
#include "suite/runner/case.hpp"

namespace essconf::property {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;
const model::Context kContext{kNow, 10, nullptr};
const std::string kMinSizeMessage = "To remove the instances, the total capacity will be lesser than the MinSize.";
const std::string kInProgressMessage =
    "You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity in "
    "progress for the specified scaling group.";

// One group asg-t with `members` AutoCreated members i-1..i-N, all InService.
model::World small_world(int members, int min_size,
                         model::ActivityCompletion completion = model::ActivityCompletion::immediate) {
  model::World w;
  w.completion = completion;
  model::ScalingGroup g;
  g.id = "asg-t";
  g.min_size = min_size;
  g.max_size = members + 4;
  for (int i = 1; i <= members; ++i) {
    const std::string id = fmt::format("i-{}", i);
    g.members.push_back({id, model::CreationType::auto_created, model::MemberState::in_service});
    w.ecs.push_back({id, model::EcsStatus::running});
  }
  w.groups.push_back(std::move(g));
  w.activities.push_back({"act-old", "asg-t", model::ActivityStatus::successful, std::nullopt, std::nullopt});
  return w;
}

wire::HttpRequest remove_request(const std::vector<std::string>& ids) {
  runner::RequestSpec spec;
  spec.params = {{"Action", "RemoveInstances"}, {"Version", "2014-08-28"}, {"Format", "JSON"}, {"ScalingGroupId", "asg-t"}};
  for (std::size_t i = 0; i < ids.size(); ++i) spec.params.emplace_back(fmt::format("InstanceId.{}", i + 1), ids[i]);
  return runner::build_request(spec, kNow, "nonce");
}

Operation success(int client, std::int64_t invoked, std::int64_t returned, std::vector<std::string> ids, std::string activity) {
  Operation op;
  op.client = client;
  op.invoked_ns = invoked;
  op.returned_ns = returned;
  op.request = remove_request(ids);
  op.status = 200;
  op.activity_id = std::move(activity);
  return op;
}

Operation error(int client, std::int64_t invoked, std::int64_t returned, std::vector<std::string> ids, int status,
                std::string code, std::string message) {
  Operation op;
  op.client = client;
  op.invoked_ns = invoked;
  op.returned_ns = returned;
  op.request = remove_request(ids);
  op.status = status;
  op.code = std::move(code);
  op.message = std::move(message);
  return op;
}

Operation min_size_error(int client, std::int64_t invoked, std::int64_t returned, std::vector<std::string> ids) {
  return error(client, invoked, returned, std::move(ids), 400, "IncorrectCapacity.MinSize", kMinSizeMessage);
}

Operation no_answer(int client, std::int64_t invoked, std::vector<std::string> ids) {
  Operation op;
  op.client = client;
  op.invoked_ns = invoked;
  op.returned_ns = invoked + 1'000'000;
  op.request = remove_request(ids);
  op.indeterminate = true;
  return op;
}

model::World removed(model::World w, const std::vector<std::pair<std::string, std::string>>& removals) {
  for (const auto& [id, activity] : removals) w = model::apply(w, {"asg-t", {id}, model::RemovePolicy::release}, activity);
  return w;
}

LinearizabilityResult check(const model::World& initial, const std::vector<Operation>& h, const model::World& final_world) {
  auto r = check_linearizable(initial, h, final_world, model::Profile::spec, kContext);
  if (!r.linearizable) std::cout << "  explanation: " << r.explanation << "\n";
  return r;
}

TEST(Linearizability, SequentialHistoryIsLinearizable) {
  const auto w = small_world(4, 2);
  const std::vector<Operation> h{success(0, 0, 10, {"i-1"}, "act-1"), success(1, 20, 30, {"i-2"}, "act-2"),
                                 min_size_error(2, 40, 50, {"i-3"})};
  const auto r = check(w, h, removed(w, {{"i-1", "act-1"}, {"i-2", "act-2"}}));
  EXPECT_TRUE(r.linearizable);
  EXPECT_EQ(r.order, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_TRUE(r.explanation.empty());
  EXPECT_GT(r.states_explored, 0U);
}

TEST(Linearizability, EmptyHistoryNeedsAnUnchangedWorld) {
  const auto w = small_world(4, 2);
  EXPECT_TRUE(check(w, {}, w).linearizable);
  EXPECT_FALSE(check(w, {}, removed(w, {{"i-1", "act-1"}})).linearizable);
}

TEST(Linearizability, TwoOverlappingSuccessesWhereMinSizeAllowsOneAreNot) {
  const auto w = small_world(4, 3);
  const std::vector<Operation> h{success(0, 0, 10, {"i-1"}, "act-1"), success(1, 5, 15, {"i-2"}, "act-2")};
  const auto r = check(w, h, removed(w, {{"i-1", "act-1"}, {"i-2", "act-2"}}));
  EXPECT_FALSE(r.linearizable);
  EXPECT_TRUE(r.order.empty());
  EXPECT_NE(r.explanation.find("at most 1 of the 2"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("answered 200 success but the model allows only 400 IncorrectCapacity.MinSize"),
            std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find("3 members - 1 removed < MinSize 3"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("client 1, removing i-2"), std::string::npos) << r.explanation;
}

TEST(Linearizability, OverlappingSuccessAndMinSizeErrorAreLinearizableEitherWay) {
  const auto w = small_world(4, 3);
  const auto after = removed(w, {{"i-2", "act-2"}});
  // The error was invoked first and returned first, yet must come second.
  const auto r1 = check(w, {min_size_error(0, 0, 10, {"i-1"}), success(1, 5, 15, {"i-2"}, "act-2")}, after);
  EXPECT_TRUE(r1.linearizable);
  EXPECT_EQ(r1.order, (std::vector<std::size_t>{1, 0}));
  const auto r2 = check(w, {success(1, 0, 10, {"i-2"}, "act-2"), min_size_error(0, 5, 15, {"i-1"})}, after);
  EXPECT_TRUE(r2.linearizable);
  EXPECT_EQ(r2.order, (std::vector<std::size_t>{0, 1}));
}

TEST(Linearizability, RealTimeThatForbidsTheOnlyValidOrderIsNot) {
  const auto w = small_world(4, 3);
  // The MinSize error returned before the success was invoked: it cannot come after it.
  const std::vector<Operation> h{min_size_error(0, 0, 10, {"i-1"}), success(1, 20, 30, {"i-2"}, "act-2")};
  const auto r = check(w, h, removed(w, {{"i-2", "act-2"}}));
  EXPECT_FALSE(r.linearizable);
  EXPECT_NE(r.explanation.find("at most 0 of the 2"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("call #0 (client 0, removing i-1) answered 400 IncorrectCapacity.MinSize"), std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find("call #1 (client 1, removing i-2) cannot come yet: call #0 returned before it was invoked"),
            std::string::npos)
      << r.explanation;
}

TEST(Linearizability, FinalWorldMismatchIsNot) {
  const auto w = small_world(4, 2);
  const std::vector<Operation> h{success(0, 0, 10, {"i-1"}, "act-1")};
  // The target says it removed i-1 but shows i-3 gone instead.
  const auto r = check(w, h, removed(w, {{"i-3", "act-1"}}));
  EXPECT_FALSE(r.linearizable);
  EXPECT_NE(r.explanation.find("no such order ends in the World the target shows"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("i-1"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("i-3"), std::string::npos) << r.explanation;
  // And a success whose activity the target does not show.
  const auto r2 = check(w, h, removed(w, {{"i-1", "act-other"}}));
  EXPECT_FALSE(r2.linearizable);
  EXPECT_NE(r2.explanation.find("act-1"), std::string::npos) << r2.explanation;
}

TEST(Linearizability, WrongErrorCodeIsNot) {
  const auto w = small_world(4, 2);
  const std::vector<Operation> h{error(0, 0, 10, {"i-1"}, 400, "Throttling", "Request was denied due to request throttling.")};
  const auto r = check(w, h, w);
  EXPECT_FALSE(r.linearizable);
  EXPECT_NE(r.explanation.find("answered 400 Throttling but the model allows only 200 success"), std::string::npos)
      << r.explanation;
}

TEST(Linearizability, IndeterminateCallThatTookEffect) {
  const auto w = small_world(4, 3);
  // Client 0 got no answer; its removal of i-1 happened (the target shows it,
  // with an activity no answer named), so client 1's later call hits MinSize.
  const std::vector<Operation> h{no_answer(0, 0, {"i-1"}), min_size_error(1, 20, 30, {"i-2"})};
  const auto r = check(w, h, removed(w, {{"i-1", "asa-unseen"}}));
  EXPECT_TRUE(r.linearizable);
  EXPECT_EQ(r.order, (std::vector<std::size_t>{0, 1}));
}

TEST(Linearizability, IndeterminateCallThatDidNotTakeEffect) {
  const auto w = small_world(4, 3);
  const std::vector<Operation> h{no_answer(0, 0, {"i-1"}), success(1, 20, 30, {"i-2"}, "act-2")};
  const auto r = check(w, h, removed(w, {{"i-2", "act-2"}}));
  EXPECT_TRUE(r.linearizable);
  EXPECT_EQ(r.order, (std::vector<std::size_t>{1}));
  // It may also take effect after a call that was invoked later.
  const auto r2 = check(w, {no_answer(0, 0, {"i-1"}), min_size_error(1, 20, 30, {"i-2"})}, w);
  EXPECT_FALSE(r2.linearizable) << "nothing removed, so the MinSize error is not explained";
  EXPECT_NE(r2.explanation.find("1 without an answer"), std::string::npos) << r2.explanation;
}

TEST(Linearizability, ManualCompletionTwoOverlappingSuccessesAreNot) {
  const auto w = small_world(6, 1, model::ActivityCompletion::manual);
  const std::vector<Operation> h{success(0, 0, 10, {"i-1"}, "act-1"), success(1, 5, 15, {"i-2"}, "act-2")};
  const auto r = check(w, h, removed(w, {{"i-1", "act-1"}, {"i-2", "act-2"}}));
  EXPECT_FALSE(r.linearizable);
  EXPECT_NE(r.explanation.find("ScalingActivityInProgress"), std::string::npos) << r.explanation;
  // The second one refused is fine.
  const auto ok = check(w,
                        {success(0, 0, 10, {"i-1"}, "act-1"),
                         error(1, 5, 15, {"i-2"}, 400, "ScalingActivityInProgress", kInProgressMessage)},
                        removed(w, {{"i-1", "act-1"}}));
  EXPECT_TRUE(ok.linearizable);
}

// 24 calls, all overlapping, on 16 members of which `allowed` may go:
// `successes` removals succeed, the other members' removals hit MinSize, and
// the rest name a member another call removed. Listed in an order unrelated
// to the valid one.
std::vector<Operation> busy_history(int allowed, int successes, model::World& w, model::World& final_world) {
  w = small_world(16, 16 - allowed);
  std::vector<Operation> h;
  std::vector<std::pair<std::string, std::string>> removals;
  for (int i = 1; i <= successes; ++i) {
    const std::string id = fmt::format("i-{}", i), act = fmt::format("asa-{}", i);
    h.push_back(success(i, 100 + i, 10'000 - i, {id}, act));
    removals.emplace_back(id, act);
  }
  for (int i = successes + 1; i <= 16; ++i) h.push_back(min_size_error(i, 200 + i, 9'000 + i, {fmt::format("i-{}", i)}));
  while (h.size() < 24) {
    const std::string id = fmt::format("i-{}", 1 + h.size() % static_cast<std::size_t>(successes));
    h.push_back(error(static_cast<int>(h.size()), 50, 9'500, {id}, 404, "InvalidInstanceId.NotFound",
                      fmt::format("Instance \"{}\" does not exist.", id)));
  }
  std::reverse(h.begin(), h.end());
  std::rotate(h.begin(), h.begin() + 7, h.end());
  for (std::size_t i = 0; i < h.size(); ++i) h[i].client = static_cast<int>(i);
  final_world = removed(w, removals);
  return h;
}

TEST(Linearizability, TwentyFourConcurrentCallsAreCheckedQuickly) {
  model::World w, final_world;
  const auto h = busy_history(8, 8, w, final_world);
  ASSERT_EQ(h.size(), 24U);
  const auto start = std::chrono::steady_clock::now();
  const auto r = check(w, h, final_world);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "  24 overlapping calls: linearizable in " << ms << " ms, " << r.states_explored << " states\n";
  EXPECT_TRUE(r.linearizable);
  EXPECT_EQ(r.order.size(), 24U);
}

TEST(Linearizability, TwentyFourConcurrentCallsWithOneSuccessTooMany) {
  model::World w, final_world;
  // The refutation visits every set of successes the model allows (here
  // 2^4 - 1): exponential in the successes, as in any WGL search.
  const auto h = busy_history(3, 4, w, final_world);
  const auto start = std::chrono::steady_clock::now();
  const auto r = check(w, h, final_world);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "  24 overlapping calls, one success too many: refuted in " << ms << " ms, " << r.states_explored
            << " states\n";
  EXPECT_FALSE(r.linearizable);
  EXPECT_NE(r.explanation.find("at most 21 of the 24"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("answered 200 success but the model allows only 400 IncorrectCapacity.MinSize"),
            std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find("MinSize"), std::string::npos) << r.explanation;
}

}  // namespace
}  // namespace essconf::property
