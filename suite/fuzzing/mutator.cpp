#include "suite/fuzzing/mutator.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reference/model/model.hpp"

namespace essconf::fuzzing {
namespace {

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}
int in_range(int lo, int hi, std::mt19937_64& rng) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::vector<std::string> member_ids(const model::World& w) {
  std::vector<std::string> ids;
  for (const auto& g : w.groups)
    for (const auto& m : g.members) ids.push_back(m.id);
  for (const auto& e : w.ecs) ids.push_back(e.id);
  return ids;
}

std::string interesting_value(const runner::Case& c, std::mt19937_64& rng) {
  static const std::vector<std::string> values{
      "", "0", "1", "21", "-1", "release", "recycle", "Release", "XML", "json", "YAML", "2014-08-28", "2022-02-22",
      "RemoveInstances", "removeinstances", "i-unknown", "asg-unknown", "cn-beijing", " ", "é", "\xF0\x9F\x98\x80",
      std::string(3000, 'x'), "a&b=c", "%zz"};
  auto ids = member_ids(c.world);
  for (const auto& g : c.world.groups) ids.push_back(g.id);
  if (!ids.empty() && in_range(0, 1, rng) == 0) return pick(ids, rng);
  return pick(values, rng);
}

void mutate_params(runner::Case& c, std::mt19937_64& rng) {
  auto& p = c.request.params;
  switch (in_range(0, 5, rng)) {
    case 0:  // a value replaced
      if (!p.empty()) p[in_range(0, static_cast<int>(p.size()) - 1, rng)].second = interesting_value(c, rng);
      break;
    case 1:  // a parameter dropped
      if (!p.empty()) p.erase(p.begin() + in_range(0, static_cast<int>(p.size()) - 1, rng));
      break;
    case 2:  // a parameter repeated
      if (!p.empty()) p.push_back({p[in_range(0, static_cast<int>(p.size()) - 1, rng)].first, interesting_value(c, rng)});
      break;
    case 3: {  // an instance added, with an index near the edges
      static const std::vector<std::string> index{"0", "1", "2", "3", "19", "20", "21", "25", "01", "x", ""};
      const auto ids = member_ids(c.world);
      p.push_back({"InstanceId." + pick(index, rng), ids.empty() ? std::string("i-x") : pick(ids, rng)});
      break;
    }
    case 4:  // every InstanceId.N renumbered densely, a few more members named
      std::erase_if(p, [](const wire::Pair& x) { return x.first.starts_with("InstanceId."); });
      if (const auto ids = member_ids(c.world); !ids.empty())
        for (int i = 1, n = in_range(0, 22, rng); i <= n; ++i) p.push_back({fmt::format("InstanceId.{}", i), pick(ids, rng)});
      break;
    default:  // a parameter of the newer API or an unknown one
      p.push_back({pick(std::vector<std::string>{"DecreaseDesiredCapacity", "IgnoreInvalidInstance", "ClientToken",
                                                 "RemovePolicy", "RegionId", "Format", "X"},
                        rng),
                   interesting_value(c, rng)});
  }
}

void mutate_transport(runner::Case& c, std::mt19937_64& rng) {
  auto& r = c.request;
  switch (in_range(0, 3, rng)) {
    case 0:
      r.method = pick(std::vector<std::string>{"GET", "POST", "PUT", "DELETE"}, rng);
      if (r.method == "GET") r.placement = runner::Placement::query;
      break;
    case 1:
      r.placement = pick(std::vector<runner::Placement>{runner::Placement::query, runner::Placement::form,
                                                        runner::Placement::split},
                         rng);
      if (r.placement != runner::Placement::query) r.method = "POST";
      break;
    case 2:
      r.raw = pick(std::vector<std::string>{"", "Note=%zz", "InstanceId.9=i-%FF", "=orphan", "%", "a=%C3", "&&"}, rng);
      break;
    default:
      r.path = pick(std::vector<std::string>{"/", "/", "/api", "//", "/%2F"}, rng);
  }
}

void mutate_signature(runner::Case& c, std::mt19937_64& rng) {
  if (c.world.auth.keys.empty()) return;
  if (!c.request.sign) {
    const auto& k = pick(c.world.auth.keys, rng);
    c.request.sign = runner::SignSpec{};
    c.request.sign->access_key_id = k.id;
    c.request.sign->access_key_secret = k.secret;
  }
  auto& s = *c.request.sign;
  switch (in_range(0, 4, rng)) {
    case 0: s.signature = pick(std::vector<runner::SignatureMode>{runner::SignatureMode::valid, runner::SignatureMode::corrupt,
                                                                   runner::SignatureMode::omit}, rng); break;
    case 1: s.timestamp_offset = pick(std::vector<std::int64_t>{0, -600, 600, -3600, 3600}, rng); break;
    case 2: {
      // V3 has no SignatureMethod to leave out (a case that says so does not load).
      std::vector<std::string> names{"AccessKeyId", "SignatureNonce", "Timestamp", "SignatureMethod"};
      if (s.scheme == runner::SignatureScheme::v3) std::erase(names, "SignatureMethod");
      s.omit = {pick(names, rng)};
      break;
    }
    case 3: s.access_key_secret += "x"; break;
    default: s.nonce = "fuzz-nonce";
  }
}

void mutate_world(runner::Case& c, std::mt19937_64& rng) {
  model::World w = c.world;
  if (w.groups.empty()) return;
  auto& g = w.groups[in_range(0, static_cast<int>(w.groups.size()) - 1, rng)];
  switch (in_range(0, 6, rng)) {
    case 0: g.min_size = std::min<std::int64_t>(g.max_size, in_range(0, static_cast<int>(g.members.size()) + 1, rng)); break;
    case 1: g.state = pick(std::vector<model::GroupState>{model::GroupState::active, model::GroupState::inactive,
                                                          model::GroupState::deleting}, rng); break;
    case 2: w.activities.push_back({fmt::format("asa-fuzz-{}", in_range(0, 1 << 20, rng)), g.id,
                                    pick(std::vector<model::ActivityStatus>{model::ActivityStatus::in_progress,
                                                                            model::ActivityStatus::successful,
                                                                            model::ActivityStatus::failed}, rng),
                                    std::nullopt, std::nullopt}); break;
    case 3: g.load_balancers.push_back({fmt::format("lb-fuzz-{}", g.load_balancers.size()),
                                        in_range(0, 1, rng) ? model::LoadBalancerStatus::active : model::LoadBalancerStatus::inactive}); break;
    case 4: g.db_instances.push_back({fmt::format("rm-fuzz-{}", g.db_instances.size()), in_range(0, 1, rng) ? "Running" : "Stopped"}); break;
    case 5:
      if (!g.members.empty())
        g.members[in_range(0, static_cast<int>(g.members.size()) - 1, rng)].state =
            pick(std::vector<model::MemberState>{model::MemberState::in_service, model::MemberState::pending,
                                                 model::MemberState::removing, model::MemberState::is_protected,
                                                 model::MemberState::standby}, rng);
      break;
    default:
      w.completion = w.completion == model::ActivityCompletion::immediate ? model::ActivityCompletion::manual
                                                                           : model::ActivityCompletion::immediate;
  }
  if (model::parse_world(model::to_json(w))) c.world = std::move(w);  // keep only valid Worlds
}

}  // namespace

