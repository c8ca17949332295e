// Near-valid mutations: each breaks one rule of a valid call, in the request
// or (World mutations) in the World, and is labelled with that rule's clause.
// The table at the end, kMutations, lists them all.
#include "suite/property/near_valid_mutations.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "suite/property/draw.hpp"
#include "suite/property/generated_world.hpp"

namespace essconf::property {
namespace {

using model::World;
using Context = NearValidContext;

// ---- helpers ---------------------------------------------------------------------

std::string fresh_group_id(const World& w, const std::string& near) {
  std::set<std::string> used;
  for (const auto& g : w.groups) used.insert(g.id);
  std::string id;
  switch (weighted<int>({{4, 0}, {1, 1}, {1, 2}, {1, 3}})) {
    case 0: id = any_id(IdKind::group); break;
    case 1: {  // another letter case
      id = near;
      for (auto& ch : id)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
      break;
    }
    case 2: id = near + (chance(50) ? " " : "0"); break;  // one character off
    default: {  // the last character dropped (a whole code point: the id stays UTF-8)
      std::size_t end = near.size();
      while (end > 0 && (static_cast<unsigned char>(near[end - 1]) & 0xC0) == 0x80) --end;
      id = end > 1 ? near.substr(0, end - 1) : near + "x";
      break;
    }
  }
  return unique(id, used);
}

std::string non_member_id(const World& w, const model::ScalingGroup& g) {
  std::vector<std::string> elsewhere;  // in EcsInstances, not in this group
  for (const auto& e : w.ecs)
    if (g.member(e.id) == nullptr) elsewhere.push_back(e.id);
  if (!elsewhere.empty() && chance(60)) return pick(elsewhere);
  auto used = all_instance_ids(w);
  return unique(any_id(IdKind::instance), used);
}

std::vector<wire::Pair>& params(Context& c) { return c.out.spec.params; }

// ---- when they apply ---------------------------------------------------------------

bool always(const Context& /*c*/) { return true; }
bool release_group(const Context& c) { return c.group != nullptr && c.group->policy == model::ScalingPolicy::release; }
bool min_size_reachable(const Context& c) {
  return c.group != nullptr && c.need >= 1 &&
         c.need <= std::min<std::int64_t>(20, static_cast<std::int64_t>(c.removable.size()));
}
bool signed_call(const Context& c) { return c.signature; }
bool signed_with_unauthorized_key(const Context& c) { return c.signature && c.has_unauthorized; }
bool has_group(const Context& c) { return c.group != nullptr; }
bool signed_with_group(const Context& c) { return c.signature && c.group != nullptr; }
bool signed_with_group_all_authorized(const Context& c) { return signed_with_group(c) && !c.has_unauthorized; }
bool signed_with_group_some_unauthorized(const Context& c) { return signed_with_group(c) && c.has_unauthorized; }

// ---- request mutations -------------------------------------------------------------

void unknown_group(Context& c) {
  const std::string id = fresh_group_id(c.world, c.base.group_id);
  set_param(params(c), "ScalingGroupId", id);
  c.out.what = fmt::format("ScalingGroupId {}, a group that does not exist,", shorten(id));
}

void non_member(Context& c) {
  const std::string stranger = c.group != nullptr ? non_member_id(c.world, *c.group) : "i-" + chars(kLowerAlnum, 20);
  std::vector<std::string> ids = c.base.ids;
  if (ids.size() < 20 && chance(50)) {
    ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(below(ids.size() + 1)), stranger);
  } else {
    ids[below(ids.size())] = stranger;
  }
  set_ids(params(c), ids);
  c.out.what = fmt::format("InstanceId {}, not a member of the group,", shorten(stranger));
}

void too_many_ids(Context& c) {
  const int n = between(21, 25);
  std::vector<std::string> ids = c.base.ids;
  std::vector<std::string> others;
  if (c.group != nullptr)
    for (const auto& m : c.group->members)
      if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) others.push_back(m.id);
  for (const auto& id : sample(others, others.size())) ids.push_back(id);
  auto used = all_instance_ids(c.world);
  while (static_cast<int>(ids.size()) < n) ids.push_back(unique(realistic_id(IdKind::instance), used));
  ids.resize(static_cast<std::size_t>(n));
  set_ids(params(c), ids);
  c.out.what = fmt::format("{} InstanceId.N parameters", n);
}

void no_ids(Context& c) {
  std::erase_if(params(c), is_instance_param);
  c.out.what = "no InstanceId.N at all";
}

void group_id_missing(Context& c) {
  if (chance(50)) {
    drop_param(params(c), "ScalingGroupId");
    c.out.what = "no ScalingGroupId";
  } else {
    set_param(params(c), "ScalingGroupId", "");
    c.out.what = "an empty ScalingGroupId";
  }
}

