#include "reference/wire/signature_v3.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <climits>
#include <set>

namespace essconf::wire {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const auto ows = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && ows(s.back())) s.remove_suffix(1);
  return s;
}

// "Name=value" out of a comma-separated list of parts; "" when absent.
std::string_view part(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=')
      return item.substr(name.size() + 1);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return {};
}

}  // namespace

std::optional<Acs3Authorization> parse_acs3_authorization(std::string_view value) {
  value = trim(value);
  if (value.substr(0, kAcs3.size()) != kAcs3) return std::nullopt;
  if (value.size() > kAcs3.size() && value[kAcs3.size()] != ' ') return std::nullopt;
  value.remove_prefix(kAcs3.size());
  Acs3Authorization a;
  a.credential = part(value, "Credential");
  a.signature = part(value, "Signature");
  std::string_view names = part(value, "SignedHeaders");
  while (!names.empty()) {
    const auto semi = names.find(';');
    if (const auto name = trim(names.substr(0, semi)); !name.empty()) a.signed_headers.push_back(ascii_lower(name));
    if (semi == std::string_view::npos) break;
    names.remove_prefix(semi + 1);
  }
  return a;
}

std::string hex_sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &n, EVP_sha256(), nullptr) != 1) return {};
  return to_hex(digest.data(), n);
}

std::string canonical_request_v3(const HttpRequest& request, std::span<const Pair> query,
                                 std::span<const std::string> signed_headers) {
  std::vector<const Pair*> sorted;
  sorted.reserve(query.size());
  for (const Pair& p : query) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const Pair* a, const Pair* b) { return *a < *b; });
  std::string out = request.method + "\n" + std::string(request.path()) + "\n";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += '&';
    out += percent_encode(sorted[i]->first) + "=" + percent_encode(sorted[i]->second);
  }
  out += '\n';
  for (const auto& name : signed_headers) {
    std::vector<std::string_view> values;
    for (const auto& h : request.headers)
      if (ascii_iequals(h.name, name)) values.push_back(trim(h.value));
    std::sort(values.begin(), values.end());
    out += name + ":";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
    out += '\n';
  }
  out += '\n';
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  out += '\n';
  out += hex_sha256(request.body);
  return out;
}

std::string sign_v3(const HttpRequest& request, std::span<const Pair> query,
                    std::span<const std::string> signed_headers, std::string_view access_key_secret) {
  if (access_key_secret.size() > static_cast<std::size_t>(INT_MAX)) return {};
  const std::string to_sign = std::string(kAcs3) + "\n" + hex_sha256(canonical_request_v3(request, query, signed_headers));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), access_key_secret.data(), static_cast<int>(access_key_secret.size()),
           reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac.data(), &n) == nullptr)
    return {};
  return to_hex(mac.data(), n);
}

void add_acs3_authorization(HttpRequest& request, std::string_view access_key_id,
                            std::string_view access_key_secret) {
  if (!request.has_header("x-acs-content-sha256"))
    request.headers.push_back({"x-acs-content-sha256", hex_sha256(request.body)});
  std::set<std::string> names;
  for (const auto& h : request.headers) {
    const std::string name = ascii_lower(h.name);
    if (name == "host" || name == "content-type" || name.starts_with("x-acs-")) names.insert(name);
  }
  const std::vector<std::string> signed_headers(names.begin(), names.end());
  std::vector<Pair> query;
  for (auto& p : parse_params(request.query(), Origin::query).params) query.emplace_back(std::move(p.name), std::move(p.value));
  const std::string signature = sign_v3(request, query, signed_headers, access_key_secret);
  std::string list;
  for (const auto& n : signed_headers) list += (list.empty() ? "" : ";") + n;
  request.headers.push_back({"Authorization", std::string(kAcs3) + " Credential=" + std::string(access_key_id) +
                                                  ",SignedHeaders=" + list + ",Signature=" + signature});
}

bool verify_v3(const HttpRequest& request, std::span<const Pair> query, const Acs3Authorization& auth,
               std::string_view access_key_secret) {
  const std::string expected = sign_v3(request, query, auth.signed_headers, access_key_secret);
  // The length of a SHA-256 signature is public, so comparing it first leaks nothing.
  if (expected.empty() || expected.size() != auth.signature.size()) return false;
  return CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) == 0;
}

}  // namespace essconf::wire
