// Self-test faults: switches that make the reference server break exactly one
// clause each, so the suite can prove it catches deviations (`essconf serve
// --fault NAME`, listed by `--list-faults`). A server with no fault is the
// reference; the faults are one ServiceHook around the model.
#pragma once

#include <bitset>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/model.hpp"
#include "reference/server/service_hook.hpp"

namespace essconf::selftest {

enum class Fault {
  accept_21_ids,
  remove_policy_any_value,
  default_recycle,
  recycle_anywhere,
  wrong_action_accepted,
  release_attached,
  keep_auto_created,
  remove_extra,
  inactive_group_accepted,
  ignore_activity_in_progress,
  cooldown_blocks,
  activity_id_untracked,
  ignore_min_size,
  min_size_off_by_one,
  no_request_id,
  no_activity_id,
  xml_as_json,
  wrong_content_type,
  group_not_found_403,
  not_found_wrong_code,
  unauthorized_allowed,
  ignore_load_balancer,
  ignore_db,
  error_without_code,
  partial_removal,
  racy_min_size,
  group_not_found_500,
  flaky_throttling,
  post_form_ignored,
  skip_signature_check,
  ignore_timestamp,
  nonce_reuse,
  ignore_version,
  // signature canonicalization (rpc.signature)
  sig_sort_joined_pairs,
  sig_plus_for_space,
  sig_tilde_encoded,
  sig_star_literal,
  sig_slash_unencoded,
  sig_key_without_ampersand,
  sig_form_body_unsigned,
  sig_method_always_get,
  // form bodies (rpc.methods)
  form_first_param_only,
  form_last_param_dropped,
  form_query_ignored,
  form_body_ignored_with_query,
  form_only_instance_ids,
  // nonce bookkeeping (rpc.nonce)
  nonce_ignoring_case,
  nonce_per_signature,
  nonce_get_only,
  nonce_cache_of_two,
  nonce_burned_by_forgery,
  // exact id matching
  group_id_ignoring_case,
  group_id_prefix,
  instance_id_ignoring_case,
  instance_id_trimmed,
  instance_id_any_group,
  // XML escaping
  xml_unescaped,
  xml_double_escaped,
  // the target's own activities
  activity_not_recorded,
  activity_other_group,
  own_activity_ignored,
  // ids outside the BMP
  astral_dropped_group_id,
  astral_dropped_instance_id,
  astral_mangled_in_body,
  xml_escaped_json,
  xml_lt_unescaped,
  xml_entity_without_semicolon,
  activity_done_at_once,
  astral_high_surrogate_only,
  activity_id_from_history,
  astral_replaced_in_ids,
  reset_on_unknown_group,
  count_  // not a fault
};

struct FaultInfo {
  Fault fault;
  std::string_view name;    // the --fault spelling
  std::string_view clause;  // the one clause it breaks
  std::string_view what;    // what the faulty server does, for a person
};

const std::vector<FaultInfo>& fault_catalog();
std::optional<Fault> fault_named(std::string_view name);

using FaultSet = std::bitset<static_cast<std::size_t>(Fault::count_)>;

// A hook that applies every fault of `set` around the reference.
class FaultHook : public server::ServiceHook {
 public:
  explicit FaultHook(FaultSet set) : set_(set) {}
  bool has(Fault f) const { return set_.test(static_cast<std::size_t>(f)); }

  void before_model(model::World& world, wire::HttpRequest& request, model::Context& context) const override;
  void after_model(model::Decision& decision, const model::World& world, const wire::HttpRequest& request,
                   const model::Context& context, std::uint64_t call_number) const override;
  void before_effects(std::unique_lock<std::shared_mutex>& lock) const override;
  void after_apply(model::World& after, const model::World& before, const model::Decision& decision,
                   const wire::HttpRequest& request) const override;
  void before_render(server::RenderFields& fields, const model::Decision& decision,
                     const wire::HttpRequest& request) const override;
  void on_response(server::HttpResponse& response, const model::Decision& decision) const override;

 private:
  FaultSet set_;
  // The nonce faults' own bookkeeping (a faulty cache beside the reference's).
  mutable std::mutex nonce_mutex_;
  mutable std::set<std::string> nonces_lowercase_, nonces_by_signature_, burned_nonces_, own_activities_;
  mutable std::deque<std::string> recent_nonces_;
  mutable std::string history_activity_id_;
};

// The hooks for a set of faults: none for the empty set (the reference).
server::ServiceHooks fault_hooks(FaultSet set);
FaultSet fault_set(std::initializer_list<Fault> faults);

}  // namespace essconf::selftest
