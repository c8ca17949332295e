// A catalog case: a World, a request described as data, and the clauses it is
// about. Cases live in fixtures/cases/ (one JSON file each, docs/cases.md);
// nothing in a case says what the answer must be: the model decides that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::runner {

// Where the parameters go: all in the query (GET, or POST with an empty
// body); all in an application/x-www-form-urlencoded body (POST, as pop-core
// sends it); or split: Action, Version, Format, RegionId and the signature
// parameters in the query, the rest in the body (as the tea SDKs send it).
enum class Placement { query, form, split };

enum class SignatureMode { valid, corrupt, omit };

// How a signed request carries its signature (rpc.signature): v1 is
// SignatureVersion 1.0 / HMAC-SHA1 in parameters, the fixture protocol's
// Signature mode; v3 is ACS3-HMAC-SHA256 in an Authorization header, with
// x-acs-date, x-acs-signature-nonce and x-acs-action/x-acs-version headers.
enum class SignatureScheme { v1, v3 };

struct SignSpec {
  std::string access_key_id;
  std::string access_key_secret;
  std::int64_t timestamp_offset = 0;     // seconds added to the runner's clock
  std::optional<std::string> timestamp;  // a literal Timestamp instead (bad formats)
  std::string timestamp_fraction;        // digits of fractional seconds ("459": ...:07.459Z, as aliyun-sdk sends)
  std::optional<std::string> nonce;      // default: a fresh random nonce per send
  SignatureMode signature = SignatureMode::valid;
  std::string signature_method = "HMAC-SHA1";
  std::string signature_version = "1.0";
  std::vector<std::string> omit;         // common parameters to leave out
  // v3 carries the same credentials in headers: omit "Timestamp" drops
  // x-acs-date, "SignatureNonce" x-acs-signature-nonce, "AccessKeyId" and
  // "Signature" the Authorization's Credential and Signature.
  SignatureScheme scheme = SignatureScheme::v1;

  // A valid signature with this key, everything else as default.
  static SignSpec with_key(std::string id, std::string secret) {
    SignSpec s;
    s.access_key_id = std::move(id);
    s.access_key_secret = std::move(secret);
    return s;
  }

  // Whether the spec means anything under v3: v1's SignatureMethod and
  // SignatureVersion have no v3 counterpart.
  bool expressible_in_v3() const;
};

struct RequestSpec {
  std::string method = "GET";
  std::string path = "/";
  Placement placement = Placement::query;
  std::vector<wire::Pair> params;        // in order, encoded with wire::percent_encode
  std::string raw;                       // appended verbatim (after '&') to the query, or the body for form
  std::vector<wire::Header> headers;     // extra headers
  std::optional<SignSpec> sign;
};

struct Case {
  std::string id;
  std::vector<std::string> clauses;
  std::string description;
  std::string file;                      // where it was loaded from
  model::World world;
  std::vector<RequestSpec> before;       // sent first, in order, not judged (e.g. to use a nonce)
  RequestSpec request;
  int repeat = 1;                        // send the same bytes this many times; the last answer is judged
  bool complete_activities = false;      // POST activities/complete before reading the World back

  // Fixture-protocol features the case needs, derived from its World.
  std::vector<std::string> needs() const;
};

// Reads one case file. Rejects unknown fields, wrong types, an invalid World
// (with the World's own JSON path), and clause ids not in the catalog. A
// problem names the file ("FILE: $.json.path: reason").
Result<Case> load_case(const std::string& file);
// The same for a case already in memory; `source` names it in problems.
Result<Case> parse_case(std::string_view text, const std::string& source);

// A case inside another document (a finding bundle's "case"): problems go to
// `node`'s reader with their paths in that document.
Case read_case(const JsonNode& node, const std::string& file);

// A directory of case files: every case that reads, and a problem for each
// file that does not (all of them, so that one run lists every broken file).
struct CaseFiles {
  std::vector<Case> cases;  // sorted by id
  std::vector<Problem> problems;
};

// Every *.json under `dir`, recursively. Duplicate case ids are problems.
CaseFiles load_cases(const std::string& dir);

// The case as a case file (docs/cases.md): load_case of it gives it back.
// A property's counterexample is printed this way, ready for fixtures/cases/.
std::string case_to_json(const Case& c);

// The request a case sends at `now` (Unix seconds), with `fresh_nonce` used
// when the case does not fix one. Adds no transport header (Content-Length,
// and Host only when `host` is given, for a v3 signature to cover it).
wire::HttpRequest build_request(const RequestSpec& spec, std::int64_t now, const std::string& fresh_nonce,
                                std::string_view host = {});

// The spec signed under `scheme` where it can be (`--signature v3`): a spec
// that says nothing v1-only is signed v3; the rest, and unsigned specs, as is.
// Never turns a v3 spec into v1.
RequestSpec in_scheme(RequestSpec spec, SignatureScheme scheme);

}  // namespace essconf::runner
