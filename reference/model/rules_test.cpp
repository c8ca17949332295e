// Every rule of the model, with its boundaries, as a table of scenarios: the
// reference's decision, how other answers grade under the spec profile, and
// the clause each exercises. A coverage test over the same table proves every
// clause the model decides is exercised.
#include "reference/model/rules.hpp"

#include <functional>
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "reference/model/catalog.hpp"
#include "reference/model/clause_ids.hpp"
#include "suite/selftest/model_fixtures.hpp"
#include "reference/wire/signature_v3.hpp"

namespace essconf::model {
namespace {

using testing::base_world;
using testing::kNow;
using testing::Req;

// Messages of the documentation's error table.
const std::string kGroupNotFoundMsg = "The specified scaling group does not exist.";
const std::string kUnauthorizedMsg = "A required authorization for the specified action is not supplied.";
const std::string kGroupStatusMsg = "The current status of the specified scaling group does not support this action.";
const std::string kActivityMsg =
    "You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity in "
    "progress for the specified scaling group.";
const std::string kLbMsg = "The current status of the specified load balancer does not support this action.";
const std::string kMinSizeMsg = "To remove the instances, the total capacity will be lesser than the MinSize.";
const std::string kRecycleMsg = "The specified group does not support the specified RemovePolicy.";

constexpr std::optional<Grade> kPass = Grade::pass;
constexpr std::optional<Grade> kDeviation = Grade::deviation;
constexpr std::optional<Grade> kFail = std::nullopt;

struct Answer {
  int status;
  std::string code;
  std::string message;
  std::optional<Grade> grade;  // under the spec profile; nullopt: a fail
};

struct SuccessAnswer {
  std::vector<std::string> ids;
  std::optional<Grade> grade;
  std::string group = "asg-main";
  RemovePolicy policy = RemovePolicy::release;
};

struct Scenario {
  std::string name;
  std::string_view clause;  // the clause the scenario is about: in the decision's or expectation's clauses
  std::function<void(World&)> world = [](World&) {};
  Req request;
  // The reference's decision: success with `removed`, or status/code/message.
  int status = 200;
  std::string code;
  std::string message;  // "" = not checked here
  std::vector<std::string> removed;
  RemovePolicy policy = RemovePolicy::release;
  std::string group = "asg-main";
  std::vector<Answer> answers;
  std::vector<SuccessAnswer> successes;
  std::vector<std::pair<NonceUse, bool>> nonces;  // what the caller saw before: (key, nonce), succeeded
  std::int64_t clock_tolerance = 0;
};

World signature_world() {
  World w = base_world();
  w.auth.mode = AuthMode::signature;
  return w;
}

void add_members(World& w, const std::string& group, int n) {
  ScalingGroup* g = w.group(group);
  for (int i = 1; i <= n; ++i) {
    const std::string id = "i-m" + std::to_string(i);
    w.ecs.push_back({id, EcsStatus::running});
    g->members.push_back({id, CreationType::auto_created, MemberState::in_service});
  }
}

std::vector<std::string> member_ids(int n) {
  std::vector<std::string> ids;
  for (int i = 1; i <= n; ++i) ids.push_back("i-m" + std::to_string(i));
  return ids;
}

const Answer kAny4xx{400, "AnythingAtAll", "any message", kPass};
const Answer kServerError{500, "InternalError", "oops", kFail};

std::vector<Scenario> scenarios() {
  std::vector<Scenario> s;
  auto many = [](World& w) {
    add_members(w, "asg-main", 25);
    w.group("asg-main")->min_size = 0;
  };
  // ---- success and effects
  s.push_back({.name = "RemovesOneAutoCreatedInstance", .clause = clause::kAutoCreatedReleased,
               .removed = {"i-auto1"}, .answers = {{400, "IncorrectCapacity.MinSize", kMinSizeMsg, kFail}, kServerError}});
  s.push_back({.name = "RemovesAnAttachedInstance", .clause = clause::kAttachedKept,
               .request = Req().ids({"i-manual1"}), .removed = {"i-manual1"}});
  s.push_back({.name = "SuccessRemovesExactlyTheNamed", .clause = clause::kRemovedExactly,
               .request = Req().ids({"i-auto1", "i-auto2"}), .removed = {"i-auto1", "i-auto2"},
               .successes = {{{"i-auto1"}, kFail}, {{"i-auto1", "i-auto2", "i-auto3"}, kFail}}});
  s.push_back({.name = "CooldownDoesNotBlock", .clause = clause::kCooldownIgnored, .removed = {"i-auto1"}});
  s.push_back({.name = "SuccessIsTrackable", .clause = clause::kActivityTrackable, .removed = {"i-auto1"}});
  s.push_back({.name = "SuccessCarriesActivityId", .clause = clause::kActivityId, .removed = {"i-auto1"}});
  // ---- InstanceId.N
  s.push_back({.name = "TwentyIdsAccepted", .clause = clause::kRemovedExactly, .world = many,
               .request = Req().ids(member_ids(20)), .removed = member_ids(20)});
  s.push_back({.name = "TwentyOneIdsRejected", .clause = clause::kInstanceIdMax20, .world = many,
               .request = Req().ids(member_ids(21)), .status = 400, .code = "InvalidParameter",
               .answers = {kAny4xx, kServerError}, .successes = {{member_ids(21), kFail}, {member_ids(20), kFail}}});
  s.push_back({.name = "NoInstanceIdRejected", .clause = clause::kInstanceIdRequired, .request = Req().ids({}),
               .status = 400, .code = "MissingParameter",
               .message = "The input parameter \"InstanceId.1\" that is mandatory for processing this request is not supplied.",
               .answers = {kAny4xx, {404, "InvalidInstanceId.NotFound", "x", kPass}, kServerError}});
  s.push_back({.name = "InstanceIdZeroRejected", .clause = clause::kInstanceIdIndex,
               .request = Req().ids({}).add("InstanceId.0", "i-auto1"), .status = 400, .code = "InvalidParameter",
               .answers = {kAny4xx}, .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "InstanceId21AloneRejected", .clause = clause::kInstanceIdIndex,
               .request = Req().ids({}).add("InstanceId.21", "i-auto1"), .status = 400, .code = "InvalidParameter",
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "InstanceIdLeadingZeroRejected", .clause = clause::kInstanceIdIndex,
               .request = Req().ids({}).add("InstanceId.01", "i-auto1"), .status = 400, .code = "InvalidParameter",
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "InstanceIdNotANumberRejected", .clause = clause::kInstanceIdIndex,
               .request = Req().add("InstanceId.x", "i-auto2"), .status = 400, .code = "InvalidParameter",
               .successes = {{{"i-auto1"}, kFail}, {{"i-auto1", "i-auto2"}, kFail}}});
  s.push_back({.name = "EmptyInstanceIdRejected", .clause = clause::kInstanceIdIndex, .request = Req().ids({""}),
               .status = 400, .code = "InvalidParameter", .answers = {kAny4xx}});
  s.push_back({.name = "GapInIndexesEitherWay", .clause = clause::kInstanceIdIndex,
               .request = Req().ids({"i-auto1"}).add("InstanceId.3", "i-auto2"), .status = 400, .code = "InvalidParameter",
               .successes = {{{"i-auto1", "i-auto2"}, kPass}, {{"i-auto1"}, kFail}}});
  s.push_back({.name = "SameIdTwiceEitherWay", .clause = clause::kInstanceIdIndex,
               .request = Req().ids({"i-auto1", "i-auto1"}), .status = 400, .code = "InvalidParameter",
               .successes = {{{"i-auto1"}, kPass}}});
  // ---- ScalingGroupId, Action, RemovePolicy, Format, RegionId
  s.push_back({.name = "MissingGroupIdRejected", .clause = clause::kGroupIdRequired,
               .request = Req().drop("ScalingGroupId"), .status = 400, .code = "MissingParameter",
               .answers = {kAny4xx, kServerError}});
  s.push_back({.name = "EmptyGroupIdRejected", .clause = clause::kGroupIdRequired,
               .request = Req().set("ScalingGroupId", ""), .status = 400, .code = "MissingParameter",
               .answers = {{404, "InvalidScalingGroupId.NotFound", kGroupNotFoundMsg, kPass}}});
  s.push_back({.name = "UnknownActionRejected", .clause = clause::kAction,
               .request = Req().set("Action", "DescribeScalingGroups"), .status = 404, .code = "InvalidAction.NotFound",
               .answers = {{400, "InvalidAction.NotFound", "x", kPass}, {400, "Whatever", "x", kDeviation}, kServerError},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "MissingActionRejected", .clause = clause::kAction, .request = Req().drop("Action"),
               .status = 404, .code = "InvalidAction.NotFound", .answers = {{400, "MissingParameter", "x", kPass}}});
  s.push_back({.name = "ActionInOtherCaseRejected", .clause = clause::kAction,
               .request = Req().set("Action", "removeinstances"), .status = 404, .code = "InvalidAction.NotFound",
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "UnknownRemovePolicyRejected", .clause = clause::kRemovePolicyValues,
               .request = Req().set("RemovePolicy", "delete"), .status = 400, .code = "InvalidParameter",
               .answers = {kAny4xx}, .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "RemovePolicyInOtherCaseRejected", .clause = clause::kRemovePolicyValues,
               .request = Req().set("RemovePolicy", "Release"), .status = 400, .code = "InvalidParameter"});
  s.push_back({.name = "EmptyRemovePolicyRejected", .clause = clause::kRemovePolicyValues,
               .request = Req().set("RemovePolicy", ""), .status = 400, .code = "InvalidParameter"});
  s.push_back({.name = "OmittedRemovePolicyIsRelease", .clause = clause::kRemovePolicyDefault,
               .request = Req().ids({"i-r1"}).set("ScalingGroupId", "asg-recycle"), .removed = {"i-r1"},
               .group = "asg-recycle",
               .successes = {{{"i-r1"}, kFail, "asg-recycle", RemovePolicy::recycle},
                             {{"i-r1"}, kPass, "asg-recycle", RemovePolicy::release}}});
  s.push_back({.name = "RecycleOnReleaseGroupRejected", .clause = clause::kRemovePolicyRecycleGroup,
               .request = Req().set("RemovePolicy", "recycle"), .status = 400, .code = "InvalidParameter",
               .message = kRecycleMsg,
               .answers = {{400, "InvalidParameter", "another message", kFail}, {403, "InvalidParameter", kRecycleMsg, kFail}},
               .successes = {{{"i-auto1"}, kFail}, {{"i-auto1"}, kFail, "asg-main", RemovePolicy::recycle}}});
  s.push_back({.name = "RecycleOnRecycleGroupAccepted", .clause = clause::kAutoCreatedReleased,
               .request = Req().ids({"i-r1"}).set("ScalingGroupId", "asg-recycle").set("RemovePolicy", "recycle"),
               .removed = {"i-r1"}, .policy = RemovePolicy::recycle, .group = "asg-recycle"});
  s.push_back({.name = "ReleaseOnRecycleGroupAccepted", .clause = clause::kAutoCreatedReleased,
               .request = Req().ids({"i-r1"}).set("ScalingGroupId", "asg-recycle").set("RemovePolicy", "release"),
               .removed = {"i-r1"}, .group = "asg-recycle"});
  s.push_back({.name = "UnknownFormatRejected", .clause = clause::kFormat, .request = Req().set("Format", "YAML"),
               .status = 400, .code = "InvalidParameter.Format", .answers = {kAny4xx},
               .successes = {{{"i-auto1"}, kDeviation}}});
  s.push_back({.name = "LowercaseFormatAccepted", .clause = clause::kFormatXml, .request = Req().set("Format", "xml"),
               .removed = {"i-auto1"}});
  s.push_back({.name = "JsonFormat", .clause = clause::kFormatJson, .removed = {"i-auto1"}});
  s.push_back({.name = "DefaultFormat", .clause = clause::kFormatDefault, .request = Req().drop("Format"),
               .removed = {"i-auto1"}});
  s.push_back({.name = "OtherRegionEitherWay", .clause = clause::kRegionId, .request = Req().set("RegionId", "cn-beijing"),
               .removed = {"i-auto1"}, .answers = {{404, "InvalidScalingGroupId.NotFound", kGroupNotFoundMsg, kPass}}});
  // ---- the group
  s.push_back({.name = "UnknownGroupRejected", .clause = clause::kGroupNotFound,
               .request = Req().set("ScalingGroupId", "asg-nope"), .status = 404, .code = "InvalidScalingGroupId.NotFound",
               .message = kGroupNotFoundMsg,
               .answers = {{400, "InvalidScalingGroupId.NotFound", kGroupNotFoundMsg, kDeviation},
                           {404, "InvalidScalingGroupId.NotFound", "nope", kFail},
                           {404, "InvalidInstanceId.NotFound", "Instance \"i-auto1\" does not exist.", kFail}}});
  for (auto state : {GroupState::inactive, GroupState::deleting}) {
    s.push_back({.name = std::string("Group") + std::string(name(state)) + "Rejected", .clause = clause::kGroupActive,
                 .world = [state](World& w) { w.group("asg-main")->state = state; }, .status = 400,
                 .code = "IncorrectScalingGroupStatus", .message = kGroupStatusMsg,
                 .answers = {{400, "IncorrectScalingGroupStatus", kGroupStatusMsg, kPass},
                             {400, "ScalingActivityInProgress", kActivityMsg, kFail}},
                 .successes = {{{"i-auto1"}, kFail}}});
  }
  s.push_back({.name = "ActivityInProgressRejected", .clause = clause::kNoActivityInProgress,
               .world = [](World& w) { w.activities.push_back({"act-run", "asg-main", ActivityStatus::in_progress, {}, {}}); },
               .status = 400, .code = "ScalingActivityInProgress", .message = kActivityMsg,
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "ActivityOfOtherGroupDoesNotBlock", .clause = clause::kNoActivityInProgress,
               .world = [](World& w) { w.activities.push_back({"act-run", "asg-recycle", ActivityStatus::in_progress, {}, {}}); },
               .removed = {"i-auto1"}});
  // ---- instances
  s.push_back({.name = "InstanceInNoGroupRejected", .clause = clause::kInstanceNotFound, .request = Req().ids({"i-free"}),
               .status = 404, .code = "InvalidInstanceId.NotFound", .message = "Instance \"i-free\" does not exist.",
               .answers = {{400, "InvalidInstanceId.NotFound", "Instance \"i-free\" does not exist.", kDeviation},
                           {404, "InvalidInstanceId.NotFound", "Instance \xE2\x80\x9Ci-free\xE2\x80\x9D does not exist.", kPass},
                           {404, "InvalidInstanceId.NotFound", "Instance \"i-other\" does not exist.", kFail}}});
  s.push_back({.name = "InstanceOfOtherGroupRejected", .clause = clause::kInstanceNotFound,
               .request = Req().ids({"i-auto1", "i-r1"}), .status = 404, .code = "InvalidInstanceId.NotFound",
               .message = "Instance \"i-r1\" does not exist.",
               .answers = {{404, "InvalidInstanceId.NotFound", "Instance \"i-auto1\" does not exist.", kFail}},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "UnknownInstanceNamesOneMissing", .clause = clause::kInstanceNotFound,
               .request = Req().ids({"i-x", "i-y"}), .status = 404, .code = "InvalidInstanceId.NotFound",
               .message = "Instance \"i-x\" does not exist.",
               .answers = {{404, "InvalidInstanceId.NotFound", "Instance \"i-y\" does not exist.", kPass}}});
  s.push_back({.name = "PendingMemberEitherWay", .clause = clause::kInstanceState,
               .world = [](World& w) { w.group("asg-main")->member("i-auto1")->state = MemberState::pending; },
               .status = 400, .code = "IncorrectInstanceStatus", .answers = {kAny4xx},
               .successes = {{{"i-auto1"}, kPass}}});
  s.push_back({.name = "ProtectedMemberEitherWay", .clause = clause::kInstanceState,
               .world = [](World& w) { w.group("asg-main")->member("i-auto1")->state = MemberState::is_protected; },
               .removed = {"i-auto1"}, .answers = {{400, "IncorrectInstanceStatus", "x", kPass}}});
  s.push_back({.name = "StandbyMemberRemovable", .clause = clause::kInstanceState,
               .world = [](World& w) { w.group("asg-main")->member("i-auto1")->state = MemberState::standby; },
               .removed = {"i-auto1"}});
  // ---- MinSize
  auto min3 = [](World& w) { w.group("asg-main")->min_size = 3; };
  s.push_back({.name = "MinSizeExactlyMetAccepted", .clause = clause::kMinSize, .world = min3, .removed = {"i-auto1"},
               .answers = {{400, "IncorrectCapacity.MinSize", kMinSizeMsg, kFail}}});
  s.push_back({.name = "MinSizeMissedByOneRejected", .clause = clause::kMinSize, .world = min3,
               .request = Req().ids({"i-auto1", "i-auto2"}), .status = 400, .code = "IncorrectCapacity.MinSize",
               .message = kMinSizeMsg,
               .answers = {{400, "IncorrectCapacity.MinSize", "x", kFail}, {400, "AnythingAtAll", "any", kFail}},
               .successes = {{{"i-auto1", "i-auto2"}, kFail}}});
  s.push_back({.name = "MinSizeZeroRemovesAll", .clause = clause::kMinSize,
               .world = [](World& w) { w.group("asg-main")->min_size = 0; },
               .request = Req().ids({"i-auto1", "i-auto2", "i-auto3", "i-manual1"}),
               .removed = {"i-auto1", "i-auto2", "i-auto3", "i-manual1"}});
  s.push_back({.name = "PendingMembersMayNotCount", .clause = clause::kCapacityCount,
               .world = [](World& w) {
                 w.group("asg-main")->min_size = 3;
                 w.group("asg-main")->member("i-auto3")->state = MemberState::pending;
               },
               .removed = {"i-auto1"}, .answers = {{400, "IncorrectCapacity.MinSize", kMinSizeMsg, kPass}}});
  // ---- load balancers and databases
  s.push_back({.name = "InactiveLoadBalancerRejected", .clause = clause::kLoadBalancerStatus,
               .world = [](World& w) { w.group("asg-main")->load_balancers[0].status = LoadBalancerStatus::inactive; },
               .status = 400, .code = "IncorrectLoadBalancerStatus", .message = kLbMsg,
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "StoppedDatabaseRejected", .clause = clause::kDbInstanceStatus,
               .world = [](World& w) { w.group("asg-main")->db_instances[0].status = "Stopped"; },
               .status = 400, .code = "IncorrectDBInstanceStatus",
               .message = "The current status of DB instance \"rm-1\" does not support this action.",
               .answers = {{400, "IncorrectDBInstanceStatus", "The current status of DB instance \"XXX\" does not support this action.", kFail}},
               .successes = {{{"i-auto1"}, kFail}}});
  // ---- transport and encoding
  s.push_back({.name = "PutRejected", .clause = clause::kMethods, .request = Req().method("PUT"), .status = 400,
               .code = "UnsupportedHTTPMethod", .answers = {{405, "x", "y", kPass}, kServerError},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "NotHttpIsRefusedAnyWay", .clause = clause::kNoServerError, .request = Req().method("D=LETE"),
               .status = 400, .code = "InvalidParameter",
               .answers = {{400, "", "", kPass}, {431, "x", "{\"error\":\"bad method\"}", kPass}, kServerError},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "PostFormAccepted", .clause = clause::kMethods, .request = Req().form(), .removed = {"i-auto1"}});
  s.push_back({.name = "PostQueryAccepted", .clause = clause::kMethods, .request = Req().method("POST"),
               .removed = {"i-auto1"}});
  s.push_back({.name = "OtherPathEitherWay", .clause = clause::kPath, .request = Req().path("/api"), .status = 404,
               .code = "InvalidAction.NotFound", .answers = {kAny4xx}, .successes = {{{"i-auto1"}, kPass}}});
  s.push_back({.name = "BadPercentEscapeEitherWay", .clause = clause::kMalformed, .request = Req().raw_query("Note=%zz"),
               .status = 400, .code = "InvalidParameter", .answers = {kAny4xx, kServerError},
               .successes = {{{"i-auto1"}, kPass}}});
  s.push_back({.name = "InvalidUtf8InstanceId", .clause = clause::kMalformed,
               .request = Req().ids({}).raw_query("InstanceId.1=i-%FF"), .status = 400, .code = "InvalidParameter",
               .answers = {{404, "InvalidInstanceId.NotFound", "Instance \"i-\xFF\" does not exist.", kPass}}});
  s.push_back({.name = "DuplicateKeyEitherWay", .clause = clause::kDuplicateKey,
               .request = Req().add("InstanceId.1", "i-auto2"), .status = 400, .code = "InvalidParameter",
               .answers = {kAny4xx},
               .successes = {{{"i-auto1"}, kPass}, {{"i-auto2"}, kPass}, {{"i-auto1", "i-auto2"}, kFail}}});
  s.push_back({.name = "MissingVersionEitherWay", .clause = clause::kVersion, .request = Req().drop("Version"),
               .status = 400, .code = "MissingParameter", .successes = {{{"i-auto1"}, kPass}}});
  s.push_back({.name = "UnknownVersionRejected", .clause = clause::kVersion, .request = Req().set("Version", "2015-01-01"),
               .status = 400, .code = "NoSuchVersion",
               .answers = {{400, "InvalidVersion", "x", kPass}, {400, "Other", "x", kDeviation}},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "NewerVersionIsADeviation", .clause = clause::kVersion,
               .request = Req().set("Version", "2022-02-22"), .status = 400, .code = "NoSuchVersion",
               .successes = {{{"i-auto1"}, kDeviation}}});
  // ---- signatures, timestamps, nonces, authorization
  s.push_back({.name = "SignedCallAccepted", .clause = clause::kSignature, .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-1"), .removed = {"i-auto1"}});
  s.push_back({.name = "SignedFormPostAccepted", .clause = clause::kSignature,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().form().sign("LTAI-good", "s3cr3t", "n-2"), .removed = {"i-auto1"}});
  s.push_back({.name = "SignatureModeNoneIgnoresSignatures", .clause = clause::kRemovedExactly,
               .request = Req().sign("LTAI-good", "wrong", "n-3").set("Timestamp", "garbage"), .removed = {"i-auto1"}});
  s.push_back({.name = "WrongSecretRejected", .clause = clause::kSignature, .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "not-the-secret", "n-4"), .status = 400, .code = "SignatureDoesNotMatch",
               .answers = {{403, "SignatureDoesNotMatch", "x", kPass}, {400, "Other", "x", kDeviation}, kServerError},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "UnknownKeyRejected", .clause = clause::kSignature, .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-nobody", "s3cr3t", "n-5"), .status = 400, .code = "InvalidAccessKeyId.NotFound",
               .answers = {{404, "InvalidAccessKeyId.NotFound", "x", kPass}}, .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "UnsignedCallRejected", .clause = clause::kSignature, .world = [](World& w) { w = signature_world(); },
               .status = 400, .code = "MissingParameter", .answers = {{400, "IncompleteSignature", "x", kPass}},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "WrongSignatureMethodRejected", .clause = clause::kSignature,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().set("SignatureMethod", "HMAC-SHA256").sign("LTAI-good", "s3cr3t", "n-6")
                              .set("SignatureMethod", "HMAC-SHA256"),
               .status = 400, .code = "InvalidSignatureMethod", .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "UnauthorizedKeyRefused", .clause = clause::kUnauthorized,
               .world = [](World& w) { w = signature_world(); }, .request = Req().sign("LTAI-denied", "d3n13d", "n-7"),
               .status = 403, .code = "Forbidden.Unauthorized", .message = kUnauthorizedMsg,
               .answers = {{400, "Forbidden.Unauthorized", kUnauthorizedMsg, kFail}}, .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "ExpiredTimestampRejected", .clause = clause::kTimestamp,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-8", kNow - 901), .status = 400,
               .code = "InvalidTimeStamp.Expired", .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "FutureTimestampRejected", .clause = clause::kTimestamp,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-9", kNow + 901), .status = 400,
               .code = "InvalidTimeStamp.Expired"});
  s.push_back({.name = "TimestampInsideWindowAccepted", .clause = clause::kTimestamp,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-10", kNow - 899), .removed = {"i-auto1"}});
  s.push_back({.name = "TimestampNearEdgeWithinToleranceEitherWay", .clause = clause::kTimestamp,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-11", kNow - 902), .status = 400,
               .code = "InvalidTimeStamp.Expired", .successes = {{{"i-auto1"}, kPass}}, .clock_tolerance = 5});
  s.push_back({.name = "MalformedTimestampRejected", .clause = clause::kTimestamp,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign_at("LTAI-good", "s3cr3t", "n-12", "2026-09-21 10:00:00"), .status = 400,
               .code = "InvalidTimeStamp.Format", .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "ReplayedNonceRejected", .clause = clause::kNonce, .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-used"), .status = 400, .code = "SignatureNonceUsed",
               .successes = {{{"i-auto1"}, kFail}}, .nonces = {{{"LTAI-good", "n-used"}, true}}});
  // When a nonce counts as used, and in which key space, is open: both answers pass.
  s.push_back({.name = "NonceOfARefusedCallEitherAnswer", .clause = clause::kNonce,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-refused"), .status = 400, .code = "SignatureNonceUsed",
               .successes = {{{"i-auto1"}, kPass}}, .nonces = {{{"LTAI-good", "n-refused"}, false}}});
  s.push_back({.name = "NonceOfAnotherKeyEitherAnswer", .clause = clause::kNonce,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().sign("LTAI-good", "s3cr3t", "n-other"), .status = 400, .code = "SignatureNonceUsed",
               .successes = {{{"i-auto1"}, kPass}}, .nonces = {{{"LTAI-other", "n-other"}, true}}});
  // ---- several rules at once
  s.push_back({.name = "InactiveGroupAndMinSizeEitherError", .clause = clause::kPrecedence,
               .world = [](World& w) {
                 w.group("asg-main")->state = GroupState::inactive;
                 w.group("asg-main")->min_size = 4;
               },
               .status = 400, .code = "IncorrectScalingGroupStatus",
               .answers = {{400, "IncorrectCapacity.MinSize", kMinSizeMsg, kPass},
                           {400, "ScalingActivityInProgress", kActivityMsg, kFail}},
               .successes = {{{"i-auto1"}, kFail}}});
  s.push_back({.name = "BadSignatureAndUnknownGroupEitherError", .clause = clause::kPrecedence,
               .world = [](World& w) { w = signature_world(); },
               .request = Req().set("ScalingGroupId", "asg-nope").sign("LTAI-good", "wrong", "n-13"), .status = 400,
               .code = "SignatureDoesNotMatch",
               .answers = {{404, "InvalidScalingGroupId.NotFound", kGroupNotFoundMsg, kPass}}});
  return s;
}

class RuleScenario : public ::testing::TestWithParam<Scenario> {};

Expectation run(const Scenario& sc, Profile profile) {
  World w = base_world();
  sc.world(w);
  NonceLedger nonces;
  for (const auto& [use, succeeded] : sc.nonces) nonces.record(use, succeeded);
  Context ctx{kNow, sc.clock_tolerance, &nonces};
  return expect(w, sc.request.build(), profile, ctx);
}

TEST_P(RuleScenario, ReferenceDecisionAndGrades) {
  const Scenario& sc = GetParam();
  RecordProperty("clause", std::string(sc.clause));
  const Expectation e = run(sc, Profile::spec);
  const Decision& d = e.reference;
  if (sc.status == 200) {
    ASSERT_TRUE(d.success) << d.status << " " << d.code << ": " << d.message;
    EXPECT_EQ(d.effects.group_id, sc.group);
    EXPECT_EQ(d.effects.instance_ids, sc.removed);
    EXPECT_EQ(d.effects.policy, sc.policy);
    EXPECT_EQ(e.grade_success(d.effects), kPass);
  } else {
    ASSERT_FALSE(d.success) << "reference accepted a call that breaks " << sc.clause;
    EXPECT_EQ(d.status, sc.status);
    EXPECT_EQ(d.code, sc.code);
    if (!sc.message.empty()) {
      EXPECT_EQ(d.message, sc.message);
    }
    EXPECT_EQ(e.grade_error(d.status, d.code, d.message), kPass) << "the reference's own answer must pass";
  }
  EXPECT_TRUE(std::find(e.clauses.begin(), e.clauses.end(), sc.clause) != e.clauses.end())
      << sc.clause << " is not among the clauses the request exercises";
  for (const auto& a : sc.answers)
    EXPECT_EQ(e.grade_error(a.status, a.code, a.message), a.grade) << a.status << " " << a.code << ": " << a.message;
  for (const auto& a : sc.successes)
    EXPECT_EQ(e.grade_success(Effects{a.group, a.ids, a.policy}), a.grade)
        << "success removing " << a.ids.size() << " instance(s) from " << a.group;
  // No profile ever accepts a server error for a request (robust.no-server-error).
  EXPECT_FALSE(e.grade_error(500, "InternalError", "x").has_value());
  EXPECT_FALSE(e.grade_error(503, d.code, d.message).has_value());
  // Strict expects exactly the reference's answer; other readings are deviations.
  const Expectation strict = run(sc, Profile::strict);
  if (d.success) {
    EXPECT_EQ(strict.grade_success(d.effects), kPass);
  } else {
    EXPECT_EQ(strict.grade_error(d.status, d.code, d.message), kPass);
  }
  for (const auto& a : sc.successes) {
    if (a.grade && !(d.success && d.effects == Effects{a.group, a.ids, a.policy})) {
      EXPECT_EQ(strict.grade_success(Effects{a.group, a.ids, a.policy}), kDeviation);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Model, RuleScenario, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) { return info.param.name; });

// Every clause the model decides produces an outcome in some scenario above
// (a rule merely evaluated does not count), or, for the clauses about the
// answer's shape, is required by some expectation.
TEST(RuleCoverage, EveryModelClauseDecidesSomething) {
  const std::set<std::string_view> shape{clause::kRequestId,  clause::kNoServerError, clause::kFormatXml,
                                         clause::kFormatJson, clause::kFormatDefault, clause::kErrorBody,
                                         clause::kRejectedUnchanged, clause::kPrecedence};
  std::set<std::string_view> seen;
  for (const auto& sc : scenarios()) {
    const Expectation e = run(sc, Profile::spec);
    for (const auto& o : e.outcomes) seen.insert(o.clauses.begin(), o.clauses.end());
    for (auto c : e.clauses) {
      if (shape.count(c) != 0) seen.insert(c);
    }
  }
  for (auto c : clause::kDecidedByModel) EXPECT_TRUE(seen.count(c)) << c << " decides nothing in any scenario";
}

TEST(ReferenceFormat, FollowsFormatParameter) {
  const World w = base_world();
  const auto ctx = testing::context();
  EXPECT_EQ(expect(w, Req().set("Format", "XML").build(), Profile::spec, ctx).reference.format, wire::Format::xml);
  EXPECT_EQ(expect(w, Req().set("Format", "json").build(), Profile::spec, ctx).reference.format, wire::Format::json);
  const auto dflt = expect(w, Req().drop("Format").build(), Profile::spec, ctx);
  EXPECT_EQ(dflt.reference.format, wire::Format::json);
  EXPECT_EQ(dflt.formats.size(), 2u) << "without Format either body format passes";
  EXPECT_EQ(expect(w, Req().set("Format", "XML").build(), Profile::spec, ctx).formats,
            std::vector<wire::Format>{wire::Format::xml});
}

TEST(Nonces, VerifiedSignatureUsesItsNonce) {
  const World w = signature_world();
  const auto ctx = testing::context();
  EXPECT_EQ(expect(w, Req().sign("LTAI-good", "s3cr3t", "n-a").build(), Profile::spec, ctx).reference.nonce_used,
            (NonceUse{"LTAI-good", "n-a"}));
  // Even when the call is then refused for another reason.
  EXPECT_EQ(expect(w, Req().set("ScalingGroupId", "asg-nope").sign("LTAI-good", "s3cr3t", "n-b").build(),
                   Profile::spec, ctx).reference.nonce_used, (NonceUse{"LTAI-good", "n-b"}));
  // A forged request does not burn a nonce.
  EXPECT_FALSE(expect(w, Req().sign("LTAI-good", "forged", "n-c").build(), Profile::spec, ctx).reference.nonce_used);
  // Without signatures, nonces mean nothing.
  EXPECT_FALSE(expect(base_world(), Req().sign("LTAI-good", "s3cr3t", "n-d").build(), Profile::spec, ctx)
                   .reference.nonce_used);
}

TEST(Purity, SameInputSameExpectation) {
  const World w = base_world();
  const auto req = Req().ids({"i-auto1", "i-auto1"}).build();
  const auto a = expect(w, req, Profile::spec, testing::context());
  const auto b = expect(w, req, Profile::spec, testing::context());
  EXPECT_EQ(a.reference.code, b.reference.code);
  EXPECT_EQ(a.clauses, b.clauses);
  EXPECT_EQ(a.outcomes.size(), b.outcomes.size());
}

}  // namespace
}  // namespace essconf::model

namespace essconf::model {
namespace {

// rpc.timestamp: fractional seconds, as aliyun-sdk sends them. The reference
// accepts them; a refusal as a bad format is another reading (docs/ambiguities.md).
TEST(Timestamps, FractionalSecondsAreAcceptedAndTheirRefusalIsAReading) {
  const World w = signature_world();
  const auto ctx = testing::context();
  std::string ts = format_timestamp(testing::kNow);
  ts.insert(ts.size() - 1, ".459");
  const auto request = testing::Req().sign_at("LTAI-good", "s3cr3t", "n-frac", ts).build();
  const Expectation spec = expect(w, request, Profile::spec, ctx);
  EXPECT_TRUE(spec.reference.success) << "the reference accepts what official clients send";
  EXPECT_EQ(spec.grade_error(400, "InvalidTimeStamp.Format", "not well formatted"), Grade::pass);
  EXPECT_EQ(expect(w, request, Profile::strict, ctx).grade_error(400, "InvalidTimeStamp.Format", "x"), Grade::deviation);
  // The window still applies to the whole seconds.
  std::string old = format_timestamp(testing::kNow - 3600);
  old.insert(old.size() - 1, ".459");
  EXPECT_FALSE(expect(w, testing::Req().sign_at("LTAI-good", "s3cr3t", "n-old", old).build(), Profile::spec, ctx).reference.success);
}

}  // namespace
}  // namespace essconf::model

namespace essconf::model {
namespace {

// rpc.signature, V3: ACS3-HMAC-SHA256 with Action and Version in headers, as
// @alicloud/openapi-client's callApi signs by default.
wire::HttpRequest v3_request(const std::string& secret, const std::string& nonce, std::int64_t at = testing::kNow,
                             const std::string& action = "RemoveInstances") {
  return testing::Req().set("Action", action).sign_v3("LTAI-good", secret, nonce, at).build();
}

Context judging_v3() {
  Context c = testing::context();
  c.v3_judged = true;
  return c;
}

TEST(SignatureV3, AValidAcs3RequestIsRoutedByItsHeadersAndServed) {
  const World w = signature_world();
  const auto e = expect(w, v3_request("s3cr3t", "v3-a"), Profile::spec, judging_v3());
  EXPECT_TRUE(e.reference.success) << e.reference.code;
  EXPECT_EQ(e.reference.nonce_used, (NonceUse{"LTAI-good", "v3-a"}));
  EXPECT_FALSE(e.grade_error(400, "MissingParameter", "x")) << "refusing a valid V3 call fails rpc.signature when judged";
}

TEST(SignatureV3, RefusingV3IsAReadingUnlessJudged) {
  const World w = signature_world();
  const auto e = expect(w, v3_request("s3cr3t", "v3-r"), Profile::spec, testing::context());
  EXPECT_TRUE(e.reference.success) << "the reference serves V3 beside V1";
  EXPECT_EQ(e.grade_error(400, "MissingParameter", "x"), Grade::pass) << "a V1-only target refuses it";
  // A forged V3 request is refused in every reading.
  const auto forged = expect(w, v3_request("forged", "v3-s"), Profile::spec, testing::context());
  EXPECT_TRUE(std::none_of(forged.outcomes.begin(), forged.outcomes.end(),
                           [](const Outcome& o) { return o.kind == Outcome::Kind::success; }));
}

TEST(SignatureV3, EachCredentialRuleAppliesAsInV1) {
  const World w = signature_world();
  const auto ctx = judging_v3();
  EXPECT_EQ(expect(w, v3_request("forged", "v3-b"), Profile::spec, ctx).reference.code, "SignatureDoesNotMatch");
  EXPECT_EQ(expect(w, v3_request("s3cr3t", "v3-c", testing::kNow - 3600), Profile::spec, ctx).reference.code,
            "InvalidTimeStamp.Expired");
  EXPECT_EQ(expect(w, v3_request("s3cr3t", "v3-d", testing::kNow, "DescribeRegions"), Profile::spec, ctx).reference.code,
            "InvalidAction.NotFound");
  auto unknown = v3_request("s3cr3t", "v3-e");
  for (auto& h : unknown.headers)
    if (h.name == "Authorization") h.value.replace(h.value.find("LTAI-good"), 9, "LTAI-nope");
  EXPECT_EQ(expect(w, unknown, Profile::spec, ctx).reference.code, "InvalidAccessKeyId.NotFound");
  auto no_date = v3_request("s3cr3t", "v3-f");
  std::erase_if(no_date.headers, [](const wire::Header& h) { return h.name == "x-acs-date"; });
  const auto missing = expect(w, no_date, Profile::spec, ctx);
  EXPECT_EQ(missing.reference.code, "MissingParameter");
  EXPECT_NE(std::find(missing.clauses.begin(), missing.clauses.end(), clause::kTimestamp), missing.clauses.end());
  NonceLedger used;
  used.record({"LTAI-good", "v3-g"}, true);
  const Context replay{testing::kNow, 0, &used, true};
  EXPECT_EQ(expect(w, v3_request("s3cr3t", "v3-g"), Profile::spec, replay).reference.code, "SignatureNonceUsed");
}

}  // namespace
}  // namespace essconf::model
