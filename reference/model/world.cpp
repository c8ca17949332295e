#include "reference/model/world.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

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

// Walks a JSON document, keeping the path of the value being read so that the
// first problem is reported where it is. After a failure every call is a no-op.
class Reader {
 public:
  bool failed() const { return !error_.empty(); }
  const std::string& path() const { return error_path_; }
  const std::string& error() const { return error_; }

  void fail(const std::string& path, std::string reason) {
    if (failed()) return;
    error_path_ = path;
    error_ = std::move(reason);
  }

  // The object at `path`, with only `allowed` keys; nullptr (and a failure) otherwise.
  const json::object* object(const json::value& v, const std::string& path,
                             std::initializer_list<std::string_view> allowed) {
    if (failed()) return nullptr;
    const auto* obj = v.if_object();
    if (obj == nullptr) {
      fail(path, "expected an object");
      return nullptr;
    }
    for (const auto& kv : *obj) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
        fail(path + "." + std::string(kv.key()), "unknown field");
        return nullptr;
      }
    }
    return obj;
  }

  const json::array* array(const json::object& obj, std::string_view key, const std::string& path) {
    const auto* v = obj.if_contains(key);
    if (failed() || v == nullptr) return nullptr;
    const auto* arr = v->if_array();
    if (arr == nullptr) fail(member_path(path, key), "expected an array");
    return arr;
  }

  std::optional<std::string> string(const json::object& obj, std::string_view key,
                                    const std::string& path, bool required) {
    const auto* v = present(obj, key, path, required);
    if (v == nullptr) return std::nullopt;
    const auto* s = v->if_string();
    if (s == nullptr) {
      fail(member_path(path, key), "expected a string");
      return std::nullopt;
    }
    return std::string(*s);
  }

  // Ids and statuses: non-empty, and without control characters, which no
  // XML answer could carry (an error message names ids verbatim).
  std::optional<std::string> nonempty_string(const json::object& obj, std::string_view key,
                                             const std::string& path, bool required) {
    auto s = string(obj, key, path, required);
    if (s && s->empty()) {
      fail(member_path(path, key), "must not be empty");
      return std::nullopt;
    }
    if (s && std::any_of(s->begin(), s->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      fail(member_path(path, key), "must not contain control characters");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const json::object& obj, std::string_view key,
                              const std::string& path, bool required) {
    const auto* v = present(obj, key, path, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
      fail(member_path(path, key), "expected true or false");
      return std::nullopt;
    }
    return v->get_bool();
  }

  std::optional<std::int64_t> count(const json::object& obj, std::string_view key,
                                    const std::string& path, bool required) {
    const auto* v = present(obj, key, path, required);
    if (v == nullptr) return std::nullopt;
    std::int64_t n = 0;
    if (v->is_int64()) {
      n = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= 1'000'000'000) {
      n = static_cast<std::int64_t>(v->get_uint64());
    } else {
      fail(member_path(path, key), "expected an integer");
      return std::nullopt;
    }
    if (n < 0 || n > 1'000'000'000) {
      fail(member_path(path, key), "must be between 0 and 1000000000");
      return std::nullopt;
    }
    return n;
  }

  template <typename E, std::size_t N>
  std::optional<E> enumeration(const json::object& obj, std::string_view key, const std::string& path,
                               bool required, const Names<E, N>& names) {
    auto s = string(obj, key, path, required);
    if (!s) return std::nullopt;
    for (const auto& [value, text] : names)
      if (text == *s) return value;
    std::string allowed;
    for (const auto& [value, text] : names) allowed += (allowed.empty() ? "" : ", ") + std::string(text);
    fail(member_path(path, key), fmt::format("unknown value \"{}\" (one of: {})", *s, allowed));
    return std::nullopt;
  }

  static std::string member_path(const std::string& path, std::string_view key) {
    return path + "." + std::string(key);
  }
  static std::string index_path(const std::string& path, std::string_view key, std::size_t i) {
    return fmt::format("{}.{}[{}]", path, key, i);
  }

 private:
  const json::value* present(const json::object& obj, std::string_view key, const std::string& path,
                             bool required) {
    if (failed()) return nullptr;
    const auto* v = obj.if_contains(key);
    if (v == nullptr && required) fail(member_path(path, key), "required field is missing");
    return v;
  }

  std::string error_path_;
  std::string error_;
};

// Tracks ids of one kind and fails on the second sighting.
class UniqueIds {
 public:
  UniqueIds(Reader& r, std::string_view what) : r_(r), what_(what) {}
  void add(const std::string& id, const std::string& path) {
    if (!seen_.insert(id).second) r_.fail(path, fmt::format("duplicate {} \"{}\"", what_, id));
  }

 private:
  Reader& r_;
  std::string_view what_;
  std::set<std::string> seen_;
};

void read_auth(Reader& r, const json::object& top, World& w) {
  const auto* v = top.if_contains("Auth");
  if (v == nullptr) return;
  const std::string path = "$.Auth";
  const auto* obj = r.object(*v, path, {"Mode", "AccessKeys"});
  if (obj == nullptr) return;
  if (auto m = r.enumeration(*obj, "Mode", path, false, kAuthMode)) w.auth.mode = *m;
  UniqueIds ids(r, "AccessKeyId");
  if (const auto* keys = r.array(*obj, "AccessKeys", path)) {
    for (std::size_t i = 0; i < keys->size() && !r.failed(); ++i) {
      const auto p = Reader::index_path(path, "AccessKeys", i);
      const auto* k = r.object((*keys)[i], p, {"AccessKeyId", "AccessKeySecret", "Authorized"});
      if (k == nullptr) return;
      AccessKey key;
      key.id = r.nonempty_string(*k, "AccessKeyId", p, true).value_or("");
      key.secret = r.nonempty_string(*k, "AccessKeySecret", p, true).value_or("");
      key.authorized = r.boolean(*k, "Authorized", p, false).value_or(true);
      ids.add(key.id, Reader::member_path(p, "AccessKeyId"));
      w.auth.keys.push_back(std::move(key));
    }
  }
}

void read_ecs(Reader& r, const json::object& top, World& w) {
  UniqueIds ids(r, "InstanceId");
  const auto* arr = r.array(top, "EcsInstances", "$");
  if (arr == nullptr) return;
  for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
    const auto p = Reader::index_path("$", "EcsInstances", i);
    const auto* o = r.object((*arr)[i], p, {"InstanceId", "Status"});
    if (o == nullptr) return;
    EcsInstance e;
    e.id = r.nonempty_string(*o, "InstanceId", p, true).value_or("");
    e.status = r.enumeration(*o, "Status", p, true, kEcsStatus).value_or(EcsStatus::running);
    ids.add(e.id, Reader::member_path(p, "InstanceId"));
    w.ecs.push_back(std::move(e));
  }
}

