// The generators against the model and the reference service: every World is
// valid, valid cases are accepted, near-valid cases break exactly the rule
// they name, malformed cases never get a 5xx, and the reference service
// answers every generated case as the model's strict expectation says.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "reference/model/model.hpp"
#include "reference/server/service.hpp"
#include "reference/wire/body.hpp"
#include "suite/property/generators.hpp"

namespace essconf::property {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;  // the tests' clock; requests are signed at it
const std::string kNonce = "nonce";

wire::HttpRequest build(const runner::Case& c) { return runner::build_request(c.request, kNow, kNonce); }

model::Expectation expect(const runner::Case& c, model::Profile profile = model::Profile::strict) {
  return model::expect(c.world, build(c), profile, {kNow, 0, nullptr});
}

rc::Gen<runner::Case> gen_case_of(RequestKind kind) {
  const std::string id = "property." + std::string(name(kind));
  return rc::gen::suchThat(gen_case(), [id](const runner::Case& c) { return c.id == id; });
}

bool contains(const std::vector<std::string_view>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string kind_of(const runner::Case& c) { return c.id.substr(sizeof("property.") - 1); }

RC_GTEST_PROP(GenWorld, RoundTripsThroughTheFixtureJson, ()) {
  const model::World w = *gen_world();
  const std::string json = model::to_json(w);
  RC_LOG() << json << "\n";
  const auto parsed = model::parse_world(json);
  RC_ASSERT(parsed.error() == std::string());
  RC_ASSERT(*parsed == w);
  RC_ASSERT(!w.groups.empty());
  RC_ASSERT(w.groups.size() <= 3u);
  for (const auto& g : w.groups) {
    RC_ASSERT(g.members.size() <= 12u);
    RC_ASSERT(g.min_size <= static_cast<std::int64_t>(g.members.size()) + 1);
    RC_ASSERT(g.min_size <= g.max_size);
  }
}

RC_GTEST_PROP(GenCase, ValidCasesAreAcceptedByTheReference, ()) {
  const runner::Case c = *gen_case_of(RequestKind::valid);
  const auto e = expect(c);
  RC_LOG() << c.description << "\n" << e.reference.code << ": " << e.reference.message << "\n";
  RC_ASSERT(e.reference.success);
  RC_ASSERT(c.clauses == std::vector<std::string>{"effect.removed-exactly"});
  RC_ASSERT(e.reference.effects.instance_ids.size() >= 1u);
  RC_ASSERT(e.reference.effects.instance_ids.size() <= 20u);
}

RC_GTEST_PROP(GenCase, NearValidCasesBreakTheRuleTheyName, ()) {
  const runner::Case c = *gen_case_of(RequestKind::near_valid);
  RC_ASSERT(c.clauses.size() == 1u);
  const std::string& label = c.clauses.front();
  const auto e = expect(c);
  RC_LOG() << c.description << "\n" << e.reference.code << ": " << e.reference.message << "\n";
  RC_ASSERT(!e.reference.success);
  RC_ASSERT(contains(e.reference.clauses, label));
  RC_ASSERT(contains(e.clauses, label));
  RC_ASSERT(c.description.starts_with("near-valid: "));
}

RC_GTEST_PROP(GenCase, MalformedCasesNeverAllowAServerError, ()) {
  const runner::Case c = *gen_case_of(RequestKind::malformed);
  const auto request = build(c);
  RC_LOG() << c.description << "\n";
  RC_ASSERT(wire::to_http_bytes(request).size() < 48u * 1024);
  RC_ASSERT(request.target.size() < 12u * 1024);
  for (auto profile : {model::Profile::strict, model::Profile::spec}) {
    const auto e = expect(c, profile);
    RC_ASSERT(!e.grade_error(500, "InternalError", "x").has_value());
    RC_ASSERT(!e.grade_error(503, "ServiceUnavailable", "x").has_value());
    RC_ASSERT(e.reference.success || (e.reference.status >= 400 && e.reference.status <= 499));
  }
  RC_ASSERT(c.clauses == std::vector<std::string>{"robust.no-server-error"});
}

// gen_request on its own, on a World where a valid call is possible: valid
// requests are accepted, near-valid ones (request mutations only) refused.
RC_GTEST_PROP(GenRequest, KindsHoldOnAWorldThatCanAccept, ()) {
  const runner::Case base = *gen_case_of(RequestKind::valid);
  runner::Case c = base;
  c.request = *gen_request(base.world, RequestKind::valid);
  RC_ASSERT(expect(c).reference.success);
  c.request = *gen_request(base.world, RequestKind::near_valid);
  RC_ASSERT(!expect(c).reference.success);
  c.request = *gen_request(base.world, RequestKind::malformed);
  RC_ASSERT(!expect(c).grade_error(500, "InternalError", "x").has_value());
}

// A generated case prints as a case file that loads back as the same case.
RC_GTEST_PROP(GenCase, PrintsAsALoadableCaseFile, ()) {
  const runner::Case c = *gen_case();
  const std::string json = runner::case_to_json(c);
  const auto file = std::filesystem::temp_directory_path() / "essconf_generators_test_case.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << json;
  }
  const auto loaded = runner::load_case(file.string());
  std::filesystem::remove(file);
  RC_ASSERT(loaded.error() == std::string());
  RC_ASSERT(runner::case_to_json(*loaded) == json);
  RC_ASSERT(loaded->world == c.world);
}

// The reference service answers every generated case as the model's strict
// expectation says; the distribution of kinds and near-valid clauses is printed.
void service_agrees_with_the_model() {
  const runner::Case c = *gen_case();
  const std::string kind = kind_of(c);
  RC_TAG(kind == "near-valid" ? kind + " " + c.clauses.front() : kind);
  server::ServiceOptions options;
  options.clock = [] { return kNow; };
  options.seed = 1;
  server::Service service(c.world, options);
  const auto request = build(c);
  RC_ASSERT(request.target.size() < 12u * 1024);
  RC_ASSERT(wire::to_http_bytes(request).size() < 40u * 1024);
  const auto e = expect(c);
  const auto response = service.handle(request);
  const auto body = wire::parse_body(response.body);
  RC_LOG() << c.description << "\n" << response.status << " " << response.body << "\n";
  if (response.status == 200) {
    RC_ASSERT(e.reference.success);
    RC_ASSERT(e.grade_success(e.reference.effects) == model::Grade::pass);
    const auto activity = body.field("ScalingActivityId");
    RC_ASSERT(activity.has_value());
    RC_ASSERT(service.world() == model::apply(c.world, e.reference.effects, *activity));
  } else {
    RC_ASSERT(!e.reference.success);
    const std::string code = body.field("Code").value_or(""), message = body.field("Message").value_or("");
    RC_ASSERT(code == e.reference.code);
    RC_ASSERT(e.grade_error(response.status, code, message) == model::Grade::pass);
    RC_ASSERT(service.world() == c.world);
  }
  if (kind == "valid") RC_ASSERT(response.status == 200);
  if (kind == "near-valid") RC_ASSERT(contains(e.reference.clauses, c.clauses.front()));
}

TEST(GenCase, TheReferenceServiceAnswersAsTheModelExpects) {
  rc::detail::TestParams params;
  params.seed = 1;
  params.maxSuccess = 1000;
  rc::detail::TestMetadata meta;
  meta.id = "GenCase/TheReferenceServiceAnswersAsTheModelExpects";
  meta.description = "the reference service answers generated cases as the model expects";
  const auto result = rc::detail::checkTestable(&service_agrees_with_the_model, meta, params);
  std::ostringstream report;
  rc::detail::printResultMessage(result, report);
  ASSERT_TRUE(result.template is<rc::detail::SuccessResult>()) << report.str();
  std::cout << report.str() << std::endl;
  const auto& ok = result.template get<rc::detail::SuccessResult>();
  // Every kind and a good spread of near-valid clauses show up in 1000 cases.
  // RC_TAG stores each tag as RapidCheck shows it: a string in double quotes.
  std::vector<std::string> seen;
  for (const auto& [tags, n] : ok.distribution)
    if (!tags.empty()) seen.push_back(tags.front().size() >= 2 ? tags.front().substr(1, tags.front().size() - 2) : "");
  for (const char* kind : {"valid", "malformed"})
    EXPECT_NE(std::find(seen.begin(), seen.end(), kind), seen.end()) << kind;
  for (const char* clause : {"error.group-not-found", "error.instance-not-found", "param.instance-id.max-20",
                             "param.instance-id.required", "param.scaling-group-id.required",
                             "param.remove-policy.values", "param.remove-policy.recycle-group", "capacity.min-size",
                             "param.action", "rpc.version", "param.format", "group.state.active",
                             "group.activity.none-in-progress", "error.load-balancer-status",
                             "error.db-instance-status", "rpc.signature", "rpc.timestamp", "rpc.nonce",
                             "error.unauthorized"})
    EXPECT_NE(std::find(seen.begin(), seen.end(), std::string("near-valid ") + clause), seen.end()) << clause;
}

// Generation depends only on RapidCheck's randomness: one seed, one sequence.
TEST(GenCase, SameSeedSameCases) {
  auto run = [] {
    std::vector<std::string> cases;
    rc::detail::TestParams params;
    params.seed = 42;
    params.maxSuccess = 60;
    const auto result = rc::detail::checkTestable([&] { cases.push_back(runner::case_to_json(*gen_case())); },
                                                  rc::detail::TestMetadata{}, params);
    EXPECT_TRUE(result.template is<rc::detail::SuccessResult>());
    return cases;
  };
  const auto first = run();
  EXPECT_EQ(first.size(), 60u);
  EXPECT_EQ(first, run());
}

}  // namespace
}  // namespace essconf::property
