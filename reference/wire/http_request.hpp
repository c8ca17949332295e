// An HTTP request as bytes on the wire, before any interpretation: what the
// model judges and what the runner sends. Kept raw so that any malformed
// request is representable and reproducible.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // request-target as sent: "/?Action=RemoveInstances&..."
  std::vector<Header> headers;
  std::string body;

  // The first header with this name (ASCII case-insensitive), or "" if none.
  std::string_view header(std::string_view name) const noexcept;
  bool has_header(std::string_view name) const noexcept;
  std::string_view path() const noexcept;   // target up to '?' (or all of it)
  std::string_view query() const noexcept;  // after the first '?', "" if none
  // True when Content-Type's media type is application/x-www-form-urlencoded
  // (case-insensitive, parameters such as charset allowed).
  bool has_form_body() const noexcept;
};

// Whether the request can be read as HTTP/1.1 at all (RFC 9110/9112): the
// method and header names are tokens, the target is not empty and has no
// whitespace (SP, HTAB, CR, LF: they would end it), header values have no CR,
// LF or NUL. A server may answer anything else with a bare 400 or by closing
// the connection, and must not act on it.
bool is_wellformed_http(const HttpRequest& request) noexcept;

// Whether the target or a header value carries another control character
// (0x00-0x1F but HTAB, CR and LF in the target; but HTAB, CR, LF and NUL in a
// header value; and 0x7F). RFC 9112 3.2 and RFC 9110 5.5 make such a message
// invalid, but a recipient SHOULD (not MUST) refuse an invalid request-line,
// and MAY keep such characters in a field value: refusing it as malformed
// and answering the call as read are both proper.
bool has_tolerable_controls(const HttpRequest& request) noexcept;

// RFC 9112 3 and RFC 9110 4.1 recommend that a recipient accept a
// request-line, and URIs, of at least 8000 octets; past what it is willing to
// process a server answers 414 or 431 (RFC 6585), or 413 for content
// (RFC 9110 15.5.14), which has no recommended minimum. essconf takes the
// same 8000 octets as the least a target must take, for the head (request-line
// and header fields, as sent) and for the content alike.
inline constexpr std::size_t kRecommendedOctets = 8000;

// Whether the request's head or its content is longer than kRecommendedOctets:
// a target may refuse it at the HTTP layer, or answer the call.
bool exceeds_recommended_size(const HttpRequest& request) noexcept;

// RFC 9112 3: a recipient MAY parse the request-line on whitespace (SP, HTAB,
// VT, FF, bare CR) and ignore trailing whitespace. For a request that is not
// well-formed only because its target ends with such bytes, the request as
// that recipient reads it (the target without them); else nullopt.
std::optional<HttpRequest> read_leniently(const HttpRequest& request);

// `s` with A-Z as a-z, every other byte as it is.
std::string ascii_lower(std::string_view s);

// ASCII case-insensitive equality (header names, Format values).
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

// The value of the first header named `name` (ASCII case-insensitive), or "".
std::string_view header_value(const std::vector<Header>& headers, std::string_view name) noexcept;

// The exact bytes of the request as HTTP/1.1 (request line, headers in order,
// CRLFs, body). Adds no header of its own.
std::string to_http_bytes(const HttpRequest& request);

// A curl command line that sends the same request to `base_url`
// (e.g. "http://127.0.0.1:8080"), quoted for a POSIX shell.
std::string to_curl(const HttpRequest& request, std::string_view base_url);

}  // namespace essconf::wire
