// Drawing values for the generators: numbers, choices, text and ids, all from
// RapidCheck's randomness. Call these only inside gen::exec: `*gen` draws
// from RapidCheck (and nothing else: no clock, no global RNG), so a case
// depends only on the seed and shrinks with it. Internal to the property phase.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidcheck.h>

namespace essconf::property {

extern const std::string kLowerAlnum;
extern const std::string kBase62;
extern const std::string kUnreserved;

// ---- numbers and choices -------------------------------------------------------

// gen::inRange narrows its range at small sizes; these draw from the whole
// range at every size, so the weights callers give are the distribution (they
// still shrink towards the low end).
template <typename T>
T uniform(T lo, T hi) {  // [lo, hi), lo < hi
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi));
}
inline std::size_t below(std::size_t n) { return uniform<std::size_t>(0, n); }  // [0, n), n > 0
inline int between(int lo, int hi) { return uniform(lo, hi + 1); }               // [lo, hi]
inline bool chance(int percent) { return uniform(0, 100) < percent; }

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

// `n` characters of `alphabet`, from one draw (see draw.cpp).
std::string chars(const std::string& alphabet, std::size_t n);

// ---- text ------------------------------------------------------------------------

// An arbitrary string (RapidCheck's own generator), as valid UTF-8.
std::string arbitrary_text(int max_len);

// The same for text the World holds: no control characters, which the
// fixture protocol refuses in ids.
std::string arbitrary_world_text(int max_len);

// Unicode text of `n` code points from scripts that break naive code.
std::string unicode_text(int n);

// At most `max` code points of valid UTF-8 `s`, for descriptions, on one line.
std::string shorten(std::string_view s, std::size_t max = 40);

// `id`, or `id` with a suffix that makes it unused; remembers it.
std::string unique(std::string id, std::set<std::string>& used);

// ---- ids -------------------------------------------------------------------------

enum class IdKind { group, instance, activity, load_balancer, db, access_key };

// A realistic Alibaba Cloud id: prefix, a region code, base-36 tail.
std::string realistic_id(IdKind kind);

// Realistic ids mostly, and now and then legacy, Unicode, very long or
// arbitrary ones. Never empty, always valid UTF-8, never with a NUL.
std::string any_id(IdKind kind);

// A SignatureNonce in the shape of a UUID.
std::string nonce_text();

// A database status other than "Running".
std::string db_bad_status();

}  // namespace essconf::property