void read_group(Reader& r, const json::value& v, const std::string& p, ScalingGroup& g) {
  const auto* o = r.object(v, p,
                           {"ScalingGroupId", "LifecycleState", "MinSize", "MaxSize", "ScalingPolicy",
                            "LoadBalancers", "DBInstances", "Instances"});
  if (o == nullptr) return;
  g.id = r.nonempty_string(*o, "ScalingGroupId", p, true).value_or("");
  g.state = r.enumeration(*o, "LifecycleState", p, true, kGroupState).value_or(GroupState::active);
  g.min_size = r.count(*o, "MinSize", p, true).value_or(0);
  g.max_size = r.count(*o, "MaxSize", p, true).value_or(0);
  g.policy = r.enumeration(*o, "ScalingPolicy", p, false, kScalingPolicy).value_or(ScalingPolicy::release);
  if (!r.failed() && g.min_size > g.max_size)
    r.fail(Reader::member_path(p, "MinSize"), fmt::format("MinSize {} is greater than MaxSize {}", g.min_size, g.max_size));

  UniqueIds lb_ids(r, "LoadBalancerId");
  if (const auto* arr = r.array(*o, "LoadBalancers", p)) {
    for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
      const auto q = Reader::index_path(p, "LoadBalancers", i);
      const auto* lo = r.object((*arr)[i], q, {"LoadBalancerId", "Status"});
      if (lo == nullptr) return;
      LoadBalancer lb;
      lb.id = r.nonempty_string(*lo, "LoadBalancerId", q, true).value_or("");
      lb.status = r.enumeration(*lo, "Status", q, true, kLbStatus).value_or(LoadBalancerStatus::active);
      lb_ids.add(lb.id, Reader::member_path(q, "LoadBalancerId"));
      g.load_balancers.push_back(std::move(lb));
    }
  }
  UniqueIds db_ids(r, "DBInstanceId");
  if (const auto* arr = r.array(*o, "DBInstances", p)) {
    for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
      const auto q = Reader::index_path(p, "DBInstances", i);
      const auto* dobj = r.object((*arr)[i], q, {"DBInstanceId", "Status"});
      if (dobj == nullptr) return;
      DbInstance db;
      db.id = r.nonempty_string(*dobj, "DBInstanceId", q, true).value_or("");
      db.status = r.nonempty_string(*dobj, "Status", q, true).value_or("Running");
      db_ids.add(db.id, Reader::member_path(q, "DBInstanceId"));
      g.db_instances.push_back(std::move(db));
    }
  }
  if (const auto* arr = r.array(*o, "Instances", p)) {
    for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
      const auto q = Reader::index_path(p, "Instances", i);
      const auto* mo = r.object((*arr)[i], q, {"InstanceId", "CreationType", "LifecycleState"});
      if (mo == nullptr) return;
      Member m;
      m.id = r.nonempty_string(*mo, "InstanceId", q, true).value_or("");
      m.creation = r.enumeration(*mo, "CreationType", q, true, kCreation).value_or(CreationType::auto_created);
      m.state = r.enumeration(*mo, "LifecycleState", q, false, kMemberState).value_or(MemberState::in_service);
      g.members.push_back(std::move(m));
    }
  }
}

