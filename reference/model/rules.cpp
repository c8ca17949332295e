// The rules in the reference's order of precedence (docs/ambiguities.md,
// error.precedence): transport and encoding, routing (Action, Version,
// Format), authentication and authorization, parameters, then the group and
// its instances. Every rule is evaluated, not only the first broken one: the
// spec profile accepts the error of any broken rule.
#include "reference/model/rules.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/error_table.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/signature.hpp"
#include "reference/wire/signature_v3.hpp"

namespace essconf::model::rules {
namespace {

constexpr std::string_view kApiVersion = "2014-08-28";
constexpr std::string_view kNewerApiVersion = "2022-02-22";
constexpr std::int64_t kTimestampWindow = 15 * 60;

const std::string* find(const ParamMap& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}


ErrorSpec any_4xx() { return {}; }
ErrorSpec any_4xx_with_codes(std::vector<std::string> codes) { return {{}, std::move(codes), {}}; }
ErrorSpec exactly(int status, std::string code, std::vector<MessageRule> messages) {
  return {{status}, {std::move(code)}, std::move(messages)};
}

// A rule of the documentation's error table (error_table.hpp): the page's
// status, code and one of `messages` pass; the same code with 400 instead of
// the page's 404 is a deviation (error.status-codes).
Violation documented(std::string_view clause, std::vector<std::string> messages, std::string why) {
  const DocumentedError& row = *documented_error(clause);
  Violation v;
  v.clause = clause;
  v.status = row.status;
  v.code = std::string(row.code);
  v.message = messages.front();
  std::vector<MessageRule> rules;
  rules.reserve(messages.size());
  for (auto& m : messages) rules.push_back({std::move(m), false});
  v.passes = exactly(row.status, v.code, rules);
  if (row.status == 404) {
    v.tolerated = exactly(400, v.code, std::move(rules));
    v.tolerated_clause = clause::kStatusCodes;
  }
  v.why = std::move(why);
  return v;
}
// The same with the row's own message, which names no id.
Violation documented(std::string_view clause, std::string why) {
  return documented(clause, documented_error(clause)->messages(), std::move(why));
}

// A rule whose answer the page does not fix: any 4xx passes; the reference's
// status, code and message are what strict expects.
Violation any_client_error(std::string_view clause, int status, std::string code, std::string message,
                           std::string why) {
  Violation v;
  v.clause = clause;
  v.status = status;
  v.code = std::move(code);
  v.message = std::move(message);
  v.passes = any_4xx();
  v.why = std::move(why);
  return v;
}

// A convention of Alibaba's RPC gateway: a 4xx with one of `codes` passes,
// another 4xx code is a deviation (the convention is not the page).
Violation convention(std::string_view clause, int status, std::string code, std::string message,
                     std::vector<std::string> codes, std::string why) {
  Violation v = any_client_error(clause, status, std::move(code), std::move(message), std::move(why));
  v.passes = any_4xx_with_codes(std::move(codes));
  v.tolerated = any_4xx();
  v.tolerated_clause = clause;
  return v;
}

// ---- transport and encoding ----------------------------------------------

void transport_rules(const wire::HttpRequest& req, const wire::ParamList& sent, std::vector<Violation>& out) {
  if (req.method != "GET" && req.method != "POST") {
    out.push_back(any_client_error(clause::kMethods, 400, "UnsupportedHTTPMethod", "This http method not supported.",
                                   fmt::format("the method {} is neither GET nor POST", req.method)));
  }
  if (req.path() != "/") {
    Violation v = any_client_error(clause::kPath, 404, "InvalidAction.NotFound",
                                   "Specified api is not found, please check your url and method.",
                                   fmt::format("the path \"{}\" is not /", req.path()));
    v.proceed = Proceed::pass;  // serving RPC on every path is a reading too
    out.push_back(std::move(v));
  }
  if (!sent.issues.empty()) {
    const auto& issue = sent.issues.front();
    const auto& param = sent.params[issue.param_index];
    Violation v = any_client_error(clause::kMalformed, 400, "InvalidParameter", invalid_parameter_message(param.name),
                                   fmt::format("the parameter segment \"{}\" has a problem: {}", param.raw,
                                               wire::describe(issue.kind)));
    v.proceed = Proceed::pass;  // read leniently, the request may be served
    out.push_back(std::move(v));
  }
  if (auto dups = wire::duplicate_names(sent.params); !dups.empty()) {
    Violation v = any_client_error(clause::kDuplicateKey, 400, "InvalidParameter", invalid_parameter_message(dups.front()),
                                   fmt::format("the parameter {} is sent more than once", dups.front()));
    v.proceed = Proceed::pass;  // first-wins and last-wins are readings too
    out.push_back(std::move(v));
  }
}

// ---- routing: Action, Version, Format --------------------------------------

// Returns whether the request reaches RemoveInstances at all.
bool routing_rules(const ParamMap& p, std::vector<Violation>& out) {
  bool routed = true;
  const auto* action = find(p, "Action");
  if (action == nullptr || *action != "RemoveInstances") {
    out.push_back(convention(clause::kAction, 404, "InvalidAction.NotFound",
                             "Specified api is not found, please check your url and method.",
                             {"InvalidAction.NotFound", "InvalidApi.NotFound", "InvalidAction", "MissingParameter",
                              "MissingAction", "InvalidParameter"},
                             action == nullptr ? "Action is missing"
                                               : fmt::format("Action \"{}\" is not RemoveInstances", *action)));
    routed = false;
  }
  const auto* version = find(p, "Version");
  if (version == nullptr) {
    Violation v = any_client_error(clause::kVersion, 400, "MissingParameter", missing_parameter_message("Version"),
                                   "Version is missing");
    v.proceed = Proceed::pass;  // a single-version target may serve it anyway
    out.push_back(std::move(v));
  } else if (*version != kApiVersion) {
    Violation v = convention(clause::kVersion, 400, "NoSuchVersion", "The specified version does not exist.",
                             {"NoSuchVersion", "InvalidVersion", "InvalidParameter", "InvalidApi.NotFound",
                              "InvalidAction.NotFound"},
                             fmt::format("Version \"{}\" is not {}", *version, kApiVersion));
    if (*version == kNewerApiVersion) {
      v.proceed = Proceed::deviation;  // a target serving the newer API too
    } else {
      routed = false;
    }
    out.push_back(std::move(v));
  }
  if (const auto* format = find(p, "Format"); format != nullptr && !wire::ascii_iequals(*format, "XML") && !wire::ascii_iequals(*format, "JSON")) {
    Violation v = any_client_error(clause::kFormat, 400, "InvalidParameter.Format",
                                   "Specified parameter format is not valid.",
                                   fmt::format("Format \"{}\" is neither XML nor JSON", *format));
    v.proceed = Proceed::deviation;  // answering in the default format ignores the mistake
    out.push_back(std::move(v));
  }
  return routed;
}

// ---- authentication and authorization (Auth.Mode Signature) -----------------

const std::vector<std::string>& missing_codes() {
  static const std::vector<std::string> codes{"MissingParameter", "IncompleteSignature", "InvalidParameter",
                                              "MissingSignature", "MissingAccessKeyId", "MissingSignatureNonce",
                                              "MissingTimestamp", "IllegalTimestamp", "MissingSignatureMethod",
                                              "MissingSignatureVersion"};
  return codes;
}

Violation missing_credential(std::string_view clause, std::string_view name, std::string why) {
  return convention(clause, 400, "MissingParameter", missing_parameter_message(name), missing_codes(), std::move(why));
}

void timestamp_rules(const std::string& ts, const Context& ctx, std::vector<Violation>& out) {
  auto bad_format = [](std::string why) {
    return convention(clause::kTimestamp, 400, "InvalidTimeStamp.Format",
                      "Specified time stamp or date value is not well formatted.",
                      {"InvalidTimeStamp.Format", "IllegalTimestamp", "InvalidParameter"}, std::move(why));
  };
  auto t = parse_timestamp(ts);
  if (!t && (t = parse_fractional_timestamp(ts))) {
    // Fractional seconds: what official clients send (aliyun-sdk). The
    // documentation shows none; the reference accepts them, and refusing
    // them as a bad format is another reading (rpc.timestamp, ledger).
    Violation v = bad_format(fmt::format("Timestamp \"{}\" has fractional seconds; the documented shape is YYYY-MM-DDThh:mm:ssZ", ts));
    v.reference_rejects = false;
    v.proceed = Proceed::pass;
    out.push_back(std::move(v));
  }
  if (!t) {
    out.push_back(bad_format(fmt::format("Timestamp \"{}\" is not YYYY-MM-DDThh:mm:ssZ", ts)));
    return;
  }
  const auto skew = *t > ctx.now ? *t - ctx.now : ctx.now - *t;
  // Within the caller's uncertainty about the target's clock, both answers pass.
  if (skew > kTimestampWindow - ctx.clock_tolerance) {
    Violation v = convention(clause::kTimestamp, 400, "InvalidTimeStamp.Expired",
                             "Specified time stamp or date value is expired.",
                             {"InvalidTimeStamp.Expired", "IllegalTimestamp", "InvalidTimeStamp"},
                             fmt::format("Timestamp is {} s away from the target's clock (window {} s)", skew,
                                         kTimestampWindow));
    v.reference_rejects = skew > kTimestampWindow;
    if (skew <= kTimestampWindow + ctx.clock_tolerance) v.proceed = Proceed::pass;
    out.push_back(std::move(v));
  }
}

// What a signed request presents, whichever signature version carries it;
// nullptr where it is missing.
struct Credentials {
  const std::string* key_id = nullptr;
  const std::string* nonce = nullptr;
  const std::string* timestamp = nullptr;
  const std::string* signature = nullptr;
};

// V1 (SignatureVersion 1.0, HMAC-SHA1): the credentials are parameters.
Credentials v1_credentials(const ParamMap& p, std::vector<Violation>& out) {
  for (auto [name, cl] : {std::pair{"AccessKeyId", clause::kSignature}, std::pair{"Signature", clause::kSignature},
                          std::pair{"SignatureMethod", clause::kSignature},
                          std::pair{"SignatureVersion", clause::kSignature},
                          std::pair{"SignatureNonce", clause::kNonce}, std::pair{"Timestamp", clause::kTimestamp}}) {
    if (find(p, name) == nullptr)
      out.push_back(missing_credential(cl, name, fmt::format("{} is missing from a request to a target that requires signatures", name)));
  }
  if (const auto* m = find(p, "SignatureMethod"); m != nullptr && *m != "HMAC-SHA1")
    out.push_back(convention(clause::kSignature, 400, "InvalidSignatureMethod", "Specified signature method is not valid.",
                             {"InvalidSignatureMethod", "InvalidParameter", "SignatureDoesNotMatch"},
                             fmt::format("SignatureMethod \"{}\" is not HMAC-SHA1", *m)));
  if (const auto* v = find(p, "SignatureVersion"); v != nullptr && *v != "1.0")
    out.push_back(convention(clause::kSignature, 400, "InvalidSignatureVersion",
                             "Specified signature version is not valid.",
                             {"InvalidSignatureVersion", "InvalidParameter", "SignatureDoesNotMatch"},
                             fmt::format("SignatureVersion \"{}\" is not 1.0", *v)));
  return {find(p, "AccessKeyId"), find(p, "SignatureNonce"), find(p, "Timestamp"), find(p, "Signature")};
}

// V3 (ACS3-HMAC-SHA256): the credentials are headers; the ParamMap holds
// them under the V1 names (with_acs3_headers) for the shared rules.
Credentials v3_credentials(const ParamMap& p, std::vector<Violation>& out) {
  for (auto [name, header, cl] :
       {std::tuple{"AccessKeyId", "Authorization Credential", clause::kSignature},
        std::tuple{"Signature", "Authorization Signature", clause::kSignature},
        std::tuple{"SignatureNonce", "x-acs-signature-nonce", clause::kNonce},
        std::tuple{"Timestamp", "x-acs-date", clause::kTimestamp}}) {
    const auto* value = find(p, name);
    if (value == nullptr || value->empty())
      out.push_back(missing_credential(cl, header, fmt::format("an ACS3-HMAC-SHA256 request without {}", header)));
  }
  auto present = [&](std::string_view name) {
    const auto* v = find(p, name);
    return v != nullptr && !v->empty() ? v : nullptr;
  };
  return {present("AccessKeyId"), present("SignatureNonce"), present("Timestamp"), present("Signature")};
}

void auth_rules(const World& w, const wire::HttpRequest& req, const wire::ParamList& sent, const ParamMap& p,
                const Context& ctx, std::vector<Violation>& out, std::optional<NonceUse>& nonce_used) {
  if (w.auth.mode != AuthMode::signature) return;
  const auto acs3 = wire::parse_acs3_authorization(req.header("Authorization"));
  if (acs3 && !ctx.v3_judged) {
    Violation v = any_client_error(clause::kSignature, 400, "MissingParameter", missing_parameter_message("Signature"),
                                   "the request is signed ACS3-HMAC-SHA256 (V3), beyond the fixture protocol's "
                                   "Signature mode (V1); a target is judged on V3 only with --signature v3");
    v.reference_rejects = false;
    v.proceed = Proceed::pass;
    out.push_back(std::move(v));
  }
  const Credentials c = acs3 ? v3_credentials(p, out) : v1_credentials(p, out);
  if (c.timestamp != nullptr) timestamp_rules(*c.timestamp, ctx, out);
  const AccessKey* key = c.key_id != nullptr ? w.access_key(*c.key_id) : nullptr;
  if (c.key_id != nullptr && key == nullptr)
    out.push_back(convention(clause::kSignature, 400, "InvalidAccessKeyId.NotFound", "Specified access key is not found.",
                             {"InvalidAccessKeyId.NotFound", "InvalidAccessKeyId"},
                             fmt::format("AccessKeyId \"{}\" is not a key of the World", *c.key_id)));
  bool verified = false;
  if (key != nullptr && c.signature != nullptr) {
    std::string to_sign;
    if (acs3) {
      std::vector<wire::Pair> query;
      for (auto& prm : wire::parse_params(req.query(), wire::Origin::query).params)
        query.emplace_back(std::move(prm.name), std::move(prm.value));
      verified = wire::verify_v3(req, query, *acs3, key->secret);
      to_sign = wire::hex_sha256(wire::canonical_request_v3(req, query, acs3->signed_headers));
    } else {
      std::vector<wire::Pair> pairs;
      for (const auto& prm : sent.params)
        if (prm.name != "Signature") pairs.emplace_back(prm.name, prm.value);
      verified = wire::verify_v1(req.method, pairs, key->secret, *c.signature);
      to_sign = wire::string_to_sign(req.method, pairs);
    }
    if (!verified)
      out.push_back(convention(
          clause::kSignature, 400, "SignatureDoesNotMatch",
          "Specified signature is not matched with our calculation. server string to sign is:" + to_sign,
          {"SignatureDoesNotMatch", "IncompleteSignature", "InvalidSignature"},
          acs3 ? "the Authorization's Signature is not the ACS3-HMAC-SHA256 of the request with the key's secret"
               : "the Signature is not the HMAC-SHA1 of the request with the key's secret"));
  }
  if (c.nonce != nullptr) {
    const NonceLedger* seen = ctx.nonces;
    if (seen != nullptr && c.key_id != nullptr && seen->used_by_success(*c.key_id, *c.nonce)) {
      out.push_back(convention(clause::kNonce, 400, "SignatureNonceUsed", "Specified signature nonce was used already.",
                               {"SignatureNonceUsed", "InvalidSignatureNonce"},
                               fmt::format("SignatureNonce \"{}\" was used before by a call that succeeded", *c.nonce)));
    } else if (seen != nullptr && seen->seen(*c.nonce)) {
      // Used only in some readings: by a call that was refused after its
      // signature verified, or by another key (docs/ambiguities.md, rpc.nonce).
      Violation v = convention(clause::kNonce, 400, "SignatureNonceUsed", "Specified signature nonce was used already.",
                               {"SignatureNonceUsed", "InvalidSignatureNonce"},
                               fmt::format("SignatureNonce \"{}\" was verified before, by a refused call or another key",
                                           *c.nonce));
      v.proceed = Proceed::pass;
      out.push_back(std::move(v));
    } else if (verified) {
      nonce_used = NonceUse{*c.key_id, *c.nonce};
    }
  }
  if (key != nullptr && !key->authorized)
    out.push_back(documented(clause::kUnauthorized, fmt::format("the key \"{}\" may not call RemoveInstances", key->id)));
}

// A V3 request names its action, version and credentials in headers: the
// reading of its parameters gains them under their V1 names where the query
// and body do not name them.
ParamMap with_acs3_headers(ParamMap p, const wire::HttpRequest& req, const wire::Acs3Authorization& auth) {
  for (auto [param, header] : {std::pair{"Action", "x-acs-action"}, std::pair{"Version", "x-acs-version"},
                               std::pair{"SignatureNonce", "x-acs-signature-nonce"}, std::pair{"Timestamp", "x-acs-date"}})
    if (req.has_header(header)) p.emplace(param, std::string(req.header(header)));
  p.emplace("AccessKeyId", auth.credential);
  p.emplace("Signature", auth.signature);
  return p;
}

// ---- parameters ---------------------------------------------------------------

struct InstanceParams {
  std::vector<std::string> ids;  // non-empty values in order of N, each once
  std::vector<std::string> all_values;  // every non-empty value given, for existence checks
};

// 1..20 written without leading zeros, or 0 for anything else.
int instance_index(std::string_view suffix) {
  if (suffix.empty() || suffix.size() > 2 || suffix[0] == '0') return 0;
  int n = 0;
  auto [ptr, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), n);
  if (ec != std::errc() || ptr != suffix.data() + suffix.size() || n < 1 || n > 20) return 0;
  return n;
}

InstanceParams instance_rules(const ParamMap& p, std::vector<Violation>& out) {
  constexpr std::string_view prefix = "InstanceId.";
  std::vector<std::pair<int, std::string>> indexed;
  InstanceParams r;
  std::size_t count = 0;
  std::optional<Violation> bad_index, empty_value;
  for (const auto& [name, value] : p) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    ++count;
    const int n = instance_index(std::string_view(name).substr(prefix.size()));
    if (n == 0 && !bad_index)
      bad_index = any_client_error(clause::kInstanceIdIndex, 400, "InvalidParameter", invalid_parameter_message(name),
                                   fmt::format("{} is not InstanceId.1 to InstanceId.20", name));
    if (value.empty() && !empty_value)
      empty_value = any_client_error(clause::kInstanceIdIndex, 400, "InvalidParameter", invalid_parameter_message(name),
                                     fmt::format("{} is empty", name));
    if (!value.empty()) r.all_values.push_back(value);
    if (n != 0 && !value.empty()) indexed.emplace_back(n, value);
  }
  if (count == 0) {
    out.push_back(any_client_error(clause::kInstanceIdRequired, 400, "MissingParameter",
                                   missing_parameter_message("InstanceId.1"), "no InstanceId.N is given"));
    return r;
  }
  if (count > 20) {
    out.push_back(any_client_error(clause::kInstanceIdMax20, 400, "InvalidParameter",
                                   invalid_parameter_message("InstanceId.N"),
                                   fmt::format("{} InstanceId.N parameters are given; at most 20 are allowed", count)));
  }
  if (bad_index) {
    out.push_back(std::move(*bad_index));
  }
  if (empty_value) {
    out.push_back(std::move(*empty_value));
  }
  std::sort(indexed.begin(), indexed.end());
  for (std::size_t i = 0; i < indexed.size(); ++i) {
    if (indexed[i].first != static_cast<int>(i) + 1) {
      Violation v = any_client_error(clause::kInstanceIdIndex, 400, "InvalidParameter",
                                     invalid_parameter_message(fmt::format("InstanceId.{}", i + 1)),
                                     fmt::format("InstanceId.{} is missing between the given indexes", i + 1));
      v.proceed = Proceed::pass;  // a sparse N is a reading, if every named instance is removed
      out.push_back(std::move(v));
      break;
    }
  }
  std::set<std::string_view> seen;
  bool duplicate_reported = false;
  for (const auto& [n, id] : indexed) {
    if (seen.insert(id).second) {
      r.ids.push_back(id);
    } else if (!duplicate_reported) {
      duplicate_reported = true;
      Violation v = any_client_error(clause::kInstanceIdIndex, 400, "InvalidParameter",
                                     invalid_parameter_message(fmt::format("InstanceId.{}", n)),
                                     fmt::format("the instance {} is named twice", id));
      v.proceed = Proceed::pass;  // removing it once is a reading
      out.push_back(std::move(v));
    }
  }
  return r;
}

