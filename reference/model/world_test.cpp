#include "reference/model/world.hpp"

#include <gtest/gtest.h>

#include "suite/selftest/model_fixtures.hpp"

namespace essconf::model {
namespace {

// The fixture protocol's own example World.
constexpr std::string_view kProtocolExample = R"({
  "RegionId": "cn-hangzhou",
  "ActivityCompletion": "Immediate",
  "Auth": {"Mode": "None", "AccessKeys": [
      {"AccessKeyId": "LTAI-conformance", "AccessKeySecret": "s3cr3t", "Authorized": true}]},
  "EcsInstances": [{"InstanceId": "i-auto1", "Status": "Running"}, {"InstanceId": "i-manual1", "Status": "Running"}],
  "ScalingGroups": [{
      "ScalingGroupId": "asg-main", "LifecycleState": "Active", "MinSize": 1, "MaxSize": 10,
      "ScalingPolicy": "release",
      "LoadBalancers": [{"LoadBalancerId": "lb-1", "Status": "active"}],
      "DBInstances": [{"DBInstanceId": "rm-1", "Status": "Running"}],
      "Instances": [
        {"InstanceId": "i-auto1", "CreationType": "AutoCreated", "LifecycleState": "InService"},
        {"InstanceId": "i-manual1", "CreationType": "Attached", "LifecycleState": "InService"}]}],
  "ScalingActivities": [{"ScalingActivityId": "act-old", "ScalingGroupId": "asg-main", "StatusCode": "Successful"}]
})";

TEST(WorldJson, ParsesTheProtocolExample) {
  const auto r = parse_world(kProtocolExample);
  ASSERT_TRUE(r) << r.error();
  const World& w = *r;
  EXPECT_EQ(w.groups.size(), 1u);
  EXPECT_EQ(w.groups[0].members[1].creation, CreationType::attached);
  EXPECT_EQ(w.groups[0].load_balancers[0].status, LoadBalancerStatus::active);
  EXPECT_EQ(w.auth.keys[0].secret, "s3cr3t");
  EXPECT_EQ(w.activities[0].status, ActivityStatus::successful);
}

TEST(WorldJson, RoundTrips) {
  World w = testing::base_world();
  w.completion = ActivityCompletion::manual;
  w.auth.mode = AuthMode::signature;
  w.activities.push_back({"act-2", "asg-main", ActivityStatus::in_progress, std::vector<std::string>{"i-auto1"},
                          RemovePolicy::recycle});
  const auto r = parse_world(to_json(w));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, w);
}

TEST(WorldJson, DefaultsForOptionalFields) {
  const auto r = parse_world(R"({"EcsInstances":[{"InstanceId":"i-1","Status":"Running"}],
    "ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":0,"MaxSize":1,
                      "Instances":[{"InstanceId":"i-1","CreationType":"Attached"}]}]})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->completion, ActivityCompletion::immediate);
  EXPECT_EQ(r->auth.mode, AuthMode::none);
  EXPECT_EQ(r->groups[0].policy, ScalingPolicy::release);
  EXPECT_EQ(r->groups[0].members[0].state, MemberState::in_service);
}

struct Invalid {
  std::string name;
  std::string json;
  std::string path;  // where the error must point
};

class InvalidWorld : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidWorld, IsRejectedWithItsJsonPath) {
  const auto r = parse_world(GetParam().json);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.problem().path, GetParam().path) << r.error();
  EXPECT_FALSE(r.problem().message.empty());
}

