// The clause ids the model decides, as constants, so a typo is a compile
// error and catalog_test can check them against reference/clauses/catalog.json.
#pragma once

#include <array>
#include <string_view>

namespace essconf::model::clause {

using Id = std::string_view;

inline constexpr Id kInstanceIdRequired = "param.instance-id.required";
inline constexpr Id kInstanceIdMax20 = "param.instance-id.max-20";
inline constexpr Id kInstanceIdIndex = "param.instance-id.index";
inline constexpr Id kGroupIdRequired = "param.scaling-group-id.required";
inline constexpr Id kAction = "param.action";
inline constexpr Id kRemovePolicyValues = "param.remove-policy.values";
inline constexpr Id kRemovePolicyDefault = "param.remove-policy.default";
inline constexpr Id kRemovePolicyRecycleGroup = "param.remove-policy.recycle-group";
inline constexpr Id kFormat = "param.format";
inline constexpr Id kRegionId = "param.region-id";
inline constexpr Id kUndeclared = "param.undeclared";
inline constexpr Id kAutoCreatedReleased = "effect.auto-created.released";
inline constexpr Id kAttachedKept = "effect.attached.kept";
inline constexpr Id kRemovedExactly = "effect.removed-exactly";
inline constexpr Id kGroupActive = "group.state.active";
inline constexpr Id kNoActivityInProgress = "group.activity.none-in-progress";
inline constexpr Id kCooldownIgnored = "group.cooldown.ignored";
inline constexpr Id kActivityTrackable = "activity.trackable";
inline constexpr Id kMinSize = "capacity.min-size";
inline constexpr Id kCapacityCount = "capacity.count";
inline constexpr Id kInstanceState = "instance.lifecycle-state";
inline constexpr Id kRequestId = "response.request-id";
inline constexpr Id kActivityId = "response.activity-id";
inline constexpr Id kFormatXml = "response.format.xml";
inline constexpr Id kFormatJson = "response.format.json";
inline constexpr Id kFormatDefault = "response.format.default";
inline constexpr Id kGroupNotFound = "error.group-not-found";
inline constexpr Id kInstanceNotFound = "error.instance-not-found";
inline constexpr Id kUnauthorized = "error.unauthorized";
inline constexpr Id kLoadBalancerStatus = "error.load-balancer-status";
inline constexpr Id kDbInstanceStatus = "error.db-instance-status";
inline constexpr Id kErrorBody = "error.body";
inline constexpr Id kPrecedence = "error.precedence";
inline constexpr Id kStatusCodes = "error.status-codes";
inline constexpr Id kRejectedUnchanged = "atomic.rejected-unchanged";
inline constexpr Id kNoServerError = "robust.no-server-error";
inline constexpr Id kConcurrentMinSize = "atomic.concurrent-min-size";  // oracle "history"
inline constexpr Id kDeterministic = "robust.deterministic";            // oracle "replay"
inline constexpr Id kMethods = "rpc.methods";
inline constexpr Id kPath = "rpc.path";
inline constexpr Id kSignature = "rpc.signature";
inline constexpr Id kTimestamp = "rpc.timestamp";
inline constexpr Id kNonce = "rpc.nonce";
inline constexpr Id kVersion = "rpc.version";
inline constexpr Id kMalformed = "wire.malformed";
inline constexpr Id kDuplicateKey = "wire.duplicate-key";

// Every clause the model itself decides (catalog oracle "model").
inline constexpr std::array kDecidedByModel{
    kInstanceIdRequired, kInstanceIdMax20, kInstanceIdIndex, kGroupIdRequired, kAction,
    kRemovePolicyValues, kRemovePolicyDefault, kRemovePolicyRecycleGroup, kFormat, kRegionId, kUndeclared,
    kAutoCreatedReleased, kAttachedKept, kRemovedExactly, kGroupActive, kNoActivityInProgress,
    kCooldownIgnored, kActivityTrackable, kMinSize, kCapacityCount, kInstanceState,
    kRequestId, kActivityId, kFormatXml, kFormatJson, kFormatDefault,
    kGroupNotFound, kInstanceNotFound, kUnauthorized, kLoadBalancerStatus, kDbInstanceStatus,
    kErrorBody, kPrecedence, kStatusCodes, kRejectedUnchanged, kNoServerError,
    kMethods, kPath, kSignature, kTimestamp, kNonce, kVersion, kMalformed, kDuplicateKey};

}  // namespace essconf::model::clause
