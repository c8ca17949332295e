// Near-valid requests: a valid call with exactly one rule broken, drawn from a
// table of mutations (near_valid_mutations.cpp), each labelled with the clause
// of the rule it breaks. Internal to the property phase; draw only inside
// gen::exec (see draw.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/world.hpp"
#include "suite/property/valid_call.hpp"
#include "suite/runner/case.hpp"

namespace essconf::property {

struct NearValid {
  model::World world;  // the World the case runs on (changed by World mutations)
  runner::RequestSpec spec;
  std::string clause;  // the broken rule's
  std::string what;    // for the description
  bool world_changed = false;
};

// What a mutation works on: the World and the valid call it breaks, and the
// NearValid it writes.
struct NearValidContext {
  const model::World& world;           // as generated
  const model::ScalingGroup* group;    // the group of the valid call; null when the World has none
  const Call& base;                    // the valid call
  bool signature;                      // the call is signed
  std::vector<std::string> removable;  // removable members of `group`
  std::int64_t members;                // members of `group`
  std::int64_t need;                   // naming this many removable members breaks MinSize
  bool has_unauthorized;               // the World has a key not authorized to call
  NearValid& out;
  model::ScalingGroup* out_group;  // `group` in out.world, for World mutations
};

// One way to break one rule.
struct NearValidMutation {
  std::string_view name;                         // what it does
  std::string_view clause;                       // the rule it breaks
  int weight;                                    // relative to the others that apply
  bool changes_world;                            // a World mutation: only gen_case, which returns the World, uses these
  bool (*applies)(const NearValidContext&);      // whether it can break its rule here
  void (*apply)(NearValidContext&);              // breaks it; sets out.what (and out.world, out_group)
};

// Every near-valid mutation, in the order the draw weighs them.
std::span<const NearValidMutation> near_valid_mutations();

// A valid call on group `gi` of `w` (-1: none) broken by one mutation drawn,
// by weight, among those that apply (World mutations only if `allow_world`).
NearValid near_valid(const model::World& w, int gi, bool allow_world);

// A valid call on group `gi` of `w` broken by `m`; nullopt when `m` does not
// apply to it. For tests of the table.
std::optional<NearValid> near_valid_with(const model::World& w, int gi, const NearValidMutation& m);

}  // namespace essconf::property
