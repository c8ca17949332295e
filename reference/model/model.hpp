// The reference model of RemoveInstances: pure functions from a World and a
// request (as bytes on the wire) to what the documentation allows, and from a
// decision to the World after it. No I/O, no clock, no randomness: time,
// used nonces and new ids are passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::model {

// The outcomes the documentation allows for `request` against `world`, graded
// for `profile`, and the reference's own Decision. Every rule of the clause
// catalog whose oracle is "model" is decided here (rules.cpp has them in the
// reference's order of precedence, docs/ambiguities.md says why).
Expectation expect(const World& world, const wire::HttpRequest& request, Profile profile,
                   const Context& context);

// The reference's own answer alone: expect(...).reference under any profile,
// without the outcomes the other readings allow (what essconf serve needs).
Decision decide(const World& world, const wire::HttpRequest& request, const Context& context);

// The clause whose rule answers with this error code, for the codes of the
// documentation's error table; nullopt for any other code.
std::optional<std::string_view> documented_error_clause(std::string_view code) noexcept;

// Every parameter of the request as the model reads it: the query's pairs,
// then a form body's (POST with Content-Type application/x-www-form-urlencoded).
wire::ParamList request_params(const wire::HttpRequest& request);

// The World after a successful call with these effects: a new activity with
// `activity_id`, completed at once (ActivityCompletion Immediate: members
// gone, AutoCreated ones released or stopped) or left InProgress (Manual:
// members Removing).
World apply(const World& world, const Effects& effects, std::string_view activity_id);

// Finishes every InProgress activity (fixture protocol activities/complete):
// status Successful, and the effects of those that name InstanceIds applied.
// Returns the ids of the activities it completed, in World order.
std::vector<std::string> complete_activities(World& world);

// "YYYY-MM-DDThh:mm:ssZ" as Unix seconds, or nullopt for any other shape or
// an impossible date (rpc.timestamp).
std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;
// The same shape with 1 to 9 digits of fractional seconds before the Z
// ("2026-12-03T16:28:07.459Z", what aliyun-sdk's Date.toISOString() sends),
// the fraction dropped; nullopt for any other shape, the plain one included.
std::optional<std::int64_t> parse_fractional_timestamp(std::string_view text) noexcept;
std::string format_timestamp(std::int64_t unix_seconds);

}  // namespace essconf::model
