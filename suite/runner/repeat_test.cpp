#include "suite/runner/repeat.hpp"

#include <gtest/gtest.h>

namespace essconf::runner {
namespace {

RunResult run_with(std::vector<std::pair<std::string, VerdictKind>> cases, VerdictKind property = VerdictKind::pass) {
  RunResult r;
  r.http_requests = 10;
  for (auto& [id, kind] : cases) {
    CaseResult c;
    c.id = id;
    c.verdict.kind = kind;
    c.verdict.summary = std::string(name(kind));
    r.cases.push_back(std::move(c));
  }
  PropertyResult p;
  p.name = "property.differential";
  p.verdict = property;
  r.properties.push_back(p);
  return r;
}

TEST(Repeat, OneRepetitionIsTheRunItself) {
  const RunResult r = fold_repeats({run_with({{"a", VerdictKind::fail}})});
  EXPECT_TRUE(r.cases[0].repeats.empty());
  EXPECT_FALSE(r.cases[0].flaky());
}

TEST(Repeat, StableVerdictsAreNotFlaky) {
  const RunResult r = fold_repeats({run_with({{"a", VerdictKind::pass}}), run_with({{"a", VerdictKind::pass}}),
                                    run_with({{"a", VerdictKind::pass}})});
  EXPECT_EQ(r.cases[0].repeats, (std::vector<VerdictKind>{VerdictKind::pass, VerdictKind::pass, VerdictKind::pass}));
  EXPECT_FALSE(r.cases[0].flaky());
  EXPECT_EQ(r.http_requests, 30u);
  EXPECT_TRUE(r.conformant());
}

TEST(Repeat, AFlakyCaseKeepsItsWorstRepetitionAndBlocksTheGate) {
  const RunResult r = fold_repeats({run_with({{"a", VerdictKind::pass}, {"b", VerdictKind::pass}}),
                                    run_with({{"a", VerdictKind::fail}, {"b", VerdictKind::pass}}),
                                    run_with({{"a", VerdictKind::pass}, {"b", VerdictKind::pass}})});
  EXPECT_EQ(r.cases[0].verdict.kind, VerdictKind::fail);
  EXPECT_EQ(r.cases[0].verdict.summary, "fail") << "the reproducer is the failing repetition's";
  EXPECT_TRUE(r.cases[0].flaky());
  EXPECT_FALSE(r.cases[1].flaky());
  EXPECT_EQ(r.flaky_cases(), 1);
  EXPECT_FALSE(r.conformant());
}

TEST(Repeat, AFlakyPropertyBlocksTheGateAndAMissingRepetitionIsAnError) {
  RunResult short_run = run_with({});
  short_run.properties.clear();  // its time ran out before the property phase
  const RunResult r = fold_repeats({run_with({}, VerdictKind::pass), short_run});
  EXPECT_EQ(r.properties[0].repeats, (std::vector<VerdictKind>{VerdictKind::pass, VerdictKind::error}));
  EXPECT_TRUE(r.properties[0].flaky());
  EXPECT_EQ(r.failed_properties(), 1);
  EXPECT_FALSE(r.conformant());
}

TEST(Repeat, SeverityOrdersVerdicts) {
  EXPECT_GT(severity(VerdictKind::fail), severity(VerdictKind::error));
  EXPECT_GT(severity(VerdictKind::error), severity(VerdictKind::deviation));
  EXPECT_GT(severity(VerdictKind::deviation), severity(VerdictKind::not_applicable));
  EXPECT_GT(severity(VerdictKind::not_applicable), severity(VerdictKind::pass));
}

}  // namespace
}  // namespace essconf::runner
