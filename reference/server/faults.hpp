// Self-test faults: switches that make the reference server break exactly one
// clause each, so the suite can prove it catches deviations (`essconf serve
// --fault NAME`, listed by `--list-faults`). A server with no fault is the
// reference; every fault is applied at one of four points around the model.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/model.hpp"
#include "reference/server/http_response.hpp"

namespace essconf::server {

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

// The four points where faults act on one RemoveInstances call.
struct FaultHooks {
  FaultSet set;

  bool has(Fault f) const { return set.test(static_cast<std::size_t>(f)); }

  // Before the model: the World, request and context the model will judge.
  void before_model(model::World& world, wire::HttpRequest& request, model::Context& context) const;
  // After the model: the decision the server will act on.
  void after_model(model::Decision& decision, const model::World& world, const wire::HttpRequest& request,
                   std::uint64_t call_number) const;
  // After apply (or instead of it, for a rejected call): the World the server keeps.
  void after_apply(model::World& after, const model::World& before, const model::Decision& decision,
                   const wire::HttpRequest& request) const;
  // Last: the response as it goes out.
  void on_response(HttpResponse& response, const model::Decision& decision) const;
};

}  // namespace essconf::server