void remove_policy_bogus(Context& c) {
  std::string v = weighted<std::string>({{3, "destroy"}, {2, "Release"}, {2, "RECYCLE"}, {1, ""}, {1, "release "},
                                         {1, "stop"}, {1, "recycle,release"}, {1, arbitrary_text(12)}});
  if (v == "release" || v == "recycle") v = "delete";
  set_param(params(c), "RemovePolicy", v);
  c.out.what = fmt::format("RemovePolicy=\"{}\"", shorten(v));
}

void bad_action(Context& c) {
  if (weighted<int>({{2, 0}, {3, 1}}) == 0) {
    drop_param(params(c), "Action");
    c.out.what = "no Action";
    return;
  }
  std::string v = weighted<std::string>({{2, "removeinstances"}, {2, "RemoveInstance"}, {1, "REMOVEINSTANCES"},
                                         {2, "DescribeScalingGroups"}, {1, "DetachInstances"}, {1, ""},
                                         {1, "RemoveInstances "}, {1, arbitrary_text(16)}});
  if (v == "RemoveInstances") v = "RemoveInstancez";
  set_param(params(c), "Action", v);
  c.out.what = fmt::format("Action=\"{}\"", shorten(v));
}

void bad_version(Context& c) {
  if (weighted<int>({{1, 0}, {4, 1}}) == 0) {
    drop_param(params(c), "Version");
    c.out.what = "no Version";
    return;
  }
  std::string v = weighted<std::string>({{2, "2014-08-27"}, {2, "2022-02-22"}, {1, "2014-8-28"}, {1, "20140828"},
                                         {1, ""}, {1, "2014-08-28 "}, {1, "2016-01-01"}});
  set_param(params(c), "Version", v);
  c.out.what = fmt::format("Version=\"{}\"", v);
}

void bad_format(Context& c) {
  std::string v = weighted<std::string>({{2, "YAML"}, {1, "JSONP"}, {1, "xmll"}, {1, ""}, {1, "text"},
                                         {1, "XML;JSON"}, {1, " JSON"}, {1, arbitrary_text(10)}});
  const auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    return s;
  };
  if (lower(v) == "xml" || lower(v) == "json") v = "html";
  set_param(params(c), "Format", v);
  c.out.what = fmt::format("Format=\"{}\"", shorten(v));
}

void recycle_on_release(Context& c) {
  set_param(params(c), "RemovePolicy", "recycle");
  c.out.what = "RemovePolicy=recycle on a group whose ScalingPolicy is release";
}

void min_size_request(Context& c) {
  const auto top = std::min<std::int64_t>(20, static_cast<std::int64_t>(c.removable.size()));
  const int n = between(static_cast<int>(c.need), static_cast<int>(top));
  const auto ids = sample(c.removable, static_cast<std::size_t>(n));
  set_ids(params(c), ids);
  c.out.what = fmt::format("{} instances named, leaving {} below MinSize {},", n, c.members - n, c.base.min_size);
}

void bad_signature(Context& c) {
  auto& s = *c.out.spec.sign;
  switch (weighted<int>({{3, 0}, {1, 1}, {2, 2}})) {
    case 0: s.signature = runner::SignatureMode::corrupt, c.out.what = "a corrupted Signature"; break;
    case 1: s.signature = runner::SignatureMode::omit, c.out.what = "no Signature"; break;
    default:
      // One character more, or another secret altogether.
      s.access_key_secret = chance(50) ? s.access_key_secret + "x" : chars(kBase62, 30);
      if (const auto* k = c.world.access_key(s.access_key_id); k != nullptr && k->secret == s.access_key_secret)
        s.access_key_secret += "!";
      c.out.what = "a Signature made with the wrong secret";
      break;
  }
}

void unknown_key(Context& c) {
  std::set<std::string> used;
  for (const auto& k : c.world.auth.keys) used.insert(k.id);
  auto& s = *c.out.spec.sign;
  s.access_key_id = unique(any_id(IdKind::access_key), used);
  s.access_key_secret = chars(kBase62, 30);
  c.out.what = fmt::format("AccessKeyId {}, not a key of the World,", shorten(s.access_key_id));
}

void bad_timestamp(Context& c) {
  auto& s = *c.out.spec.sign;
  if (chance(70)) {
    const std::int64_t skew = weighted<std::int64_t>({{3, between(901, 1000)}, {2, between(1000, 86400)},
                                                      {1, between(86400, 400 * 86400)}});
    s.timestamp_offset = chance(60) ? -skew : skew;
    c.out.what = fmt::format("a Timestamp {} s {}", skew, s.timestamp_offset < 0 ? "in the past" : "in the future");
  } else {
    s.timestamp = weighted<std::string>({{2, "2026-01-01 00:00:00"}, {1, "1767225600"}, {1, "2026-13-01T00:00:00Z"},
                                         {1, "2026-02-30T10:00:00Z"}, {1, "2026-01-01T00:00:00+08:00"},
                                         {1, ""}, {1, "Thu, 01 Jan 2026 00:00:00 GMT"}});
    c.out.what = fmt::format("Timestamp=\"{}\"", *s.timestamp);
  }
}

