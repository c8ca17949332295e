// A valid RemoveInstances call on a generated World, and the parameter edits
// the mutations make to it. Internal to the property phase; draw only inside
// gen::exec (see draw.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/world.hpp"
#include "reference/wire/params.hpp"
#include "suite/runner/case.hpp"

namespace essconf::property {

inline constexpr std::string_view kVersion = "2014-08-28";

// The parts of a valid call, kept for mutations and descriptions.
struct Call {
  std::string group_id;
  std::size_t members = 0;
  std::int64_t min_size = 0;
  std::vector<std::string> ids;
  runner::RequestSpec spec;
};

// A valid call on group `gi` of `w` (or, when the group cannot accept one,
// the nearest thing: one member, or an id when it has none). Signed with a
// key of the World when its Auth.Mode is Signature.
Call valid_call(const model::World& w, int gi);

// What a valid call does, for a case's description.
std::string describe_valid(const Call& c);

// "GET query", "POST form", ...
std::string_view placement_name(const runner::RequestSpec& s);

// ---- editing parameters --------------------------------------------------------

std::vector<wire::Pair>::iterator find_param(std::vector<wire::Pair>& params, std::string_view name);
void set_param(std::vector<wire::Pair>& params, const std::string& name, std::string value);
void drop_param(std::vector<wire::Pair>& params, std::string_view name);
bool is_instance_param(const wire::Pair& p);

// Replaces every InstanceId.N by `named` (name, value) pairs, where the first one was.
void set_instance_params(std::vector<wire::Pair>& params, const std::vector<wire::Pair>& named);

// Replaces every InstanceId.N by InstanceId.1 to InstanceId.<ids.size()>.
void set_ids(std::vector<wire::Pair>& params, const std::vector<std::string>& ids);

}  // namespace essconf::property
