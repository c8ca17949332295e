#include "suite/report/selftest_summary.hpp"

#include <gtest/gtest.h>

#include "suite/report/reports.hpp"

namespace essconf::report {
namespace {

constexpr const char* kSelftest = R"({"format":"essconf-selftest/1","seed":7,"property_runs":50,"faults":2,
  "faults_caught_under_their_clause":1,"readings":1,"readings_passed":1,"runs":[
  {"kind":"fault","name":"ignore-db","clause":"error.db-instance-status","exit_status":1,
   "failing_clauses":["error.db-instance-status"],"as_required":true},
  {"kind":"fault","name":"nonce-reuse","clause":"rpc.nonce","exit_status":0,"failing_clauses":[],"as_required":false},
  {"kind":"reading","name":"json-pretty","clause":"response.format.json","exit_status":0,"failing_clauses":[],
   "as_required":true}]})";

TEST(SelftestSummary, CountsAndKeepsOnlyTheRunsNotAsRequired) {
  const auto s = parse_selftest(kSelftest);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->faults, 2);
  EXPECT_EQ(s->faults_caught, 1);
  EXPECT_EQ(s->readings_passed, 1);
  EXPECT_EQ(s->seed, 7u);
  ASSERT_EQ(s->misses.size(), 1u);
  EXPECT_EQ(s->misses[0].name, "nonce-reuse");
  EXPECT_EQ(s->misses[0].clause, "rpc.nonce");
}

TEST(SelftestSummary, NamesWhatIsWrong) {
  EXPECT_EQ(parse_selftest("{").error().rfind("$: not valid JSON: ", 0), 0u);
  EXPECT_EQ(parse_selftest(R"({"format":"essconf-results/1"})").error(),
            "$.format: \"essconf-results/1\" is not essconf-selftest/1");
  EXPECT_EQ(parse_selftest(R"({"format":"essconf-selftest/1","faults":"x"})").error(),
            "$.faults: expected a number in range");
  EXPECT_EQ(parse_selftest(R"({"format":"essconf-selftest/1","faults":1,"faults_caught_under_their_clause":1,
    "readings":0,"readings_passed":0,"seed":1,"property_runs":0,"runs":[{"kind":"fault"}]})").error(),
            "$.runs[0].name: required field is missing");
}

TEST(SelftestSummary, ReportsShowItBesideTheTargets) {
  const auto s = parse_selftest(kSelftest);
  ASSERT_TRUE(s) << s.error();
  Matrix m;
  m.selftest = *s;
  const std::string md = markdown_report(m);
  EXPECT_NE(md.find("faults caught under their own clause **1 of 2**; readings passed **1 of 1**"), std::string::npos) << md;
  EXPECT_NE(md.find("- fault `nonce-reuse` (`rpc.nonce`): exit 0, failing nothing"), std::string::npos) << md;
  const std::string html = html_report(m);
  EXPECT_NE(html.find("faults caught under their own clause: 1 of 2"), std::string::npos);
  EXPECT_NE(html.find("<td>nonce-reuse</td>"), std::string::npos);
  EXPECT_EQ(html_report(Matrix{}).find("own strength"), std::string::npos);
}

}  // namespace
}  // namespace essconf::report
