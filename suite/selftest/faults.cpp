// The faults: each a small, deliberate break of one clause. The reference
// (no fault) never reaches any of this code's branches.
#include "suite/selftest/faults.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <thread>

#include "reference/model/clause_ids.hpp"
#include "reference/model/error_table.hpp"
#include "reference/wire/params.hpp"

#include <fmt/format.h>

namespace essconf::selftest {
namespace {

namespace clause = model::clause;

// The request with parameter `name` set to `value` (added to the query when
// absent). Other parameters keep their decoded values and their place.
wire::HttpRequest with_param(const wire::HttpRequest& req, std::string_view name, std::string_view value) {
  const auto params = model::request_params(req);
  std::vector<wire::Pair> query, body;
  bool replaced = false;
  for (const auto& p : params.params) {
    auto& to = p.origin == wire::Origin::query ? query : body;
    if (p.name == name) {
      if (replaced) continue;
      to.emplace_back(p.name, std::string(value));
      replaced = true;
    } else {
      to.emplace_back(p.name, p.value);
    }
  }
  if (!replaced) query.emplace_back(std::string(name), std::string(value));
  wire::HttpRequest out = req;
  out.target = std::string(req.path()) + "?" + wire::encode_pairs(query);
  if (!body.empty()) out.body = wire::encode_pairs(body);
  return out;
}

const std::string* param(const wire::ParamList& params, std::string_view name) {
  for (const auto& p : params.params)
    if (p.name == name) return &p.value;
  return nullptr;
}

bool decided_by(const model::Decision& d, std::string_view c) {
  return !d.success && std::find(d.clauses.begin(), d.clauses.end(), c) != d.clauses.end();
}

void reject(model::Decision& d, int status, std::string code, std::string message, std::string_view c) {
  d.success = false;
  d.status = status;
  d.code = std::move(code);
  d.message = std::move(message);
  d.clauses = {c};
}

// Refuses as the documentation's error table says for `row` (status, code,
// message), the decision traced to `c`.
void reject_as_documented(model::Decision& d, std::string_view row, std::string_view c) {
  const model::DocumentedError& e = *model::documented_error(row);
  reject(d, e.status, std::string(e.code), e.messages().front(), c);
}

// Whether `d` is the table's error of `row`.
bool answers(const model::Decision& d, std::string_view row) {
  return !d.success && d.code == model::documented_error(row)->code;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// `s` without its 4-byte UTF-8 sequences (code points outside the BMP).
std::string without_astral(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xF8) == 0xF0 && i + 3 < s.size() + 0) {
      i += 3;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

// The signature a hand-written canonicalization computes, with one of the
// signature faults of `hook` (the reference's wire::sign_v1 without any).
std::string faulty_signature(const FaultHook& hook, std::string_view method, const wire::ParamList& params,
                             std::string_view secret) {
  std::vector<wire::Pair> pairs;
  for (const auto& p : params.params)
    if (p.name != "Signature" && !(hook.has(Fault::sig_form_body_unsigned) && p.origin == wire::Origin::body))
      pairs.emplace_back(p.name, p.value);
  if (hook.has(Fault::sig_sort_joined_pairs))
    std::sort(pairs.begin(), pairs.end(), [](const wire::Pair& a, const wire::Pair& b) {
      return wire::percent_encode(a.first) + "=" + wire::percent_encode(a.second) <
             wire::percent_encode(b.first) + "=" + wire::percent_encode(b.second);
    });
  else
    std::sort(pairs.begin(), pairs.end());
  auto encode = [&](std::string_view v) {
    std::string e = wire::percent_encode(v);
    if (hook.has(Fault::sig_plus_for_space)) replace_all(e, "%20", "+");
    if (hook.has(Fault::sig_tilde_encoded)) replace_all(e, "~", "%7E");
    if (hook.has(Fault::sig_star_literal)) replace_all(e, "%2A", "*");
    return e;
  };
  std::string canonical;
  for (const auto& [n, v] : pairs) {
    if (!canonical.empty()) canonical += '&';
    canonical += encode(n) + "=" + encode(v);
  }
  std::string to_sign = hook.has(Fault::sig_method_always_get) ? "GET" : std::string(method);
  to_sign += hook.has(Fault::sig_slash_unencoded) ? "&/&" : "&%2F&";
  to_sign += encode(canonical);
  const std::string key = std::string(secret) + (hook.has(Fault::sig_key_without_ampersand) ? "" : "&");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), digest.data(), &len);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(std::max(n, 0)));
}