// The parameters the 2014-08-28 API (S1, S3) and the RPC conventions (S8,
// S9, S11) declare; InstanceId.N has its own rules.
bool declared(std::string_view name) {
  static constexpr std::string_view kDeclared[] = {
      "Action", "Version", "Format", "ScalingGroupId", "RemovePolicy", "RegionId", "AccessKeyId", "Signature",
      "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken",
      "OwnerId", "OwnerAccount", "ResourceOwnerId", "ResourceOwnerAccount"};
  return name.starts_with("InstanceId.") || std::find(std::begin(kDeclared), std::end(kDeclared), name) != std::end(kDeclared);
}

// An undeclared parameter: ignored by the reference, refused by a reading.
void undeclared_rules(const ParamMap& p, std::vector<Violation>& out) {
  for (const auto& [name, value] : p) {
    if (name.empty() || declared(name)) continue;  // a nameless pair is wire.malformed
    Violation v = any_client_error(clause::kUndeclared, 400, "InvalidParameter", invalid_parameter_message(name),
                                   fmt::format("{} is not a parameter of RemoveInstances", name));
    v.reference_rejects = false;
    v.proceed = Proceed::pass;
    out.push_back(std::move(v));
    return;
  }
}

// ---- the group and its instances -----------------------------------------------

