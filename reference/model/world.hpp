// The World: everything a RemoveInstances target holds that the suite can set
// and read back (fixture protocol v1, docs/fixture-protocol.md). One C++ type,
// parsed from and written to the protocol's JSON with Boost.JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/json/result.hpp"

namespace essconf {
class JsonNode;
}

namespace essconf::model {

enum class ActivityCompletion { immediate, manual };
enum class AuthMode { none, signature };
enum class EcsStatus { running, stopped };
enum class GroupState { active, inactive, deleting };
enum class ScalingPolicy { release, recycle };
enum class RemovePolicy { release, recycle };
enum class LoadBalancerStatus { active, inactive };
enum class CreationType { auto_created, attached };
enum class MemberState { in_service, pending, removing, is_protected, standby };
enum class ActivityStatus { in_progress, successful, failed, warning, rejected };

struct AccessKey {
  std::string id;
  std::string secret;
  bool authorized = true;
  friend bool operator==(const AccessKey&, const AccessKey&) = default;
};

struct Auth {
  AuthMode mode = AuthMode::none;
  std::vector<AccessKey> keys;
  friend bool operator==(const Auth&, const Auth&) = default;
};

struct EcsInstance {
  std::string id;
  EcsStatus status = EcsStatus::running;
  friend bool operator==(const EcsInstance&, const EcsInstance&) = default;
};

struct LoadBalancer {
  std::string id;
  LoadBalancerStatus status = LoadBalancerStatus::active;
  friend bool operator==(const LoadBalancer&, const LoadBalancer&) = default;
};

struct DbInstance {
  std::string id;
  std::string status = "Running";  // any ApsaraDB status; only "Running" is usable
  friend bool operator==(const DbInstance&, const DbInstance&) = default;
};

struct Member {
  std::string id;
  CreationType creation = CreationType::auto_created;
  MemberState state = MemberState::in_service;
  friend bool operator==(const Member&, const Member&) = default;
};

struct ScalingGroup {
  std::string id;
  GroupState state = GroupState::active;
  std::int64_t min_size = 0;
  std::int64_t max_size = 0;
  ScalingPolicy policy = ScalingPolicy::release;
  std::vector<LoadBalancer> load_balancers;
  std::vector<DbInstance> db_instances;
  std::vector<Member> members;
  friend bool operator==(const ScalingGroup&, const ScalingGroup&) = default;

  const Member* member(std::string_view instance_id) const noexcept;
  Member* member(std::string_view instance_id) noexcept;
};

struct Activity {
  std::string id;
  std::string group_id;
  ActivityStatus status = ActivityStatus::successful;
  std::optional<std::vector<std::string>> instance_ids;  // what it removes
  std::optional<RemovePolicy> remove_policy;
  friend bool operator==(const Activity&, const Activity&) = default;
};

struct World {
  std::string region_id = "cn-hangzhou";
  ActivityCompletion completion = ActivityCompletion::immediate;
  Auth auth;
  std::vector<EcsInstance> ecs;
  std::vector<ScalingGroup> groups;
  std::vector<Activity> activities;
  friend bool operator==(const World&, const World&) = default;

  const ScalingGroup* group(std::string_view id) const noexcept;
  ScalingGroup* group(std::string_view id) noexcept;
  const EcsInstance* ecs_instance(std::string_view id) const noexcept;
  EcsInstance* ecs_instance(std::string_view id) noexcept;
  const AccessKey* access_key(std::string_view id) const noexcept;
  bool has_activity_in_progress(std::string_view group_id) const noexcept;
};

// Parses and validates a World; the first problem found comes with the JSON
// path where it is ("$.ScalingGroups[0].MinSize") and a reason. Rejects:
// invalid JSON, unknown fields, wrong
// types, unknown enum values, missing required fields, negative sizes,
// MinSize > MaxSize, duplicate ids (ECS instances, groups, activities, access
// keys, load balancers and databases within a group, members), an instance in
// two groups, a member missing from EcsInstances, an activity of an unknown
// group, an InProgress activity naming a non-member or the same id twice.
Result<World> parse_world(std::string_view json);
// The same for a World inside another document (a case file's "world"): the
// problems go to `node`'s reader, with their paths in that document.
World read_world(const JsonNode& node);

// The World as fixture-protocol JSON, every field written (defaults included),
// arrays in the World's order; parse_world(to_json(w)) == w.
std::string to_json(const World& world);

// The World with every array sorted by id: two Worlds are the same state when
// their canonical forms are equal (a target may list things in any order).
World canonical(World world);

// Fixture-protocol spellings of the enums ("Active", "AutoCreated", ...).
std::string_view name(ActivityCompletion v) noexcept;
std::string_view name(AuthMode v) noexcept;
std::string_view name(EcsStatus v) noexcept;
std::string_view name(GroupState v) noexcept;
std::string_view name(ScalingPolicy v) noexcept;
std::string_view name(RemovePolicy v) noexcept;
std::string_view name(LoadBalancerStatus v) noexcept;
std::string_view name(CreationType v) noexcept;
std::string_view name(MemberState v) noexcept;
std::string_view name(ActivityStatus v) noexcept;

}  // namespace essconf::model
