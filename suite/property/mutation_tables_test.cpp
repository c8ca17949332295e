// The generators' tables of mutations, entry by entry: every near-valid
// mutation applies to some generated World and breaks exactly the rule its
// clause names; every malformation leaves a request the model answers
// without a server error.
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "reference/model/model.hpp"
#include "suite/property/generated_world.hpp"
#include "suite/property/generators.hpp"
#include "suite/property/malform_mutations.hpp"
#include "suite/property/near_valid_mutations.hpp"

namespace essconf::property {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;  // requests are signed at it

model::Expectation expect(const model::World& w, const runner::RequestSpec& spec,
                          model::Profile profile = model::Profile::strict) {
  return model::expect(w, runner::build_request(spec, kNow, "nonce"), profile, {kNow, 0, nullptr});
}

bool contains(const std::vector<std::string_view>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Runs `property` on `runs` generated draws (seed 1) and fails the test with
// RapidCheck's report when it does not hold.
template <typename Property>
void check(const char* id, int runs, Property property) {
  rc::detail::TestParams params;
  params.seed = 1;
  params.maxSuccess = runs;
  rc::detail::TestMetadata meta;
  meta.id = id;
  const auto result = rc::detail::checkTestable(property, meta, params);
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  ASSERT_TRUE(result.template is<rc::detail::SuccessResult>()) << report.str();
}

// A generated World with a group that accepts a valid call, and that group.
std::pair<model::World, int> acceptable_world() {
  model::World w = *gen_world();
  const int gi = acceptable_group(w);
  return {std::move(w), gi};
}

TEST(NearValidMutations, EachAppliesToSomeWorldAndBreaksItsClause) {
  const auto table = near_valid_mutations();
  std::vector<int> applied(table.size());
  check("NearValidMutations/EachAppliesToSomeWorldAndBreaksItsClause", 400, [&] {
    const auto [w, gi] = acceptable_world();
    for (std::size_t i = 0; i < table.size(); ++i) {
      const auto nv = near_valid_with(w, gi, table[i]);
      if (!nv) continue;
      ++applied[i];
      RC_LOG() << table[i].name << ": " << nv->what << "\n";
      RC_ASSERT(nv->clause == table[i].clause);
      RC_ASSERT(nv->world_changed == table[i].changes_world);
      RC_ASSERT(table[i].changes_world || nv->world == w);
      const auto e = expect(nv->world, nv->spec);
      RC_ASSERT(!e.reference.success);
      RC_ASSERT(contains(e.reference.clauses, table[i].clause));
    }
  });
  for (std::size_t i = 0; i < table.size(); ++i) EXPECT_GT(applied[i], 0) << table[i].name;
}

TEST(MalformMutations, EachLeavesARequestAnsweredWithoutAServerError) {
  const auto table = malform_mutations();
  check("MalformMutations/EachLeavesARequestAnsweredWithoutAServerError", 150, [&] {
    const auto [w, gi] = acceptable_world();
    const Call base = valid_call(w, gi);
    for (const auto& m : table) {
      runner::RequestSpec spec = base.spec;
      const std::string did = malform_with(spec, w, base, m);
      RC_LOG() << m.name << ": " << did << "\n";
      RC_ASSERT(!did.empty());
      for (auto profile : {model::Profile::strict, model::Profile::spec}) {
        const auto e = expect(w, spec, profile);
        RC_ASSERT(!e.grade_error(500, "InternalError", "x").has_value());
        RC_ASSERT(e.reference.success || (e.reference.status >= 400 && e.reference.status <= 499));
      }
    }
  });
}

}  // namespace
}  // namespace essconf::property
