// Alibaba Cloud RPC signature, SignatureVersion 1.0 / HMAC-SHA1 (clause rpc.signature).
//   CanonicalizedQueryString = the pairs except "Signature", sorted by name in
//     byte order (ties by value), each name and value percent_encode()d,
//     joined as name=value with '&';
//   StringToSign = METHOD + "&" + "%2F" + "&" + percent_encode(Canonicalized);
//   Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "reference/wire/params.hpp"

namespace essconf::wire {

std::string canonicalized_query(std::span<const Pair> pairs);
std::string string_to_sign(std::string_view method, std::span<const Pair> pairs);

// Base64 signature of the pairs (any "Signature" pair among them is ignored).
std::string sign_v1(std::string_view method, std::span<const Pair> pairs,
                    std::string_view access_key_secret);

// True when `signature` (already percent-decoded) equals sign_v1(...).
// Compares in constant time.
bool verify_v1(std::string_view method, std::span<const Pair> pairs,
               std::string_view access_key_secret, std::string_view signature);

}  // namespace essconf::wire
