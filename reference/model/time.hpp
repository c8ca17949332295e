// Timestamps as the RPC layer writes them (rpc.timestamp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace essconf::model {

// "YYYY-MM-DDThh:mm:ssZ" as Unix seconds, or nullopt for any other shape or
// an impossible date (rpc.timestamp).
std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;
// The same shape with 1 to 9 digits of fractional seconds before the Z
// ("2026-12-03T16:28:07.459Z", what aliyun-sdk's Date.toISOString() sends),
// the fraction dropped; nullopt for any other shape, the plain one included.
std::optional<std::int64_t> parse_fractional_timestamp(std::string_view text) noexcept;
std::string format_timestamp(std::int64_t unix_seconds);

}  // namespace essconf::model
