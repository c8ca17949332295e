// Generated Worlds, and which of their groups can accept a valid call.
// Internal to the property phase; draw only inside gen::exec (see draw.hpp).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "reference/model/world.hpp"

namespace essconf::property {

// A World as gen_world documents it (generators.hpp).
model::World make_world();

// A member of a group, in any MemberState, either creation type.
model::Member gen_member(const std::string& id);

std::vector<std::string> removable_ids(const model::ScalingGroup& g);

// Up to three distinct members of `g`, as an InProgress activity names them.
std::vector<std::string> some_members(const model::ScalingGroup& g);

// Whether a group accepts a valid call: every rule of it holds, and the World
// has an authorized key when it asks for signatures.
bool can_accept(const model::World& w, const model::ScalingGroup& g);

// A group that accepts a valid call, or the one closest to it; -1 for none.
int choose_group(const model::World& w);

std::set<std::string> all_instance_ids(const model::World& w);

// Makes a group of the World accept a valid call (when the World has none)
// and returns its index.
std::size_t make_acceptable(model::World& w);

// A group of `w` that accepts a valid call (choose_group), made so
// (make_acceptable) if none does.
int acceptable_group(model::World& w);

}  // namespace essconf::property