constexpr Fault kSignatureFaults[] = {Fault::sig_sort_joined_pairs, Fault::sig_plus_for_space,
                                      Fault::sig_tilde_encoded,      Fault::sig_star_literal,
                                      Fault::sig_slash_unencoded,    Fault::sig_key_without_ampersand,
                                      Fault::sig_form_body_unsigned, Fault::sig_method_always_get};

// A hand-written form parser's view of the parameters: which ones it keeps.
wire::HttpRequest faulty_form(const FaultHook& hook, const wire::HttpRequest& req) {
  const auto params = model::request_params(req);
  std::vector<wire::Pair> query, body;
  for (const auto& p : params.params) (p.origin == wire::Origin::query ? query : body).emplace_back(p.name, p.value);
  if (body.empty()) return req;
  if (hook.has(Fault::form_first_param_only)) body.resize(1);
  if (hook.has(Fault::form_last_param_dropped)) body.pop_back();
  if (hook.has(Fault::form_query_ignored)) query.clear();
  if (hook.has(Fault::form_body_ignored_with_query) && !query.empty()) body.clear();
  if (hook.has(Fault::form_only_instance_ids))
    std::erase_if(body, [](const wire::Pair& p) { return !p.first.starts_with("InstanceId."); });
  wire::HttpRequest out = req;
  out.target = std::string(req.path()) + (query.empty() ? "" : "?" + wire::encode_pairs(query));
  out.body = wire::encode_pairs(body);
  return out;
}

}  // namespace