bool counts_toward_capacity_in_every_reading(MemberState s) {
  return s == MemberState::in_service || s == MemberState::is_protected || s == MemberState::standby;
}

// The group's capacity: MinSize after the removal, counted over every
// member (stated) and over the members every reading counts (open).
void capacity_rules(const ScalingGroup& g, const InstanceParams& inst, std::vector<Violation>& out) {
  if (inst.ids.empty()) return;
  std::int64_t removed = 0, removed_counted = 0;
  for (const auto& id : inst.ids)
    if (const Member* m = g.member(id)) {
      ++removed;
      removed_counted += counts_toward_capacity_in_every_reading(m->state) ? 1 : 0;
    }
  const auto members = static_cast<std::int64_t>(g.members.size());
  const auto counted = static_cast<std::int64_t>(
      std::count_if(g.members.begin(), g.members.end(),
                    [](const Member& m) { return counts_toward_capacity_in_every_reading(m.state); }));
  const std::string why = fmt::format("{} members - {} removed < MinSize {}", members, removed, g.min_size);
  Violation v = documented(clause::kMinSize, why);
  if (members - removed < g.min_size) {
    out.push_back(std::move(v));
  } else if (counted - removed_counted < g.min_size) {
    v.clause = clause::kCapacityCount;
    v.reference_rejects = false;
    v.proceed = Proceed::pass;
    v.passes.statuses.clear();  // any reading of "capacity" may reject with a 4xx
    v.why = fmt::format("only {} members are InService, Protected or Standby; {} - {} < MinSize {}", counted,
                        counted, removed_counted, g.min_size);
    out.push_back(std::move(v));
  }
}

