// RapidCheck generators of Worlds, RemoveInstances requests and whole cases.
//
// Everything here is imperative code run inside gen::exec: `*gen` draws from
// RapidCheck's randomness (and nothing else: no clock, no global RNG), so a
// case depends only on the seed and shrinks with it.
//
// Near-valid mutations, and the clause each is labelled with. Those marked
// (World) change the World, not the request; gen_request cannot return a
// World, so it never picks them: only gen_case does.
//   unknown group                        error.group-not-found
//   a non-member instance                error.instance-not-found
//   21 to 25 InstanceId.N                param.instance-id.max-20
//   no InstanceId.N                      param.instance-id.required
//   ScalingGroupId missing or empty      param.scaling-group-id.required
//   RemovePolicy bogus                   param.remove-policy.values
//   recycle on a release group           param.remove-policy.recycle-group
//   more removed than MinSize allows     capacity.min-size
//   MinSize raised above what is left    capacity.min-size (World)
//   Action wrong or missing              param.action
//   Version wrong or missing             rpc.version
//   Format bogus                         param.format
//   group Inactive or Deleting           group.state.active (World)
//   an InProgress activity added         group.activity.none-in-progress (World)
//   a load balancer inactive             error.load-balancer-status (World)
//   a database not Running               error.db-instance-status (World)
//   signature corrupt, wrong or omitted  rpc.signature (Auth Signature only)
//   unknown AccessKeyId                  rpc.signature
//   Timestamp expired or malformed       rpc.timestamp
//   SignatureNonce omitted               rpc.nonce
//   signed with an unauthorized key      error.unauthorized (request: an
//                                        unauthorized key of the World; World:
//                                        the signing key made unauthorized)
#include "suite/property/generators.hpp"

#include <algorithm>
#include <limits>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::property {
namespace {

namespace gen = rc::gen;
using model::World;
using runner::Placement;
using runner::RequestSpec;
using runner::SignSpec;

constexpr std::string_view kVersion = "2014-08-28";
constexpr std::size_t kMaxGroups = 3;
constexpr int kMaxMembers = 12;
// Request budget: the reference server takes 16 KiB of headers and 64 KiB of
// body; generated requests stay well inside.
constexpr std::size_t kMaxTarget = 11 * 1024;
constexpr std::size_t kMaxBytes = 40 * 1024;

const std::string kLowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz";
const std::string kBase62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kUnreserved = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~";

// ---- drawing helpers (only inside gen::exec) ---------------------------------

// gen::inRange narrows its range at small sizes; these draw from the whole
// range at every size, so the weights below are the distribution (they still
// shrink towards the low end).
template <typename T>
T uniform(T lo, T hi) {  // [lo, hi), lo < hi
  return *gen::resize(rc::kNominalSize, gen::inRange<T>(lo, hi));
}
std::size_t below(std::size_t n) { return uniform<std::size_t>(0, n); }  // [0, n), n > 0
int between(int lo, int hi) { return uniform(lo, hi + 1); }               // [lo, hi]
bool chance(int percent) { return uniform(0, 100) < percent; }

template <typename T>
const T& pick(const std::vector<T>& v) {
  return v[below(v.size())];
}

// One of `options`, with integer weights; shrinks towards the first.
template <typename T>
T weighted(const std::vector<std::pair<int, T>>& options) {
  int total = 0;
  for (const auto& o : options) total += o.first;
  int r = uniform(0, total);
  for (const auto& o : options) {
    if (r < o.first) return o.second;
    r -= o.first;
  }
  return options.back().second;
}

// `k` distinct elements of `v` in a random order.
template <typename T>
std::vector<T> sample(std::vector<T> v, std::size_t k) {
  std::vector<T> out;
  while (out.size() < k && !v.empty()) {
    const std::size_t i = below(v.size());
    out.push_back(v[i]);
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

// One draw from RapidCheck per string, expanded by splitmix64: a draw per
// character made generating Worlds the property phase's largest cost. The
// string shrinks as a whole, towards alphabet[0] repeated.
std::string chars(const std::string& alphabet, std::size_t n) {
  std::uint64_t state = uniform<std::uint64_t>(0, std::numeric_limits<std::uint64_t>::max());
  if (state == 0) return std::string(n, alphabet[0]);
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    s.push_back(alphabet[(z ^ (z >> 31)) % alphabet.size()]);
  }
  return s;
}

// ---- text ----------------------------------------------------------------------

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Arbitrary bytes read as Latin-1: always valid UTF-8, so a case stays a
// valid JSON case file (invalid UTF-8 is sent through percent escapes in raw).
std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) append_utf8(out, c);
  return out;
}

// An arbitrary string (RapidCheck's own generator), as valid UTF-8.
std::string arbitrary_text(int max_len) {
  return latin1_to_utf8(*gen::resize(max_len, gen::string<std::string>()));
}

// The same for text the World holds: no control characters (U+0000 to
// U+001F, U+007F), which the fixture protocol refuses in ids (an XML error
// body could not quote them).
std::string arbitrary_world_text(int max_len) {
  std::string s = *gen::resize(max_len, gen::string<std::string>());
  for (auto& ch : s)
    if (const auto c = static_cast<unsigned char>(ch); c < 0x20 || c == 0x7F) ch = static_cast<char>(c == 0x7F ? '~' : c + 0x40);
  return latin1_to_utf8(s);
}

// Unicode text of `n` code points from scripts that break naive code: CJK,
// emoji (4 bytes), combining marks, right-to-left, zero-width, Latin-1.
std::string unicode_text(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    const auto [lo, hi] = weighted<std::pair<std::uint32_t, std::uint32_t>>({{4, {0x4E00, 0x9FFF}},
                                                                   {2, {0x1F300, 0x1FAFF}},
                                                                   {1, {0x300, 0x36F}},
                                                                   {1, {0x5D0, 0x5EA}},
                                                                   {1, {0x200B, 0x200F}},
                                                                   {1, {0xA1, 0xFF}},
                                                                   {1, {0x391, 0x44F}},
                                                                   {2, {0x21, 0x7E}}});
    append_utf8(s, static_cast<char32_t>(uniform<std::uint32_t>(lo, hi + 1)));
  }
  return s;
}

