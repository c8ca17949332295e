// The checker: compares what a target did (an Observation) with what the
// documentation allows (the model's Expectation) and grades it, clause by
// clause. Pure: no I/O. Verdict kinds follow Autobahn and h2spec: a fail
// breaks a rule the documentation states; a deviation differs only where it
// is open; not applicable and error are never folded into a pass.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/body.hpp"
#include "reference/wire/http_request.hpp"

namespace essconf::runner {

enum class VerdictKind { pass, deviation, fail, not_applicable, error };
std::string_view name(VerdictKind k) noexcept;

// One thing the checker found, under one clause.
struct Finding {
  VerdictKind kind;     // fail or deviation
  std::string clause;
  std::string expected;
  std::string observed;
};

struct Verdict {
  VerdictKind kind = VerdictKind::pass;
  std::vector<std::string> clauses;  // the clauses of the findings (or of the outcome that passed)
  std::vector<Finding> findings;
  std::string summary;               // one line for a person
};

// What the target answered to one request, and the World it then showed.
struct Observation {
  int status = 0;
  std::vector<wire::Header> headers;
  std::string body;
  std::optional<model::World> world_after;  // nullopt: the target cannot show it
};

struct CheckInput {
  const model::Expectation& expectation;
  const model::World& world_before;
  bool complete_activities = false;  // the runner completed activities before reading the World
};

Verdict check(const CheckInput& in, const Observation& observed);

// A World as the checker compares it: sorted by id, and the activities a
// call created (those not in `before`) reduced to id, group and status, the
// fields the fixture protocol requires of a target.
model::World comparable(model::World world, const model::World& before);

}  // namespace essconf::runner
