#include "reference/model/world.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

namespace essconf::model {
namespace json = boost::json;

namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<ActivityCompletion, 2> kCompletion{{{ActivityCompletion::immediate, "Immediate"},
                                                    {ActivityCompletion::manual, "Manual"}}};
constexpr Names<AuthMode, 2> kAuthMode{{{AuthMode::none, "None"}, {AuthMode::signature, "Signature"}}};
constexpr Names<EcsStatus, 2> kEcsStatus{{{EcsStatus::running, "Running"}, {EcsStatus::stopped, "Stopped"}}};
constexpr Names<GroupState, 3> kGroupState{{{GroupState::active, "Active"},
                                            {GroupState::inactive, "Inactive"},
                                            {GroupState::deleting, "Deleting"}}};
constexpr Names<ScalingPolicy, 2> kScalingPolicy{{{ScalingPolicy::release, "release"},
                                                  {ScalingPolicy::recycle, "recycle"}}};
constexpr Names<RemovePolicy, 2> kRemovePolicy{{{RemovePolicy::release, "release"},
                                                {RemovePolicy::recycle, "recycle"}}};
constexpr Names<LoadBalancerStatus, 2> kLbStatus{{{LoadBalancerStatus::active, "active"},
                                                  {LoadBalancerStatus::inactive, "inactive"}}};
constexpr Names<CreationType, 2> kCreation{{{CreationType::auto_created, "AutoCreated"},
                                            {CreationType::attached, "Attached"}}};
constexpr Names<MemberState, 5> kMemberState{{{MemberState::in_service, "InService"},
                                              {MemberState::pending, "Pending"},
                                              {MemberState::removing, "Removing"},
                                              {MemberState::is_protected, "Protected"},
                                              {MemberState::standby, "Standby"}}};
constexpr Names<ActivityStatus, 5> kActivityStatus{{{ActivityStatus::in_progress, "InProgress"},
                                                    {ActivityStatus::successful, "Successful"},
                                                    {ActivityStatus::failed, "Failed"},
                                                    {ActivityStatus::warning, "Warning"},
                                                    {ActivityStatus::rejected, "Rejected"}}};

template <typename E, std::size_t N>
std::string_view lookup(const Names<E, N>& names, E v) noexcept {
  for (const auto& [value, text] : names)
    if (value == v) return text;
  return "?";
}

// Ids and statuses: non-empty, and without control characters, which no
// XML answer could carry (an error message names ids verbatim).
std::optional<std::string> id_text(const JsonNode& node) {
  auto s = node.string();
  if (s && s->empty()) {
    node.fail("must not be empty");
    return std::nullopt;
  }
  if (s && std::any_of(s->begin(), s->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    node.fail("must not contain control characters");
    return std::nullopt;
  }
  return s;
}

std::int64_t count(const JsonNode& node) { return node.integer(0, 1'000'000'000).value_or(0); }

template <typename E, std::size_t N>
std::optional<E> enumeration(const JsonNode& node, const Names<E, N>& names) {
  return node.one_of<E>(std::span<const std::pair<E, std::string_view>>(names));
}

// Tracks ids of one kind and fails on the second sighting.
class UniqueIds {
 public:
  explicit UniqueIds(std::string_view what) : what_(what) {}
  void add(const std::string& id, const JsonNode& where) {
    if (!seen_.insert(id).second) where.fail(fmt::format("duplicate {} \"{}\"", what_, id));
  }

 private:
  std::string_view what_;
  std::set<std::string> seen_;
};

void read_auth(const JsonNode& top, World& w) {
  const auto auth = top.optional_field("Auth").object({"Mode", "AccessKeys"});
  if (!auth.present()) return;
  if (auto m = enumeration(auth.optional_field("Mode"), kAuthMode)) w.auth.mode = *m;
  UniqueIds ids("AccessKeyId");
  for (const auto& item : auth.optional_field("AccessKeys").items()) {
    const auto k = item.object({"AccessKeyId", "AccessKeySecret", "Authorized"});
    AccessKey key;
    key.id = id_text(k.field("AccessKeyId")).value_or("");
    key.secret = id_text(k.field("AccessKeySecret")).value_or("");
    key.authorized = k.optional_field("Authorized").boolean().value_or(true);
    ids.add(key.id, k.field("AccessKeyId"));
    w.auth.keys.push_back(std::move(key));
  }
}

// A list of {ID_KEY, "Status"} objects with unique ids: ECS instances, load
// balancers, databases.
template <typename T, typename ReadStatus>
std::vector<T> read_id_status_list(const JsonNode& list, std::string_view id_key, ReadStatus read_status) {
  UniqueIds ids(id_key);
  std::vector<T> out;
  for (const auto& item : list.items()) {
    const auto o = item.object({id_key, "Status"});
    T t;
    t.id = id_text(o.field(id_key)).value_or("");
    t.status = read_status(o.field("Status"));
    ids.add(t.id, o.field(id_key));
    out.push_back(std::move(t));
  }
  return out;
}

void read_ecs(const JsonNode& top, World& w) {
  w.ecs = read_id_status_list<EcsInstance>(top.optional_field("EcsInstances"), "InstanceId", [](const JsonNode& n) {
    return enumeration(n, kEcsStatus).value_or(EcsStatus::running);
  });
}

void read_load_balancers(const JsonNode& group, ScalingGroup& g) {
  g.load_balancers = read_id_status_list<LoadBalancer>(
      group.optional_field("LoadBalancers"), "LoadBalancerId",
      [](const JsonNode& n) { return enumeration(n, kLbStatus).value_or(LoadBalancerStatus::active); });
}

void read_db_instances(const JsonNode& group, ScalingGroup& g) {
  g.db_instances = read_id_status_list<DbInstance>(group.optional_field("DBInstances"), "DBInstanceId",
                                                   [](const JsonNode& n) { return id_text(n).value_or("Running"); });
}

// A group as read, with the nodes its ids came from (for the checks that
// need the whole World: duplicates, owners, EcsInstances).
struct GroupRead {
  ScalingGroup group;
  JsonNode id;
  std::vector<JsonNode> member_ids;
};

GroupRead read_group(const JsonNode& item) {
  const auto o = item.object({"ScalingGroupId", "LifecycleState", "MinSize", "MaxSize", "ScalingPolicy",
                              "LoadBalancers", "DBInstances", "Instances"});
  GroupRead read{{}, o.field("ScalingGroupId"), {}};
  ScalingGroup& g = read.group;
  g.id = id_text(read.id).value_or("");
  g.state = enumeration(o.field("LifecycleState"), kGroupState).value_or(GroupState::active);
  g.min_size = count(o.field("MinSize"));
  g.max_size = count(o.field("MaxSize"));
  g.policy = enumeration(o.optional_field("ScalingPolicy"), kScalingPolicy).value_or(ScalingPolicy::release);
  if (o.present() && g.min_size > g.max_size)
    o.fail_at("MinSize", fmt::format("MinSize {} is greater than MaxSize {}", g.min_size, g.max_size));
  read_load_balancers(o, g);
  read_db_instances(o, g);
  for (const auto& m_item : o.optional_field("Instances").items()) {
    const auto mo = m_item.object({"InstanceId", "CreationType", "LifecycleState"});
    Member m;
    read.member_ids.push_back(mo.field("InstanceId"));
    m.id = id_text(read.member_ids.back()).value_or("");
    m.creation = enumeration(mo.field("CreationType"), kCreation).value_or(CreationType::auto_created);
    m.state = enumeration(mo.optional_field("LifecycleState"), kMemberState).value_or(MemberState::in_service);
    g.members.push_back(std::move(m));
  }
  return read;
}

void read_groups(const JsonNode& top, World& w) {
  UniqueIds ids("ScalingGroupId");
  std::set<std::string_view> ecs_ids;
  for (const auto& e : w.ecs) ecs_ids.insert(e.id);
  std::vector<JsonNode> group_items;  // their paths are spelt out only for a problem
  std::map<std::string, std::size_t> owner;  // instance id -> the group (index in group_items) that has it
  for (const auto& item : top.optional_field("ScalingGroups").items()) {
    GroupRead read = read_group(item);
    if (!read.id.present()) return;  // not an object, or a problem already
    ids.add(read.group.id, read.id);
    const std::size_t here = group_items.size();
    group_items.push_back(item);
    for (std::size_t j = 0; j < read.member_ids.size(); ++j) {
      const auto& id = read.group.members[j].id;
      if (auto [it, fresh] = owner.emplace(id, here); !fresh) {
        read.member_ids[j].fail(it->second == here ? fmt::format("duplicate member \"{}\"", id)
                                                   : fmt::format("instance \"{}\" is also a member of {}", id,
                                                                 group_items[it->second].path()));
      } else if (ecs_ids.count(id) == 0) {
        read.member_ids[j].fail(fmt::format("member \"{}\" is not in EcsInstances", id));
      }
    }
    w.groups.push_back(std::move(read.group));
  }
}

// Only a running activity's instances must still be members; a finished one
// has already removed them.
void check_running_activity(const JsonNode& o, const Activity& a, const ScalingGroup& g) {
  if (a.status != ActivityStatus::in_progress || !a.instance_ids) return;
  const auto items = o.field("InstanceIds").items();
  std::set<std::string_view> seen;
  for (std::size_t j = 0; j < a.instance_ids->size() && j < items.size(); ++j) {
    const auto& id = (*a.instance_ids)[j];
    if (!seen.insert(id).second) return items[j].fail(fmt::format("duplicate instance \"{}\"", id));
    if (g.member(id) == nullptr)
      return items[j].fail(fmt::format("instance \"{}\" is not a member of {}", id, a.group_id));
  }
}

void read_activities(const JsonNode& top, World& w) {
  UniqueIds ids("ScalingActivityId");
  for (const auto& item : top.optional_field("ScalingActivities").items()) {
    const auto o = item.object({"ScalingActivityId", "ScalingGroupId", "StatusCode", "InstanceIds", "RemovePolicy"});
    Activity a;
    a.id = id_text(o.field("ScalingActivityId")).value_or("");
    a.group_id = id_text(o.field("ScalingGroupId")).value_or("");
    a.status = enumeration(o.field("StatusCode"), kActivityStatus).value_or(ActivityStatus::successful);
    a.remove_policy = enumeration(o.optional_field("RemovePolicy"), kRemovePolicy);
    if (const auto list = o.optional_field("InstanceIds"); list.present()) {
      a.instance_ids.emplace();
      for (const auto& id : list.items()) a.instance_ids->push_back(id_text(id).value_or(""));
    }
    ids.add(a.id, o.field("ScalingActivityId"));
    const ScalingGroup* g = w.group(a.group_id);
    if (g == nullptr) return o.fail_at("ScalingGroupId", fmt::format("unknown scaling group \"{}\"", a.group_id));
    check_running_activity(o, a, *g);
    w.activities.push_back(std::move(a));
  }
}

template <typename T>
void sort_by_id(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.id < b.id; });
}

}  // namespace

const Member* ScalingGroup::member(std::string_view instance_id) const noexcept {
  for (const auto& m : members)
    if (m.id == instance_id) return &m;
  return nullptr;
}
Member* ScalingGroup::member(std::string_view instance_id) noexcept {
  return const_cast<Member*>(std::as_const(*this).member(instance_id));
}

const ScalingGroup* World::group(std::string_view id) const noexcept {
  for (const auto& g : groups)
    if (g.id == id) return &g;
  return nullptr;
}
ScalingGroup* World::group(std::string_view id) noexcept {
  return const_cast<ScalingGroup*>(std::as_const(*this).group(id));
}
const EcsInstance* World::ecs_instance(std::string_view id) const noexcept {
  for (const auto& e : ecs)
    if (e.id == id) return &e;
  return nullptr;
}
EcsInstance* World::ecs_instance(std::string_view id) noexcept {
  return const_cast<EcsInstance*>(std::as_const(*this).ecs_instance(id));
}
const AccessKey* World::access_key(std::string_view id) const noexcept {
  for (const auto& k : auth.keys)
    if (k.id == id) return &k;
  return nullptr;
}
bool World::has_activity_in_progress(std::string_view group_id) const noexcept {
  return std::any_of(activities.begin(), activities.end(), [&](const Activity& a) {
    return a.group_id == group_id && a.status == ActivityStatus::in_progress;
  });
}

World read_world(const JsonNode& node) {
  World w;
  const auto top = node.object({"RegionId", "ActivityCompletion", "Auth", "EcsInstances", "ScalingGroups",
                                "ScalingActivities"});
  if (auto s = id_text(top.optional_field("RegionId"))) w.region_id = *s;
  if (auto c = enumeration(top.optional_field("ActivityCompletion"), kCompletion)) w.completion = *c;
  read_auth(top, w);
  read_ecs(top, w);
  read_groups(top, w);
  read_activities(top, w);
  return w;
}

Result<World> parse_world(std::string_view text) { return read_json(text, read_world); }

std::string to_json(const World& w) {
  json::object top;
  top["RegionId"] = w.region_id;
  top["ActivityCompletion"] = name(w.completion);
  json::array keys;
  for (const auto& k : w.auth.keys)
    keys.push_back(json::object{{"AccessKeyId", k.id}, {"AccessKeySecret", k.secret}, {"Authorized", k.authorized}});
  top["Auth"] = json::object{{"Mode", name(w.auth.mode)}, {"AccessKeys", std::move(keys)}};
  json::array ecs;
  for (const auto& e : w.ecs) ecs.push_back(json::object{{"InstanceId", e.id}, {"Status", name(e.status)}});
  top["EcsInstances"] = std::move(ecs);
  json::array groups;
  for (const auto& g : w.groups) {
    json::array lbs, dbs, members;
    for (const auto& lb : g.load_balancers)
      lbs.push_back(json::object{{"LoadBalancerId", lb.id}, {"Status", name(lb.status)}});
    for (const auto& db : g.db_instances) dbs.push_back(json::object{{"DBInstanceId", db.id}, {"Status", db.status}});
    for (const auto& m : g.members)
      members.push_back(json::object{
          {"InstanceId", m.id}, {"CreationType", name(m.creation)}, {"LifecycleState", name(m.state)}});
    groups.push_back(json::object{{"ScalingGroupId", g.id},
                                  {"LifecycleState", name(g.state)},
                                  {"MinSize", g.min_size},
                                  {"MaxSize", g.max_size},
                                  {"ScalingPolicy", name(g.policy)},
                                  {"LoadBalancers", std::move(lbs)},
                                  {"DBInstances", std::move(dbs)},
                                  {"Instances", std::move(members)}});
  }
  top["ScalingGroups"] = std::move(groups);
  json::array acts;
  for (const auto& a : w.activities) {
    json::object o{{"ScalingActivityId", a.id}, {"ScalingGroupId", a.group_id}, {"StatusCode", name(a.status)}};
    if (a.instance_ids) {
      json::array ids;
      for (const auto& id : *a.instance_ids) ids.emplace_back(id);
      o["InstanceIds"] = std::move(ids);
    }
    if (a.remove_policy) o["RemovePolicy"] = name(*a.remove_policy);
    acts.push_back(std::move(o));
  }
  top["ScalingActivities"] = std::move(acts);
  return json::serialize(top);
}

World canonical(World w) {
  sort_by_id(w.auth.keys);
  sort_by_id(w.ecs);
  sort_by_id(w.groups);
  for (auto& g : w.groups) {
    sort_by_id(g.load_balancers);
    sort_by_id(g.db_instances);
    sort_by_id(g.members);
  }
  sort_by_id(w.activities);
  for (auto& a : w.activities)
    if (a.instance_ids) std::sort(a.instance_ids->begin(), a.instance_ids->end());
  return w;
}

std::string_view name(ActivityCompletion v) noexcept { return lookup(kCompletion, v); }
std::string_view name(AuthMode v) noexcept { return lookup(kAuthMode, v); }
std::string_view name(EcsStatus v) noexcept { return lookup(kEcsStatus, v); }
std::string_view name(GroupState v) noexcept { return lookup(kGroupState, v); }
std::string_view name(ScalingPolicy v) noexcept { return lookup(kScalingPolicy, v); }
std::string_view name(RemovePolicy v) noexcept { return lookup(kRemovePolicy, v); }
std::string_view name(LoadBalancerStatus v) noexcept { return lookup(kLbStatus, v); }
std::string_view name(CreationType v) noexcept { return lookup(kCreation, v); }
std::string_view name(MemberState v) noexcept { return lookup(kMemberState, v); }
std::string_view name(ActivityStatus v) noexcept { return lookup(kActivityStatus, v); }

}  // namespace essconf::model