void read_groups(Reader& r, const json::object& top, World& w) {
  const auto* arr = r.array(top, "ScalingGroups", "$");
  if (arr == nullptr) return;
  UniqueIds ids(r, "ScalingGroupId");
  std::map<std::string, std::string> owner;  // instance id -> path of the group that has it
  for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
    const auto p = Reader::index_path("$", "ScalingGroups", i);
    ScalingGroup g;
    read_group(r, (*arr)[i], p, g);
    if (r.failed()) return;
    ids.add(g.id, Reader::member_path(p, "ScalingGroupId"));
    for (std::size_t j = 0; j < g.members.size() && !r.failed(); ++j) {
      const auto q = Reader::member_path(Reader::index_path(p, "Instances", j), "InstanceId");
      const auto& id = g.members[j].id;
      if (auto [it, fresh] = owner.emplace(id, p); !fresh) {
        r.fail(q, it->second == p ? fmt::format("duplicate member \"{}\"", id)
                                  : fmt::format("instance \"{}\" is also a member of {}", id, it->second));
      } else if (w.ecs_instance(id) == nullptr) {
        r.fail(q, fmt::format("member \"{}\" is not in EcsInstances", id));
      }
    }
    w.groups.push_back(std::move(g));
  }
}

void read_activities(Reader& r, const json::object& top, World& w) {
  const auto* arr = r.array(top, "ScalingActivities", "$");
  if (arr == nullptr) return;
  UniqueIds ids(r, "ScalingActivityId");
  for (std::size_t i = 0; i < arr->size() && !r.failed(); ++i) {
    const auto p = Reader::index_path("$", "ScalingActivities", i);
    const auto* o = r.object((*arr)[i], p,
                             {"ScalingActivityId", "ScalingGroupId", "StatusCode", "InstanceIds", "RemovePolicy"});
    if (o == nullptr) return;
    Activity a;
    a.id = r.nonempty_string(*o, "ScalingActivityId", p, true).value_or("");
    a.group_id = r.nonempty_string(*o, "ScalingGroupId", p, true).value_or("");
    a.status = r.enumeration(*o, "StatusCode", p, true, kActivityStatus).value_or(ActivityStatus::successful);
    a.remove_policy = r.enumeration(*o, "RemovePolicy", p, false, kRemovePolicy);
    if (const auto* ids_arr = r.array(*o, "InstanceIds", p)) {
      a.instance_ids.emplace();
      for (std::size_t j = 0; j < ids_arr->size() && !r.failed(); ++j) {
        const auto q = Reader::index_path(p, "InstanceIds", j);
        const auto* s = (*ids_arr)[j].if_string();
        if (s == nullptr || s->empty()) {
          r.fail(q, "expected a non-empty string");
          return;
        }
        a.instance_ids->emplace_back(*s);
      }
    }
    if (r.failed()) return;
    ids.add(a.id, Reader::member_path(p, "ScalingActivityId"));
    const ScalingGroup* g = w.group(a.group_id);
    if (g == nullptr) {
      r.fail(Reader::member_path(p, "ScalingGroupId"), fmt::format("unknown scaling group \"{}\"", a.group_id));
      return;
    }
    // Only a running activity's instances must still be members; a finished
    // one has already removed them.
    if (a.status == ActivityStatus::in_progress && a.instance_ids) {
      std::set<std::string_view> seen;
      for (std::size_t j = 0; j < a.instance_ids->size(); ++j) {
        const auto& id = (*a.instance_ids)[j];
        const auto q = Reader::index_path(p, "InstanceIds", j);
        if (!seen.insert(id).second) return r.fail(q, fmt::format("duplicate instance \"{}\"", id));
        if (g->member(id) == nullptr)
          return r.fail(q, fmt::format("instance \"{}\" is not a member of {}", id, a.group_id));
      }
    }
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

WorldParse parse_world(std::string_view text) {
  WorldParse out;
  json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec, json::storage_ptr(), opts);
  if (ec) {
    out.path = "$";
    out.error = "not valid JSON: " + ec.message();
    return out;
  }
  Reader r;
  World w;
  const auto* top = r.object(doc, "$",
                             {"RegionId", "ActivityCompletion", "Auth", "EcsInstances", "ScalingGroups",
                              "ScalingActivities"});
  if (top != nullptr) {
    if (auto s = r.nonempty_string(*top, "RegionId", "$", false)) w.region_id = *s;
    if (auto c = r.enumeration(*top, "ActivityCompletion", "$", false, kCompletion)) w.completion = *c;
    read_auth(r, *top, w);
    read_ecs(r, *top, w);
    read_groups(r, *top, w);
    read_activities(r, *top, w);
  }
  if (r.failed()) {
    out.path = r.path();
    out.error = r.error();
    return out;
  }
  out.world = std::move(w);
  return out;
}

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
