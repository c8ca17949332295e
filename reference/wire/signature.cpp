#include "reference/wire/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {

std::string canonicalized_query(std::span<const Pair> pairs) {
  std::vector<const Pair*> kept;
  kept.reserve(pairs.size());
  for (const Pair& pair : pairs) {
    if (pair.first != "Signature") kept.push_back(&pair);
  }
  // std::string compares through char_traits<char>, which orders bytes as
  // unsigned char: the byte order the SDKs sort in.
  std::sort(kept.begin(), kept.end(), [](const Pair* a, const Pair* b) { return *a < *b; });
  std::string out;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out.push_back('&');
    out += percent_encode(kept[i]->first);
    out.push_back('=');
    out += percent_encode(kept[i]->second);
  }
  return out;
}

std::string string_to_sign(std::string_view method, std::span<const Pair> pairs) {
  std::string out(method);
  out += "&%2F&";
  out += percent_encode(canonicalized_query(pairs));
  return out;
}

std::string sign_v1(std::string_view method, std::span<const Pair> pairs,
                    std::string_view access_key_secret) {
  // The "&" is the separator of an (always empty) second key part in the
  // original design; every SDK appends it.
  const std::string key = std::string(access_key_secret) + "&";
  if (key.size() > static_cast<std::size_t>(INT_MAX)) return {};
  const std::string data = string_to_sign(method, pairs);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(),
           &digest_len) == nullptr) {
    return {};
  }
  // Base64 of n bytes is 4 * ceil(n / 3) characters, plus the NUL EVP writes.
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int encoded_len =
      EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_len));
  if (encoded_len < 0) return {};
  return std::string(reinterpret_cast<const char*>(encoded.data()),
                     static_cast<std::size_t>(encoded_len));
}

bool verify_v1(std::string_view method, std::span<const Pair> pairs,
               std::string_view access_key_secret, std::string_view signature) {
  const std::string expected = sign_v1(method, pairs, access_key_secret);
  // The length of a SHA-1 signature is public, so comparing it first leaks nothing.
  if (expected.empty() || expected.size() != signature.size()) return false;
  return CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace essconf::wire