// At most `max` code points of valid UTF-8 `s`, for descriptions: control
// characters (C0, DEL, C1) shown as '?', so a description stays one line.
std::string shorten(std::string_view s, std::size_t max = 40) {
  std::string out;
  std::size_t cps = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) {  // a continuation byte
      out.push_back(s[i]);
      continue;
    }
    if (cps++ == max) return out + "...";
    if (c < 0x20 || c == 0x7F) {
      out.push_back('?');
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out.push_back('?');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// `id`, or `id` with a suffix that makes it unused; remembers it.
std::string unique(std::string id, std::set<std::string>& used) {
  if (id.empty()) id = "x";
  std::string candidate = id;
  for (int n = 2; used.count(candidate) != 0; ++n) candidate = fmt::format("{}-{}", id, n);
  used.insert(candidate);
  return candidate;
}

// ---- ids -----------------------------------------------------------------------

enum class IdKind { group, instance, activity, load_balancer, db, access_key };

// A realistic Alibaba Cloud id: prefix, a region code, base-36 tail, 20 after the dash.
std::string realistic_id(IdKind kind) {
  const std::string region = pick(std::vector<std::string>{"bp1", "bp1", "2ze", "uf6", "wz9", "t4n", "gw8", "8vb"});
  switch (kind) {
    case IdKind::group: return "asg-" + region + chars(kLowerAlnum, 17);
    case IdKind::instance: return "i-" + region + chars(kLowerAlnum, 17);
    case IdKind::activity: return "asa-" + region + chars(kLowerAlnum, 17);
    case IdKind::load_balancer: return "lb-" + region + chars(kLowerAlnum, 14);
    case IdKind::db: return "rm-" + region + chars(kLowerAlnum, 14);
    case IdKind::access_key: return "LTAI5t" + chars(kBase62, 18);
  }
  return "x";
}

// Ids as older APIs and consoles wrote them.
std::string legacy_id(IdKind kind) {
  switch (kind) {
    case IdKind::group: return chars(kBase62, 24);                    // "AG6CQdPU8OKdwLjgZcJ2xxxx"
    case IdKind::instance: return "AY" + chars(kLowerAlnum, 18);        // classic ECS
    case IdKind::activity: return chars(kBase62, 22);
    case IdKind::load_balancer: return chars(kLowerAlnum, 8) + "-cn-hangzhou-dg-a01";
    case IdKind::db: return "rds" + chars(kLowerAlnum, 17);
    case IdKind::access_key: return "LTAI" + chars(kBase62, 12);
  }
  return "x";
}

std::string_view prefix_of(IdKind kind) {
  switch (kind) {
    case IdKind::group: return "asg-";
    case IdKind::instance: return "i-";
    case IdKind::activity: return "asa-";
    case IdKind::load_balancer: return "lb-";
    case IdKind::db: return "rm-";
    case IdKind::access_key: return "LTAI";
  }
  return "";
}

// Realistic ids mostly, and now and then legacy, Unicode, very long or
// arbitrary ones. Never empty, always valid UTF-8, never with a NUL.
std::string any_id(IdKind kind) {
  switch (weighted<int>({{80, 0}, {5, 1}, {5, 2}, {3, 3}, {7, 4}})) {
    case 0: return realistic_id(kind);
    case 1: return legacy_id(kind);
    case 2: return std::string(prefix_of(kind)) + unicode_text(between(1, 10));
    case 3: return std::string(prefix_of(kind)) + chars(kLowerAlnum, static_cast<std::size_t>(between(100, 250)));
    default: {
      std::string s = arbitrary_world_text(24);
      return s.empty() ? std::string(prefix_of(kind)) + "0" : s;
    }
  }
}

std::string nonce_text() {
  return fmt::format("{}-{}-{}-{}-{}", chars("0123456789abcdef", 8), chars("0123456789abcdef", 4),
                     chars("0123456789abcdef", 4), chars("0123456789abcdef", 4), chars("0123456789abcdef", 12));
}

const std::vector<std::string> kDbBadStatuses{"Creating", "Deleting", "Rebooting", "DBInstanceClassChanging",
                                             "Restoring", "Locked", "Stopped", "running", "RUNNING", "Running "};

std::string db_bad_status() {
  if (chance(85)) return pick(kDbBadStatuses);
  std::string s = arbitrary_world_text(16);
  return s.empty() || s == "Running" ? "Unknown" : s;
}

// ---- worlds ----------------------------------------------------------------------

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

  std::set<std::string> instance_ids, group_ids, activity_ids;
  const std::size_t groups = static_cast<std::size_t>(weighted<int>({{5, 1}, {3, 2}, {2, 3}}));
  for (std::size_t gi = 0; gi < groups && gi < kMaxGroups; ++gi) {
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
    w.groups.push_back(std::move(g));
  }
  // ECS instances in no group, Running and Stopped, anywhere in the list.
  const int free = weighted<int>({{2, 0}, {2, 1}, {1, 2}, {1, 3}});
  for (int i = 0; i < free; ++i) {
    model::EcsInstance e{unique(any_id(IdKind::instance), instance_ids),
                         chance(60) ? model::EcsStatus::running : model::EcsStatus::stopped};
    w.ecs.insert(w.ecs.begin() + static_cast<std::ptrdiff_t>(below(w.ecs.size() + 1)), std::move(e));
  }
  // Activities in every StatusCode; an InProgress one now and then.
  const int activities = weighted<int>({{3, 0}, {3, 1}, {2, 2}, {1, 3}});
  for (int i = 0; i < activities; ++i) {
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
      std::vector<std::string> member_ids;
      for (const auto& m : g.members) member_ids.push_back(m.id);
      if (a.status == model::ActivityStatus::in_progress) {
        // Distinct members of its group.
        a.instance_ids = sample(member_ids, below(std::min<std::size_t>(member_ids.size(), 3) + 1));
      } else {
        // Finished: what it removed is long gone (or anything at all).
        a.instance_ids.emplace();
        const int n = between(0, 3);
        for (int k = 0; k < n; ++k)
          a.instance_ids->push_back(!member_ids.empty() && chance(20) ? pick(member_ids) : any_id(IdKind::instance));
      }
    }
    if (chance(50)) a.remove_policy = chance(50) ? model::RemovePolicy::release : model::RemovePolicy::recycle;
    w.activities.push_back(std::move(a));
  }
  return w;
}

// ---- which groups can accept a call ----------------------------------------------

bool removable(model::MemberState s) {
  return s == model::MemberState::in_service || s == model::MemberState::standby ||
         s == model::MemberState::is_protected;
}