const std::vector<FaultInfo>& fault_catalog() {
  static const std::vector<FaultInfo> catalog{
      {Fault::accept_21_ids, "accept-21-ids", clause::kInstanceIdMax20, "accepts more than 20 InstanceId.N and removes them all"},
      {Fault::remove_policy_any_value, "remove-policy-any-value", clause::kRemovePolicyValues, "treats an unknown RemovePolicy value as release"},
      {Fault::default_recycle, "default-recycle", clause::kRemovePolicyDefault, "without RemovePolicy, recycles on a recycle group instead of releasing"},
      {Fault::recycle_anywhere, "recycle-anywhere", clause::kRemovePolicyRecycleGroup, "accepts RemovePolicy=recycle on a release group"},
      {Fault::wrong_action_accepted, "wrong-action-accepted", clause::kAction, "serves RemoveInstances whatever the Action says"},
      {Fault::release_attached, "release-attached", clause::kAttachedKept, "releases removed Attached instances too"},
      {Fault::keep_auto_created, "keep-auto-created", clause::kAutoCreatedReleased, "keeps removed AutoCreated instances Running in ECS under release"},
      {Fault::remove_extra, "remove-extra", clause::kRemovedExactly, "removes one more member than named"},
      {Fault::inactive_group_accepted, "inactive-group-accepted", clause::kGroupActive, "accepts calls on Inactive and Deleting groups"},
      {Fault::ignore_activity_in_progress, "ignore-activity-in-progress", clause::kNoActivityInProgress, "starts a second activity while one is in progress"},
      {Fault::cooldown_blocks, "cooldown-blocks", clause::kCooldownIgnored, "refuses a group whose last activity just finished (ScalingActivityInProgress)"},
      {Fault::activity_id_untracked, "activity-id-untracked", clause::kActivityTrackable, "returns a ScalingActivityId that names no activity"},
      {Fault::ignore_min_size, "ignore-min-size", clause::kMinSize, "removes instances below MinSize"},
      {Fault::min_size_off_by_one, "min-size-off-by-one", clause::kMinSize, "refuses a removal that leaves exactly MinSize instances"},
      {Fault::no_request_id, "no-request-id", clause::kRequestId, "leaves RequestId out of every body"},
      {Fault::no_activity_id, "no-activity-id", clause::kActivityId, "leaves ScalingActivityId out of success bodies"},
      {Fault::xml_as_json, "xml-as-json", clause::kFormatXml, "answers Format=XML with a JSON body"},
      {Fault::wrong_content_type, "wrong-content-type", clause::kFormatJson, "labels JSON bodies text/html"},
      {Fault::group_not_found_403, "group-not-found-403", clause::kGroupNotFound, "answers an unknown group with 403"},
      {Fault::not_found_wrong_code, "not-found-wrong-code", clause::kInstanceNotFound, "answers a non-member with code InvalidInstanceId"},
      {Fault::unauthorized_allowed, "unauthorized-allowed", clause::kUnauthorized, "lets keys with Authorized false call RemoveInstances"},
      {Fault::ignore_load_balancer, "ignore-load-balancer", clause::kLoadBalancerStatus, "ignores inactive load balancers"},
      {Fault::ignore_db, "ignore-db", clause::kDbInstanceStatus, "ignores databases that are not Running"},
      {Fault::error_without_code, "error-without-code", clause::kErrorBody, "leaves Code out of error bodies"},
      {Fault::partial_removal, "partial-removal", clause::kRejectedUnchanged, "removes the named members before refusing an unknown instance"},
      {Fault::racy_min_size, "racy-min-size", clause::kConcurrentMinSize, "checks MinSize, waits 20 ms, then removes without checking again"},
      {Fault::group_not_found_500, "group-not-found-500", clause::kNoServerError, "answers an unknown group with 500 InternalError"},
      {Fault::flaky_throttling, "flaky-throttling", clause::kDeterministic, "answers every third call with 400 Throttling"},
      {Fault::post_form_ignored, "post-form-ignored", clause::kMethods, "ignores parameters sent in a POST form body"},
      {Fault::skip_signature_check, "skip-signature-check", clause::kSignature, "accepts any Signature"},
      {Fault::ignore_timestamp, "ignore-timestamp", clause::kTimestamp, "accepts any Timestamp skew"},
      {Fault::nonce_reuse, "nonce-reuse", clause::kNonce, "accepts a replayed SignatureNonce"},
      {Fault::ignore_version, "ignore-version", clause::kVersion, "serves any Version"},
      {Fault::sig_sort_joined_pairs, "sig-sort-joined-pairs", clause::kSignature, "sorts the joined name=value strings (InstanceId.10= before InstanceId.1=)"},
      {Fault::sig_plus_for_space, "sig-plus-for-space", clause::kSignature, "encodes a space as + (not %20) in the string to sign"},
      {Fault::sig_tilde_encoded, "sig-tilde-encoded", clause::kSignature, "encodes ~ as %7E in the string to sign"},
      {Fault::sig_star_literal, "sig-star-literal", clause::kSignature, "leaves * unencoded (not %2A) in the string to sign"},
      {Fault::sig_slash_unencoded, "sig-slash-unencoded", clause::kSignature, "signs METHOD&/&... instead of METHOD&%2F&..."},
      {Fault::sig_key_without_ampersand, "sig-key-without-ampersand", clause::kSignature, "uses the secret without the trailing & as the HMAC key"},
      {Fault::sig_form_body_unsigned, "sig-form-body-unsigned", clause::kSignature, "leaves form-body parameters out of the string to sign"},
      {Fault::sig_method_always_get, "sig-method-always-get", clause::kSignature, "signs with GET whatever the request's method"},
      {Fault::form_first_param_only, "form-first-param-only", clause::kMethods, "reads only the first parameter of a form body"},
      {Fault::form_last_param_dropped, "form-last-param-dropped", clause::kMethods, "drops the last parameter of a form body"},
      {Fault::form_query_ignored, "form-query-ignored", clause::kMethods, "ignores the query of a POST that has a form body"},
      {Fault::form_body_ignored_with_query, "form-body-ignored-with-query", clause::kMethods, "ignores the form body when the query has parameters"},
      {Fault::form_only_instance_ids, "form-only-instance-ids", clause::kMethods, "takes only InstanceId.N from a form body"},
      {Fault::nonce_ignoring_case, "nonce-ignoring-case", clause::kNonce, "compares nonces ignoring case: refuses a fresh nonce that differs from a used one in case"},
      {Fault::nonce_per_signature, "nonce-per-signature", clause::kNonce, "remembers a nonce with its Signature: the nonce with another request is accepted"},
      {Fault::nonce_get_only, "nonce-get-only", clause::kNonce, "checks nonces on GET only: a replayed POST is accepted"},
      {Fault::nonce_cache_of_two, "nonce-cache-of-two", clause::kNonce, "remembers only the last two nonces that succeeded"},
      {Fault::nonce_burned_by_forgery, "nonce-burned-by-forgery", clause::kNonce, "counts the nonce of a request whose signature did not verify as used"},
      {Fault::group_id_ignoring_case, "group-id-ignoring-case", clause::kGroupNotFound, "finds a scaling group whatever the case of its id"},
      {Fault::group_id_prefix, "group-id-prefix", clause::kGroupNotFound, "finds a scaling group by a prefix of its id"},
      {Fault::instance_id_ignoring_case, "instance-id-ignoring-case", clause::kInstanceNotFound, "finds a member whatever the case of its id"},
      {Fault::instance_id_trimmed, "instance-id-trimmed", clause::kInstanceNotFound, "trims spaces around an InstanceId before looking it up"},
      {Fault::instance_id_any_group, "instance-id-any-group", clause::kInstanceNotFound, "removes a member of another group named in InstanceId.N"},
      {Fault::xml_unescaped, "xml-unescaped", clause::kErrorBody, "writes &, < and quotes unescaped in XML bodies"},
      {Fault::xml_double_escaped, "xml-double-escaped", clause::kInstanceNotFound, "escapes the entities of XML bodies twice (&amp;lt;)"},
      {Fault::activity_not_recorded, "activity-not-recorded", clause::kActivityTrackable, "returns a new ScalingActivityId but keeps no such activity"},
      {Fault::activity_other_group, "activity-other-group", clause::kActivityTrackable, "records the new activity under another scaling group"},
      {Fault::own_activity_ignored, "own-activity-ignored", clause::kNoActivityInProgress, "ignores the in-progress activities it started itself (only a loaded World's count)"},
      {Fault::astral_dropped_group_id, "astral-dropped-group-id", clause::kGroupNotFound, "drops characters outside the BMP from ScalingGroupId before looking it up"},
      {Fault::astral_dropped_instance_id, "astral-dropped-instance-id", clause::kInstanceNotFound, "drops characters outside the BMP from InstanceId.N before looking it up"},
      {Fault::astral_mangled_in_body, "astral-mangled-in-body", clause::kInstanceNotFound, "writes characters outside the BMP as ? in response bodies"},
      {Fault::xml_escaped_json, "xml-escaped-json", clause::kInstanceNotFound, "escapes JSON messages as XML (&quot; for a quote)"},
      {Fault::xml_lt_unescaped, "xml-lt-unescaped", clause::kErrorBody, "escapes & but not < in XML bodies"},
      {Fault::xml_entity_without_semicolon, "xml-entity-without-semicolon", clause::kInstanceNotFound, "writes &amp without its semicolon in XML bodies"},
      {Fault::activity_done_at_once, "activity-done-at-once", clause::kActivityTrackable, "records its new activity as Successful even under Manual completion"},
      {Fault::astral_high_surrogate_only, "astral-high-surrogate-only", clause::kInstanceNotFound, "writes a character outside the BMP in JSON as its high surrogate escape alone"},
      {Fault::activity_id_from_history, "activity-id-from-history", clause::kActivityTrackable, "answers with the id of the group's latest earlier activity, not the new one"},
      {Fault::astral_replaced_in_ids, "astral-replaced-in-ids", clause::kInstanceNotFound, "reads InstanceId.N as UCS-2: a character outside the BMP becomes U+FFFD"},
      {Fault::reset_on_unknown_group, "reset-on-unknown-group", clause::kNoServerError,
       "closes the connection without an answer on an unknown group, as a handler that crashes does"},
  };
  return catalog;
}

