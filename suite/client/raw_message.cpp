#include "suite/client/raw_message.hpp"

#include <algorithm>
#include <cctype>

namespace essconf::raw {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool Head::has(std::string_view name) const noexcept {
  return std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return iequals(f.name, name); });
}

std::string_view Head::field(std::string_view name) const noexcept {
  for (const auto& f : fields)
    if (iequals(f.name, name)) return f.value;
  return {};
}

Result<Head> parse_head(std::string_view head) {
  Head out;
  const auto line_end = std::min(head.find("\r\n"), head.size());
  out.start_line = std::string(head.substr(0, line_end));
  std::size_t at = line_end;
  while (at < head.size()) {
    const auto next = std::min(head.find("\r\n", at + 2), head.size());
    const std::string_view line = head.substr(at + 2, next - at - 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return Problem("", "bad header line: " + std::string(line.substr(0, 80)));
    out.fields.push_back({std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
    at = next;
  }
  return out;
}

std::optional<std::size_t> parse_length(std::string_view value) noexcept {
  if (value.empty() || value.size() > 18 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::size_t n = 0;
  for (const char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
  return n;
}

}  // namespace essconf::raw
