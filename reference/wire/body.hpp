// RemoveInstances response bodies: rendering (the reference server's answers)
// and parsing (a target's answers) into one neutral structure.
// Clauses: response.format.xml, response.format.json, response.request-id,
// response.activity-id, error.body.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {

enum class Format { xml, json };

inline constexpr std::string_view kXmlContentType = "text/xml;charset=utf-8";
inline constexpr std::string_view kJsonContentType = "application/json;charset=utf-8";

struct SuccessBody {
  std::string request_id;
  std::string scaling_activity_id;
};

struct ErrorBody {
  std::string request_id;
  std::string host_id;
  std::string code;
  std::string message;
  std::string recommend;
};

struct Rendered {
  std::string content_type;
  std::string body;
};

// XML: <?xml version="1.0" encoding="UTF-8"?> then <RemoveInstancesResponse>
// with ScalingActivityId and RequestId, or <Error> with RequestId, HostId,
// Code, Message, Recommend. JSON: a flat object with the same names. A field
// whose value is empty is left out (the reference never sends one; the
// self-test faults use this to drop a field).
// Values come from hostile requests (a message may echo a parameter), but a
// rendered body must stay well-formed: invalid UTF-8 becomes `replacement`
// in both formats (JSON must be UTF-8), and for XML so does every code point
// outside XML 1.0's Char production (controls other than tab/LF/CR, U+FFFE,
// U+FFFF), since not even a character reference may name those.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
std::string renderable_text(std::string_view s, Format format, std::string_view replacement = kReplacementCharacter);

Rendered render_success(const SuccessBody& body, Format format);
Rendered render_error(const ErrorBody& body, Format format);

// What a response body turned out to be.
enum class Syntax { empty, xml, json, unparseable };

struct ParsedBody {
  Syntax syntax = Syntax::empty;
  std::string root;  // XML root element name; "" for JSON and others
  // Top-level scalar fields by name: XML children of the root with text or
  // CDATA content, JSON members whose value is a string, number or bool
  // (numbers and bools as their JSON text). Nested objects/arrays are not here.
  std::map<std::string, std::string> fields;
  std::vector<std::string> problems;  // for a person: duplicate fields, parse errors (with offset)

  std::optional<std::string> field(std::string_view name) const;
  bool is_error_shape() const;    // has "Code"
};

// Sniffs the syntax from the body itself (first non-blank byte '<' or '{'),
// never throws, and is tolerant of what real gateways send: an XML
// declaration with single quotes, CDATA, extra fields, a UTF-8 BOM, any order.
ParsedBody parse_body(std::string_view body);

// The format a Content-Type names: XML for application/xml, text/xml and
// +xml types; JSON for application/json, text/json and +json types;
// nullopt otherwise. Case-insensitive, parameters ignored.
std::optional<Format> format_of_content_type(std::string_view content_type);

}  // namespace essconf::wire
