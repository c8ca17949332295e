#include "reference/wire/http_request.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {
namespace {

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}



// RFC 9110 OWS is spaces and horizontal tabs.
std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const Header* find_header(const std::vector<Header>& headers, std::string_view name) noexcept {
  for (const Header& h : headers) {
    if (ascii_iequals(h.name, name)) return &h;
  }
  return nullptr;
}

bool is_printable_ascii(std::string_view s) noexcept {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// 'text' with every ' written as '\'' : safe in any POSIX shell for any byte
// except NUL, but the result is only readable for printable ASCII.
std::string single_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

// A printf(1) format that prints `bytes` exactly: every byte that is not
// printable ASCII as a three-digit octal escape (POSIX printf has those; it has
// no \x), '%' and '\' escaped, and a leading '-' escaped so that no printf
// reads it as an option.
std::string printf_format(std::string_view bytes) {
  static constexpr char octal[] = "01234567";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '%') {
      out += "%%";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c > 0x7E || (i == 0 && c == '-')) {
      out.push_back('\\');
      out.push_back(octal[(c >> 6) & 7]);
      out.push_back(octal[(c >> 3) & 7]);
      out.push_back(octal[c & 7]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// One shell word that expands to exactly `arg`. Printable ASCII is single-quoted;
// anything else goes through printf, because dash (Debian's /bin/sh) rejects
// bash's $'...' quoting. A command-line argument can hold no NUL byte at all,
// and command substitution drops trailing newlines.
std::string shell_word(std::string_view arg) {
  if (is_printable_ascii(arg)) return single_quote(arg);
  return "\"$(printf " + single_quote(printf_format(arg)) + ")\"";
}

std::string curl_header_arg(const Header& h) {
  // curl drops a header given as "Name:"; "Name;" is how it sends an empty one.
  if (h.value.empty()) return h.name + ";";
  return h.name + ": " + h.value;
}

}  // namespace

namespace {
// RFC 9110 5.6.2 tchar.
bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}
}  // namespace

bool is_wellformed_http(const HttpRequest& request) noexcept {
  if (!is_token(request.method) || request.target.empty()) return false;
  if (request.target.find_first_of(" \t\r\n") != std::string::npos) return false;
  for (const Header& h : request.headers) {
    if (!is_token(h.name)) return false;
    if (h.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return false;
  }
  return true;
}

bool has_tolerable_controls(const HttpRequest& request) noexcept {
  for (const char c : request.target) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;  // SP, HTAB, CR and LF make it not HTTP at all
  }
  for (const Header& h : request.headers)
    for (const char c : h.value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\0') || u == 0x7F) return true;
    }
  return false;
}

bool exceeds_recommended_size(const HttpRequest& request) noexcept {
  // "METHOD SP target SP HTTP/1.1 CRLF", each "name: value CRLF", the empty line.
  std::size_t head = request.method.size() + 1 + request.target.size() + sizeof(" HTTP/1.1\r\n") - 1 + 2;
  for (const Header& h : request.headers) head += h.name.size() + 2 + h.value.size() + 2;
  return head > kRecommendedOctets || request.body.size() > kRecommendedOctets;
}

std::optional<HttpRequest> read_leniently(const HttpRequest& request) {
  const auto end = request.target.find_last_not_of(" \t\v\f\r");
  if (end == std::string::npos || end + 1 == request.target.size()) return std::nullopt;
  HttpRequest trimmed = request;
  trimmed.target.resize(end + 1);
  if (!is_wellformed_http(trimmed)) return std::nullopt;
  return trimmed;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view header_value(const std::vector<Header>& headers, std::string_view name) noexcept {
  const Header* h = find_header(headers, name);
  return h == nullptr ? std::string_view() : std::string_view(h->value);
}

std::string_view HttpRequest::header(std::string_view name) const noexcept {
  const Header* h = find_header(headers, name);
  return h == nullptr ? std::string_view{} : std::string_view{h->value};
}

bool HttpRequest::has_header(std::string_view name) const noexcept {
  return find_header(headers, name) != nullptr;
}

std::string_view HttpRequest::path() const noexcept {
  const std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const noexcept {
  const std::string_view t = target;
  const std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

bool HttpRequest::has_form_body() const noexcept {
  const std::string_view content_type = header("Content-Type");
  const std::string_view media_type = trim_ows(content_type.substr(0, content_type.find(';')));
  return ascii_iequals(media_type, "application/x-www-form-urlencoded");
}

std::string to_http_bytes(const HttpRequest& request) {
  std::string out;
  out += request.method;
  out += ' ';
  out += request.target;
  out += " HTTP/1.1\r\n";
  for (const Header& h : request.headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  out += request.body;
  return out;
}

std::string to_curl(const HttpRequest& request, std::string_view base_url) {
  std::string prefix;
  std::string out = "curl -sS -i -X " + shell_word(request.method);
  for (const Header& h : request.headers) out += " -H " + shell_word(curl_header_arg(h));
  if (!request.body.empty()) {
    // With a body curl would add its own form Content-Type; the request had none.
    if (!request.has_header("Content-Type")) out += " -H 'Content-Type:'";
    // A body starting with '@' would name a file, and one with a NUL cannot
    // be an argument: those, and every non-ASCII body, come on stdin instead.
    if (is_printable_ascii(request.body) && request.body.front() != '@') {
      out += " --data-binary " + single_quote(request.body);
    } else {
      prefix = "printf " + single_quote(printf_format(request.body)) + " | ";
      out += " --data-binary @-";
    }
  }
  // Without these curl would expand [] and {} and squash "/../" in the target.
  out += " --globoff --path-as-is ";
  out += shell_word(std::string(base_url) + request.target);
  return prefix + out;
}

}  // namespace essconf::wire
