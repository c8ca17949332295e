// A valid call on a generated World: see valid_call.hpp.
#include "suite/property/valid_call.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "suite/property/draw.hpp"
#include "suite/property/generated_world.hpp"

namespace essconf::property {
namespace {

using runner::Placement;
using runner::RequestSpec;
using runner::SignSpec;

// A signature by a key of the World (an authorized one when it has one), at
// a Timestamp near now; none when the World does not ask for signatures.
std::optional<SignSpec> sign_for(const model::World& w) {
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

}  // namespace

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

Call valid_call(const model::World& w, int gi) {
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

}  // namespace essconf::property
