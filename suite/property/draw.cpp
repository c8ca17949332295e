// Drawing values for the generators: see draw.hpp.
#include "suite/property/draw.hpp"

#include <cstdint>
#include <limits>

#include <fmt/format.h>

namespace essconf::property {

namespace gen = rc::gen;

const std::string kLowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz";
const std::string kBase62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kUnreserved = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~";

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

namespace {

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

}  // namespace

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
std::string shorten(std::string_view s, std::size_t max) {
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

namespace {

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

}  // namespace

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

namespace {
const std::vector<std::string> kDbBadStatuses{"Creating", "Deleting", "Rebooting", "DBInstanceClassChanging",
                                             "Restoring", "Locked", "Stopped", "running", "RUNNING", "Running "};
}  // namespace

std::string db_bad_status() {
  if (chance(85)) return pick(kDbBadStatuses);
  std::string s = arbitrary_world_text(16);
  return s.empty() || s == "Running" ? "Unknown" : s;
}

}  // namespace essconf::property
