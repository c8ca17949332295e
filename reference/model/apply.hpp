// The World after a decision: a successful call's effects, and the
// completion of activities left InProgress. Pure: new ids are passed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"

namespace essconf::model {

// The World after a successful call with these effects: a new activity with
// `activity_id`, completed at once (ActivityCompletion Immediate: members
// gone, AutoCreated ones released or stopped) or left InProgress (Manual:
// members Removing).
World apply(const World& world, const Effects& effects, std::string_view activity_id);

// Finishes every InProgress activity (fixture protocol activities/complete):
// status Successful, and the effects of those that name InstanceIds applied.
// Returns the ids of the activities it completed, in World order.
std::vector<std::string> complete_activities(World& world);

}  // namespace essconf::model
