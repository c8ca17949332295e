// Malformations: each changes a valid call into one a server must refuse, or
// at least answer without a server error. The table at the end, kMutations,
// lists them all.
#include "suite/property/malform_mutations.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "reference/wire/http_request.hpp"
#include "suite/property/draw.hpp"

namespace essconf::property {
namespace {

using Context = MalformContext;
using runner::Placement;
using runner::RequestSpec;

// Request budget: the reference server takes 16 KiB of headers and 64 KiB of
// body; generated requests stay well inside.
constexpr std::size_t kMaxTarget = 11 * 1024;
constexpr std::size_t kMaxBytes = 40 * 1024;

bool fits(const RequestSpec& spec) {
  const auto r = runner::build_request(spec, 1'790'000'000, "00000000-0000-4000-8000-000000000000");
  return r.target.size() <= kMaxTarget && wire::to_http_bytes(r).size() <= kMaxBytes;
}

void add_raw(RequestSpec& s, const std::string& segment) { s.raw = s.raw.empty() ? segment : s.raw + "&" + segment; }

std::string hex_byte(unsigned v) { return fmt::format("%{:02X}", v & 0xFF); }

// ---- the malformations -----------------------------------------------------------------

// Bad percent escapes.
std::string bad_percent_escape(Context& c) {
  auto& s = c.spec;
  const std::string seg = weighted<std::string>(
      {{2, fmt::format("InstanceId.{}=i-%zz", c.instance_params + 1)}, {1, "x=%"}, {1, "%G1=1"}, {1, "Action=Remove%2"},
       {1, "ScalingGroupId=" + wire::percent_encode(c.group_id) + "%"}, {1, "RemovePolicy=re%lease"},
       {1, fmt::format("InstanceId.{}=%%%", c.instance_params + 1)}, {1, "%%=%%"}});
  add_raw(s, seg);
  return "a bad percent escape (" + shorten(seg, 30) + ")";
}

// Invalid UTF-8 after decoding.
std::string invalid_utf8(Context& c) {
  auto& s = c.spec;
  const std::string bad = weighted<std::string>({{2, "%FF"}, {1, "%FE%FF"}, {1, "%C3%28"}, {1, "%ED%A0%80"},
                                                 {1, "%C0%AF"}, {1, "%E2%82"}, {1, "%F8%88%80%80%80"},
                                                 {1, hex_byte(static_cast<unsigned>(between(0x80, 0xFF)))}});
  std::string seg;
  switch (between(0, 3)) {
    case 0: seg = fmt::format("InstanceId.{}=i-{}", c.instance_params + 1, bad); break;
    case 1: seg = "ScalingGroupId=" + wire::percent_encode(c.group_id) + bad; break;
    case 2: seg = bad + "=x"; break;
    default: seg = "RemovePolicy=" + bad; break;
  }
  add_raw(s, seg);
  return "invalid UTF-8 (" + seg.substr(0, seg.find('=') + 1) + "..." + bad + ")";
}

// Empty names.
std::string empty_name(Context& c) {
  auto& s = c.spec;
  const std::string seg = weighted<std::string>({{2, "=x"}, {1, "="}, {1, "=" + wire::percent_encode(c.id)}});
  add_raw(s, seg);
  return "a parameter with an empty name";
}

// No ids.
std::string no_ids(Context& c) {
  auto& p = c.spec.params;
  std::erase_if(p, is_instance_param);
  return "no InstanceId.N";
}

// 21 or more ids.
std::string too_many_ids(Context& c) {
  auto& p = c.spec.params;
  const int n = weighted<int>({{3, 21}, {2, between(22, 25)}, {1, between(26, 40)}});
  std::vector<std::string> ids = c.base.ids;
  std::set<std::string> used(ids.begin(), ids.end());
  for (const auto& e : c.world.ecs)
    if (static_cast<int>(ids.size()) < n && used.insert(e.id).second) ids.push_back(e.id);
  while (static_cast<int>(ids.size()) < n) ids.push_back(unique(realistic_id(IdKind::instance), used));
  ids.resize(static_cast<std::size_t>(n));
  set_ids(p, ids);
  return fmt::format("{} InstanceId.N", n);
}

// Gaps in N.
std::string index_gaps(Context& c) {
  auto& p = c.spec.params;
  std::vector<std::string> ids = c.base.ids;
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

// Bad index names.
std::string bad_index_name(Context& c) {
  auto& p = c.spec.params;
  const std::string name = weighted<std::string>(
      {{2, "InstanceId.0"}, {1, "InstanceId.01"}, {2, "InstanceId.21"}, {1, "InstanceId.x"}, {1, "InstanceId."},
       {1, "InstanceId.1.1"}, {1, "InstanceId.-1"}, {1, "InstanceId.999999999999"}, {1, "InstanceId.1 "},
       {1, "instanceid.1"}, {1, "InstanceId.２"}});
  if (chance(50) && c.instance_params > 0) {
    auto it = std::find_if(p.begin(), p.end(), is_instance_param);
    it->first = name;
  } else {
    p.emplace_back(name, c.id);
  }
  return "a parameter named " + name;
}

// The same id twice.
std::string same_id_twice(Context& c) {
  auto& p = c.spec.params;
  const std::string twice = c.base.ids.empty() ? c.id : pick(c.base.ids);
  p.emplace_back(fmt::format("InstanceId.{}", c.instance_params + 1), twice);
  return "the instance " + shorten(twice) + " named twice";
}

// Duplicate keys.
std::string duplicate_key(Context& c) {
  auto& s = c.spec;
  auto& p = c.spec.params;
  const std::string name = weighted<std::string>({{2, "ScalingGroupId"}, {2, "InstanceId.1"}, {1, "Action"},
                                                  {1, "Version"}, {1, "Format"}, {1, "RemovePolicy"}});
  std::string value;
  if (auto it = find_param(p, name); it != p.end() && chance(40)) {
    value = it->second;
  } else if (name == "ScalingGroupId") {
    value = c.world.groups.empty() ? any_id(IdKind::group) : pick(c.world.groups).id;
  } else if (name == "InstanceId.1") {
    value = c.world.ecs.empty() ? any_id(IdKind::instance) : pick(c.world.ecs).id;
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

// Empty values.
std::string empty_value(Context& c) {
  auto& p = c.spec.params;
  const std::string name = weighted<std::string>({{2, "ScalingGroupId"}, {2, "InstanceId.1"}, {1, "Action"},
                                                  {1, "Version"}, {1, "Format"}, {1, "RemovePolicy"},
                                                  {1, "RegionId"}});
  set_param(p, name, "");
  return "an empty " + name;
}

// A huge value.
std::string huge_value(Context& c) {
  auto& p = c.spec.params;
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

// Unicode ids.
std::string unicode_id(Context& c) {
  auto& p = c.spec.params;
  const std::string u = weighted<std::string>({{3, unicode_text(between(1, 12))}, {1, c.id + unicode_text(1)},
                                               {1, "ｉ-" + c.id}});
  if (chance(50)) {
    set_param(p, "InstanceId.1", u);
  } else {
    set_param(p, "ScalingGroupId", u);
  }
  return "a Unicode id (" + shorten(u, 12) + ")";
}

// Arbitrary pairs.
std::string arbitrary_pair(Context& c) {
  auto& p = c.spec.params;
  const std::string name = arbitrary_text(20), value = arbitrary_text(40);
  p.insert(p.begin() + static_cast<std::ptrdiff_t>(below(p.size() + 1)), {name, value});
  return "an arbitrary parameter";
}

// Missing common parameters.
std::string missing_common(Context& c) {
  auto& s = c.spec;
  auto& p = c.spec.params;
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

// Repeated common parameters.
std::string repeated_common(Context& c) {
  auto& p = c.spec.params;
  const std::string name = pick(std::vector<std::string>{"Action", "Version", "Format", "RegionId"});
  const std::string value = weighted<std::string>({{2, name == "Action" ? "RemoveInstances"
                                                       : name == "Version" ? std::string(kVersion)
                                                       : name == "Format" ? "JSON"
                                                                          : c.world.region_id},
                                                   {1, name == "Action" ? "DescribeScalingGroups"
                                                       : name == "Version" ? "2022-02-22"
                                                       : name == "Format" ? "XML"
                                                                          : "cn-nowhere"}});
  p.emplace_back(name, value);
  if (chance(30)) p.emplace_back(name, value);
  return name + " repeated";
}

// Another method.
std::string other_method(Context& c) {
  auto& s = c.spec;
  s.method = weighted<std::string>({{2, "PUT"}, {2, "DELETE"}, {2, "PATCH"}, {1, "BREW"}, {1, "OPTIONS"}, {1, "get"}});
  return "method " + s.method;
}

// POST with a text/plain Content-Type (parameters in the query: a form body always gets the form type)
std::string text_content_type(Context& c) {
  auto& s = c.spec;
  s.method = "POST";
  s.placement = Placement::query;
  s.headers.push_back({"Content-Type", weighted<std::string>({{2, "text/plain"}, {1, "text/plain;charset=utf-8"},
                                                               {1, "application/json"}})});
  return "POST with Content-Type " + s.headers.back().value;
}

// Another path.
std::string other_path(Context& c) {
  auto& s = c.spec;
  s.path = weighted<std::string>({{2, "/x"}, {1, "//"}, {1, "/RemoveInstances"}, {1, "/ess/"}, {1, "/%2F"}});
  return "path " + s.path;
}

// Signature parameters out of shape, or a RegionId of another region.
std::string signature_shape_or_region(Context& c) {
  auto& s = c.spec;
  auto& p = c.spec.params;
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

// Other letter cases and '+' for a space.
std::string letter_case_or_plus(Context& c) {
  auto& s = c.spec;
  auto& p = c.spec.params;
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
  add_raw(s, fmt::format("InstanceId.{}=i-a+b", c.instance_params + 1));
  return "a '+' in an id";
}

// ---- the table ------------------------------------------------------------------------

// Every malformation. The draw weighs them in this order (so a seed draws the
// same one as long as the table stays as it is).
const std::array kMutations{
    MalformMutation{"bad percent escapes", 3, bad_percent_escape},
    MalformMutation{"invalid UTF-8 after decoding", 3, invalid_utf8},
    MalformMutation{"a parameter with an empty name", 2, empty_name},
    MalformMutation{"no InstanceId.N", 2, no_ids},
    MalformMutation{"21 or more InstanceId.N", 2, too_many_ids},
    MalformMutation{"gaps in the N of InstanceId.N", 2, index_gaps},
    MalformMutation{"bad InstanceId index names", 2, bad_index_name},
    MalformMutation{"the same instance twice", 2, same_id_twice},
    MalformMutation{"a parameter sent twice", 3, duplicate_key},
    MalformMutation{"an empty value", 2, empty_value},
    MalformMutation{"a huge value", 2, huge_value},
    MalformMutation{"a Unicode id", 2, unicode_id},
    MalformMutation{"an arbitrary parameter", 2, arbitrary_pair},
    MalformMutation{"a common parameter missing", 3, missing_common},
    MalformMutation{"a common parameter repeated", 2, repeated_common},
    MalformMutation{"another method", 2, other_method},
    MalformMutation{"POST with a Content-Type other than a form", 1, text_content_type},
    MalformMutation{"another path", 1, other_path},
    MalformMutation{"signature parameters out of shape, or a RegionId of another region", 1,
                    signature_shape_or_region},
    MalformMutation{"parameter names in other letter cases, or a '+' for a space", 1, letter_case_or_plus},
};

}  // namespace

std::span<const MalformMutation> malform_mutations() { return kMutations; }

std::string malform_with(RequestSpec& spec, const model::World& w, const Call& base, const MalformMutation& m) {
  const auto& p = spec.params;
  Context c{
      .spec = spec,
      .world = w,
      .base = base,
      .group_id = base.group_id,
      .id = base.ids.empty() ? "i-x" : base.ids.front(),
      .instance_params = static_cast<std::size_t>(std::count_if(p.begin(), p.end(), is_instance_param)),
  };
  return m.apply(c);
}

std::string malform(RequestSpec& spec, const model::World& w, const Call& base) {
  std::vector<std::pair<int, const MalformMutation*>> options;
  options.reserve(kMutations.size());
  for (const auto& m : kMutations) options.emplace_back(m.weight, &m);
  return malform_with(spec, w, base, *weighted(options));
}

RequestSpec malformed_request(const model::World& w, std::vector<std::string>& what, Call& base) {
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

}  // namespace essconf::property
