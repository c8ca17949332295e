// What the documentation allows a target to answer: the model's output.
// expect() (model.hpp) returns an Expectation; the checker compares a
// target's Observation with it; the reference server renders its
// `reference` Decision.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/nonces.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/body.hpp"

namespace essconf::model {

// spec: every reading of the documentation passes (open clauses generous);
// strict: only the reference's own choices pass, other readings are deviations.
enum class Profile { spec, strict };
// "spec" or "strict": the one reader and writer of profile names (flags,
// results.json, reports).
constexpr std::string_view name(Profile p) noexcept { return p == Profile::strict ? "strict" : "spec"; }
constexpr std::optional<Profile> parse_profile(std::string_view text) noexcept {
  if (text == "spec") return Profile::spec;
  if (text == "strict") return Profile::strict;
  return std::nullopt;
}

// How an observed outcome is graded when it matches an allowed Outcome.
// Anything that matches no Outcome is a fail.
enum class Grade { pass, deviation };

// A message an error may carry: exactly `text`, or anything starting with it.
struct MessageRule {
  std::string text;
  bool prefix = false;
  friend bool operator==(const MessageRule&, const MessageRule&) = default;
};

// A family of error answers. Empty lists mean "any": statuses empty = any 4xx.
struct ErrorSpec {
  std::vector<int> statuses;
  std::vector<std::string> codes;
  std::vector<MessageRule> messages;
  friend bool operator==(const ErrorSpec&, const ErrorSpec&) = default;

  bool matches(int status, std::string_view code, std::string_view message) const;
};

// What a successful call does to the World (applied by apply()).
struct Effects {
  std::string group_id;
  std::vector<std::string> instance_ids;  // unique, in the order of N
  RemovePolicy policy = RemovePolicy::release;
  friend bool operator==(const Effects&, const Effects&) = default;
};

struct Outcome {
  enum class Kind { error, success };
  Kind kind = Kind::error;
  ErrorSpec error;   // when kind == error
  Effects effects;   // when kind == success
  Grade grade = Grade::pass;
  std::vector<std::string_view> clauses;  // the clause(s) that produce this outcome
  std::string why;                        // one sentence for a person
};

// The reference's own, concrete answer.
struct Decision {
  bool success = false;
  int status = 200;
  std::string code;     // when !success
  std::string message;  // when !success
  Effects effects;      // when success
  wire::Format format = wire::Format::json;
  std::vector<std::string_view> clauses;
  // The request's key and SignatureNonce when its signature verified: the
  // caller records it in its NonceLedger with the answer the target gave.
  std::optional<NonceUse> nonce_used;
  friend bool operator==(const Decision&, const Decision&) = default;
};

struct Expectation {
  std::vector<Outcome> outcomes;
  Decision reference;
  // Body formats that pass; the reference's is reference.format.
  std::vector<wire::Format> formats;
  // Every clause this request exercises, sorted, for coverage and reports.
  std::vector<std::string_view> clauses;
  // The clause that fixes the body's format: response.format.xml, .json or .default.
  std::string_view format_clause;
  // The bytes are not well-formed HTTP: any 4xx, with any body, or closing
  // the connection, is a proper answer (robust.no-server-error).
  bool malformed_http = false;
  // The target or a header value carries a control character RFC 9110/9112
  // let a recipient refuse or keep (wire::has_tolerable_controls), or the head
  // or the content is longer than a recipient has to take
  // (wire::exceeds_recommended_size): besides the outcomes, refusing the
  // message at the HTTP layer (any 4xx, any body, or closing the connection)
  // is proper too.
  bool may_refuse_as_malformed = false;

  bool allows_success() const;
  // How an observed answer grades: pass, deviation, or nullopt for a fail.
  // The body's shape and format are the checker's; these judge the outcome.
  std::optional<Grade> grade_error(int status, std::string_view code, std::string_view message) const;
  std::optional<Grade> grade_success(const Effects& effects) const;
};

// Everything outside the World that a decision depends on, passed in so the
// model stays pure.
struct Context {
  std::int64_t now = 0;              // the target's clock, Unix seconds (rpc.timestamp)
  std::int64_t clock_tolerance = 0;  // seconds either way the caller cannot tell apart
  const NonceLedger* nonces = nullptr;  // rpc.nonce
  // rpc.signature: whether the target must serve ACS3-HMAC-SHA256 (V3), as
  // with `essconf run --signature v3`. Else refusing V3 is a reading: the
  // fixture protocol's Signature mode is V1.
  bool v3_judged = false;
};

}  // namespace essconf::model