std::vector<std::string> removable_ids(const model::ScalingGroup& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members)
    if (removable(m.state)) out.push_back(m.id);
  return out;
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

bool can_accept(const World& w, const model::ScalingGroup& g) {
  return acceptance(w, g) == 6 && (w.auth.mode == model::AuthMode::none || has_authorized_key(w));
}

// A group that accepts a valid call, or the one closest to it; -1 for none.
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

// Makes a group of the World accept a valid call (gen_case, when the World
// has none): Active, no activity in progress, load balancers active,
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

// ---- requests --------------------------------------------------------------------

// The parts of a valid call, kept for mutations and descriptions.
struct Call {
  std::string group_id;
  std::size_t members = 0;
  std::int64_t min_size = 0;
  std::vector<std::string> ids;
  RequestSpec spec;
};

std::string_view placement_name(const RequestSpec& s) {
  switch (s.placement) {
    case Placement::query: return s.method == "GET" ? "GET query" : "POST query";
    case Placement::form: return "POST form";
    case Placement::split: return "POST split";
  }
  return "?";
}

std::vector<wire::Pair>::iterator find_param(std::vector<wire::Pair>& params, std::string_view name) {
  return std::find_if(params.begin(), params.end(), [&](const wire::Pair& p) { return p.first == name; });
}

void set_param(std::vector<wire::Pair>& params, const std::string& name, std::string value) {
  if (auto it = find_param(params, name); it != params.end()) {
    it->second = std::move(value);
  } else {
    params.emplace_back(name, std::move(value));
  }
}

void drop_param(std::vector<wire::Pair>& params, std::string_view name) {
  std::erase_if(params, [&](const wire::Pair& p) { return p.first == name; });
}

bool is_instance_param(const wire::Pair& p) { return p.first.starts_with("InstanceId."); }

// Replaces every InstanceId.N by `named` (name, value) pairs, where the first one was.
void set_instance_params(std::vector<wire::Pair>& params, const std::vector<wire::Pair>& named) {
  auto first = std::find_if(params.begin(), params.end(), is_instance_param);
  auto pos = first - params.begin();
  std::erase_if(params, is_instance_param);
  pos = std::min<std::ptrdiff_t>(pos, static_cast<std::ptrdiff_t>(params.size()));
  params.insert(params.begin() + pos, named.begin(), named.end());
}

void set_ids(std::vector<wire::Pair>& params, const std::vector<std::string>& ids) {
  std::vector<wire::Pair> named;
  for (std::size_t i = 0; i < ids.size(); ++i) named.emplace_back(fmt::format("InstanceId.{}", i + 1), ids[i]);
  set_instance_params(params, named);
}

std::optional<SignSpec> sign_for(const World& w) {
  if (w.auth.mode != model::AuthMode::signature) return std::nullopt;
  std::vector<model::AccessKey> keys;
  for (const auto& k : w.auth.keys)
    if (k.authorized) keys.push_back(k);
  if (keys.empty()) keys = w.auth.keys;
  SignSpec s;
  if (keys.empty()) {
    s.access_key_id = "LTAI-no-key";
    s.access_key_secret = "none";
  } else {
    const auto& k = pick(keys);
    s.access_key_id = k.id;
    s.access_key_secret = k.secret;
  }
  s.timestamp_offset = weighted<std::int64_t>({{3, 0}, {1, between(-300, 300)}});
  if (chance(20)) s.nonce = nonce_text();
  return s;
}

// A valid call on group `gi` of `w` (or, when the group cannot accept one,
// the nearest thing: one member, or an id when it has none).
Call valid_call(const World& w, int gi) {
  Call c;
  const model::ScalingGroup* g = gi >= 0 ? &w.groups[static_cast<std::size_t>(gi)] : nullptr;
  c.group_id = g != nullptr ? g->id : "asg-" + chars(kLowerAlnum, 20);
  if (g != nullptr) {
    c.members = g->members.size();
    c.min_size = g->min_size;
    const auto ok = removable_ids(*g);
    const std::int64_t room = static_cast<std::int64_t>(g->members.size()) - g->min_size;
    const std::int64_t cap = std::min<std::int64_t>({20, static_cast<std::int64_t>(ok.size()), room});
    if (cap >= 1) {
      // Mostly a few, sometimes right up to MinSize.
      const int n = weighted<int>({{4, between(1, static_cast<int>(std::min<std::int64_t>(cap, 3)))},
                                   {2, between(1, static_cast<int>(cap))},
                                   {1, static_cast<int>(cap)}});
      c.ids = sample(ok, static_cast<std::size_t>(n));
    } else if (!g->members.empty()) {
      c.ids = {g->members[below(g->members.size())].id};
    }
  }
  if (c.ids.empty()) c.ids = {"i-" + chars(kLowerAlnum, 20)};

  std::optional<std::string> policy;
  if (g != nullptr && g->policy == model::ScalingPolicy::recycle) {
    policy = weighted<std::optional<std::string>>({{2, std::nullopt}, {1, "release"}, {2, "recycle"}});
  } else {
    policy = weighted<std::optional<std::string>>({{2, std::nullopt}, {1, "release"}});
  }
  const auto format = weighted<std::optional<std::string>>({{3, "JSON"}, {2, "XML"}, {1, "json"}, {1, "xml"}, {2, std::nullopt}});
  const bool region = chance(50);

  auto& p = c.spec.params;
  p.emplace_back("Action", "RemoveInstances");
  p.emplace_back("Version", std::string(kVersion));
  if (format) p.emplace_back("Format", *format);
  if (region) p.emplace_back("RegionId", w.region_id);
  p.emplace_back("ScalingGroupId", c.group_id);
  for (std::size_t i = 0; i < c.ids.size(); ++i) p.emplace_back(fmt::format("InstanceId.{}", i + 1), c.ids[i]);
  if (policy) p.emplace_back("RemovePolicy", *policy);
  if (chance(15)) p = sample(p, p.size());  // parameter order does not matter

  // GET with a query, or POST with a query, a form body, or split as the tea SDKs send it.
  c.spec.placement = weighted<Placement>({{5, Placement::query}, {2, Placement::form}, {2, Placement::split}});
  c.spec.method = c.spec.placement == Placement::query && chance(80) ? "GET" : "POST";
  c.spec.sign = sign_for(w);
  return c;
}

