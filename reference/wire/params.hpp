// Query-string and form-body parameters, kept raw enough that a malformed
// request stays representable: duplicate keys, bad percent escapes, invalid
// UTF-8, empty names and values all survive parsing and are reported as
// issues, never thrown. (Clauses: wire.malformed, wire.duplicate-key,
// rpc.methods.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace essconf::wire {

// Where a parameter came from: the request-target's query or a
// application/x-www-form-urlencoded POST body.
enum class Origin : std::uint8_t { query, body };

// One `name=value` segment, decoded. Decoding is lenient: '+' becomes a space
// (application/x-www-form-urlencoded), a bad escape such as "%zz" or a lone
// "%" is kept literally, bytes that are not valid UTF-8 are kept as they are.
// Each such problem is also recorded as an Issue.
struct Param {
  std::string name;
  std::string value;
  std::string raw;          // the segment exactly as sent, before decoding
  bool has_equals = false;  // false for a bare "Name" segment (value is "")
  Origin origin = Origin::query;
  std::size_t offset = 0;   // byte offset of the segment in its source
};

// One documented enumerator per problem the parser reports.
enum class IssueKind : std::uint8_t {
  bad_percent_escape,  // '%' not followed by two hex digits (kept literally)
  invalid_utf8,        // the decoded name or value is not valid UTF-8
  empty_name,          // a segment such as "=x" (empty segments "&&" are skipped silently)
};

struct Issue {
  IssueKind kind;
  Origin origin;
  std::size_t offset;       // byte offset in the source where the problem starts
  std::size_t param_index;  // index into ParamList::params of the segment concerned
};

struct ParamList {
  std::vector<Param> params;  // in the order they were sent: query first, then body
  std::vector<Issue> issues;
};

// Parses "a=1&b=2" (no leading '?'). Never throws except std::bad_alloc.
ParamList parse_params(std::string_view encoded, Origin origin);

// The parameters of one RPC request as Alibaba's SDKs send them: the query's
// pairs, then the form body's pairs (pass an empty body when the request has
// no form body). Duplicates across the two are kept, both of them.
ParamList merge_params(std::string_view query, std::string_view form_body);

// Names that occur more than once in `params`, each once, in first-seen order.
std::vector<std::string> duplicate_names(std::span<const Param> params);

const char* describe(IssueKind kind) noexcept;

// Alibaba's RPC percent-encoding (RFC 3986 unreserved set kept, every other
// byte as %XY with uppercase hex; space is %20, '*' is %2A, '~' stays).
std::string percent_encode(std::string_view bytes);

using Pair = std::pair<std::string, std::string>;

// "k1=v1&k2=v2" with percent_encode applied to every name and value, in the
// given order. This is how essconf itself writes query strings and form bodies.
std::string encode_pairs(std::span<const Pair> pairs);

}  // namespace essconf::wire
