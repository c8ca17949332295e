// Malformed requests: a valid call with one to three malformations drawn from
// a table (malform_mutations.cpp): bad encodings, 0 or 21+ ids, gaps,
// duplicates, empty and huge values, Unicode, missing and repeated
// parameters, wrong method, path or content type. Internal to the property
// phase; draw only inside gen::exec (see draw.hpp).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/world.hpp"
#include "suite/property/valid_call.hpp"
#include "suite/runner/case.hpp"

namespace essconf::property {

// What a malformation works on: the request it changes, and the World and
// valid call the request was made from.
struct MalformContext {
  runner::RequestSpec& spec;
  const model::World& world;
  const Call& base;
  std::string group_id;   // of the valid call
  std::string id;         // its first instance id ("i-x" when it has none)
  std::size_t instance_params;  // InstanceId.N parameters in `spec`
};

// One malformation. Every one applies to every call, and a malformed case is
// about one clause whatever it holds: robust.no-server-error.
struct MalformMutation {
  std::string_view name;                    // what it does
  int weight;                               // relative to the others
  std::string (*apply)(MalformContext&);    // does it; returns what it did, for the description
};

// Every malformation, in the order the draw weighs them.
std::span<const MalformMutation> malform_mutations();

// One malformation of `spec` (made from `base` on `w`), drawn by weight;
// returns what it did.
std::string malform(runner::RequestSpec& spec, const model::World& w, const Call& base);

// The same with the malformation given.
std::string malform_with(runner::RequestSpec& spec, const model::World& w, const Call& base, const MalformMutation& m);

// A valid call on a random group of `w` (kept in `base`) with one to three
// malformations, each left out when it would take the request over the size
// budget; `what` gets what each one did.
runner::RequestSpec malformed_request(const model::World& w, std::vector<std::string>& what, Call& base);

}  // namespace essconf::property
