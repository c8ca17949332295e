// parse_url in three steps (scheme, authority, base path), each failing with
// the sentence a person reads. IPv6 literals are checked by Asio's address
// parser, a header-only part of Boost with no Beast in it.
#include "suite/client/url.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include <boost/asio/ip/address_v6.hpp>
#include <boost/system/error_code.hpp>

namespace essconf::client {

namespace {

// A URL's part that failed, with why.
struct Fault {
  std::string message;
};

bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// host:port for Host and origin; IPv6 literals in brackets.
std::string authority(const Url& url, bool omit_default_port) {
  std::string out = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (!omit_default_port || url.port != 80) out += ":" + std::to_string(url.port);
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// What follows "http://", or the fault of the text before it.
std::optional<Fault> after_scheme(std::string_view text, std::string_view& rest) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return Fault{"the URL contains a space, a control character or a non-ASCII byte"};
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return Fault{"not an http:// URL (expected http://host[:port][/base-path])"};
  const auto scheme = lower(text.substr(0, scheme_end));
  if (scheme == "https") return Fault{"https is not supported (use http://)"};
  if (scheme != "http")
    return Fault{"the scheme \"" + std::string(text.substr(0, scheme_end)) + "\" is not supported (use http://)"};
  rest = text.substr(scheme_end + 3);
  return std::nullopt;
}

std::optional<Fault> parse_port(std::string_view text, Url& url) {
  const Fault bad{"bad port \"" + std::string(text) + "\" (expected 1 to 65535)"};
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), is_digit)) return bad;
  const unsigned long port = std::stoul(std::string(text));
  if (port == 0 || port > 65535) return bad;
  url.port = static_cast<std::uint16_t>(port);
  return std::nullopt;
}

// "[v6]" or "[v6]:port".
std::optional<Fault> parse_ipv6_authority(std::string_view auth, Url& url) {
  const auto close = auth.find(']');
  if (close == std::string_view::npos) return Fault{"no closing ']' after the IPv6 address"};
  const std::string literal(auth.substr(1, close - 1));
  boost::system::error_code ec;
  boost::asio::ip::make_address_v6(literal, ec);
  if (ec || literal.empty()) return Fault{"bad IPv6 address \"" + literal + "\""};
  url.host = literal;
  const auto after = auth.substr(close + 1);
  if (after.empty()) return std::nullopt;
  if (after.front() != ':') return Fault{"unexpected characters after the IPv6 address"};
  return parse_port(after.substr(1), url);
}

// "host" or "host:port", or the IPv6 forms.
std::optional<Fault> parse_authority(std::string_view auth, Url& url) {
  if (auth.find('@') != std::string_view::npos)
    return Fault{"user information (user@host) in the URL is not supported"};
  if (!auth.empty() && auth.front() == '[') return parse_ipv6_authority(auth, url);
  const auto colon = auth.find(':');
  const auto host = auth.substr(0, colon);
  if (host.empty()) return Fault{"no host"};
  if (!std::all_of(host.begin(), host.end(), is_host_char))
    return Fault{"bad host \"" + std::string(host) + "\""};
  url.host = std::string(host);
  if (colon == std::string_view::npos) return std::nullopt;
  return parse_port(auth.substr(colon + 1), url);
}

}  // namespace

std::string Url::origin() const { return "http://" + authority(*this, false); }
std::string Url::host_header() const { return authority(*this, true); }

Result<Url> parse_url(std::string_view text) {
  Url url;
  std::string_view rest;
  auto fault = after_scheme(text, rest);
  const auto authority_end = rest.find_first_of("/?#");
  auto path = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (!fault) fault = parse_authority(rest.substr(0, authority_end), url);
  if (!fault && path.find_first_of("?#") != std::string_view::npos)
    fault = Fault{"a query or fragment in the target URL is not supported (give a base path only)"};
  if (fault) return Problem("", std::move(fault->message));
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.base_path = std::string(path);
  return url;
}

}  // namespace essconf::client
