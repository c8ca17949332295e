// RapidCheck generators of Worlds and RemoveInstances requests, for the
// property phase. A generated case is a runner::Case, so it runs through the
// same client, fixture driver and checker as the catalog, and a shrunk
// counterexample prints as a case file (runner::case_to_json).
#pragma once

#include <string>

#include <rapidcheck.h>

#include "reference/model/world.hpp"
#include "suite/runner/case.hpp"

namespace essconf::property {

// Worlds: one to three groups (every LifecycleState and ScalingPolicy),
// sizes around MinSize (MinSize from 0 to members + 1), AutoCreated and
// Attached members in every MemberState, ECS instances in no group (Running
// and Stopped), activities in every StatusCode (an InProgress one now and
// then, with or without InstanceIds), load balancers and databases in every
// state, Auth None or Signature with authorized and unauthorized keys, and
// Immediate or Manual completion. Ids mix realistic shapes
// ("asg-bp18p2yfxow2dloq0000", "i-bp109k5j3dum1ce60000") and arbitrary ones
// (legacy shapes, Unicode, very long). Always valid (model::parse_world of
// model::to_json accepts it).
rc::Gen<model::World> gen_world();

// What kind of request a generated case sends.
enum class RequestKind {
  valid,       // every rule holds for the World (the model's reference accepts)
  near_valid,  // a valid request with exactly one rule broken; Case::clauses names that rule's clause
  malformed,   // bad encodings, 0 or 21+ ids, gaps, duplicates, empty and huge values, Unicode,
               // missing and repeated parameters, wrong method or content type
};

std::string_view name(RequestKind k) noexcept;

// A request for `world` of the given kind. Valid and near-valid requests are
// built from the World's real groups and members; signed (with a World key,
// fresh nonce) when the World's Auth.Mode is Signature, except when the one
// broken rule is a signature rule. Placement (query, form, split), Format
// (XML, JSON, json, omitted) and RemovePolicy vary.
rc::Gen<runner::RequestSpec> gen_request(const model::World& world, RequestKind kind);

// A whole case: a World and a request of a kind drawn 40% valid, 40%
// near-valid, 20% malformed. Its id is "property.<kind>", its clauses name
// what it is about (near-valid: the broken rule's clause; valid:
// "effect.removed-exactly"; malformed: "robust.no-server-error"), and its
// description says, in one sentence, what was generated.
rc::Gen<runner::Case> gen_case();

// A case the model refuses in its own World: near-valid or malformed, in the
// same 2 to 1 proportion. What essconf probe generates (docs/probe.md).
rc::Gen<runner::Case> gen_refused_case();

}  // namespace essconf::property

namespace essconf::runner {
// RapidCheck prints counterexamples with this: the case file.
void showValue(const Case& c, std::ostream& os);
}  // namespace essconf::runner

namespace essconf::model {
// RapidCheck prints a generated World as fixture-protocol JSON.
void showValue(const World& w, std::ostream& os);
}  // namespace essconf::model
