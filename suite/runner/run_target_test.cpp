// One target's whole run against the embedded reference server, with and
// without a self-test fault: the exit status, the property phase's plan, the
// baseline, and the runs that cannot happen.
#include "suite/runner/run_target.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "suite/selftest/faults.hpp"

namespace essconf::runner {
namespace {

// The catalog's cases whose id starts with `prefix`.
std::vector<Case> cases_starting(const std::string& prefix) {
  auto loaded = load_cases(ESSCONF_CASES_DIR);
  EXPECT_TRUE(loaded.problems.empty());
  std::vector<Case> out;
  for (auto& c : loaded.cases)
    if (c.id.starts_with(prefix)) out.push_back(std::move(c));
  EXPECT_FALSE(out.empty()) << prefix;
  return out;
}

// The embedded server breaks capacity.min-size: it refuses a removal that leaves exactly MinSize.
RunPlan min_size_fault_plan() {
  RunPlan plan;
  plan.embedded.hooks = selftest::fault_hooks(selftest::fault_set({selftest::Fault::min_size_off_by_one}));
  plan.cases = cases_starting("capacity.min-size.");
  return plan;
}

TEST(RunTarget, TheEmbeddedReferenceIsConformant) {
  RunPlan plan;
  plan.cases = cases_starting("capacity.");
  plan.property_runs = 20;
  plan.label = "reference";
  int phases = 0;
  plan.on_phase = [&phases] { ++phases; };
  const RunOutcome outcome = run_target(plan);
  EXPECT_FALSE(outcome.error) << outcome.error->text();
  EXPECT_EQ(outcome.exit_status, 0) << outcome.result.run_error;
  EXPECT_TRUE(outcome.result.conformant());
  EXPECT_EQ(outcome.result.cases.size(), plan.cases.size());
  EXPECT_EQ(outcome.result.label, "reference");
  EXPECT_EQ(outcome.result.shard, "");
  EXPECT_NE(outcome.result.target.find("http://127.0.0.1:"), std::string::npos) << outcome.result.target;
  // The property phase: generated cases, command sequences, concurrent calls; each told as it starts.
  ASSERT_EQ(outcome.result.properties.size(), 3u);
  for (const auto& p : outcome.result.properties) EXPECT_EQ(p.verdict, VerdictKind::pass) << p.name << ": " << p.summary;
  EXPECT_EQ(phases, 4) << "the catalog and three properties";
  EXPECT_FALSE(outcome.baseline);
}

TEST(RunTarget, AFaultOfTheEmbeddedServerExits1) {
  const RunOutcome outcome = run_target(min_size_fault_plan());
  EXPECT_FALSE(outcome.error) << outcome.error->text();
  EXPECT_EQ(outcome.exit_status, 1);
  EXPECT_TRUE(std::any_of(outcome.result.cases.begin(), outcome.result.cases.end(), [](const CaseResult& c) {
    return c.verdict.kind == VerdictKind::fail &&
           std::find(c.verdict.clauses.begin(), c.verdict.clauses.end(), "capacity.min-size") != c.verdict.clauses.end();
  }));
  EXPECT_TRUE(outcome.result.properties.empty()) << "no property phase was planned";
}

TEST(RunTarget, ABaselineExcusesAKnownFailureUntilItExpires) {
  RunPlan plan = min_size_fault_plan();
  plan.baseline = Baseline{{{"capacity.min-size.*", "the vendor's off-by-one", "2030-01-01"}}};
  plan.today = "2029-12-31";
  const RunOutcome excused = run_target(plan);
  EXPECT_EQ(excused.exit_status, 0);
  ASSERT_TRUE(excused.baseline);
  EXPECT_FALSE(excused.baseline->excused.empty());
  EXPECT_TRUE(std::any_of(excused.result.cases.begin(), excused.result.cases.end(),
                          [](const CaseResult& c) { return c.baseline_reason == "the vendor's off-by-one (until 2030-01-01)"; }));

  plan.today = "2030-01-02";
  const RunOutcome expired = run_target(plan);
  EXPECT_EQ(expired.exit_status, 1);
  ASSERT_TRUE(expired.baseline);
  EXPECT_EQ(expired.baseline->expired.size(), 1u);
  EXPECT_TRUE(expired.baseline->excused.empty());
}

TEST(RunTarget, OnlyTheFirstSliceRunsThePropertyPhase) {
  RunPlan plan;
  plan.cases = cases_starting("capacity.min-size.");
  plan.property_runs = 10;
  plan.shard = {2, 2};
  EXPECT_FALSE(runs_property_phase(plan));
  const RunOutcome outcome = run_target(plan);
  EXPECT_EQ(outcome.exit_status, 0);
  EXPECT_EQ(outcome.result.shard, "2/2");
  EXPECT_TRUE(outcome.result.properties.empty());
  plan.shard = {1, 2};
  EXPECT_TRUE(runs_property_phase(plan));
  plan.property_runs = 0;
  EXPECT_FALSE(runs_property_phase(plan));
}

TEST(RunTarget, RepetitionsFoldIntoOneResult) {
  RunPlan plan = min_size_fault_plan();
  plan.repeat = 2;
  const RunOutcome outcome = run_target(plan);
  EXPECT_EQ(outcome.exit_status, 1);
  ASSERT_EQ(outcome.result.cases.size(), plan.cases.size());
  for (const auto& c : outcome.result.cases) EXPECT_EQ(c.repeats.size(), 2u) << c.id;
}

TEST(RunTarget, ABadFixtureUrlStopsTheRunBeforeItStarts) {
  RunPlan plan;
  plan.cases = cases_starting("capacity.min-size.");
  plan.fixture_url = "not a url";
  const RunOutcome outcome = run_target(plan);
  EXPECT_EQ(outcome.exit_status, 2);
  ASSERT_TRUE(outcome.error);
  EXPECT_TRUE(outcome.error->text().starts_with("--fixture-url \"not a url\": ")) << outcome.error->text();
  EXPECT_TRUE(outcome.result.cases.empty());
}

TEST(RunTarget, AnUnreachableTargetIsARunError) {
  RunPlan plan;
  plan.target = "http://127.0.0.1:9";  // discard: nothing listens
  plan.cases = cases_starting("capacity.min-size.");
  plan.options.limits.connect_timeout = std::chrono::milliseconds(500);
  const RunOutcome outcome = run_target(plan);
  EXPECT_FALSE(outcome.error) << outcome.error->text();
  EXPECT_NE(outcome.result.run_error, "");
  EXPECT_EQ(outcome.exit_status, 2);
}

}  // namespace
}  // namespace essconf::runner