void nonce_omitted(Context& c) {
  c.out.spec.sign->omit.push_back("SignatureNonce");
  c.out.what = "no SignatureNonce";
}

void unauthorized_key(Context& c) {
  std::vector<model::AccessKey> denied;
  for (const auto& k : c.world.auth.keys)
    if (!k.authorized) denied.push_back(k);
  const auto& k = pick(denied);
  c.out.spec.sign->access_key_id = k.id;
  c.out.spec.sign->access_key_secret = k.secret;
  c.out.what = fmt::format("a signature by {}, a key not authorized to call RemoveInstances,", shorten(k.id));
}

// ---- World mutations -----------------------------------------------------------------

void min_size_world(Context& c) {
  auto& g = *c.out_group;
  const auto n = static_cast<std::int64_t>(c.base.ids.size());
  g.min_size = c.members - n + 1 + weighted<std::int64_t>({{4, 0}, {1, between(1, 3)}});
  g.max_size = std::max(g.max_size, g.min_size + weighted<std::int64_t>({{1, 0}, {1, between(1, 5)}}));
  c.out.what = fmt::format("MinSize raised to {} (World)", g.min_size);
}

void group_inactive(Context& c) {
  auto& g = *c.out_group;
  g.state = chance(50) ? model::GroupState::inactive : model::GroupState::deleting;
  c.out.what = fmt::format("the group {} (World)", model::name(g.state));
}

void activity_in_progress(Context& c) {
  std::set<std::string> used;
  for (const auto& a : c.world.activities) used.insert(a.id);
  model::Activity a;
  a.id = unique(any_id(IdKind::activity), used);
  a.group_id = c.out_group->id;
  a.status = model::ActivityStatus::in_progress;
  if (chance(60)) a.instance_ids = some_members(*c.out_group);
  if (chance(50)) a.remove_policy = model::RemovePolicy::release;
  auto& activities = c.out.world.activities;
  activities.insert(activities.begin() + static_cast<std::ptrdiff_t>(below(activities.size() + 1)), a);
  c.out.what = fmt::format("an InProgress activity {} of the group (World)", shorten(a.id));
}

void lb_inactive(Context& c) {
  auto& lbs = c.out_group->load_balancers;
  if (!lbs.empty() && chance(70)) {
    auto& lb = lbs[below(lbs.size())];
    lb.status = model::LoadBalancerStatus::inactive;
    c.out.what = fmt::format("the load balancer {} inactive (World)", shorten(lb.id));
    return;
  }
  std::set<std::string> used;
  for (const auto& lb : lbs) used.insert(lb.id);
  model::LoadBalancer lb{unique(any_id(IdKind::load_balancer), used), model::LoadBalancerStatus::inactive};
  c.out.what = fmt::format("an inactive load balancer {} attached (World)", shorten(lb.id));
  lbs.push_back(std::move(lb));
}

void db_not_running(Context& c) {
  auto& dbs = c.out_group->db_instances;
  if (!dbs.empty() && chance(70)) {
    auto& db = dbs[below(dbs.size())];
    db.status = db_bad_status();
    c.out.what = fmt::format("the database {} {} (World)", shorten(db.id), shorten(db.status));
    return;
  }
  std::set<std::string> used;
  for (const auto& db : dbs) used.insert(db.id);
  model::DbInstance db{unique(any_id(IdKind::db), used), db_bad_status()};
  c.out.what = fmt::format("a database {} that is {} attached (World)", shorten(db.id), shorten(db.status));
  dbs.push_back(std::move(db));
}

void key_made_unauthorized(Context& c) {
  const std::string& key = c.out.spec.sign->access_key_id;
  for (auto& k : c.out.world.auth.keys)
    if (k.id == key) k.authorized = false;
  c.out.what = fmt::format("the signing key {} made unauthorized (World)", shorten(key));
}

// ---- the table ------------------------------------------------------------------------

namespace clause = model::clause;

