#include "suite/runner/case.hpp"

#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "reference/model/catalog.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/signature.hpp"

namespace essconf::runner {
namespace {

const CaseFiles& catalog_cases() {
  static const CaseFiles loaded = load_cases(ESSCONF_CASES_DIR);
  return loaded;
}

TEST(CaseCatalog, EveryCaseLoads) {
  for (const auto& p : catalog_cases().problems) ADD_FAILURE() << p.text();
  EXPECT_GE(catalog_cases().cases.size(), 120u);
}

// Every stated and implied clause three times (holding, boundary, broken);
// every clause of the catalog at least once.
TEST(CaseCatalog, EveryClauseIsCovered) {
  std::map<std::string, int> count;
  for (const auto& c : catalog_cases().cases)
    for (const auto& cl : c.clauses) ++count[cl];
  for (const auto& cl : model::catalog().clauses) {
    const int n = count[cl.id];
    const int wanted = cl.level == model::Level::stated || cl.level == model::Level::implied ? 3 : 1;
    EXPECT_GE(n, wanted) << cl.id << " (" << model::name(cl.level) << ") has " << n << " case(s)";
  }
}

// A case is about the clauses it names: each named clause is exercised by its
// request (clauses judged across calls excepted).
TEST(CaseCatalog, EveryCaseExercisesTheClausesItNames) {
  for (const auto& c : catalog_cases().cases) {
    const auto req = build_request(c.request, 1'790'000'000, "nonce");
    const auto e = model::expect(c.world, req, model::Profile::spec, {1'790'000'000, 10, nullptr});
    for (const auto& cl : c.clauses) {
      const model::Clause* clause = model::catalog().find(cl);
      ASSERT_NE(clause, nullptr);
      if (clause->oracle != "model" || cl == "rpc.nonce") continue;  // judged across calls
      EXPECT_NE(std::find(e.clauses.begin(), e.clauses.end(), cl), e.clauses.end()) << c.id << " names " << cl;
    }
  }
}

// model::decide, what essconf serve answers with, is the reference decision
// of model::expect under either profile, on every catalog request.
TEST(CaseCatalog, DecideIsTheReferenceDecisionOfExpect) {
  model::NonceLedger nonces;
  nonces.record({"LTAI-conformance", "used-nonce"}, false);
  const model::Context ctx{1'790'000'000, 0, &nonces};
  for (const auto& c : catalog_cases().cases) {
    const auto req = build_request(c.request, 1'790'000'000, "nonce");
    const model::Decision d = model::decide(c.world, req, ctx);
    EXPECT_EQ(d, model::expect(c.world, req, model::Profile::strict, ctx).reference) << c.id;
    EXPECT_EQ(d, model::expect(c.world, req, model::Profile::spec, ctx).reference) << c.id;
  }
}

// Every catalog case survives case_to_json and load_case unchanged.
TEST(CaseFile, RoundTripsThroughJson) {
  const std::string file = ::testing::TempDir() + "roundtrip.json";
  for (const auto& c : catalog_cases().cases) {
    std::ofstream(file) << case_to_json(c);
    const auto back = load_case(file);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(case_to_json(*back), case_to_json(c)) << c.id;
    EXPECT_EQ(wire::to_http_bytes(build_request(back->request, 1, "n")),
              wire::to_http_bytes(build_request(c.request, 1, "n"))) << c.id;
  }
}

TEST(CaseFile, ErrorsNameTheFileAndPath) {
  const auto missing = load_case(ESSCONF_CASES_DIR "/no-such-case.json");
  EXPECT_NE(missing.error().find("no-such-case.json: cannot read"), std::string::npos) << missing.error();
  const auto dir = load_cases(ESSCONF_CASES_DIR "/no-such-dir");
  ASSERT_EQ(dir.problems.size(), 1u);
  EXPECT_EQ(dir.problems[0].text(), ESSCONF_CASES_DIR "/no-such-dir: not a directory of cases");
}

TEST(BuildRequest, PlacementsAndSignatures) {
  RequestSpec spec;
  spec.params = {{"Action", "RemoveInstances"}, {"ScalingGroupId", "asg main"}};
  EXPECT_EQ(build_request(spec, 0, "n").target, "/?Action=RemoveInstances&ScalingGroupId=asg%20main");
  spec.method = "POST";
  spec.placement = Placement::split;
  auto split = build_request(spec, 0, "n");
  EXPECT_EQ(split.target, "/?Action=RemoveInstances");
  EXPECT_EQ(split.body, "ScalingGroupId=asg%20main");
  EXPECT_TRUE(split.has_form_body());
  spec.placement = Placement::form;
  spec.sign.emplace();
  spec.sign->access_key_id = "k";
  spec.sign->access_key_secret = "s";
  const auto form = build_request(spec, 1456231584, "nonce-1");
  EXPECT_EQ(form.target, "/");
  // The signature covers what is sent, with the method: verify it the way a server would.
  auto params = model::request_params(form);
  std::vector<wire::Pair> pairs;
  std::string signature;
  for (const auto& p : params.params) {
    if (p.name == "Signature") signature = p.value;
    else pairs.emplace_back(p.name, p.value);
  }
  EXPECT_TRUE(wire::verify_v1("POST", pairs, "s", signature));
  spec.sign->signature = SignatureMode::corrupt;
  params = model::request_params(build_request(spec, 1456231584, "nonce-1"));
  for (const auto& p : params.params) {
    if (p.name == "Signature") {
      EXPECT_FALSE(wire::verify_v1("POST", pairs, "s", p.value));
    }
  }
}

}  // namespace
}  // namespace essconf::runner