const std::string kEcs = R"("EcsInstances":[{"InstanceId":"i-1","Status":"Running"},{"InstanceId":"i-2","Status":"Running"}])";
std::string group(const std::string& extra = "", const std::string& members =
                      R"([{"InstanceId":"i-1","CreationType":"AutoCreated"}])") {
  return R"({"ScalingGroupId":"g","LifecycleState":"Active","MinSize":0,"MaxSize":5,"Instances":)" + members + extra + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Model, InvalidWorld,
    ::testing::Values(
        Invalid{"NotJson", "{", "$"},
        Invalid{"NotAnObject", "[]", "$"},
        Invalid{"UnknownTopField", R"({"Regionid":"x"})", "$.Regionid"},
        Invalid{"UnknownEnum", R"({"ActivityCompletion":"Later"})", "$.ActivityCompletion"},
        Invalid{"WrongType", "{" + kEcs + R"(,"ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":"1","MaxSize":5}]})",
                "$.ScalingGroups[0].MinSize"},
        Invalid{"FractionalSize", "{" + kEcs + R"(,"ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":1.5,"MaxSize":5}]})",
                "$.ScalingGroups[0].MinSize"},
        Invalid{"NegativeSize", "{" + kEcs + R"(,"ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":-1,"MaxSize":5}]})",
                "$.ScalingGroups[0].MinSize"},
        Invalid{"MinAboveMax", "{" + kEcs + R"(,"ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":6,"MaxSize":5}]})",
                "$.ScalingGroups[0].MinSize"},
        Invalid{"MissingRequired", "{" + kEcs + R"(,"ScalingGroups":[{"ScalingGroupId":"g","MinSize":0,"MaxSize":5}]})",
                "$.ScalingGroups[0].LifecycleState"},
        Invalid{"UnknownMemberState", "{" + kEcs + R"(,"ScalingGroups":[)" +
                    group("", R"([{"InstanceId":"i-1","CreationType":"AutoCreated","LifecycleState":"Busy"}])") + "]}",
                "$.ScalingGroups[0].Instances[0].LifecycleState"},
        Invalid{"UnknownMemberField", "{" + kEcs + R"(,"ScalingGroups":[)" +
                    group("", R"([{"InstanceId":"i-1","CreationType":"AutoCreated","Weight":2}])") + "]}",
                "$.ScalingGroups[0].Instances[0].Weight"},
        Invalid{"DuplicateEcs", R"({"EcsInstances":[{"InstanceId":"i-1","Status":"Running"},{"InstanceId":"i-1","Status":"Stopped"}]})",
                "$.EcsInstances[1].InstanceId"},
        Invalid{"MemberNotInEcs", R"({"ScalingGroups":[)" + group() + "]}", "$.ScalingGroups[0].Instances[0].InstanceId"},
        Invalid{"DuplicateMember", "{" + kEcs + R"(,"ScalingGroups":[)" +
                    group("", R"([{"InstanceId":"i-1","CreationType":"AutoCreated"},{"InstanceId":"i-1","CreationType":"Attached"}])") + "]}",
                "$.ScalingGroups[0].Instances[1].InstanceId"},
        Invalid{"InstanceInTwoGroups", "{" + kEcs + R"(,"ScalingGroups":[)" + group() +
                    R"(,{"ScalingGroupId":"h","LifecycleState":"Active","MinSize":0,"MaxSize":5,"Instances":[{"InstanceId":"i-1","CreationType":"Attached"}]}]})",
                "$.ScalingGroups[1].Instances[0].InstanceId"},
        Invalid{"DuplicateGroup", "{" + kEcs + R"(,"ScalingGroups":[)" + group() + "," + group("", "[]") + "]}",
                "$.ScalingGroups[1].ScalingGroupId"},
        Invalid{"UnknownLoadBalancerStatus", "{" + kEcs + R"(,"ScalingGroups":[)" +
                    group(R"(,"LoadBalancers":[{"LoadBalancerId":"lb","Status":"Active"}])") + "]}",
                "$.ScalingGroups[0].LoadBalancers[0].Status"},
        Invalid{"DuplicateDatabase", "{" + kEcs + R"(,"ScalingGroups":[)" +
                    group(R"(,"DBInstances":[{"DBInstanceId":"rm","Status":"Running"},{"DBInstanceId":"rm","Status":"Stopped"}])") + "]}",
                "$.ScalingGroups[0].DBInstances[1].DBInstanceId"},
        Invalid{"ActivityOfUnknownGroup", R"({"ScalingActivities":[{"ScalingActivityId":"a","ScalingGroupId":"x","StatusCode":"Successful"}]})",
                "$.ScalingActivities[0].ScalingGroupId"},
        Invalid{"RunningActivityOfNonMember", "{" + kEcs + R"(,"ScalingGroups":[)" + group() +
                    R"(],"ScalingActivities":[{"ScalingActivityId":"a","ScalingGroupId":"g","StatusCode":"InProgress","InstanceIds":["i-2"]}]})",
                "$.ScalingActivities[0].InstanceIds[0]"},
        Invalid{"DuplicateActivity", "{" + kEcs + R"(,"ScalingGroups":[)" + group() +
                    R"(],"ScalingActivities":[{"ScalingActivityId":"a","ScalingGroupId":"g","StatusCode":"Failed"},{"ScalingActivityId":"a","ScalingGroupId":"g","StatusCode":"Failed"}]})",
                "$.ScalingActivities[1].ScalingActivityId"},
        Invalid{"DuplicateAccessKey", R"({"Auth":{"Mode":"Signature","AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"s"},{"AccessKeyId":"k","AccessKeySecret":"t"}]}})",
                "$.Auth.AccessKeys[1].AccessKeyId"},
        Invalid{"AuthorizedNotBool", R"({"Auth":{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"s","Authorized":"yes"}]}})",
                "$.Auth.AccessKeys[0].Authorized"},
        Invalid{"EmptyId", R"({"EcsInstances":[{"InstanceId":"","Status":"Running"}]})", "$.EcsInstances[0].InstanceId"},
        Invalid{"ControlCharacterInId", R"({"EcsInstances":[{"InstanceId":"i-\u0001","Status":"Running"}]})",
                "$.EcsInstances[0].InstanceId"},
        Invalid{"TooDeep", std::string(100, '[') + std::string(100, ']'), "$"}),
    [](const ::testing::TestParamInfo<Invalid>& info) { return info.param.name; });

TEST(WorldCanonical, IgnoresOrder) {
  World a = testing::base_world();
  World b = a;
  std::reverse(b.ecs.begin(), b.ecs.end());
  std::reverse(b.groups.begin(), b.groups.end());
  std::reverse(b.groups[0].members.begin(), b.groups[0].members.end());
  EXPECT_NE(a, b);
  EXPECT_EQ(canonical(a), canonical(b));
  b.groups[0].members[0].state = MemberState::standby;
  EXPECT_NE(canonical(a), canonical(b));
}

}  // namespace
}  // namespace essconf::model
