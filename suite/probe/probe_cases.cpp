#include "suite/probe/probe_cases.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>

#include <fmt/format.h>

namespace essconf::probe {

FreshIds::FreshIds(std::uint64_t seed, std::string run_token)
    : state_(seed), run_token_(std::move(run_token)), token_hash_(std::hash<std::string>{}(run_token_)) {}

FreshIds FreshIds::for_new_run(std::uint64_t seed) {
  std::random_device rd;
  return {seed, fmt::format("{:08x}{:08x}", rd(), rd())};
}

std::string FreshIds::next(std::string_view prefix) {
  // splitmix64 over the seed, keyed by the run token: 20 base-36 characters.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL) ^ token_hash_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  static constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(prefix);
  std::uint64_t a = z, b = z * 0x2545F4914F6CDD1DULL + 1;
  for (int i = 0; i < 20; ++i) {
    std::uint64_t& src = i < 10 ? a : b;
    out.push_back(digits[src % 36]);
    src /= 36;
  }
  return out;
}

std::string FreshIds::instance() { return next("i-"); }
std::string FreshIds::group() { return next("asg-"); }
std::string FreshIds::key() { return next("LTAIprobe"); }
std::string FreshIds::nonce_suffix() { return fmt::format("-{}-{}", run_token_, ++cases_); }

namespace {

// An ASCII byte ids are made of: a letter, a digit, '-' or '_'.
bool id_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && (std::isalnum(u) != 0 || c == '-' || c == '_');
}

// Replaces every id of `map` in `text`, longest first at each position, in
// one pass: a replacement is never replaced again. An id is replaced only
// where no id byte touches it: "asg-a-2", an id derived from "asg-a" to name
// a group that does not exist, stays as it is, where "asg-demo-2" could be
// another group of the target's. An id followed by a character outside ASCII
// ("asg-a" and an emoji, which a target that drops astral characters resolves
// to the group) moves with it: no target's id has one.
class IdMap {
 public:
  void add(const std::string& from, std::string to) {
    if (!from.empty()) map_.emplace(from, std::move(to));
  }
  std::string apply(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
      const std::string* best = nullptr;
      const std::string* best_to = nullptr;
      const bool starts_id = i == 0 || !id_byte(text[i - 1]);
      for (const auto& [from, to] : map_)
        if (starts_id && text.substr(i, from.size()) == from && (best == nullptr || from.size() > best->size()) &&
            (i + from.size() == text.size() || !id_byte(text[i + from.size()]))) {
          best = &from;
          best_to = &to;
        }
      if (best != nullptr) {
        out += *best_to;
        i += best->size();
      } else {
        out.push_back(text[i++]);
      }
    }
    return out;
  }
  const std::string* find(const std::string& from) const {
    const auto it = map_.find(from);
    return it == map_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, std::string> map_;
};

struct KeyMove {
  std::string id;
  std::optional<std::string> secret;  // the declared secret, when the case's key became the declared key
};

runner::RequestSpec moved(runner::RequestSpec spec, const IdMap& ids, const std::map<std::string, KeyMove>& keys,
                          const model::World& world, const std::string& nonce_suffix) {
  for (auto& [name, value] : spec.params) value = ids.apply(value);
  spec.raw = ids.apply(spec.raw);
  for (auto& h : spec.headers) h.value = ids.apply(h.value);
  if (!spec.sign) return spec;
  auto& s = *spec.sign;
  if (const auto it = keys.find(s.access_key_id); it != keys.end()) {
    const model::AccessKey* original = world.access_key(s.access_key_id);
    if (original != nullptr && s.access_key_secret == original->secret && it->second.secret)
      s.access_key_secret = *it->second.secret;
    s.access_key_id = it->second.id;
  } else {
    s.access_key_id = ids.apply(s.access_key_id);
  }
  if (s.nonce) *s.nonce += nonce_suffix;
  return spec;
}

}  // namespace

runner::Case to_probe_case(const runner::Case& c, const Declarations& d, FreshIds& fresh) {
  IdMap ids;
  for (std::size_t i = 0; i < c.world.groups.size(); ++i)
    ids.add(c.world.groups[i].id, i < d.groups.size() ? d.groups[i].id : fresh.group());
  for (const auto& e : c.world.ecs)
    if (ids.find(e.id) == nullptr) ids.add(e.id, fresh.instance());
  for (const auto& g : c.world.groups)
    for (const auto& m : g.members)
      if (ids.find(m.id) == nullptr) ids.add(m.id, fresh.instance());
  std::map<std::string, KeyMove> keys;
  for (const auto& k : c.world.auth.keys) {
    const bool declared = d.key && k.authorized;
    keys[k.id] = declared ? KeyMove{d.key->id, d.key->secret} : KeyMove{fresh.key(), std::nullopt};
    ids.add(k.id, keys[k.id].id);
  }
  runner::Case out = c;
  out.world = base_world(d);
  out.complete_activities = false;
  const std::string nonce_suffix = fresh.nonce_suffix();
  out.request = moved(c.request, ids, keys, c.world, nonce_suffix);
  for (auto& b : out.before) b = moved(b, ids, keys, c.world, nonce_suffix);
  return out;
}

}  // namespace essconf::probe