// The group's load balancers and databases: each must be usable.
void attached_resource_rules(const ScalingGroup& g, std::vector<Violation>& out) {
  for (const auto& lb : g.load_balancers)
    if (lb.status != LoadBalancerStatus::active) {
      out.push_back(documented(clause::kLoadBalancerStatus, fmt::format("the load balancer {} is {}", lb.id, name(lb.status))));
      break;
    }
  std::vector<std::string> db_messages;
  std::string first_db;
  for (const auto& db : g.db_instances)
    if (db.status != "Running") {
      if (first_db.empty()) first_db = fmt::format("the database {} is {}", db.id, db.status);
      for (auto& m : documented_error(clause::kDbInstanceStatus)->messages(db.id)) db_messages.push_back(std::move(m));
    }
  if (!db_messages.empty())
    out.push_back(documented(clause::kDbInstanceStatus, std::move(db_messages), first_db));
}

void group_rules(const World& w, const ScalingGroup& g, const InstanceParams& inst, std::optional<RemovePolicy> policy,
                 std::vector<Violation>& out) {
  if (g.state != GroupState::active)
    out.push_back(documented(clause::kGroupActive, fmt::format("the group is {}", name(g.state))));
  if (w.has_activity_in_progress(g.id))
    out.push_back(documented(clause::kNoActivityInProgress, "the group has a scaling activity in progress"));
  std::vector<std::string> missing_messages;
  std::string first_missing;
  for (const auto& id : inst.all_values) {
    if (g.member(id) != nullptr) continue;
    if (first_missing.empty()) first_missing = id;
    for (auto& m : documented_error(clause::kInstanceNotFound)->messages(id)) missing_messages.push_back(std::move(m));
  }
  if (!missing_messages.empty())
    out.push_back(documented(clause::kInstanceNotFound, std::move(missing_messages),
                             fmt::format("the instance {} is not a member of the group", first_missing)));
  for (const auto& id : inst.ids) {
    const Member* m = g.member(id);
    if (m == nullptr) continue;
    const bool transitional = m->state == MemberState::pending || m->state == MemberState::removing;
    if (!transitional && m->state != MemberState::is_protected && m->state != MemberState::standby) continue;
    Violation v = any_client_error(clause::kInstanceState, 400, "IncorrectInstanceStatus",
                                   fmt::format("The current status of instance \"{}\" does not support this action.", id),
                                   fmt::format("the instance {} is {}", id, name(m->state)));
    v.reference_rejects = transitional;
    v.proceed = Proceed::pass;
    out.push_back(std::move(v));
    break;
  }
  if (policy == RemovePolicy::recycle && g.policy != ScalingPolicy::recycle)
    out.push_back(documented(clause::kRemovePolicyRecycleGroup, "RemovePolicy=recycle on a group whose ScalingPolicy is release"));
  capacity_rules(g, inst, out);
  attached_resource_rules(g, out);
}

}  // namespace

