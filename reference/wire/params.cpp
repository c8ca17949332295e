#include "reference/wire/params.hpp"

#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace essconf::wire {
namespace {

// -1 for a byte that is not a hex digit.
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a
// well-formed one (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;  // allowed range of the second byte, which is where
  unsigned char hi = 0xBF;  // overlongs, surrogates and > U+10FFFF show up
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// Decodes one name or value; `base` is its offset in the source so that a
// bad escape can be reported where it was sent.
std::string decode_component(std::string_view text, std::size_t base, Origin origin,
                             std::size_t param_index, std::vector<Issue>& issues) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      // Kept literally: a lenient server would do the same, and the request
      // stays representable.
      out.push_back('%');
      issues.push_back({IssueKind::bad_percent_escape, origin, base + i, param_index});
    }
  }
  return out;
}

Param parse_segment(std::string_view segment, std::size_t offset, Origin origin,
                    std::size_t param_index, std::vector<Issue>& issues) {
  Param p;
  p.raw = std::string(segment);
  p.origin = origin;
  p.offset = offset;
  const std::size_t eq = segment.find('=');
  p.has_equals = eq != std::string_view::npos;
  const std::string_view name = segment.substr(0, eq);
  p.name = decode_component(name, offset, origin, param_index, issues);
  if (p.has_equals) {
    p.value = decode_component(segment.substr(eq + 1), offset + eq + 1, origin, param_index,
                               issues);
  }
  if (!is_valid_utf8(p.name) || !is_valid_utf8(p.value)) {
    issues.push_back({IssueKind::invalid_utf8, origin, offset, param_index});
  }
  if (p.name.empty()) issues.push_back({IssueKind::empty_name, origin, offset, param_index});
  return p;
}

bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

}  // namespace

ParamList parse_params(std::string_view encoded, Origin origin) {
  ParamList list;
  std::size_t start = 0;
  while (start <= encoded.size()) {
    std::size_t end = encoded.find('&', start);
    if (end == std::string_view::npos) end = encoded.size();
    if (end > start) {
      list.params.push_back(parse_segment(encoded.substr(start, end - start), start, origin,
                                          list.params.size(), list.issues));
    }
    start = end + 1;
  }
  return list;
}

ParamList merge_params(std::string_view query, std::string_view form_body) {
  ParamList merged = parse_params(query, Origin::query);
  ParamList body = parse_params(form_body, Origin::body);
  // Body issues point into the body's own list; shift them past the query's params.
  const std::size_t shift = merged.params.size();
  for (Issue& issue : body.issues) issue.param_index += shift;
  merged.params.insert(merged.params.end(), std::make_move_iterator(body.params.begin()),
                       std::make_move_iterator(body.params.end()));
  merged.issues.insert(merged.issues.end(), body.issues.begin(), body.issues.end());
  return merged;
}

std::vector<std::string> duplicate_names(std::span<const Param> params) {
  std::unordered_set<std::string_view> seen;
  std::unordered_set<std::string_view> reported;
  std::vector<std::string> duplicates;
  for (const Param& p : params) {
    if (!seen.insert(p.name).second && reported.insert(p.name).second) {
      duplicates.push_back(p.name);
    }
  }
  return duplicates;
}

const char* describe(IssueKind kind) noexcept {
  switch (kind) {
    case IssueKind::bad_percent_escape:
      return "a '%' is not followed by two hex digits; it was kept literally";
    case IssueKind::invalid_utf8:
      return "the decoded name or value is not valid UTF-8";
    case IssueKind::empty_name:
      return "the parameter has an empty name";
  }
  return "unknown parameter issue";
}

std::string percent_encode(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
  return out;
}

std::string encode_pairs(std::span<const Pair> pairs) {
  std::string out;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const Pair& pair = pairs[i];
    if (i > 0) out.push_back('&');
    out += percent_encode(pair.first);
    out.push_back('=');
    out += percent_encode(pair.second);
  }
  return out;
}

}  // namespace essconf::wire
