// --streams: each stream's share and seed, the merge of their results, and
// whole runs against the embedded reference server (which lists
// isolated_worlds), with and without a self-test fault.
#include "suite/runner/property_streams.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "suite/runner/embedded_server.hpp"
#include "suite/runner/run_target.hpp"
#include "suite/selftest/faults.hpp"

namespace essconf::runner {
namespace {

TEST(StreamOptions, EachStreamHasItsSeedItsWorldAndItsShareOfTheRuns) {
  property::PropertyOptions all;
  all.run.seed = 7;
  all.run.on_progress = [](const Progress&) {};
  all.differential_runs = 7;
  all.stateful_runs = 30;
  all.concurrency_rounds = 2;
  std::vector<int> differential;
  for (int k = 1; k <= 3; ++k) {
    const property::PropertyOptions o = stream_options(all, k, 3);
    EXPECT_EQ(o.run.seed, 6u + static_cast<unsigned>(k));
    EXPECT_EQ(o.run.world_name, "essconf-stream-" + std::to_string(k));
    EXPECT_FALSE(o.run.on_progress) << "a stream draws no progress line";
    EXPECT_EQ(o.stateful_runs, 10);
    EXPECT_EQ(o.concurrency_rounds, 1) << "at least one round each";
    differential.push_back(o.differential_runs);
  }
  EXPECT_EQ(differential, (std::vector<int>{3, 2, 2}));
}

PropertyResult passed(int runs, std::uint64_t requests, double seconds) {
  PropertyResult p;
  p.name = "property.differential";
  p.clause = "response.matches-model";
  p.verdict = VerdictKind::pass;
  p.runs = runs;
  p.http_requests = requests;
  p.seconds = seconds;
  p.distribution = {{"success", runs}};
  return p;
}

PropertyResult failed(std::vector<std::string> clauses, std::uint64_t seed) {
  PropertyResult p = passed(3, 10, 1);
  p.verdict = VerdictKind::fail;
  p.seed = seed;
  p.failures.push_back({std::move(clauses), VerdictKind::fail, "a case fails", "the case"});
  return p;
}

TEST(MergeStreams, PassingStreamsAddUpTheirRunsAndRequests) {
  const PropertyResult m = merge_streams({passed(5, 40, 1.5), passed(4, 30, 2.5)}, 9);
  EXPECT_EQ(m.verdict, VerdictKind::pass);
  EXPECT_EQ(m.name, "property.differential");
  EXPECT_EQ(m.runs, 9);
  EXPECT_EQ(m.http_requests, 70u);
  EXPECT_DOUBLE_EQ(m.seconds, 2.5) << "the streams ran at once: the slowest's wall time";
  EXPECT_EQ(m.seed, 9u);
  EXPECT_EQ(m.distribution, (std::vector<std::pair<std::string, int>>{{"success", 9}}));
  EXPECT_NE(m.summary.find("2 streams"), std::string::npos) << m.summary;
  EXPECT_NE(m.summary.find("9 runs"), std::string::npos) << m.summary;
}

TEST(MergeStreams, AFailureOfOneStreamFailsThePropertyAndNamesTheStream) {
  const PropertyResult m = merge_streams({passed(5, 40, 1), failed({"capacity.min-size"}, 10)}, 9);
  EXPECT_EQ(m.verdict, VerdictKind::fail);
  EXPECT_EQ(m.clause, "capacity.min-size");
  ASSERT_EQ(m.failures.size(), 1u);
  EXPECT_NE(m.failures[0].detail.find("property stream 2 of 2 (--seed 10, World essconf-stream-2)"), std::string::npos)
      << m.failures[0].detail;
  EXPECT_TRUE(blocks(m, model::Profile::spec));
}

TEST(MergeStreams, AClauseTwoStreamsBrokeIsListedOnce) {
  const PropertyResult m =
      merge_streams({failed({"capacity.min-size", "ids.max-20"}, 1), failed({"ids.max-20", "group.state"}, 2),
                     failed({"capacity.min-size"}, 3)},
                    1);
  ASSERT_EQ(m.failures.size(), 2u) << "stream 3 found nothing new";
  EXPECT_EQ(m.failures[0].clauses, (std::vector<std::string>{"capacity.min-size", "ids.max-20"}));
  EXPECT_EQ(m.failures[1].clauses, (std::vector<std::string>{"group.state"}));
  EXPECT_NE(m.summary.find("2 distinct failures"), std::string::npos) << m.summary;
}

TEST(MergeStreams, AStreamThatCouldNotRunMakesThePropertyAnError) {
  PropertyResult broken;
  broken.name = "property.differential";
  broken.verdict = VerdictKind::error;
  broken.summary = "property stream 2 (seed 2) was ended by signal 9 (Killed)";
  const PropertyResult m = merge_streams({passed(5, 40, 1), broken}, 1);
  EXPECT_EQ(m.verdict, VerdictKind::error);
  EXPECT_NE(m.summary.find("signal 9"), std::string::npos) << m.summary;
}

// The plan of a property phase of `runs` cases in `streams` streams against the embedded server.
RunPlan streams_plan(int runs, int streams) {
  RunPlan plan;
  plan.property_runs = runs;
  plan.streams = streams;
  return plan;
}

TEST(PropertyStreams, TwoStreamsAgainstTheReferencePassAndDoEveryRun) {
  const RunOutcome outcome = run_target(streams_plan(40, 2));
  EXPECT_FALSE(outcome.error) << outcome.error->text();
  EXPECT_EQ(outcome.exit_status, 0) << outcome.result.run_error;
  ASSERT_EQ(outcome.result.properties.size(), 3u);
  for (const auto& p : outcome.result.properties) {
    EXPECT_EQ(p.verdict, VerdictKind::pass) << p.name << ": " << p.summary;
    EXPECT_NE(p.summary.find("2 streams, each on its own World"), std::string::npos) << p.summary;
  }
  EXPECT_EQ(outcome.result.properties[0].name, "property.differential");
  EXPECT_EQ(outcome.result.properties[0].runs, 40);
  EXPECT_GT(outcome.result.http_requests, 80u);
}

TEST(PropertyStreams, AFaultIsCaughtUnderItsClauseByTheStreams) {
  RunPlan plan = streams_plan(100, 2);
  plan.embedded.hooks = selftest::fault_hooks(selftest::fault_set({selftest::Fault::min_size_off_by_one}));
  const RunOutcome outcome = run_target(plan);
  EXPECT_EQ(outcome.exit_status, 1) << outcome.result.run_error;
  bool caught = false;
  for (const auto& p : outcome.result.properties)
    for (const auto& f : p.failures)
      if (std::find(f.clauses.begin(), f.clauses.end(), "capacity.min-size") != f.clauses.end()) {
        caught = true;
        EXPECT_NE(f.detail.find("Found by property stream"), std::string::npos) << f.detail;
      }
  EXPECT_TRUE(caught) << "no property failed under capacity.min-size";
}

// A property that passes, but crashes its process in stream 2.
PropertyResult crashes_in_stream_two(const property::PropertyOptions& o) {
  if (o.run.world_name == stream_world_name(2)) std::abort();
  PropertyResult p;
  p.name = "property.crashing";
  p.verdict = VerdictKind::pass;
  p.runs = o.differential_runs;
  return p;
}

TEST(PropertyStreams, AStreamThatCrashesMakesThePropertyAnErrorThatNamesIt) {
  EmbeddedServer server;
  property::PropertyOptions po;
  po.run.target = po.run.fixture = client::parse_url(server.url()).value();
  po.run.seed = 5;
  po.differential_runs = 10;
  const auto merged = run_property_streams(po, {{"property.crashing", &crashes_in_stream_two}}, 3);
  ASSERT_TRUE(merged) << "the embedded server lists isolated_worlds";
  ASSERT_EQ(merged->size(), 1u);
  const PropertyResult& p = merged->front();
  EXPECT_EQ(p.name, "property.crashing");
  EXPECT_EQ(p.verdict, VerdictKind::error);
  EXPECT_NE(p.summary.find("property stream 2 (seed 6) was ended by signal 6"), std::string::npos) << p.summary;
  EXPECT_EQ(p.runs, 7) << "streams 1 and 3 ran 4 and 3";
}

}  // namespace
}  // namespace essconf::runner
