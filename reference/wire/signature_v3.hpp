// Alibaba Cloud ACS3-HMAC-SHA256 (signature V3), as today's generated SDKs
// sign by default (research/ess-facts.md §2.5; @alicloud/openapi-util
// getAuthorization). Beyond the fixture protocol, whose Signature mode is V1:
// the reference accepts it beside V1 (docs/ambiguities.md, rpc.signature).
//   CanonicalRequest = METHOD \n path \n canonical query \n
//                      canonical headers (name:value\n each) \n
//                      signed header names (;-joined) \n hex(SHA-256(body))
//     canonical query: the query's pairs sorted by name (ties by value),
//       name and value percent_encode()d, name=value joined with '&';
//     canonical headers: each signed name in lower case, the request's
//       values of that header trimmed, sorted and joined with ',';
//   StringToSign = "ACS3-HMAC-SHA256\n" + hex(SHA-256(CanonicalRequest));
//   Signature    = hex(HMAC-SHA256(secret, StringToSign))  (no '&' appended);
//   Authorization: ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=HEX
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::wire {

inline constexpr std::string_view kAcs3 = "ACS3-HMAC-SHA256";

// The parts of an ACS3-HMAC-SHA256 Authorization header; nullopt when the
// value does not start with the algorithm's name. A missing part is "".
struct Acs3Authorization {
  std::string credential;                   // the AccessKeyId
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string signature;                    // hex
};
std::optional<Acs3Authorization> parse_acs3_authorization(std::string_view value);

std::string hex_sha256(std::string_view data);

std::string canonical_request_v3(const HttpRequest& request, std::span<const Pair> query,
                                 std::span<const std::string> signed_headers);

// Hex signature of the request with these signed headers (lower case).
// `query` is the decoded pairs of the request's query string.
std::string sign_v3(const HttpRequest& request, std::span<const Pair> query,
                    std::span<const std::string> signed_headers, std::string_view access_key_secret);

// Signs `request` in place: adds x-acs-content-sha256 (when missing) and the
// Authorization header, signing Host, Content-Type and every x-acs-* header.
void add_acs3_authorization(HttpRequest& request, std::string_view access_key_id,
                            std::string_view access_key_secret);

// Compares in constant time.
bool verify_v3(const HttpRequest& request, std::span<const Pair> query, const Acs3Authorization& auth,
               std::string_view access_key_secret);

}  // namespace essconf::wire