std::string describe_valid(const Call& c) {
  const auto& p = c.spec.params;
  auto value = [&](std::string_view name) -> std::string {
    auto it = std::find_if(p.begin(), p.end(), [&](const wire::Pair& x) { return x.first == name; });
    return it == p.end() ? "omitted" : it->second;
  };
  return fmt::format("removes {} of {} members of {} (MinSize {}), RemovePolicy {}, Format {}, {}{}", c.ids.size(),
                     c.members, shorten(c.group_id), c.min_size, value("RemovePolicy"), value("Format"),
                     placement_name(c.spec), c.spec.sign ? ", signed" : "");
}

// ---- near-valid --------------------------------------------------------------------

struct NearValid {
  World world;         // the World the case runs on (changed by World mutations)
  RequestSpec spec;
  std::string clause;  // the broken rule's
  std::string what;    // for the description
  bool world_changed = false;
};

enum class Mut {
  unknown_group, non_member, too_many_ids, no_ids, group_id_missing, remove_policy_bogus, recycle_on_release,
  min_size_request, action, version, format, signature, unknown_key, timestamp, nonce_omitted, unauthorized_key,
  // World mutations
  min_size_world, group_inactive, activity_in_progress, lb_inactive, db_not_running, key_made_unauthorized,
};

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