std::string missing_parameter_message(std::string_view name) {
  return fmt::format("The input parameter \"{}\" that is mandatory for processing this request is not supplied.", name);
}
std::string invalid_parameter_message(std::string_view name) {
  return fmt::format("The specified value of parameter \"{}\" is not valid.", name);
}

namespace {

// RemovePolicy: release, recycle, or absent (the default applies).
std::optional<RemovePolicy> remove_policy_rule(const ParamMap& p, std::vector<Violation>& out) {
  const auto* rp = find(p, "RemovePolicy");
  if (rp == nullptr) return std::nullopt;
  if (*rp == "release") return RemovePolicy::release;
  if (*rp == "recycle") return RemovePolicy::recycle;
  out.push_back(any_client_error(clause::kRemovePolicyValues, 400, "InvalidParameter",
                                 invalid_parameter_message("RemovePolicy"),
                                 fmt::format("RemovePolicy \"{}\" is neither recycle nor release", *rp)));
  return std::nullopt;
}

// The group the call names, in the World's region; nullptr when there is none.
// A RegionId other than the World's is a reading (the group still answers).
const ScalingGroup* group_found_rule(const World& w, const ParamMap& p, const std::string& group_id,
                                     std::vector<Violation>& out) {
  const auto* region = find(p, "RegionId");
  const bool other_region = region != nullptr && *region != w.region_id;
  const ScalingGroup* g = w.group(group_id);
  if (g != nullptr && !other_region) return g;
  Violation v = documented(clause::kGroupNotFound, fmt::format("there is no scaling group {}", group_id));
  if (g != nullptr) {  // the group exists, in the World's region
    v.clause = clause::kRegionId;
    v.reference_rejects = false;
    v.proceed = Proceed::pass;
    v.why = fmt::format("RegionId \"{}\" is not the World's region \"{}\"", *region, w.region_id);
  }
  out.push_back(std::move(v));
  return g;
}

// The clauses an allowed call's success bears out.
std::vector<std::string_view> success_clauses(const World& w, const ScalingGroup& g, const InstanceParams& inst, bool policy_given) {
  std::vector<std::string_view> out = {clause::kRemovedExactly, clause::kActivityTrackable, clause::kActivityId, clause::kMethods};
  if (!policy_given) out.push_back(clause::kRemovePolicyDefault);
  // A refused valid signed call breaks the checks it passed (a too-strict server).
  if (w.auth.mode == AuthMode::signature) out.insert(out.end(), {clause::kSignature, clause::kTimestamp, clause::kNonce});
  if (std::any_of(w.activities.begin(), w.activities.end(),
                  [&](const Activity& act) { return act.group_id == g.id && act.status != ActivityStatus::in_progress; }))
    out.push_back(clause::kCooldownIgnored);
  for (const auto& id : inst.ids) {
    const Member* m = g.member(id);
    if (m == nullptr) continue;
    out.push_back(m->creation == CreationType::auto_created ? clause::kAutoCreatedReleased : clause::kAttachedKept);
  }
  return out;
}

}  // namespace

