#include "suite/runner/baseline.hpp"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace essconf::runner {
namespace {

RunResult result_with(std::vector<std::pair<std::string, VerdictKind>> cases, model::Profile profile = model::Profile::spec) {
  RunResult r;
  r.profile = profile;
  for (auto& [id, kind] : cases) {
    CaseResult c;
    c.id = id;
    c.verdict.kind = kind;
    r.cases.push_back(std::move(c));
  }
  return r;
}

TEST(Baseline, ExcusesKnownFailuresOnly) {
  RunResult r = result_with({{"rpc.timestamp.a", VerdictKind::fail}, {"rpc.timestamp.b", VerdictKind::pass},
                             {"capacity.min-size.x", VerdictKind::fail}});
  const Baseline b{{{"rpc.timestamp.*", "gateway accepts 16 minutes", "2099-01-01"}}};
  const auto report = apply_baseline(r, b, "2026-11-26");
  EXPECT_EQ(report.excused, std::vector<std::string>{"rpc.timestamp.a"});
  EXPECT_FALSE(report.gate_ok(r)) << "capacity.min-size.x is a new failure";
  r.cases.pop_back();
  EXPECT_TRUE(report.gate_ok(r));
}

TEST(Baseline, ExpiredEntriesExcuseNothingAndFailTheGate) {
  RunResult r = result_with({{"a", VerdictKind::fail}});
  const auto report = apply_baseline(r, {{{"a", "old", "2026-11-25"}}}, "2026-11-26");
  EXPECT_TRUE(report.excused.empty());
  EXPECT_EQ(report.expired.size(), 1u);
  EXPECT_FALSE(report.gate_ok(r));
}

TEST(Baseline, EntriesWhoseCasesPassNowFailTheGate) {
  RunResult r = result_with({{"a", VerdictKind::pass}});
  const auto report = apply_baseline(r, {{{"a", "fixed?", "2099-01-01"}}}, "2026-11-26");
  EXPECT_EQ(report.now_passing.size(), 1u);
  EXPECT_FALSE(report.gate_ok(r));
}

TEST(Baseline, DeviationsNeedAnExcuseOnlyUnderStrict) {
  RunResult spec = result_with({{"a", VerdictKind::deviation}});
  EXPECT_TRUE(apply_baseline(spec, {}, "2026-11-26").gate_ok(spec));
  RunResult strict = result_with({{"a", VerdictKind::deviation}}, model::Profile::strict);
  EXPECT_FALSE(apply_baseline(strict, {}, "2026-11-26").gate_ok(strict));
  EXPECT_TRUE(apply_baseline(strict, {{{"a", "we chose XML", "2099-01-01"}}}, "2026-11-26").gate_ok(strict));
}

TEST(Baseline, FlakyCasesAndFailedPropertiesBlockTheGate) {
  RunResult r = result_with({{"a", VerdictKind::pass}});
  EXPECT_TRUE(r.conformant());
  r.cases[0].repeats = {VerdictKind::pass, VerdictKind::pass};
  EXPECT_TRUE(r.conformant()) << "the same verdict every time is stable";
  r.cases[0].repeats = {VerdictKind::pass, VerdictKind::fail, VerdictKind::pass};
  EXPECT_FALSE(r.conformant()) << "a flaky case never passes silently";
  EXPECT_TRUE(apply_baseline(r, {{{"a", "known flaky upstream", "2099-01-01"}}}, "2026-11-26").gate_ok(r))
      << "a baseline entry is a written excuse, not silence";
  RunResult p = result_with({{"a", VerdictKind::pass}});
  PropertyResult prop;
  prop.verdict = VerdictKind::error;  // the harness could not run: never "not applicable"
  p.properties.push_back(prop);
  EXPECT_FALSE(p.conformant());
  p.properties[0].verdict = VerdictKind::not_applicable;
  EXPECT_TRUE(p.conformant());
  p.properties[0].verdict = VerdictKind::pass;
  p.properties[0].repeats = {VerdictKind::pass, VerdictKind::fail};
  EXPECT_FALSE(p.conformant());
}

TEST(Baseline, FileErrorsNameTheFileAndPath) {
  const std::string file = ::testing::TempDir() + "baseline.json";
  auto write = [&](const char* text) { std::ofstream(file) << text; };
  write(R"({"entries":[{"case":"a","reason":"r","expires":"2027-13-01"}]})");
  EXPECT_NE(load_baseline(file).error().find("$.entries[0].expires"), std::string::npos) << load_baseline(file).error();
  write(R"({"entries":[{"case":"a","reason":"","expires":"2027-01-01"}]})");
  EXPECT_NE(load_baseline(file).error().find("$.entries[0].reason"), std::string::npos);
  write(R"({"entries":[{"case":"a","why":"r","expires":"2027-01-01"}]})");
  EXPECT_NE(load_baseline(file).error().find("unknown field"), std::string::npos);
  write(R"({"entries":[{"case":"a","reason":"r","expires":"2027-01-01"}]})");
  ASSERT_TRUE(load_baseline(file));
  EXPECT_EQ(load_baseline(file)->entries[0].case_glob, "a");
  std::remove(file.c_str());
  EXPECT_NE(load_baseline(file).error().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace essconf::runner
