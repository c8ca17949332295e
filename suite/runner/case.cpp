#include "suite/runner/case.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reference/model/time.hpp"
#include "reference/wire/signature.hpp"
#include "reference/wire/signature_v3.hpp"

namespace essconf::runner {
namespace {

bool is_common(std::string_view name) {
  for (std::string_view c : {"Action", "Version", "Format", "RegionId", "AccessKeyId", "SignatureMethod",
                             "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"})
    if (name == c) return true;
  return false;
}

}  // namespace

std::vector<std::string> Case::needs() const {
  std::vector<std::string> n{"world"};
  if (world.auth.mode == model::AuthMode::signature) n.push_back("auth");
  if (world.completion == model::ActivityCompletion::manual || complete_activities) n.push_back("activities");
  bool lbs = false, dbs = false;
  for (const auto& g : world.groups) {
    lbs = lbs || !g.load_balancers.empty();
    dbs = dbs || !g.db_instances.empty();
  }
  if (lbs) n.push_back("load_balancers");
  if (dbs) n.push_back("db_instances");
  return n;
}

bool SignSpec::expressible_in_v3() const {
  const auto omitted = [&](std::string_view name) { return std::find(omit.begin(), omit.end(), name) != omit.end(); };
  return signature_method == "HMAC-SHA1" && signature_version == "1.0" && !omitted("SignatureMethod") &&
         !omitted("SignatureVersion");
}

RequestSpec in_scheme(RequestSpec spec, SignatureScheme scheme) {
  if (spec.sign && scheme == SignatureScheme::v3 && spec.sign->expressible_in_v3()) spec.sign->scheme = scheme;
  return spec;
}

namespace {

std::string signed_timestamp(const SignSpec& s, std::int64_t now) {
  std::string timestamp = model::format_timestamp(now + s.timestamp_offset);
  if (!s.timestamp_fraction.empty()) timestamp.insert(timestamp.size() - 1, "." + s.timestamp_fraction);
  return s.timestamp.value_or(timestamp);
}

bool omits(const SignSpec& s, std::string_view name) {
  return std::find(s.omit.begin(), s.omit.end(), name) != s.omit.end();
}

// V1: the common parameters and the Signature join the pairs.
void sign_v1_params(const RequestSpec& spec, std::vector<wire::Pair>& params, std::int64_t now,
                    const std::string& fresh_nonce) {
  const SignSpec& s = *spec.sign;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!omits(s, name)) params.emplace_back(name, value);
  };
  add("AccessKeyId", s.access_key_id);
  add("SignatureMethod", s.signature_method);
  add("SignatureVersion", s.signature_version);
  add("SignatureNonce", s.nonce.value_or(fresh_nonce));
  add("Timestamp", signed_timestamp(s, now));
  // Sign what is sent: the decoded pairs of the query and the body together.
  std::vector<wire::Pair> signed_pairs = params;
  if (!spec.raw.empty())
    for (const auto& p : wire::parse_params(spec.raw, wire::Origin::query).params) signed_pairs.emplace_back(p.name, p.value);
  std::string signature = wire::sign_v1(spec.method, signed_pairs, s.access_key_secret);
  if (s.signature == SignatureMode::corrupt) signature[0] = signature[0] == 'A' ? 'B' : 'A';
  if (s.signature != SignatureMode::omit && !omits(s, "Signature")) params.emplace_back("Signature", signature);
}

// V3: the credentials go in headers, Action and Version are named in
// x-acs-action/x-acs-version too, and the Authorization signs them all.
void sign_v3_headers(const RequestSpec& spec, wire::HttpRequest& r, std::int64_t now, const std::string& fresh_nonce,
                     std::string_view host) {
  const SignSpec& s = *spec.sign;
  if (!host.empty() && !r.has_header("Host")) r.headers.insert(r.headers.begin(), {"Host", std::string(host)});
  for (auto [param, header] : {std::pair{"Action", "x-acs-action"}, std::pair{"Version", "x-acs-version"}})
    for (const auto& [name, value] : spec.params)
      if (name == param) {
        r.headers.push_back({header, value});
        break;
      }
  if (!omits(s, "Timestamp")) r.headers.push_back({"x-acs-date", signed_timestamp(s, now)});
  if (!omits(s, "SignatureNonce")) r.headers.push_back({"x-acs-signature-nonce", s.nonce.value_or(fresh_nonce)});
  wire::add_acs3_authorization(r, s.access_key_id, s.access_key_secret);
  auto& auth = r.headers.back().value;
  const auto signature_at = auth.find(",Signature=") + 11;
  if (s.signature == SignatureMode::corrupt) auth[signature_at] = auth[signature_at] == 'a' ? 'b' : 'a';
  if (s.signature == SignatureMode::omit || omits(s, "Signature")) auth.erase(signature_at - 11);
  if (omits(s, "AccessKeyId")) auth.replace(auth.find("Credential="), 11 + s.access_key_id.size() + 1, "");
}

}  // namespace

wire::HttpRequest build_request(const RequestSpec& spec, std::int64_t now, const std::string& fresh_nonce,
                                std::string_view host) {
  std::vector<wire::Pair> params = spec.params;
  const bool v3 = spec.sign && spec.sign->scheme == SignatureScheme::v3;
  if (spec.sign && !v3) sign_v1_params(spec, params, now, fresh_nonce);
  std::vector<wire::Pair> query, body;
  for (auto& p : params) {
    const bool in_query = spec.placement == Placement::query || (spec.placement == Placement::split && is_common(p.first));
    (in_query ? query : body).push_back(std::move(p));
  }
  auto join = [](std::string encoded, const std::string& raw) {
    if (raw.empty()) return encoded;
    return encoded.empty() ? raw : encoded + "&" + raw;
  };
  wire::HttpRequest r;
  r.method = spec.method;
  std::string q = wire::encode_pairs(query);
  if (spec.placement == Placement::form) {
    r.body = join(wire::encode_pairs(body), spec.raw);
  } else {
    q = join(std::move(q), spec.raw);
    r.body = wire::encode_pairs(body);
  }
  r.target = q.empty() ? spec.path : spec.path + "?" + q;
  if (spec.placement != Placement::query) r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  for (const auto& h : spec.headers) r.headers.push_back(h);
  if (v3) sign_v3_headers(spec, r, now, fresh_nonce, host);
  return r;
}

}  // namespace essconf::runner