void mutate(runner::Case& c, std::mt19937_64& rng) {
  for (int i = 0, n = in_range(1, 3, rng); i < n; ++i) {
    switch (in_range(0, 9, rng)) {
      case 0: case 1: case 2: case 3: mutate_params(c, rng); break;
      case 4: case 5: mutate_world(c, rng); break;
      case 6: case 7: mutate_transport(c, rng); break;
      default: mutate_signature(c, rng);
    }
  }
  c.repeat = 1;
  c.before.clear();
}

namespace {

// ASCII stays; every other byte becomes %XX (the case file is JSON text).
std::string ascii_or_escaped(const std::uint8_t* data, std::size_t size) {
  std::string out;
  out.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] < 0x80)
      out += static_cast<char>(data[i]);
    else
      out += fmt::format("%{:02X}", data[i]);
  }
  return out;
}

// The field of the request mutate_bytes works on.
std::string& byte_field(runner::RequestSpec& r, std::mt19937_64& rng) {
  const int which = in_range(0, 9, rng);
  if (which < 3 && !r.params.empty())
    return r.params[std::uniform_int_distribution<std::size_t>(0, r.params.size() - 1)(rng)].second;
  if (which == 3 && !r.params.empty())
    return r.params[std::uniform_int_distribution<std::size_t>(0, r.params.size() - 1)(rng)].first;
  if (which == 4) return r.path;
  if (which == 5 && !r.headers.empty())
    return r.headers[std::uniform_int_distribution<std::size_t>(0, r.headers.size() - 1)(rng)].value;
  return r.raw;
}

constexpr std::size_t kMaxFieldBytes = 4096;

}  // namespace

void mutate_bytes(runner::Case& c, std::mt19937_64& rng, const ByteMutator& bytes) {
  std::string& field = byte_field(c.request, rng);
  std::vector<std::uint8_t> buffer(field.begin(), field.end());
  const std::size_t max_size = std::min(kMaxFieldBytes, std::max<std::size_t>(64, 2 * buffer.size()));
  buffer.resize(std::max(max_size, buffer.size()));
  const std::size_t size = bytes(buffer.data(), field.size(), buffer.size());
  field = ascii_or_escaped(buffer.data(), std::min(size, buffer.size()));
  if (&field == &c.request.path && !field.starts_with('/')) field.insert(0, "/");  // a case's path starts with /
  c.repeat = 1;
  c.before.clear();
}

runner::Case cross_over(const runner::Case& a, const runner::Case& b, std::mt19937_64& rng) {
  runner::Case child = a;
  if (in_range(0, 1, rng) == 0) {
    child.world = b.world;
    if (child.request.sign && child.world.auth.keys.empty()) child.request.sign.reset();
  } else {
    const auto& theirs = b.request.params;
    const std::size_t keep = std::uniform_int_distribution<std::size_t>(0, a.request.params.size())(rng);
    const std::size_t from = std::uniform_int_distribution<std::size_t>(0, theirs.size())(rng);
    child.request.params.resize(keep);
    child.request.params.insert(child.request.params.end(), theirs.begin() + static_cast<std::ptrdiff_t>(from),
                                theirs.end());
  }
  child.repeat = 1;
  child.before.clear();
  return child;
}

}  // namespace essconf::fuzzing
