// Generated Worlds, and which of their groups can accept a valid call: see
// generated_world.hpp.
#include "suite/property/generated_world.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "suite/property/draw.hpp"

namespace essconf::property {
namespace {

using model::World;

constexpr std::size_t kMaxGroups = 3;
constexpr int kMaxMembers = 12;

// None to three access keys, mostly realistic and authorized.
void add_keys(World& w) {
  std::set<std::string> key_ids;
  const int keys = weighted<int>({{1, 0}, {4, 1}, {3, 2}, {1, 3}});
  for (int i = 0; i < keys; ++i) {
    model::AccessKey k;
    k.id = unique(chance(90) ? realistic_id(IdKind::access_key) : any_id(IdKind::access_key), key_ids);
    k.secret = chance(90) ? chars(kBase62, 30) : arbitrary_world_text(40);
    if (k.secret.empty()) k.secret = "s";
    k.authorized = weighted<bool>({{3, true}, {1, false}});
    w.auth.keys.push_back(std::move(k));
  }
}

// The group's members (each an ECS instance too), MinSize around their
// count, and its load balancers and databases.
model::ScalingGroup make_group(World& w, std::set<std::string>& group_ids, std::set<std::string>& instance_ids) {
  model::ScalingGroup g;
  g.id = unique(any_id(IdKind::group), group_ids);
  g.state = weighted<model::GroupState>({{8, model::GroupState::active},
                                         {1, model::GroupState::inactive},
                                         {1, model::GroupState::deleting}});
  g.policy = weighted<model::ScalingPolicy>({{3, model::ScalingPolicy::release}, {2, model::ScalingPolicy::recycle}});
  const int members = weighted<int>({{1, 0}, {3, between(1, 4)}, {3, between(5, 8)}, {1, between(9, kMaxMembers)}});
  for (int i = 0; i < members; ++i) {
    model::Member m = gen_member(unique(any_id(IdKind::instance), instance_ids));
    w.ecs.push_back({m.id, chance(85) ? model::EcsStatus::running : model::EcsStatus::stopped});
    g.members.push_back(std::move(m));
  }
  // MinSize hovers around the member count: 0 to members + 1.
  g.min_size = weighted<std::int64_t>({{1, 0}, {3, between(0, members + 1)}, {2, std::max(0, members - 1)},
                                       {1, members}, {1, members + 1}});
  g.max_size = g.min_size + weighted<std::int64_t>({{4, between(0, 10)}, {1, between(10, 1000)}});
  std::set<std::string> lb_ids, db_ids;
  const int lbs = weighted<int>({{5, 0}, {3, 1}, {1, 2}});
  for (int i = 0; i < lbs; ++i)
    g.load_balancers.push_back({unique(any_id(IdKind::load_balancer), lb_ids),
                                chance(85) ? model::LoadBalancerStatus::active : model::LoadBalancerStatus::inactive});
  const int dbs = weighted<int>({{5, 0}, {3, 1}, {1, 2}});
  for (int i = 0; i < dbs; ++i)
    g.db_instances.push_back({unique(any_id(IdKind::db), db_ids), chance(85) ? std::string("Running") : db_bad_status()});
  return g;
}

std::vector<std::string> ids_of(const model::ScalingGroup& g) {
  std::vector<std::string> ids;
  for (const auto& m : g.members) ids.push_back(m.id);
  return ids;
}

// ECS instances in no group, Running and Stopped, anywhere in the list.
void add_free_instances(World& w, std::set<std::string>& instance_ids) {
  const int free = weighted<int>({{2, 0}, {2, 1}, {1, 2}, {1, 3}});
  for (int i = 0; i < free; ++i) {
    model::EcsInstance e{unique(any_id(IdKind::instance), instance_ids),
                         chance(60) ? model::EcsStatus::running : model::EcsStatus::stopped};
    w.ecs.insert(w.ecs.begin() + static_cast<std::ptrdiff_t>(below(w.ecs.size() + 1)), std::move(e));
  }
}

// An activity of a random group, in any StatusCode.
model::Activity make_activity(const World& w, std::set<std::string>& activity_ids) {
  const auto& g = w.groups[below(w.groups.size())];
  model::Activity a;
  a.id = unique(any_id(IdKind::activity), activity_ids);
  a.group_id = g.id;
  a.status = weighted<model::ActivityStatus>({{6, model::ActivityStatus::successful},
                                              {1, model::ActivityStatus::failed},
                                              {1, model::ActivityStatus::warning},
                                              {1, model::ActivityStatus::rejected},
                                              {1, model::ActivityStatus::in_progress}});
  if (chance(60)) {
    if (a.status == model::ActivityStatus::in_progress) {
      a.instance_ids = some_members(g);
    } else {
      // Finished: what it removed is long gone (or anything at all).
      const auto member_ids = ids_of(g);
      a.instance_ids.emplace();
      const int n = between(0, 3);
      for (int k = 0; k < n; ++k)
        a.instance_ids->push_back(!member_ids.empty() && chance(20) ? pick(member_ids) : any_id(IdKind::instance));
    }
  }
  if (chance(50)) a.remove_policy = chance(50) ? model::RemovePolicy::release : model::RemovePolicy::recycle;
  return a;
}

// Activities in every StatusCode; an InProgress one now and then.
void add_activities(World& w) {
  std::set<std::string> activity_ids;
  const int activities = weighted<int>({{3, 0}, {3, 1}, {2, 2}, {1, 3}});
  for (int i = 0; i < activities; ++i) w.activities.push_back(make_activity(w, activity_ids));
}

// ---- which groups can accept a call ----------------------------------------------

bool removable(model::MemberState s) {
  return s == model::MemberState::in_service || s == model::MemberState::standby ||
         s == model::MemberState::is_protected;
}

bool has_authorized_key(const World& w) {
  return std::any_of(w.auth.keys.begin(), w.auth.keys.end(), [](const model::AccessKey& k) { return k.authorized; });
}

// How many rules of the group hold (6: a valid call can be made on it).
int acceptance(const World& w, const model::ScalingGroup& g) {
  const auto members = static_cast<std::int64_t>(g.members.size());
  int score = 0;
  score += g.state == model::GroupState::active;
  score += !w.has_activity_in_progress(g.id);
  score += std::all_of(g.load_balancers.begin(), g.load_balancers.end(),
                       [](const model::LoadBalancer& lb) { return lb.status == model::LoadBalancerStatus::active; });
  score += std::all_of(g.db_instances.begin(), g.db_instances.end(),
                       [](const model::DbInstance& db) { return db.status == "Running"; });
  score += !removable_ids(g).empty();
  score += members - 1 >= g.min_size;
  return score;
}

}  // namespace

model::Member gen_member(const std::string& id) {
  model::Member m;
  m.id = id;
  m.creation = weighted<model::CreationType>({{3, model::CreationType::auto_created}, {1, model::CreationType::attached}});
  m.state = weighted<model::MemberState>({{10, model::MemberState::in_service},
                                          {1, model::MemberState::pending},
                                          {1, model::MemberState::removing},
                                          {2, model::MemberState::is_protected},
                                          {2, model::MemberState::standby}});
  return m;
}

World make_world() {
  World w;
  w.region_id = weighted<std::string>({{8, "cn-hangzhou"}, {2, "cn-beijing"}, {1, "ap-southeast-1"}, {1, "eu-central-1"}});
  w.completion = weighted<model::ActivityCompletion>({{4, model::ActivityCompletion::immediate},
                                                      {1, model::ActivityCompletion::manual}});
  w.auth.mode = weighted<model::AuthMode>({{3, model::AuthMode::none}, {2, model::AuthMode::signature}});
  add_keys(w);
  std::set<std::string> instance_ids, group_ids;
  const std::size_t groups = static_cast<std::size_t>(weighted<int>({{5, 1}, {3, 2}, {2, 3}}));
  for (std::size_t gi = 0; gi < groups && gi < kMaxGroups; ++gi) w.groups.push_back(make_group(w, group_ids, instance_ids));
  add_free_instances(w, instance_ids);
  add_activities(w);
  return w;
}

std::vector<std::string> removable_ids(const model::ScalingGroup& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members)
    if (removable(m.state)) out.push_back(m.id);
  return out;
}

