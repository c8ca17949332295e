// Oracle (invariants of signature v1): for the pairs of any query string,
// signed with a fixed secret by GET and by POST, verify_v1 accepts the
// signature, rejects it with one character changed and rejects it under
// another secret; the signature ignores the pairs' order and any "Signature"
// pair among them; StringToSign starts with "GET&%2F&" (resp. "POST&%2F&").
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/params.hpp"
#include "reference/wire/signature.hpp"

namespace wire = essconf::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = wire::parse_params({reinterpret_cast<const char*>(data), size}, wire::Origin::query);
  std::vector<wire::Pair> pairs;
  for (const auto& p : parsed.params) pairs.emplace_back(p.name, p.value);
  std::vector<wire::Pair> reversed(pairs.rbegin(), pairs.rend());
  reversed.emplace_back("Signature", "ignored");
  constexpr std::string_view kSecret = "fuzz-secret";
  std::string signatures[2];
  for (int m = 0; m < 2; ++m) {
    const std::string method = m == 0 ? "GET" : "POST";
    std::string sig = wire::sign_v1(method, pairs, kSecret);
    if (sig.size() != 28 || sig.back() != '=') std::abort();  // Base64 of a 20-byte HMAC-SHA1
    if (!wire::string_to_sign(method, pairs).starts_with(method + "&%2F&")) std::abort();
    if (!wire::verify_v1(method, pairs, kSecret, sig)) std::abort();
    if (wire::sign_v1(method, reversed, kSecret) != sig) std::abort();
    if (wire::verify_v1(method, pairs, "fuzz-secret2", sig)) std::abort();
    signatures[m] = sig;
    sig[0] = sig[0] == 'A' ? 'B' : 'A';
    if (wire::verify_v1(method, pairs, kSecret, sig)) std::abort();
  }
  if (signatures[0] == signatures[1]) std::abort();
  return 0;
}