NearValid near_valid(const World& w, int gi, bool allow_world) {
  const Call base = valid_call(w, gi);
  NearValid nv{w, base.spec, "", "", false};
  auto& p = nv.spec.params;
  const model::ScalingGroup* g = gi >= 0 ? &w.groups[static_cast<std::size_t>(gi)] : nullptr;
  const bool signature = w.auth.mode == model::AuthMode::signature && nv.spec.sign.has_value();
  const auto removable_now = g != nullptr ? removable_ids(*g) : std::vector<std::string>{};
  const auto members = static_cast<std::int64_t>(base.members);
  // Request-side MinSize break: name n >= members - MinSize + 1 removable members.
  const std::int64_t need = members - base.min_size + 1;
  const bool min_size_request =
      g != nullptr && need >= 1 && need <= std::min<std::int64_t>(20, static_cast<std::int64_t>(removable_now.size()));
  bool has_unauthorized = false;
  for (const auto& k : w.auth.keys) has_unauthorized = has_unauthorized || !k.authorized;

  std::vector<std::pair<int, Mut>> options{{3, Mut::unknown_group},   {3, Mut::non_member},
                                           {2, Mut::too_many_ids},    {2, Mut::no_ids},
                                           {2, Mut::group_id_missing}, {2, Mut::remove_policy_bogus},
                                           {2, Mut::action},          {2, Mut::version},
                                           {2, Mut::format}};
  if (g != nullptr && g->policy == model::ScalingPolicy::release) options.emplace_back(3, Mut::recycle_on_release);
  if (min_size_request) options.emplace_back(3, Mut::min_size_request);
  if (signature) {
    options.insert(options.end(), {{4, Mut::signature}, {3, Mut::unknown_key}, {4, Mut::timestamp}, {3, Mut::nonce_omitted}});
    if (has_unauthorized) options.emplace_back(3, Mut::unauthorized_key);
  }
  if (allow_world && g != nullptr) {
    options.insert(options.end(), {{3, Mut::min_size_world}, {3, Mut::group_inactive}, {3, Mut::activity_in_progress},
                                   {3, Mut::lb_inactive}, {3, Mut::db_not_running}});
    if (signature) options.emplace_back(has_unauthorized ? 1 : 3, Mut::key_made_unauthorized);
  }

  model::ScalingGroup* wg = g != nullptr ? nv.world.group(g->id) : nullptr;
  switch (weighted(options)) {
    case Mut::unknown_group: {
      const std::string id = fresh_group_id(w, base.group_id);
      set_param(p, "ScalingGroupId", id);
      nv.clause = model::clause::kGroupNotFound;
      nv.what = fmt::format("ScalingGroupId {}, a group that does not exist,", shorten(id));
      break;
    }
    case Mut::non_member: {
      const std::string stranger = g != nullptr ? non_member_id(w, *g) : "i-" + chars(kLowerAlnum, 20);
      std::vector<std::string> ids = base.ids;
      if (ids.size() < 20 && chance(50)) {
        ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(below(ids.size() + 1)), stranger);
      } else {
        ids[below(ids.size())] = stranger;
      }
      set_ids(p, ids);
      nv.clause = model::clause::kInstanceNotFound;
      nv.what = fmt::format("InstanceId {}, not a member of the group,", shorten(stranger));
      break;
    }
    case Mut::too_many_ids: {
      const int n = between(21, 25);
      std::vector<std::string> ids = base.ids;
      std::vector<std::string> others;
      if (g != nullptr)
        for (const auto& m : g->members)
          if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) others.push_back(m.id);
      for (const auto& id : sample(others, others.size())) ids.push_back(id);
      auto used = all_instance_ids(w);
      while (static_cast<int>(ids.size()) < n) ids.push_back(unique(realistic_id(IdKind::instance), used));
      ids.resize(static_cast<std::size_t>(n));
      set_ids(p, ids);
      nv.clause = model::clause::kInstanceIdMax20;
      nv.what = fmt::format("{} InstanceId.N parameters", n);
      break;
    }
    case Mut::no_ids:
      std::erase_if(p, is_instance_param);
      nv.clause = model::clause::kInstanceIdRequired;
      nv.what = "no InstanceId.N at all";
      break;
    case Mut::group_id_missing:
      if (chance(50)) {
        drop_param(p, "ScalingGroupId");
        nv.what = "no ScalingGroupId";
      } else {
        set_param(p, "ScalingGroupId", "");
        nv.what = "an empty ScalingGroupId";
      }
      nv.clause = model::clause::kGroupIdRequired;
      break;
    case Mut::remove_policy_bogus: {
      std::string v = weighted<std::string>({{3, "destroy"}, {2, "Release"}, {2, "RECYCLE"}, {1, ""}, {1, "release "},
                                             {1, "stop"}, {1, "recycle,release"}, {1, arbitrary_text(12)}});
      if (v == "release" || v == "recycle") v = "delete";
      set_param(p, "RemovePolicy", v);
      nv.clause = model::clause::kRemovePolicyValues;
      nv.what = fmt::format("RemovePolicy=\"{}\"", shorten(v));
      break;
    }
    case Mut::recycle_on_release:
      set_param(p, "RemovePolicy", "recycle");
      nv.clause = model::clause::kRemovePolicyRecycleGroup;
      nv.what = "RemovePolicy=recycle on a group whose ScalingPolicy is release";
      break;
    case Mut::min_size_request: {
      const auto top = std::min<std::int64_t>(20, static_cast<std::int64_t>(removable_now.size()));
      const int n = between(static_cast<int>(need), static_cast<int>(top));
      const auto ids = sample(removable_now, static_cast<std::size_t>(n));
      set_ids(p, ids);
      nv.clause = model::clause::kMinSize;
      nv.what = fmt::format("{} instances named, leaving {} below MinSize {},", n, members - n, base.min_size);
      break;
    }
    case Mut::action: {
      const int k = weighted<int>({{2, 0}, {3, 1}});
      if (k == 0) {
        drop_param(p, "Action");
        nv.what = "no Action";
      } else {
        std::string v = weighted<std::string>({{2, "removeinstances"}, {2, "RemoveInstance"}, {1, "REMOVEINSTANCES"},
                                               {2, "DescribeScalingGroups"}, {1, "DetachInstances"}, {1, ""},
                                               {1, "RemoveInstances "}, {1, arbitrary_text(16)}});
        if (v == "RemoveInstances") v = "RemoveInstancez";
        set_param(p, "Action", v);
        nv.what = fmt::format("Action=\"{}\"", shorten(v));
      }
      nv.clause = model::clause::kAction;
      break;
    }
    case Mut::version: {
      const int k = weighted<int>({{1, 0}, {4, 1}});
      if (k == 0) {
        drop_param(p, "Version");
        nv.what = "no Version";
      } else {
        std::string v = weighted<std::string>({{2, "2014-08-27"}, {2, "2022-02-22"}, {1, "2014-8-28"}, {1, "20140828"},
                                               {1, ""}, {1, "2014-08-28 "}, {1, "2016-01-01"}});
        set_param(p, "Version", v);
        nv.what = fmt::format("Version=\"{}\"", v);
      }
      nv.clause = model::clause::kVersion;
      break;
    }
    case Mut::format: {
      std::string v = weighted<std::string>({{2, "YAML"}, {1, "JSONP"}, {1, "xmll"}, {1, ""}, {1, "text"},
                                             {1, "XML;JSON"}, {1, " JSON"}, {1, arbitrary_text(10)}});
      const auto lower = [](std::string s) {
        for (auto& ch : s) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        return s;
      };
      if (lower(v) == "xml" || lower(v) == "json") v = "html";
      set_param(p, "Format", v);
      nv.clause = model::clause::kFormat;
      nv.what = fmt::format("Format=\"{}\"", shorten(v));
      break;
    }
    case Mut::signature: {
      auto& s = *nv.spec.sign;
      switch (weighted<int>({{3, 0}, {1, 1}, {2, 2}})) {
        case 0: s.signature = runner::SignatureMode::corrupt, nv.what = "a corrupted Signature"; break;
        case 1: s.signature = runner::SignatureMode::omit, nv.what = "no Signature"; break;
        default:
          // One character more, or another secret altogether.
          s.access_key_secret = chance(50) ? s.access_key_secret + "x" : chars(kBase62, 30);
          if (const auto* k = w.access_key(s.access_key_id); k != nullptr && k->secret == s.access_key_secret)
            s.access_key_secret += "!";
          nv.what = "a Signature made with the wrong secret";
          break;
      }
      nv.clause = model::clause::kSignature;
      break;
    }
    case Mut::unknown_key: {
      std::set<std::string> used;
      for (const auto& k : w.auth.keys) used.insert(k.id);
      auto& s = *nv.spec.sign;
      s.access_key_id = unique(any_id(IdKind::access_key), used);
      s.access_key_secret = chars(kBase62, 30);
      nv.clause = model::clause::kSignature;
      nv.what = fmt::format("AccessKeyId {}, not a key of the World,", shorten(s.access_key_id));
      break;
    }
    case Mut::timestamp: {
      auto& s = *nv.spec.sign;
      if (chance(70)) {
        const std::int64_t skew = weighted<std::int64_t>({{3, between(901, 1000)}, {2, between(1000, 86400)},
                                                          {1, between(86400, 400 * 86400)}});
        s.timestamp_offset = chance(60) ? -skew : skew;
        nv.what = fmt::format("a Timestamp {} s {}", skew, s.timestamp_offset < 0 ? "in the past" : "in the future");
      } else {
        s.timestamp = weighted<std::string>({{2, "2026-01-01 00:00:00"}, {1, "1767225600"}, {1, "2026-13-01T00:00:00Z"},
                                             {1, "2026-02-30T10:00:00Z"}, {1, "2026-01-01T00:00:00+08:00"},
                                             {1, ""}, {1, "Thu, 01 Jan 2026 00:00:00 GMT"}});
        nv.what = fmt::format("Timestamp=\"{}\"", *s.timestamp);
      }
      nv.clause = model::clause::kTimestamp;
      break;
    }
    case Mut::nonce_omitted:
      nv.spec.sign->omit.push_back("SignatureNonce");
      nv.clause = model::clause::kNonce;
      nv.what = "no SignatureNonce";
      break;
    case Mut::unauthorized_key: {
      std::vector<model::AccessKey> denied;
      for (const auto& k : w.auth.keys)
        if (!k.authorized) denied.push_back(k);
      const auto& k = pick(denied);
      nv.spec.sign->access_key_id = k.id;
      nv.spec.sign->access_key_secret = k.secret;
      nv.clause = model::clause::kUnauthorized;
      nv.what = fmt::format("a signature by {}, a key not authorized to call RemoveInstances,", shorten(k.id));
      break;
    }
    case Mut::min_size_world: {
      const auto n = static_cast<std::int64_t>(base.ids.size());
      wg->min_size = members - n + 1 + weighted<std::int64_t>({{4, 0}, {1, between(1, 3)}});
      wg->max_size = std::max(wg->max_size, wg->min_size + weighted<std::int64_t>({{1, 0}, {1, between(1, 5)}}));
      nv.world_changed = true;
      nv.clause = model::clause::kMinSize;
      nv.what = fmt::format("MinSize raised to {} (World)", wg->min_size);
      break;
    }
    case Mut::group_inactive:
      wg->state = chance(50) ? model::GroupState::inactive : model::GroupState::deleting;
      nv.world_changed = true;
      nv.clause = model::clause::kGroupActive;
      nv.what = fmt::format("the group {} (World)", model::name(wg->state));
      break;
    case Mut::activity_in_progress: {
      std::set<std::string> used;
      for (const auto& a : w.activities) used.insert(a.id);
      model::Activity a;
      a.id = unique(any_id(IdKind::activity), used);
      a.group_id = wg->id;
      a.status = model::ActivityStatus::in_progress;
      if (chance(60)) {
        std::vector<std::string> ids;
        for (const auto& m : wg->members) ids.push_back(m.id);
        a.instance_ids = sample(ids, below(std::min<std::size_t>(ids.size(), 3) + 1));
      }
      if (chance(50)) a.remove_policy = model::RemovePolicy::release;
      nv.world.activities.insert(
          nv.world.activities.begin() + static_cast<std::ptrdiff_t>(below(nv.world.activities.size() + 1)), a);
      nv.world_changed = true;
      nv.clause = model::clause::kNoActivityInProgress;
      nv.what = fmt::format("an InProgress activity {} of the group (World)", shorten(a.id));
      break;
    }
    case Mut::lb_inactive:
      if (!wg->load_balancers.empty() && chance(70)) {
        auto& lb = wg->load_balancers[below(wg->load_balancers.size())];
        lb.status = model::LoadBalancerStatus::inactive;
        nv.what = fmt::format("the load balancer {} inactive (World)", shorten(lb.id));
      } else {
        std::set<std::string> used;
        for (const auto& lb : wg->load_balancers) used.insert(lb.id);
        model::LoadBalancer lb{unique(any_id(IdKind::load_balancer), used), model::LoadBalancerStatus::inactive};
        nv.what = fmt::format("an inactive load balancer {} attached (World)", shorten(lb.id));
        wg->load_balancers.push_back(std::move(lb));
      }
      nv.world_changed = true;
      nv.clause = model::clause::kLoadBalancerStatus;
      break;
    case Mut::db_not_running:
      if (!wg->db_instances.empty() && chance(70)) {
        auto& db = wg->db_instances[below(wg->db_instances.size())];
        db.status = db_bad_status();
        nv.what = fmt::format("the database {} {} (World)", shorten(db.id), shorten(db.status));
      } else {
        std::set<std::string> used;
        for (const auto& db : wg->db_instances) used.insert(db.id);
        model::DbInstance db{unique(any_id(IdKind::db), used), db_bad_status()};
        nv.what = fmt::format("a database {} that is {} attached (World)", shorten(db.id), shorten(db.status));
        wg->db_instances.push_back(std::move(db));
      }
      nv.world_changed = true;
      nv.clause = model::clause::kDbInstanceStatus;
      break;
    case Mut::key_made_unauthorized: {
      for (auto& k : nv.world.auth.keys)
        if (k.id == nv.spec.sign->access_key_id) k.authorized = false;
      nv.world_changed = true;
      nv.clause = model::clause::kUnauthorized;
      nv.what = fmt::format("the signing key {} made unauthorized (World)", shorten(nv.spec.sign->access_key_id));
      break;
    }
  }
  nv.what = fmt::format("{} on an otherwise valid call removing {} of {} members of {}", nv.what, base.ids.size(),
                        base.members, shorten(base.group_id));
  return nv;
}