std::vector<std::string> some_members(const model::ScalingGroup& g) {
  const auto ids = ids_of(g);
  return sample(ids, below(std::min<std::size_t>(ids.size(), 3) + 1));
}

bool can_accept(const World& w, const model::ScalingGroup& g) {
  return acceptance(w, g) == 6 && (w.auth.mode == model::AuthMode::none || has_authorized_key(w));
}

int choose_group(const World& w) {
  std::vector<std::size_t> ok;
  for (std::size_t i = 0; i < w.groups.size(); ++i)
    if (can_accept(w, w.groups[i])) ok.push_back(i);
  if (!ok.empty()) return static_cast<int>(pick(ok));
  int best = -1, best_score = -1;
  for (std::size_t i = 0; i < w.groups.size(); ++i)
    if (const int s = acceptance(w, w.groups[i]); s > best_score) best = static_cast<int>(i), best_score = s;
  return best;
}

std::set<std::string> all_instance_ids(const World& w) {
  std::set<std::string> ids;
  for (const auto& e : w.ecs) ids.insert(e.id);
  return ids;
}

// Active, no activity in progress, load balancers active,
// databases Running, a removable member, room above MinSize, an authorized key.
std::size_t make_acceptable(World& w) {
  const std::size_t gi = below(w.groups.size());
  auto& g = w.groups[gi];
  g.state = model::GroupState::active;
  for (auto& a : w.activities)
    if (a.group_id == g.id && a.status == model::ActivityStatus::in_progress) a.status = model::ActivityStatus::successful;
  for (auto& lb : g.load_balancers) lb.status = model::LoadBalancerStatus::active;
  for (auto& db : g.db_instances) db.status = "Running";
  if (g.members.empty()) {
    auto ids = all_instance_ids(w);
    const int n = between(1, 4);
    for (int i = 0; i < n; ++i) {
      model::Member m = gen_member(unique(realistic_id(IdKind::instance), ids));
      w.ecs.push_back({m.id, model::EcsStatus::running});
      g.members.push_back(std::move(m));
    }
  }
  if (removable_ids(g).empty()) g.members[below(g.members.size())].state = model::MemberState::in_service;
  const auto members = static_cast<std::int64_t>(g.members.size());
  if (g.min_size > members - 1) g.min_size = between(0, static_cast<int>(members - 1));
  if (w.auth.mode == model::AuthMode::signature && !has_authorized_key(w)) {
    if (!w.auth.keys.empty()) {
      w.auth.keys[below(w.auth.keys.size())].authorized = true;
    } else {
      w.auth.keys.push_back({realistic_id(IdKind::access_key), chars(kBase62, 30), true});
    }
  }
  return gi;
}

int acceptable_group(World& w) {
  const int gi = choose_group(w);
  if (gi >= 0 && can_accept(w, w.groups[static_cast<std::size_t>(gi)])) return gi;
  return static_cast<int>(make_acceptable(w));
}

}  // namespace essconf::property
