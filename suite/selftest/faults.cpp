// The faults: each a small, deliberate break of one clause. The reference
// (no fault) never reaches any of this code's branches.
#include "suite/selftest/faults.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "reference/model/clause_ids.hpp"
#include "reference/wire/params.hpp"

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
  };
  return catalog;
}

std::optional<Fault> fault_named(std::string_view name) {
  for (const auto& f : fault_catalog())
    if (f.name == name) return f.fault;
  return std::nullopt;
}

void FaultHook::before_model(model::World& w, wire::HttpRequest& req, model::Context& ctx) const {
  const auto params = model::request_params(req);
  if (has(Fault::post_form_ignored)) req.body.clear();
  if (has(Fault::wrong_action_accepted)) req = with_param(req, "Action", "RemoveInstances");
  if (has(Fault::ignore_version)) req = with_param(req, "Version", "2014-08-28");
  if (has(Fault::remove_policy_any_value))
    if (const auto* rp = param(params, "RemovePolicy"); rp && *rp != "release" && *rp != "recycle")
      req = with_param(req, "RemovePolicy", "release");
  if (has(Fault::default_recycle) && param(params, "RemovePolicy") == nullptr)
    if (const auto* g = param(params, "ScalingGroupId"); g && w.group(*g) && w.group(*g)->policy == model::ScalingPolicy::recycle)
      req = with_param(req, "RemovePolicy", "recycle");
  for (auto& g : w.groups) {
    if (has(Fault::ignore_min_size)) g.min_size = 0;
    if (has(Fault::inactive_group_accepted)) g.state = model::GroupState::active;
    if (has(Fault::recycle_anywhere)) g.policy = model::ScalingPolicy::recycle;
    if (has(Fault::ignore_load_balancer))
      for (auto& lb : g.load_balancers) lb.status = model::LoadBalancerStatus::active;
    if (has(Fault::ignore_db))
      for (auto& db : g.db_instances) db.status = "Running";
  }
  if (has(Fault::ignore_activity_in_progress))
    std::erase_if(w.activities, [](const model::Activity& a) { return a.status == model::ActivityStatus::in_progress; });
  if (has(Fault::unauthorized_allowed))
    for (auto& k : w.auth.keys) k.authorized = true;
  if (has(Fault::skip_signature_check)) {
    // Keep every other RPC check: only a signature that does not verify is let through.
    model::Decision probe = model::expect(w, req, model::Profile::strict, ctx).reference;
    if (probe.code == "SignatureDoesNotMatch") w.auth.mode = model::AuthMode::none;
  }
  if (has(Fault::ignore_timestamp))
    if (const auto* ts = param(params, "Timestamp"))
      if (auto t = model::parse_timestamp(*ts)) ctx.now = *t;
  if (has(Fault::nonce_reuse)) ctx.nonces = nullptr;
}

void FaultHook::after_model(model::Decision& d, const model::World& w, const wire::HttpRequest& req,
                            const model::Context&, std::uint64_t call_number) const {
  const auto params = model::request_params(req);
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
      reject(d, 400, "IncorrectCapacity.MinSize",
             "To remove the instances, the total capacity will be lesser than the MinSize.", clause::kMinSize);
    else if (has(Fault::cooldown_blocks) &&
             std::any_of(w.activities.begin(), w.activities.end(), [&](const model::Activity& a) { return a.group_id == g->id; }))
      reject(d, 400, "ScalingActivityInProgress",
             "You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity "
             "in progress for the specified scaling group.",
             clause::kCooldownIgnored);
    else if (has(Fault::remove_extra))
      for (const auto& m : g->members)
        if (std::find(d.effects.instance_ids.begin(), d.effects.instance_ids.end(), m.id) == d.effects.instance_ids.end()) {
          d.effects.instance_ids.push_back(m.id);
          break;
        }
  }
  if (has(Fault::group_not_found_403) && d.code == "InvalidScalingGroupId.NotFound") d.status = 403;
  if (has(Fault::group_not_found_500) && d.code == "InvalidScalingGroupId.NotFound")
    reject(d, 500, "InternalError", "The request processing has failed due to some unknown error.", clause::kNoServerError);
  if (has(Fault::not_found_wrong_code) && d.code == "InvalidInstanceId.NotFound") d.code = "InvalidInstanceId";
  if (has(Fault::flaky_throttling) && call_number % 3 == 2)
    reject(d, 400, "Throttling", "Request was denied due to request throttling.", clause::kDeterministic);
}

void FaultHook::after_apply(model::World& after, const model::World& before, const model::Decision& d,
                            const wire::HttpRequest& req) const {
  if (has(Fault::partial_removal) && d.code == "InvalidInstanceId.NotFound") {
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

void FaultHook::before_effects(std::unique_lock<std::mutex>& lock) const {
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
}

void FaultHook::on_response(server::HttpResponse& r, const model::Decision&) const {
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