Analysis analyse(const World& w, const wire::HttpRequest& req, const wire::ParamList& sent, const ParamMap& params,
                 const Context& ctx) {
  Analysis a;
  auto& out = a.violations;
  auto& checked = a.checked;
  checked = {clause::kMethods, clause::kPath, clause::kAction, clause::kVersion};
  transport_rules(req, sent, out);
  const auto acs3 = wire::parse_acs3_authorization(req.header("Authorization"));
  const ParamMap v3_params = acs3 ? with_acs3_headers(params, req, *acs3) : ParamMap{};
  const ParamMap& p = acs3 ? v3_params : params;
  const bool routed = routing_rules(p, out);
  if (w.auth.mode == AuthMode::signature)
    checked.insert(checked.end(), {clause::kSignature, clause::kTimestamp, clause::kNonce, clause::kUnauthorized});
  auth_rules(w, req, sent, p, ctx, out, a.nonce_used);
  if (!routed) return a;
  checked.insert(checked.end(), {clause::kGroupIdRequired, clause::kInstanceIdRequired, clause::kInstanceIdMax20, clause::kUndeclared,
                                 clause::kInstanceIdIndex});

  const auto* group_id = find(p, "ScalingGroupId");
  if (group_id == nullptr || group_id->empty())
    out.push_back(any_client_error(clause::kGroupIdRequired, 400, "MissingParameter",
                                   missing_parameter_message("ScalingGroupId"),
                                   group_id == nullptr ? "ScalingGroupId is missing" : "ScalingGroupId is empty"));
  const InstanceParams inst = instance_rules(p, out);
  undeclared_rules(p, out);
  const std::optional<RemovePolicy> policy = remove_policy_rule(p, out);
  if (group_id == nullptr || group_id->empty()) return a;
  const ScalingGroup* g = group_found_rule(w, p, *group_id, out);
  if (g == nullptr) return a;
  checked.insert(checked.end(), {clause::kGroupActive, clause::kNoActivityInProgress, clause::kInstanceNotFound,
                                 clause::kInstanceState, clause::kMinSize, clause::kCapacityCount});
  if (policy) checked.insert(checked.end(), {clause::kRemovePolicyValues, clause::kRemovePolicyRecycleGroup});
  if (!g->load_balancers.empty()) checked.push_back(clause::kLoadBalancerStatus);
  if (!g->db_instances.empty()) checked.push_back(clause::kDbInstanceStatus);
  group_rules(w, *g, inst, policy, out);
  if (inst.ids.empty()) return a;

  a.effects = Effects{g->id, inst.ids, policy.value_or(RemovePolicy::release)};
  a.success_clauses = success_clauses(w, *g, inst, policy.has_value());
  return a;
}

}  // namespace essconf::model::rules
