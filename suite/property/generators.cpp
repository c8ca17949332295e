// RapidCheck generators of Worlds, RemoveInstances requests and whole cases.
//
// Everything here is imperative code run inside gen::exec, drawing with the
// helpers of draw.hpp. The pieces: generated_world (Worlds), valid_call (a
// valid call and parameter edits), near_valid_mutations (the table of ways
// to break one rule, with each one's clause) and malform_mutations (the table
// of malformations).
#include "suite/property/generators.hpp"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "suite/property/draw.hpp"
#include "suite/property/generated_world.hpp"
#include "suite/property/malform_mutations.hpp"
#include "suite/property/near_valid_mutations.hpp"
#include "suite/property/valid_call.hpp"

namespace essconf::property {
namespace {

namespace gen = rc::gen;
using model::World;
using runner::RequestSpec;

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

void make_valid(runner::Case& c, World w) {
  Call call = valid_call(w, acceptable_group(w));
  c.clauses = {std::string(model::clause::kRemovedExactly)};
  c.description = "valid: " + describe_valid(call) + ".";
  c.request = std::move(call.spec);
  c.world = std::move(w);
}

void make_near_valid(runner::Case& c, World w) {
  const int gi = acceptable_group(w);
  NearValid nv = near_valid(w, gi, true);
  c.clauses = {nv.clause};
  c.description = "near-valid: " + nv.what + ".";
  c.request = std::move(nv.spec);
  c.world = std::move(nv.world);
}

void make_malformed(runner::Case& c, World w) {
  std::vector<std::string> what;
  Call base;
  c.request = malformed_request(w, what, base);
  c.clauses = {std::string(model::clause::kNoServerError)};
  c.description = fmt::format("malformed: {} on a call to {} ({}).", what.empty() ? "nothing" : join(what, ", "),
                              shorten(base.group_id), placement_name(c.request));
  c.world = std::move(w);
}

}  // namespace

std::string_view name(RequestKind k) noexcept {
  switch (k) {
    case RequestKind::valid: return "valid";
    case RequestKind::near_valid: return "near-valid";
    case RequestKind::malformed: return "malformed";
  }
  return "?";
}

rc::Gen<model::World> gen_world() {
  return gen::exec([] { return make_world(); });
}

rc::Gen<runner::RequestSpec> gen_request(const model::World& world, RequestKind kind) {
  return gen::exec([world, kind]() -> RequestSpec {
    switch (kind) {
      case RequestKind::valid: return valid_call(world, choose_group(world)).spec;
      case RequestKind::near_valid: return near_valid(world, choose_group(world), false).spec;
      case RequestKind::malformed: {
        std::vector<std::string> what;
        Call base;
        return malformed_request(world, what, base);
      }
    }
    return {};
  });
}

namespace {

// A case of the kind drawn with these weights.
rc::Gen<runner::Case> gen_case_of(const std::vector<std::pair<int, RequestKind>>& weights) {
  return gen::exec([weights]() -> runner::Case {
    World w = make_world();
    const RequestKind kind = weighted<RequestKind>(weights);
    runner::Case c;
    c.id = "property." + std::string(name(kind));
    switch (kind) {
      case RequestKind::valid: make_valid(c, std::move(w)); break;
      case RequestKind::near_valid: make_near_valid(c, std::move(w)); break;
      case RequestKind::malformed: make_malformed(c, std::move(w)); break;
    }
    return c;
  });
}

}  // namespace

rc::Gen<runner::Case> gen_case() {
  return gen_case_of({{2, RequestKind::valid}, {2, RequestKind::near_valid}, {1, RequestKind::malformed}});
}

rc::Gen<runner::Case> gen_refused_case() {
  return gen_case_of({{2, RequestKind::near_valid}, {1, RequestKind::malformed}});
}

}  // namespace essconf::property

namespace essconf::runner {
void showValue(const Case& c, std::ostream& os) { os << case_to_json(c); }
}  // namespace essconf::runner

namespace essconf::model {
void showValue(const World& w, std::ostream& os) { os << to_json(w); }
}  // namespace essconf::model
