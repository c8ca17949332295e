// results.json read back: the writer's documents round-trip, every bad
// document is refused with the JSON path of the problem, and shards merge.
#include "suite/runner/results_reader.hpp"

#include <gtest/gtest.h>

#include "suite/report/results_json.hpp"
#include "suite/runner/files.hpp"

namespace essconf::runner {
namespace {

std::string golden() {
  auto text = read_file(ESSCONF_GOLDEN_DIR "/results.json");
  EXPECT_TRUE(text.has_value());
  return text.value_or("");
}

TEST(ResultsReader, TheGoldenDocumentRoundTrips) {
  const std::string doc = golden();
  const auto r = parse_results(doc);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cases.size(), 5u);
  EXPECT_TRUE(r->cases[4].flaky());
  EXPECT_EQ(r->cases[1].verdict.kind, VerdictKind::fail);
  EXPECT_EQ(r->cases[1].verdict.findings.at(0).clause, "capacity.min-size");
  ASSERT_EQ(r->properties.size(), 1u);
  EXPECT_EQ(r->properties[0].failures.size(), 2u);
  EXPECT_EQ(report::results_json(*r), doc);
}

// Documents written before property verdicts ("ran", "passed", one "detail") still read.
TEST(ResultsReader, ReadsPropertiesOfOlderDocuments) {
  std::string doc = golden();
  const auto from = doc.find("\"verdict\":\"fail\",\"runs\":41");
  ASSERT_NE(from, std::string::npos);
  const auto to = doc.find("\"distribution\"", from);
  doc.replace(from, to - from, "\"ran\":true,\"passed\":false,\"runs\":41,\"seed\":7,\"summary\":\"s\",\"detail\":\"d\",");
  const auto r = parse_results(doc);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->properties[0].verdict, VerdictKind::fail);
  ASSERT_EQ(r->properties[0].failures.size(), 1u);
  EXPECT_EQ(r->properties[0].failures[0].detail, "d");
}

TEST(ResultsReader, RefusesBadDocumentsNamingThePath) {
  const std::string doc = golden();
  std::string error;
  error = parse_results("{").error();
  EXPECT_EQ(error.rfind("$: not valid JSON: ", 0), 0u) << error;
  error = parse_results("[]").error();
  EXPECT_EQ(error, "$: expected an object");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string d = doc;
    const auto at = d.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return d.replace(at, from.size(), to);
  };
  error = parse_results(with("\"essconf-results/1\"", "\"essconf-results/9\"")).error();
  EXPECT_EQ(error, "$.schema: \"essconf-results/9\" is not essconf-results/1");
  error = parse_results(with("\"verdict\":\"fail\"", "\"verdict\":\"flaky\"")).error();
  EXPECT_EQ(error, "$.cases[1].verdict: unknown verdict \"flaky\"");
  error = parse_results(with("\"verdict\":\"fail\"", "\"verdikt\":\"fail\"")).error();
  EXPECT_EQ(error, "$.cases[1].verdict: required field is missing");
  error = parse_results(with("\"runs\":41", "\"runs\":\"41\"")).error();
  EXPECT_EQ(error, "$.properties[0].runs: expected a number in range");
  error = parse_results(with("\"profile\":\"spec\"", "\"profile\":\"lenient\"")).error();
  EXPECT_EQ(error, "$.profile: expected spec or strict");
  error = parse_results(with("\"mode\":\"run\"", "\"mode\":\"peek\"")).error();
  EXPECT_EQ(error, "$.mode: expected run or probe");
}

// essconf probe writes "mode":"probe"; documents from before modes are runs.
TEST(ResultsReader, TheModeReadsBackAndDefaultsToRun) {
  std::string doc = golden();
  const auto at = doc.find("\"mode\":\"run\"");
  ASSERT_NE(at, std::string::npos);
  std::string probed = doc;
  probed.replace(at, 12, "\"mode\":\"probe\"");
  const auto p = parse_results(probed);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->mode, RunMode::probe);
  EXPECT_EQ(report::results_json(*p), probed);
  std::string older = doc;
  older.erase(at, 13);  // "mode":"run",
  const auto o = parse_results(older);
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->mode, RunMode::run);
}

RunResult slice(const std::string& label, const std::string& shard, std::vector<std::string> ids) {
  RunResult r;
  r.spec_revision = "rev";
  r.label = label;
  r.shard = shard;
  r.target = "http://127.0.0.1:1";
  r.profile = model::Profile::spec;
  r.seed = 1;
  r.started_at = "2026-11-26T00:00:0" + shard.substr(0, 1) + "Z";
  r.http_requests = 10;
  for (auto& id : ids) {
    CaseResult c;
    c.id = std::move(id);
    r.cases.push_back(std::move(c));
  }
  return r;
}

TEST(ResultsReader, SlicesOfOneTargetMerge) {
  const auto merged = merge_results({slice("v", "2/2", {"b", "d"}), slice("ref", "", {"a"}), slice("v", "1/2", {"a", "c"})},
                                    {"v2.json", "ref.json", "v1.json"});
  ASSERT_TRUE(merged) << merged.error();
  ASSERT_EQ(merged->size(), 2u);
  const auto& v = merged->at(0);
  EXPECT_EQ(v.label, "v");
  ASSERT_EQ(v.cases.size(), 4u);
  EXPECT_EQ(v.cases[0].id, "a");
  EXPECT_EQ(v.cases[3].id, "d");
  EXPECT_EQ(v.shard, "2/2,1/2");
  EXPECT_EQ(v.http_requests, 20u);
  EXPECT_EQ(v.started_at, "2026-11-26T00:00:01Z");
  EXPECT_EQ(merged->at(1).cases.size(), 1u);
}

TEST(ResultsReader, SlicesOfAProbeAndARunDoNotMerge) {
  RunResult probed = slice("v", "2/2", {"b"});
  probed.mode = RunMode::probe;
  const auto merged = merge_results({slice("v", "1/2", {"a"}), probed}, {"a.json", "b.json"});
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("differ in mode"), std::string::npos) << merged.error();
}

TEST(ResultsReader, OverlappingOrDisagreeingSlicesDoNotMerge) {
  std::string error = merge_results({slice("v", "1/2", {"a"}), slice("v", "2/2", {"a"})}, {"one.json", "two.json"}).error();
  EXPECT_EQ(error, "one.json and two.json both hold case a of target v: results merge only from disjoint slices (--shard i/n)");
  auto other_seed = slice("v", "2/2", {"b"});
  other_seed.seed = 2;
  error = merge_results({slice("v", "1/2", {"a"}), other_seed}, {"one.json", "two.json"}).error();
  EXPECT_NE(error.find("differ in seed (\"1\" and \"2\")"), std::string::npos) << error;
}

}  // namespace
}  // namespace essconf::runner
