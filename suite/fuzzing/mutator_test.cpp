#include "suite/fuzzing/mutator.hpp"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "reference/model/model.hpp"
#include "suite/fuzzing/finding.hpp"

namespace essconf::fuzzing {
namespace {

// Mutants of every catalog case stay cases: they serialize, load back, keep a
// valid World and build a request the model can judge.
TEST(Mutator, MutantsOfTheCatalogStayCases) {
  const auto loaded = runner::load_cases(ESSCONF_CASES_DIR);
  ASSERT_FALSE(loaded.cases.empty());
  std::mt19937_64 rng(7);
  std::set<std::string> distinct;
  for (int round = 0; round < 10; ++round) {
    for (const auto& original : loaded.cases) {
      runner::Case c = original;
      mutate(c, rng);
      const std::string text = runner::case_to_json(c);
      const auto back = runner::parse_case(text, "mutant");
      ASSERT_TRUE(back) << back.error() << "\n" << text;
      ASSERT_TRUE(model::parse_world(model::to_json(back->world)));
      const auto req = runner::build_request(back->request, 1'790'000'000, "n");
      const auto e = model::expect(back->world, req, model::Profile::spec, {1'790'000'000, 0, nullptr});
      EXPECT_FALSE(e.grade_error(500, "InternalError", "x"));
      distinct.insert(text);
    }
  }
  EXPECT_GT(distinct.size(), loaded.cases.size() * 8) << "mutations should rarely coincide";
}

// A stand-in for LLVMFuzzerMutate: overwrites, inserts and drops bytes,
// any of the 256 values, like libFuzzer's own mutations.
std::size_t scramble(std::uint8_t* data, std::size_t size, std::size_t max_size, std::mt19937_64& rng) {
  const std::size_t n = std::uniform_int_distribution<std::size_t>(0, max_size)(rng);
  for (std::size_t i = 0; i < n; ++i)
    if (i >= size || rng() % 3 == 0) data[i] = static_cast<std::uint8_t>(rng());
  return n;
}

// What the campaign's mutator and crossover make of the catalog's cases is a
// case again, and the model judges its request; byte mutations reach the
// wire's bytes (every field kind is changed somewhere).
TEST(Mutator, ByteMutantsAndChildrenOfTheCatalogStayCases) {
  const auto loaded = runner::load_cases(ESSCONF_CASES_DIR);
  ASSERT_FALSE(loaded.cases.empty());
  std::mt19937_64 rng(11);
  const ByteMutator bytes = [&](std::uint8_t* d, std::size_t n, std::size_t max) { return scramble(d, n, max, rng); };
  std::set<std::string> raws, paths;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < loaded.cases.size() * 5; ++i) {
    const runner::Case& original = loaded.cases[i % loaded.cases.size()];
    runner::Case c = original;
    if (i % 2 == 0)
      mutate_bytes(c, rng, bytes);
    else
      c = cross_over(original, loaded.cases[(i * 7 + 3) % loaded.cases.size()], rng);
    const std::string text = runner::case_to_json(c);
    const auto back = runner::parse_case(text, "mutant");
    ASSERT_TRUE(back) << back.error() << "\n" << text;
    const auto req = runner::build_request(back->request, 1'790'000'000, "n");
    const auto e = model::expect(back->world, req, model::Profile::spec, {1'790'000'000, 0, nullptr});
    EXPECT_FALSE(e.grade_error(500, "InternalError", "x"));
    if (text != runner::case_to_json(original)) ++changed;
    raws.insert(back->request.raw);
    paths.insert(back->request.path);
  }
  EXPECT_GT(changed, loaded.cases.size() * 4);
  EXPECT_GT(raws.size(), loaded.cases.size()) << "the raw query is a field byte mutations reach";
  EXPECT_GT(paths.size(), 10U);
}

TEST(Finding, RoundTripsForReplay) {
  const auto loaded = runner::load_cases(ESSCONF_CASES_DIR);
  ASSERT_FALSE(loaded.cases.empty());
  Finding f;
  f.case_ = loaded.cases.front();
  f.target = "http://127.0.0.1:9";
  f.seed = 5;
  f.result.verdict.kind = runner::VerdictKind::fail;
  f.result.verdict.clauses = {"capacity.min-size"};
  f.result.verdict.findings = {{runner::VerdictKind::fail, "capacity.min-size", "400 IncorrectCapacity.MinSize \"x\"", "200 success"}};
  f.signature = signature_of(f.result);
  EXPECT_EQ(f.signature.rfind("capacity.min-size|fail|", 0), 0u) << f.signature;
  const std::string file = ::testing::TempDir() + "finding.json";
  std::ofstream(file) << finding_to_json(f);
  const auto back = load_finding(file);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(runner::case_to_json(back->case_), runner::case_to_json(f.case_));
  EXPECT_EQ(back->target, f.target);
  EXPECT_EQ(back->signature, f.signature);
  EXPECT_NE(load_finding(ESSCONF_CASES_DIR "/behaviour/capacity.min-size.missed-by-one.json").error().find("not an essconf finding"),
            std::string::npos);
}

// Findings that break the same clause the same way share a signature.
TEST(Finding, SignatureBlursIdsAndNumbers) {
  runner::CaseResult a, b;
  a.verdict.kind = b.verdict.kind = runner::VerdictKind::fail;
  a.verdict.clauses = b.verdict.clauses = {"error.instance-not-found"};
  a.verdict.findings = {{runner::VerdictKind::fail, "error.instance-not-found", "404 InvalidInstanceId.NotFound \"Instance \\\"i-1\\\"\"", "200 success"}};
  b.verdict.findings = {{runner::VerdictKind::fail, "error.instance-not-found", "404 InvalidInstanceId.NotFound \"Instance \\\"i-2\\\"\"", "200 success"}};
  EXPECT_EQ(signature_of(a), signature_of(b));
}

}  // namespace
}  // namespace essconf::fuzzing