// ---- malformed ------------------------------------------------------------------------

bool fits(const RequestSpec& spec) {
  const auto r = runner::build_request(spec, 1'790'000'000, "00000000-0000-4000-8000-000000000000");
  return r.target.size() <= kMaxTarget && wire::to_http_bytes(r).size() <= kMaxBytes;
}

void add_raw(RequestSpec& s, const std::string& segment) { s.raw = s.raw.empty() ? segment : s.raw + "&" + segment; }

std::string hex_byte(unsigned v) { return fmt::format("%{:02X}", v & 0xFF); }

// One malformation of `s`; returns what it did.
std::string malform(RequestSpec& s, const World& w, const Call& base) {
  auto& p = s.params;
  const std::string gid = base.group_id;
  const std::string id = base.ids.empty() ? "i-x" : base.ids.front();
  const std::size_t n_ids = static_cast<std::size_t>(std::count_if(p.begin(), p.end(), is_instance_param));
  switch (weighted<int>({{3, 0}, {3, 1}, {2, 2}, {2, 3}, {2, 4}, {2, 5}, {2, 6}, {2, 7}, {3, 8}, {2, 9}, {2, 10},
                         {2, 11}, {2, 12}, {3, 13}, {2, 14}, {2, 15}, {1, 16}, {1, 17}, {1, 18}, {1, 19}})) {
    case 0: {  // bad percent escapes
      const std::string seg = weighted<std::string>(
          {{2, fmt::format("InstanceId.{}=i-%zz", n_ids + 1)}, {1, "x=%"}, {1, "%G1=1"}, {1, "Action=Remove%2"},
           {1, "ScalingGroupId=" + wire::percent_encode(gid) + "%"}, {1, "RemovePolicy=re%lease"},
           {1, fmt::format("InstanceId.{}=%%%", n_ids + 1)}, {1, "%%=%%"}});
      add_raw(s, seg);
      return "a bad percent escape (" + shorten(seg, 30) + ")";
    }
    case 1: {  // invalid UTF-8 after decoding
      const std::string bad = weighted<std::string>({{2, "%FF"}, {1, "%FE%FF"}, {1, "%C3%28"}, {1, "%ED%A0%80"},
                                                     {1, "%C0%AF"}, {1, "%E2%82"}, {1, "%F8%88%80%80%80"},
                                                     {1, hex_byte(static_cast<unsigned>(between(0x80, 0xFF)))}});
      std::string seg;
      switch (between(0, 3)) {
        case 0: seg = fmt::format("InstanceId.{}=i-{}", n_ids + 1, bad); break;
        case 1: seg = "ScalingGroupId=" + wire::percent_encode(gid) + bad; break;
        case 2: seg = bad + "=x"; break;
        default: seg = "RemovePolicy=" + bad; break;
      }
      add_raw(s, seg);
      return "invalid UTF-8 (" + seg.substr(0, seg.find('=') + 1) + "..." + bad + ")";
    }
    case 2: {  // empty names
      const std::string seg = weighted<std::string>({{2, "=x"}, {1, "="}, {1, "=" + wire::percent_encode(id)}});
      add_raw(s, seg);
      return "a parameter with an empty name";
    }
    case 3:  // no ids
      std::erase_if(p, is_instance_param);
      return "no InstanceId.N";
    case 4: {  // 21 or more ids
      const int n = weighted<int>({{3, 21}, {2, between(22, 25)}, {1, between(26, 40)}});
      std::vector<std::string> ids = base.ids;
      std::set<std::string> used(ids.begin(), ids.end());
      for (const auto& e : w.ecs)
        if (static_cast<int>(ids.size()) < n && used.insert(e.id).second) ids.push_back(e.id);
      while (static_cast<int>(ids.size()) < n) ids.push_back(unique(realistic_id(IdKind::instance), used));
      ids.resize(static_cast<std::size_t>(n));
      set_ids(p, ids);
      return fmt::format("{} InstanceId.N", n);
    }
    case 5: {  // gaps in N
      std::vector<std::string> ids = base.ids;
      if (ids.size() >= 20) ids.resize(static_cast<std::size_t>(between(1, 19)));
      std::vector<int> slots;
      for (int i = 1; i <= 20; ++i) slots.push_back(i);
      // Distinct indexes from 1 to 20, sorted, that are not 1..n.
      std::vector<int> idx = sample(slots, ids.size());
      std::sort(idx.begin(), idx.end());
      if (idx.back() == static_cast<int>(idx.size())) idx.back() = between(static_cast<int>(idx.size()) + 1, 20);
      std::vector<wire::Pair> named;
      for (std::size_t i = 0; i < ids.size(); ++i) named.emplace_back(fmt::format("InstanceId.{}", idx[i]), ids[i]);
      set_instance_params(p, named);
      std::string list;
      for (int i : idx) list += (list.empty() ? "" : ",") + std::to_string(i);
      return "InstanceId.N with gaps (N = " + list + ")";
    }
    case 6: {  // bad index names
      const std::string name = weighted<std::string>(
          {{2, "InstanceId.0"}, {1, "InstanceId.01"}, {2, "InstanceId.21"}, {1, "InstanceId.x"}, {1, "InstanceId."},
           {1, "InstanceId.1.1"}, {1, "InstanceId.-1"}, {1, "InstanceId.999999999999"}, {1, "InstanceId.1 "},
           {1, "instanceid.1"}, {1, "InstanceId.２"}});
      if (chance(50) && n_ids > 0) {
        auto it = std::find_if(p.begin(), p.end(), is_instance_param);
        it->first = name;
      } else {
        p.emplace_back(name, id);
      }
      return "a parameter named " + name;
    }
    case 7: {  // the same id twice
      const std::string twice = base.ids.empty() ? id : pick(base.ids);
      p.emplace_back(fmt::format("InstanceId.{}", n_ids + 1), twice);
      return "the instance " + shorten(twice) + " named twice";
    }
    case 8: {  // duplicate keys
      const std::string name = weighted<std::string>({{2, "ScalingGroupId"}, {2, "InstanceId.1"}, {1, "Action"},
                                                      {1, "Version"}, {1, "Format"}, {1, "RemovePolicy"}});
      std::string value;
      if (auto it = find_param(p, name); it != p.end() && chance(40)) {
        value = it->second;
      } else if (name == "ScalingGroupId") {
        value = w.groups.empty() ? any_id(IdKind::group) : pick(w.groups).id;
      } else if (name == "InstanceId.1") {
        value = w.ecs.empty() ? any_id(IdKind::instance) : pick(w.ecs).id;
      } else {
        value = weighted<std::string>({{1, "RemoveInstances"}, {1, "2014-08-28"}, {1, "XML"}, {1, "JSON"},
                                       {1, "release"}, {1, "recycle"}, {1, arbitrary_text(8)}});
      }
      if (s.placement == Placement::split && chance(50)) {
        add_raw(s, wire::percent_encode(name) + "=" + wire::percent_encode(value));  // once in the query, once in the body
      } else {
        p.insert(p.begin() + static_cast<std::ptrdiff_t>(below(p.size() + 1)), {name, value});
      }
      return name + " sent twice";
    }
    case 9: {  // empty values
      const std::string name = weighted<std::string>({{2, "ScalingGroupId"}, {2, "InstanceId.1"}, {1, "Action"},
                                                      {1, "Version"}, {1, "Format"}, {1, "RemovePolicy"},
                                                      {1, "RegionId"}});
      set_param(p, name, "");
      return "an empty " + name;
    }
    case 10: {  // a huge value
      const std::size_t size = static_cast<std::size_t>(between(1024, 8192));
      const std::string big = chance(70) ? std::string(size, "abcxyz019"[below(9)]) : chars(kUnreserved, size);
      switch (between(0, 3)) {
        case 0: set_param(p, "InstanceId.1", big); break;
        case 1: set_param(p, "ScalingGroupId", big); break;
        case 2: set_param(p, "RemovePolicy", big); break;
        default: p.emplace_back("Padding", big); break;
      }
      return fmt::format("a {}-byte value", size);
    }
    case 11: {  // Unicode ids
      const std::string u = weighted<std::string>({{3, unicode_text(between(1, 12))}, {1, id + unicode_text(1)},
                                                   {1, "ｉ-" + id}});
      if (chance(50)) {
        set_param(p, "InstanceId.1", u);
      } else {
        set_param(p, "ScalingGroupId", u);
      }
      return "a Unicode id (" + shorten(u, 12) + ")";
    }
    case 12: {  // arbitrary pairs
      const std::string name = arbitrary_text(20), value = arbitrary_text(40);
      p.insert(p.begin() + static_cast<std::ptrdiff_t>(below(p.size() + 1)), {name, value});
      return "an arbitrary parameter";
    }
    case 13: {  // missing common parameters
      std::vector<std::string> names{"Action", "Version", "Format", "RegionId", "ScalingGroupId"};
      if (s.sign)
        names.insert(names.end(), {"AccessKeyId", "Signature", "Timestamp", "SignatureNonce", "SignatureMethod",
                                   "SignatureVersion"});
      const std::string name = pick(names);
      if (find_param(p, name) != p.end() || !s.sign) {
        drop_param(p, name);
      } else {
        s.sign->omit.push_back(name);
      }
      return "no " + name;
    }
    case 14: {  // repeated common parameters
      const std::string name = pick(std::vector<std::string>{"Action", "Version", "Format", "RegionId"});
      const std::string value = weighted<std::string>({{2, name == "Action" ? "RemoveInstances"
                                                           : name == "Version" ? std::string(kVersion)
                                                           : name == "Format" ? "JSON"
                                                                              : w.region_id},
                                                       {1, name == "Action" ? "DescribeScalingGroups"
                                                           : name == "Version" ? "2022-02-22"
                                                           : name == "Format" ? "XML"
                                                                              : "cn-nowhere"}});
      p.emplace_back(name, value);
      if (chance(30)) p.emplace_back(name, value);
      return name + " repeated";
    }
    case 15: {  // another method
      s.method = weighted<std::string>({{2, "PUT"}, {2, "DELETE"}, {2, "PATCH"}, {1, "BREW"}, {1, "OPTIONS"}, {1, "get"}});
      return "method " + s.method;
    }
    case 16: {  // POST with a text/plain Content-Type (parameters in the query: a form body always gets the form type)
      s.method = "POST";
      s.placement = Placement::query;
      s.headers.push_back({"Content-Type", weighted<std::string>({{2, "text/plain"}, {1, "text/plain;charset=utf-8"},
                                                                   {1, "application/json"}})});
      return "POST with Content-Type " + s.headers.back().value;
    }
    case 17: {  // another path
      s.path = weighted<std::string>({{2, "/x"}, {1, "//"}, {1, "/RemoveInstances"}, {1, "/ess/"}, {1, "/%2F"}});
      return "path " + s.path;
    }
    case 18: {  // signature parameters out of shape, or a RegionId of another region
      if (s.sign && chance(70)) {
        switch (between(0, 2)) {
          case 0: s.sign->signature_method = pick(std::vector<std::string>{"HMAC-SHA256", "hmac-sha1", ""}); return "SignatureMethod " + s.sign->signature_method;
          case 1: s.sign->signature_version = pick(std::vector<std::string>{"2.0", "1", ""}); return "SignatureVersion " + s.sign->signature_version;
          default: s.sign->timestamp = pick(std::vector<std::string>{"2026-01-01", "now", "2026-01-01T00:00:00.000Z"}); return "Timestamp " + *s.sign->timestamp;
        }
      }
      set_param(p, "RegionId", weighted<std::string>({{2, "cn-nowhere"}, {1, "CN-HANGZHOU"}, {1, ""}}));
      return "RegionId of another region";
    }
    default: {  // other letter cases and '+' for a space
      if (chance(50)) {
        const std::string name = pick(std::vector<std::string>{"scalinggroupid", "SCALINGGROUPID", "action", "instanceId.1"});
        if (name == "scalinggroupid" || name == "SCALINGGROUPID") {
          if (auto it = find_param(p, "ScalingGroupId"); it != p.end()) it->first = name;
        } else if (name == "action") {
          if (auto it = find_param(p, "Action"); it != p.end()) it->first = name;
        } else if (auto it = std::find_if(p.begin(), p.end(), is_instance_param); it != p.end()) {
          it->first = name;
        }
        return "a parameter named " + name;
      }
      add_raw(s, fmt::format("InstanceId.{}=i-a+b", n_ids + 1));
      return "a '+' in an id";
    }
  }
}

RequestSpec malformed_request(const World& w, std::vector<std::string>& what, Call& base) {
  base = valid_call(w, w.groups.empty() ? -1 : static_cast<int>(below(w.groups.size())));
  RequestSpec s = base.spec;
  const int k = weighted<int>({{4, 1}, {2, 2}, {1, 3}});
  for (int i = 0; i < k; ++i) {
    RequestSpec next = s;
    std::string did = malform(next, w, base);
    if (!fits(next)) continue;  // over the size budget: leave this one out
    s = std::move(next);
    what.push_back(std::move(did));
  }
  return s;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

}  // namespace

std::string_view name(RequestKind k) noexcept {
  switch (k) {
    case RequestKind::valid: return "valid";
    case RequestKind::near_valid: return "near-valid";
    case RequestKind::malformed: return "malformed";
  }
  return "?";
}

rc::Gen<model::World> gen_world() {
  return gen::exec([] { return make_world(); });
}

rc::Gen<runner::RequestSpec> gen_request(const model::World& world, RequestKind kind) {
  return gen::exec([world, kind]() -> RequestSpec {
    switch (kind) {
      case RequestKind::valid: return valid_call(world, choose_group(world)).spec;
      case RequestKind::near_valid: return near_valid(world, choose_group(world), false).spec;
      case RequestKind::malformed: {
        std::vector<std::string> what;
        Call base;
        return malformed_request(world, what, base);
      }
    }
    return {};
  });
}

rc::Gen<runner::Case> gen_case() {
  return gen::exec([]() -> runner::Case {
    World w = make_world();
    const RequestKind kind = weighted<RequestKind>({{2, RequestKind::valid}, {2, RequestKind::near_valid},
                                                    {1, RequestKind::malformed}});
    runner::Case c;
    c.id = "property." + std::string(name(kind));
    switch (kind) {
      case RequestKind::valid: {
        int gi = choose_group(w);
        if (gi < 0 || !can_accept(w, w.groups[static_cast<std::size_t>(gi)])) gi = static_cast<int>(make_acceptable(w));
        Call call = valid_call(w, gi);
        c.clauses = {std::string(model::clause::kRemovedExactly)};
        c.description = "valid: " + describe_valid(call) + ".";
        c.request = std::move(call.spec);
        c.world = std::move(w);
        break;
      }
      case RequestKind::near_valid: {
        int gi = choose_group(w);
        if (gi < 0 || !can_accept(w, w.groups[static_cast<std::size_t>(gi)])) gi = static_cast<int>(make_acceptable(w));
        NearValid nv = near_valid(w, gi, true);
        c.clauses = {nv.clause};
        c.description = "near-valid: " + nv.what + ".";
        c.request = std::move(nv.spec);
        c.world = std::move(nv.world);
        break;
      }
      case RequestKind::malformed: {
        std::vector<std::string> what;
        Call base;
        c.request = malformed_request(w, what, base);
        c.clauses = {std::string(model::clause::kNoServerError)};
        c.description = fmt::format("malformed: {} on a call to {} ({}).", what.empty() ? "nothing" : join(what, ", "),
                                    shorten(base.group_id), placement_name(c.request));
        c.world = std::move(w);
        break;
      }
    }
    return c;
  });
}

}  // namespace essconf::property

namespace essconf::runner {
void showValue(const Case& c, std::ostream& os) { os << case_to_json(c); }
}  // namespace essconf::runner

namespace essconf::model {
void showValue(const World& w, std::ostream& os) { os << to_json(w); }
}  // namespace essconf::model
