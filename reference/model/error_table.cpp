#include "reference/model/error_table.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"

namespace essconf::model {
namespace {

constexpr std::array<DocumentedError, 9> kTable{{
    {clause::kGroupNotFound, 404, "InvalidScalingGroupId.NotFound", "The specified scaling group does not exist.", {}},
    {clause::kInstanceNotFound, 404, "InvalidInstanceId.NotFound", "Instance \"{}\" does not exist.",
     "Instance \xE2\x80\x9C{}\xE2\x80\x9D does not exist."},
    {clause::kRemovePolicyRecycleGroup, 400, "InvalidParameter",
     "The specified group does not support the specified RemovePolicy.", {}, /*shared_code=*/true},
    {clause::kUnauthorized, 403, "Forbidden.Unauthorized",
     "A required authorization for the specified action is not supplied.", {}},
    {clause::kGroupActive, 400, "IncorrectScalingGroupStatus",
     "The current status of the specified scaling group does not support this action.", {}},
    {clause::kNoActivityInProgress, 400, "ScalingActivityInProgress",
     "You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity in "
     "progress for the specified scaling group.",
     {}},
    {clause::kLoadBalancerStatus, 400, "IncorrectLoadBalancerStatus",
     "The current status of the specified load balancer does not support this action.", {}},
    {clause::kDbInstanceStatus, 400, "IncorrectDBInstanceStatus",
     "The current status of DB instance \"{}\" does not support this action.", {}},
    {clause::kMinSize, 400, "IncorrectCapacity.MinSize",
     "To remove the instances, the total capacity will be lesser than the MinSize.", {}},
}};

// The gateway codes of rules.cpp's conventions that no other rule answers with.
struct GatewayCode {
  std::string_view code;
  std::string_view clause;
};
constexpr std::array<GatewayCode, 12> kGatewayCodes{{
    {"SignatureDoesNotMatch", clause::kSignature},
    {"InvalidSignature", clause::kSignature},
    {"InvalidSignatureMethod", clause::kSignature},
    {"InvalidSignatureVersion", clause::kSignature},
    {"InvalidAccessKeyId.NotFound", clause::kSignature},
    {"InvalidAccessKeyId", clause::kSignature},
    {"SignatureNonceUsed", clause::kNonce},
    {"InvalidSignatureNonce", clause::kNonce},
    {"InvalidTimeStamp.Expired", clause::kTimestamp},
    {"InvalidTimeStamp.Format", clause::kTimestamp},
    {"InvalidTimeStamp", clause::kTimestamp},
    {"NoSuchVersion", clause::kVersion},
}};

std::string with_id(std::string_view pattern, std::string_view id) {
  return pattern.find("{}") == std::string_view::npos ? std::string(pattern) : fmt::format(fmt::runtime(pattern), id);
}

}  // namespace

std::vector<std::string> DocumentedError::messages(std::string_view id) const {
  std::vector<std::string> out{with_id(message, id)};
  if (!other_spelling.empty()) out.push_back(with_id(other_spelling, id));
  return out;
}

std::span<const DocumentedError> documented_errors() noexcept { return kTable; }

const DocumentedError* documented_error(std::string_view clause) noexcept {
  const auto it = std::find_if(kTable.begin(), kTable.end(), [&](const DocumentedError& e) { return e.clause == clause; });
  return it == kTable.end() ? nullptr : &*it;
}

std::optional<std::string_view> documented_error_clause(std::string_view code) noexcept {
  for (const auto& e : kTable) {
    if (e.code == code && !e.shared_code) return e.clause;
  }
  return std::nullopt;
}

std::optional<std::string_view> gateway_error_clause(std::string_view code) noexcept {
  for (const auto& g : kGatewayCodes)
    if (g.code == code) return g.clause;
  return std::nullopt;
}

std::optional<std::string_view> refusal_rule_clause(std::string_view code) noexcept {
  if (auto c = documented_error_clause(code)) return c;
  return gateway_error_clause(code);
}

}  // namespace essconf::model