// Every near-valid mutation. The draw weighs those that apply, in this order
// (so a seed draws the same one as long as the table stays as it is).
const std::array kMutations{
    NearValidMutation{"unknown group", clause::kGroupNotFound, 3, false, always, unknown_group},
    NearValidMutation{"a non-member instance", clause::kInstanceNotFound, 3, false, always, non_member},
    NearValidMutation{"21 to 25 InstanceId.N", clause::kInstanceIdMax20, 2, false, always, too_many_ids},
    NearValidMutation{"no InstanceId.N", clause::kInstanceIdRequired, 2, false, always, no_ids},
    NearValidMutation{"ScalingGroupId missing or empty", clause::kGroupIdRequired, 2, false, always, group_id_missing},
    NearValidMutation{"RemovePolicy bogus", clause::kRemovePolicyValues, 2, false, always, remove_policy_bogus},
    NearValidMutation{"Action wrong or missing", clause::kAction, 2, false, always, bad_action},
    NearValidMutation{"Version wrong or missing", clause::kVersion, 2, false, always, bad_version},
    NearValidMutation{"Format bogus", clause::kFormat, 2, false, always, bad_format},
    NearValidMutation{"recycle on a release group", clause::kRemovePolicyRecycleGroup, 3, false, release_group,
                      recycle_on_release},
    NearValidMutation{"more removed than MinSize allows", clause::kMinSize, 3, false, min_size_reachable,
                      min_size_request},
    NearValidMutation{"signature corrupt, wrong or omitted", clause::kSignature, 4, false, signed_call, bad_signature},
    NearValidMutation{"unknown AccessKeyId", clause::kSignature, 3, false, signed_call, unknown_key},
    NearValidMutation{"Timestamp expired or malformed", clause::kTimestamp, 4, false, signed_call, bad_timestamp},
    NearValidMutation{"SignatureNonce omitted", clause::kNonce, 3, false, signed_call, nonce_omitted},
    NearValidMutation{"signed with an unauthorized key of the World", clause::kUnauthorized, 3, false,
                      signed_with_unauthorized_key, unauthorized_key},
    NearValidMutation{"MinSize raised above what is left", clause::kMinSize, 3, true, has_group, min_size_world},
    NearValidMutation{"group Inactive or Deleting", clause::kGroupActive, 3, true, has_group, group_inactive},
    NearValidMutation{"an InProgress activity added", clause::kNoActivityInProgress, 3, true, has_group,
                      activity_in_progress},
    NearValidMutation{"a load balancer inactive", clause::kLoadBalancerStatus, 3, true, has_group, lb_inactive},
    NearValidMutation{"a database not Running", clause::kDbInstanceStatus, 3, true, has_group, db_not_running},
    // The signing key made unauthorized: less often when the World already
    // has an unauthorized key, which the request mutation above signs with.
    NearValidMutation{"the signing key made unauthorized", clause::kUnauthorized, 3, true,
                      signed_with_group_all_authorized, key_made_unauthorized},
    NearValidMutation{"the signing key made unauthorized", clause::kUnauthorized, 1, true,
                      signed_with_group_some_unauthorized, key_made_unauthorized},
};

// ---- drawing one ----------------------------------------------------------------------

Context context_for(const World& w, int gi, const Call& base, NearValid& out) {
  const model::ScalingGroup* g = gi >= 0 ? &w.groups[static_cast<std::size_t>(gi)] : nullptr;
  const auto members = static_cast<std::int64_t>(base.members);
  const bool has_unauthorized =
      std::any_of(w.auth.keys.begin(), w.auth.keys.end(), [](const model::AccessKey& k) { return !k.authorized; });
  return Context{
      .world = w,
      .group = g,
      .base = base,
      .signature = w.auth.mode == model::AuthMode::signature && out.spec.sign.has_value(),
      .removable = g != nullptr ? removable_ids(*g) : std::vector<std::string>{},
      .members = members,
      .need = members - base.min_size + 1,
      .has_unauthorized = has_unauthorized,
      .out = out,
      .out_group = g != nullptr ? out.world.group(g->id) : nullptr,
  };
}

void apply(const NearValidMutation& m, Context& c) {
  m.apply(c);
  c.out.clause = m.clause;
  c.out.world_changed = m.changes_world;
  c.out.what = fmt::format("{} on an otherwise valid call removing {} of {} members of {}", c.out.what,
                           c.base.ids.size(), c.base.members, shorten(c.base.group_id));
}

}  // namespace

std::span<const NearValidMutation> near_valid_mutations() { return kMutations; }

NearValid near_valid(const World& w, int gi, bool allow_world) {
  const Call base = valid_call(w, gi);
  NearValid nv{w, base.spec, "", "", false};
  Context c = context_for(w, gi, base, nv);
  std::vector<std::pair<int, const NearValidMutation*>> options;
  for (const auto& m : kMutations)
    if ((allow_world || !m.changes_world) && m.applies(c)) options.emplace_back(m.weight, &m);
  apply(*weighted(options), c);
  return nv;
}

std::optional<NearValid> near_valid_with(const World& w, int gi, const NearValidMutation& m) {
  const Call base = valid_call(w, gi);
  NearValid nv{w, base.spec, "", "", false};
  Context c = context_for(w, gi, base, nv);
  if (!m.applies(c)) return std::nullopt;
  apply(m, c);
  return nv;
}

}  // namespace essconf::property