std::optional<Fault> fault_named(std::string_view name) {
  for (const auto& f : fault_catalog())
    if (f.name == name) return f.fault;
  return std::nullopt;
}

namespace {

// Ids the faulty server matches too loosely: a group id by case, by prefix or
// without its astral characters.
void misread_group_id(const FaultHook& f, const wire::ParamList& params, const model::World& w, wire::HttpRequest& req) {
  const auto* gid = param(params, "ScalingGroupId");
  if (gid == nullptr || gid->empty() || w.group(*gid) != nullptr) return;
  for (const auto& g : w.groups)
    if ((f.has(Fault::group_id_ignoring_case) && lowercase(g.id) == lowercase(*gid)) ||
        (f.has(Fault::group_id_prefix) && g.id.starts_with(*gid)) ||
        (f.has(Fault::astral_dropped_group_id) && without_astral(*gid) == g.id)) {
      req = with_param(req, "ScalingGroupId", g.id);
      return;
    }
}

std::string trimmed(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

// Instance ids matched by case, trimmed or without astral characters; or a
// member of another group taken as one of this group.
void misread_instance_ids(const FaultHook& f, model::World& w, wire::HttpRequest& req) {
  if (!f.has(Fault::instance_id_ignoring_case) && !f.has(Fault::instance_id_trimmed) &&
      !f.has(Fault::instance_id_any_group) && !f.has(Fault::astral_dropped_instance_id))
    return;
  const auto now = model::request_params(req);
  const auto* gid = param(now, "ScalingGroupId");
  model::ScalingGroup* g = gid ? w.group(*gid) : nullptr;
  if (g == nullptr) return;
  for (const auto& p : now.params) {
    if (!p.name.starts_with("InstanceId.") || g->member(p.value) != nullptr) continue;
    for (const auto& m : g->members)
      if ((f.has(Fault::instance_id_ignoring_case) && lowercase(m.id) == lowercase(p.value)) ||
          (f.has(Fault::instance_id_trimmed) && trimmed(p.value) == m.id) ||
          (f.has(Fault::astral_dropped_instance_id) && without_astral(p.value) == m.id)) {
        req = with_param(req, p.name, m.id);
        break;
      }
    if (f.has(Fault::instance_id_any_group))
      for (const auto& other : w.groups)
        if (const model::Member* m = other.id != g->id ? other.member(p.value) : nullptr) {
          g->members.push_back(*m);
          break;
        }
  }
}

// Each astral character of an instance id replaced by U+FFFD.
void replace_astral_in_ids(wire::HttpRequest& req) {
  for (const auto& p : model::request_params(req).params) {
    if (!p.name.starts_with("InstanceId.") || without_astral(p.value) == p.value) continue;
    std::string v;
    for (std::size_t i = 0; i < p.value.size(); ++i) {
      if ((static_cast<unsigned char>(p.value[i]) & 0xF8) == 0xF0 && i + 3 < p.value.size()) {
        v += "\xEF\xBF\xBD";
        i += 3;
      } else {
        v.push_back(p.value[i]);
      }
    }
    req = with_param(req, p.name, v);
  }
}

// Parameters the faulty server reads as something else.
void rewrite_params(const FaultHook& f, const wire::ParamList& params, const model::World& w, wire::HttpRequest& req) {
  if (f.has(Fault::post_form_ignored)) req.body.clear();
  if (f.has(Fault::wrong_action_accepted)) req = with_param(req, "Action", "RemoveInstances");
  if (f.has(Fault::ignore_version)) req = with_param(req, "Version", "2014-08-28");
  if (f.has(Fault::remove_policy_any_value))
    if (const auto* rp = param(params, "RemovePolicy"); rp && *rp != "release" && *rp != "recycle")
      req = with_param(req, "RemovePolicy", "release");
  if (f.has(Fault::default_recycle) && param(params, "RemovePolicy") == nullptr)
    if (const auto* g = param(params, "ScalingGroupId"); g && w.group(*g) && w.group(*g)->policy == model::ScalingPolicy::recycle)
      req = with_param(req, "RemovePolicy", "recycle");
}

// State the faulty server does not look at, made harmless in its World.
void ignore_state(const FaultHook& f, model::World& w) {
  for (auto& g : w.groups) {
    if (f.has(Fault::ignore_min_size)) g.min_size = 0;
    if (f.has(Fault::inactive_group_accepted)) g.state = model::GroupState::active;
    if (f.has(Fault::recycle_anywhere)) g.policy = model::ScalingPolicy::recycle;
    if (f.has(Fault::ignore_load_balancer))
      for (auto& lb : g.load_balancers) lb.status = model::LoadBalancerStatus::active;
    if (f.has(Fault::ignore_db))
      for (auto& db : g.db_instances) db.status = "Running";
  }
  if (f.has(Fault::ignore_activity_in_progress))
    std::erase_if(w.activities, [](const model::Activity& a) { return a.status == model::ActivityStatus::in_progress; });
  if (f.has(Fault::unauthorized_allowed))
    for (auto& k : w.auth.keys) k.authorized = true;
}

// RPC checks the faulty server skips: signatures, timestamps, nonces.
void skip_rpc_checks(const FaultHook& f, const wire::ParamList& params, model::World& w, const wire::HttpRequest& req,
                     model::Context& ctx) {
  if (f.has(Fault::skip_signature_check)) {
    // Keep every other RPC check: only a signature that does not verify is let through.
    model::Decision probe = model::expect(w, req, model::Profile::strict, ctx).reference;
    if (probe.code == "SignatureDoesNotMatch") w.auth.mode = model::AuthMode::none;
  }
  if (f.has(Fault::ignore_timestamp)) {
    const auto* ts = param(params, "Timestamp");  // V1, else V3's x-acs-date
    const std::string header(req.header("x-acs-date"));
    if (auto t = model::parse_timestamp(ts != nullptr ? *ts : header)) ctx.now = *t;
  }
  if (f.has(Fault::nonce_reuse)) ctx.nonces = nullptr;
}

}  // namespace

void FaultHook::before_model(model::World& w, wire::HttpRequest& req, model::Context& ctx) const {
  if (has(Fault::form_first_param_only) || has(Fault::form_last_param_dropped) || has(Fault::form_query_ignored) ||
      has(Fault::form_body_ignored_with_query) || has(Fault::form_only_instance_ids))
    req = faulty_form(*this, req);
  const auto params = model::request_params(req);
  misread_group_id(*this, params, w, req);
  misread_instance_ids(*this, w, req);
  if (has(Fault::astral_replaced_in_ids)) replace_astral_in_ids(req);
  if (has(Fault::own_activity_ignored)) {
    std::lock_guard lock(nonce_mutex_);
    std::erase_if(w.activities, [&](const model::Activity& a) {
      return a.status == model::ActivityStatus::in_progress && own_activities_.count(a.id) != 0;
    });
  }
  if (const auto* nonce = param(params, "SignatureNonce"); nonce && ctx.nonces && ctx.nonces->seen(*nonce)) {
    std::lock_guard lock(nonce_mutex_);
    const auto* sig = param(params, "Signature");
    if (has(Fault::nonce_per_signature) && sig && nonces_by_signature_.count(*nonce + "\n" + *sig) == 0) ctx.nonces = nullptr;
    if (has(Fault::nonce_get_only) && req.method != "GET") ctx.nonces = nullptr;
    if (has(Fault::nonce_cache_of_two) && std::find(recent_nonces_.begin(), recent_nonces_.end(), *nonce) == recent_nonces_.end())
      ctx.nonces = nullptr;
  }
  rewrite_params(*this, params, w, req);
  ignore_state(*this, w);
  skip_rpc_checks(*this, params, w, req, ctx);
}

void FaultHook::after_model(model::Decision& d, const model::World& w, const wire::HttpRequest& req,
                            const model::Context&, std::uint64_t call_number) const {
  const auto params = model::request_params(req);
  if (w.auth.mode == model::AuthMode::signature && d.code != "SignatureDoesNotMatch" &&
      std::any_of(std::begin(kSignatureFaults), std::end(kSignatureFaults), [&](Fault f) { return has(f); })) {
    const auto* sig = param(params, "Signature");
    const auto* key_id = param(params, "AccessKeyId");
    const model::AccessKey* key = key_id ? w.access_key(*key_id) : nullptr;
    if (sig && key && faulty_signature(*this, req.method, params, key->secret) != *sig) {
      reject(d, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", clause::kSignature);
      d.nonce_used.reset();
    }
  }
  if (const auto* nonce = param(params, "SignatureNonce"); nonce && w.auth.mode == model::AuthMode::signature) {
    std::lock_guard lock(nonce_mutex_);
    const auto* sig = param(params, "Signature");
    auto refuse = [&] {
      reject(d, 400, "SignatureNonceUsed", "Specified signature nonce was used already.", clause::kNonce);
    };
    if (has(Fault::nonce_burned_by_forgery)) {
      if (d.code == "SignatureDoesNotMatch") burned_nonces_.insert(*nonce);
      else if (d.success && burned_nonces_.count(*nonce)) refuse();
    }
    if (has(Fault::nonce_ignoring_case) && d.success) {
      if (nonces_lowercase_.count(lowercase(*nonce))) refuse();
      else nonces_lowercase_.insert(lowercase(*nonce));
    }
    if (has(Fault::nonce_per_signature) && d.nonce_used && sig) nonces_by_signature_.insert(*nonce + "\n" + *sig);
    if (has(Fault::nonce_cache_of_two) && d.success && d.nonce_used) {
      recent_nonces_.push_back(*nonce);
      if (recent_nonces_.size() > 2) recent_nonces_.pop_front();
    }
  }
  if (has(Fault::accept_21_ids) && decided_by(d, clause::kInstanceIdMax20)) {
    const auto* gid = param(params, "ScalingGroupId");
    if (const model::ScalingGroup* g = gid ? w.group(*gid) : nullptr) {
      d.success = true;
      d.status = 200;
      d.code.clear();
      d.message.clear();
      d.effects = {};
      d.effects.group_id = g->id;
      for (const auto& p : params.params)
        if (p.name.starts_with("InstanceId.") && g->member(p.value)) d.effects.instance_ids.push_back(p.value);
      d.clauses = {clause::kInstanceIdMax20};
    }
  }
  if (d.success && (has(Fault::min_size_off_by_one) || has(Fault::cooldown_blocks) || has(Fault::remove_extra))) {
    const model::ScalingGroup* g = w.group(d.effects.group_id);
    const auto left = static_cast<std::int64_t>(g->members.size() - d.effects.instance_ids.size());
    if (has(Fault::min_size_off_by_one) && left == g->min_size)
      reject_as_documented(d, clause::kMinSize, clause::kMinSize);
    else if (has(Fault::cooldown_blocks) &&
             std::any_of(w.activities.begin(), w.activities.end(), [&](const model::Activity& a) { return a.group_id == g->id; }))
      reject_as_documented(d, clause::kNoActivityInProgress, clause::kCooldownIgnored);
    else if (has(Fault::remove_extra))
      for (const auto& m : g->members)
        if (std::find(d.effects.instance_ids.begin(), d.effects.instance_ids.end(), m.id) == d.effects.instance_ids.end()) {
          d.effects.instance_ids.push_back(m.id);
          break;
        }
  }
  if (has(Fault::group_not_found_403) && answers(d, clause::kGroupNotFound)) d.status = 403;
  if (has(Fault::group_not_found_500) && answers(d, clause::kGroupNotFound))
    reject(d, 500, "InternalError", "The request processing has failed due to some unknown error.", clause::kNoServerError);
  if (has(Fault::not_found_wrong_code) && answers(d, clause::kInstanceNotFound)) d.code = "InvalidInstanceId";
  if (has(Fault::flaky_throttling) && call_number % 3 == 2)
    reject(d, 400, "Throttling", "Request was denied due to request throttling.", clause::kDeterministic);
}

void FaultHook::after_apply(model::World& after, const model::World& before, const model::Decision& d,
                            const wire::HttpRequest& req) const {
  if (has(Fault::partial_removal) && answers(d, clause::kInstanceNotFound)) {
    const auto params = model::request_params(req);
    const auto* gid = param(params, "ScalingGroupId");
    if (model::ScalingGroup* g = gid ? after.group(*gid) : nullptr) {
      for (const auto& p : params.params) {
        if (!p.name.starts_with("InstanceId.")) continue;
        if (g->member(p.value) == nullptr) break;  // stops at the first unknown one, as a loop would
        std::erase_if(g->members, [&](const model::Member& m) { return m.id == p.value; });
      }
    }
  }
  if (!d.success) return;
  if (has(Fault::instance_id_any_group))
    for (auto& other : after.groups)
      if (other.id != d.effects.group_id)
        std::erase_if(other.members, [&](const model::Member& m) {
          return std::find(d.effects.instance_ids.begin(), d.effects.instance_ids.end(), m.id) != d.effects.instance_ids.end();
        });
  auto is_new = [&](const model::Activity& a) {
    return std::none_of(before.activities.begin(), before.activities.end(),
                        [&](const model::Activity& b) { return b.id == a.id; });
  };
  if (has(Fault::own_activity_ignored)) {
    std::lock_guard lock(nonce_mutex_);
    for (const auto& a : after.activities)
      if (is_new(a)) own_activities_.insert(a.id);
  }
  if (has(Fault::activity_id_from_history)) {
    std::lock_guard lock(nonce_mutex_);
    history_activity_id_.clear();
    for (const auto& a : before.activities)
      if (a.group_id == d.effects.group_id) history_activity_id_ = a.id;
  }
  if (has(Fault::activity_not_recorded)) std::erase_if(after.activities, is_new);
  if (has(Fault::activity_done_at_once))
    for (auto& a : after.activities)
      if (is_new(a)) a.status = model::ActivityStatus::successful;
  if (has(Fault::activity_other_group))
    for (auto& a : after.activities)
      if (is_new(a))
        for (const auto& other : after.groups)
          if (other.id != a.group_id) {
            a.group_id = other.id;
            break;
          }
  const model::ScalingGroup* g = before.group(d.effects.group_id);
  for (const auto& id : d.effects.instance_ids) {
    const model::Member* m = g ? g->member(id) : nullptr;
    if (m == nullptr) continue;
    if (has(Fault::release_attached) && m->creation == model::CreationType::attached)
      std::erase_if(after.ecs, [&](const model::EcsInstance& e) { return e.id == id; });
    if (has(Fault::keep_auto_created) && m->creation == model::CreationType::auto_created &&
        after.ecs_instance(id) == nullptr)
      after.ecs.push_back({id, model::EcsStatus::running});
  }
}

void FaultHook::before_effects(std::unique_lock<std::shared_mutex>& lock) const {
  if (has(Fault::racy_min_size)) {
    // The fault: decide, let go of the state, come back and act on a stale decision.
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    lock.lock();
  }
}

void FaultHook::before_render(server::RenderFields& f, const model::Decision&, const wire::HttpRequest&) const {
  if (has(Fault::xml_as_json)) f.format = wire::Format::json;
  if (has(Fault::no_request_id)) f.request_id.clear();
  if (has(Fault::no_activity_id)) f.activity_id.clear();
  if (has(Fault::activity_id_untracked) && !f.activity_id.empty()) f.activity_id += "-untracked";
  if (has(Fault::error_without_code)) f.code.clear();
  if (has(Fault::activity_id_from_history) && !f.activity_id.empty()) {
    std::lock_guard lock(nonce_mutex_);
    if (!history_activity_id_.empty()) f.activity_id = history_activity_id_;
  }
}

void FaultHook::on_response(server::HttpResponse& r, const model::Decision& d) const {
  if (has(Fault::reset_on_unknown_group) && answers(d, clause::kGroupNotFound)) r.drop = true;
  if (!r.body.empty() && r.body.front() == '<') {
    if (has(Fault::xml_unescaped))
      for (auto [from, to] : {std::pair{"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
        replace_all(r.body, from, to);
    if (has(Fault::xml_double_escaped)) replace_all(r.body, "&", "&amp;");
  }
  const bool json = !r.body.empty() && r.body.front() == '{';
  if (has(Fault::xml_escaped_json) && json) replace_all(r.body, "\\\"", "&quot;");
  if (!r.body.empty() && r.body.front() == '<') {
    if (has(Fault::xml_lt_unescaped)) replace_all(r.body, "&lt;", "<");
    if (has(Fault::xml_entity_without_semicolon)) replace_all(r.body, "&amp;", "&amp");
  }
  if (has(Fault::astral_high_surrogate_only)) {
    std::string out;
    for (std::size_t i = 0; i < r.body.size(); ++i) {
      const auto b = [&](std::size_t k) { return static_cast<unsigned char>(r.body[i + k]); };
      if ((b(0) & 0xF8) == 0xF0 && i + 3 < r.body.size()) {
        const std::uint32_t cp = ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
        const std::uint32_t hi = 0xD800 + ((cp - 0x10000) >> 10);
        if (has(Fault::astral_high_surrogate_only) && json) {
          out += fmt::format("\\u{:04x}", hi);
        } else {
          out.append(r.body, i, 4);
        }
        i += 3;
        continue;
      }
      out.push_back(r.body[i]);
    }
    r.body = std::move(out);
  }
  if (has(Fault::astral_mangled_in_body)) {
    std::string out;
    for (std::size_t i = 0; i < r.body.size(); ++i) {
      if ((static_cast<unsigned char>(r.body[i]) & 0xF8) == 0xF0 && i + 3 < r.body.size()) {
        out.push_back('?');
        i += 3;
        continue;
      }
      out.push_back(r.body[i]);
    }
    r.body = std::move(out);
  }
  if (has(Fault::wrong_content_type))
    for (auto& h : r.headers)
      if (h.name == "Content-Type" && h.value.find("json") != std::string::npos) h.value = "text/html";
}

server::ServiceHooks fault_hooks(FaultSet set) {
  if (set.none()) return {};
  return {std::make_shared<const FaultHook>(set)};
}

FaultSet fault_set(std::initializer_list<Fault> faults) {
  FaultSet s;
  for (auto f : faults) s.set(static_cast<std::size_t>(f));
  return s;
}

}  // namespace essconf::selftest
