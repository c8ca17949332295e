#include "reference/server/service.hpp"

#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "suite/selftest/model_fixtures.hpp"
#include "reference/wire/body.hpp"

namespace essconf::server {
namespace {

using model::testing::base_world;
using model::testing::kNow;
using model::testing::Req;

ServiceOptions fixed_clock() {
  ServiceOptions o;
  o.clock = [] { return kNow; };
  o.seed = 42;
  return o;
}

wire::HttpRequest fixture_request(std::string method, std::string path, std::string body = "") {
  wire::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(path);
  r.body = std::move(body);
  return r;
}

TEST(Service, SuccessAnswersWithIdsAndAppliesTheEffects) {
  Service s(base_world(), fixed_clock());
  const HttpResponse r = s.handle(Req().build());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), wire::kJsonContentType);
  const auto body = wire::parse_body(r.body);
  ASSERT_EQ(body.syntax, wire::Syntax::json);
  const auto request_id = body.field("RequestId");
  ASSERT_TRUE(request_id);
  EXPECT_TRUE(std::regex_match(*request_id, std::regex("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")))
      << *request_id;
  const auto activity_id = body.field("ScalingActivityId");
  ASSERT_TRUE(activity_id);
  const model::World expected = model::apply(base_world(), {"asg-main", {"i-auto1"}, model::RemovePolicy::release}, *activity_id);
  EXPECT_EQ(model::canonical(s.world()), model::canonical(expected)) << "activity.trackable, effect.*";
}

TEST(Service, XmlFormatGetsAnXmlBody) {
  Service s(base_world(), fixed_clock());
  const HttpResponse r = s.handle(Req().set("Format", "XML").build());
  EXPECT_EQ(r.header("Content-Type"), wire::kXmlContentType);
  const auto body = wire::parse_body(r.body);
  EXPECT_EQ(body.syntax, wire::Syntax::xml);
  EXPECT_EQ(body.root, "RemoveInstancesResponse");
}

TEST(Service, ErrorsAreTheModelsAndChangeNothing) {
  model::World w = base_world();
  w.group("asg-main")->min_size = 4;
  Service s(w, fixed_clock());
  const HttpResponse r = s.handle(Req().set("Format", "XML").build());
  EXPECT_EQ(r.status, 400);
  const auto body = wire::parse_body(r.body);
  EXPECT_EQ(body.root, "Error");
  EXPECT_EQ(body.field("Code"), "IncorrectCapacity.MinSize");
  EXPECT_EQ(body.field("Message"), "To remove the instances, the total capacity will be lesser than the MinSize.");
  EXPECT_TRUE(body.field("RequestId"));
  EXPECT_EQ(s.world(), w) << "atomic.rejected-unchanged";
}

// The server and the model never disagree: every answer is the model's decision.
TEST(Service, AnswersAreTheModelsReferenceDecision) {
  const std::vector<wire::HttpRequest> requests{
      Req().build(), Req().ids({"i-free"}).build(), Req().set("ScalingGroupId", "asg-nope").build(),
      Req().ids(std::vector<std::string>(21, "i-auto1")).build(), Req().drop("Action").build(),
      Req().set("RemovePolicy", "recycle").build(), Req().method("DELETE").build(), Req().raw_query("x=%zz").build()};
  for (const auto& req : requests) {
    Service s(base_world(), fixed_clock());
    const auto expected = model::expect(base_world(), req, model::Profile::strict, model::testing::context()).reference;
    const HttpResponse r = s.handle(req);
    EXPECT_EQ(r.status, expected.status) << req.target;
    if (!expected.success) {
      EXPECT_EQ(wire::parse_body(r.body).field("Code"), expected.code) << req.target;
    }
  }
}

TEST(FixtureProtocol, Capabilities) {
  Service s(base_world(), fixed_clock());
  const HttpResponse r = s.handle(fixture_request("GET", "/_conformance/v1/capabilities"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"protocol":1,"features":["world","activities","auth","load_balancers","db_instances","world_representation","isolated_worlds"]})");
}

// isolated_worlds: `request` on the World `name`.
wire::HttpRequest on(std::string_view name, wire::HttpRequest request) {
  request.headers.push_back({std::string(kWorldHeader), std::string(name)});
  return request;
}

TEST(IsolatedWorlds, ANamedWorldHasItsOwnStateAndTheDefaultOneIsUntouched) {
  Service s(base_world(), fixed_clock());
  model::World other = base_world();
  other.group("asg-main")->min_size = 4;  // every removal from asg-main breaks MinSize
  ASSERT_EQ(s.handle(on("a", fixture_request("PUT", "/_conformance/v1/world", model::to_json(other)))).status, 204);
  ASSERT_EQ(s.handle(on("b", fixture_request("PUT", "/_conformance/v1/world", model::to_json(base_world())))).status, 204);

  EXPECT_EQ(s.handle(on("a", Req().build())).status, 400) << "World a: MinSize 4 holds";
  EXPECT_EQ(s.handle(on("b", Req().build())).status, 200) << "World b: the removal succeeds";
  EXPECT_EQ(s.world(), base_world()) << "the default World saw neither call";
  const auto a = model::parse_world(s.handle(on("a", fixture_request("GET", "/_conformance/v1/world"))).body);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(*a, other) << "a refusal changes nothing";
  const auto b = model::parse_world(s.handle(on("b", fixture_request("GET", "/_conformance/v1/world"))).body);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->group("asg-main")->member("i-auto1"), nullptr) << "World b lost i-auto1";
  EXPECT_EQ(s.handle(Req().build()).status, 200) << "the default World still has i-auto1";
}

TEST(IsolatedWorlds, EachWorldRemembersItsOwnNonces) {
  model::World w = base_world();
  w.auth.mode = model::AuthMode::signature;
  Service s(w, fixed_clock());
  for (const char* name : {"a", "b"})
    ASSERT_EQ(s.handle(on(name, fixture_request("PUT", "/_conformance/v1/world", model::to_json(w)))).status, 204);
  const auto signed_request = Req().sign("LTAI-good", "s3cr3t", "nonce-1").build();
  EXPECT_EQ(s.handle(on("a", signed_request)).status, 200);
  EXPECT_EQ(s.handle(on("b", signed_request)).status, 200) << "World b has not seen the nonce";
  EXPECT_EQ(wire::parse_body(s.handle(on("a", signed_request)).body).field("Code"), "SignatureNonceUsed");
}

TEST(IsolatedWorlds, ANameNoPutLoadedHoldsTheEmptyWorldAndChangesNothing) {
  Service s(base_world(), fixed_clock());
  const HttpResponse get = s.handle(on("never-put", fixture_request("GET", "/_conformance/v1/world")));
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(model::parse_world(get.body).value(), model::World{});
  const HttpResponse call = s.handle(on("never-put", Req().build()));
  EXPECT_EQ(call.status, 404) << call.body;  // no such group in the empty World
  EXPECT_EQ(s.handle(on("never-put", fixture_request("POST", "/_conformance/v1/activities/complete"))).body,
            R"({"completed":[]})");
  EXPECT_EQ(s.world(), base_world());
}

TEST(IsolatedWorlds, AMalformedNameOrOneWorldTooManyIsRefusedWithAReason) {
  Service s(base_world(), fixed_clock());
  const std::string world = model::to_json(base_world());
  for (const std::string& bad : std::vector<std::string>{"", "a b", std::string(65, 'x'), "caf\xc3\xa9"}) {
    const HttpResponse r = s.handle(on(bad, fixture_request("PUT", "/_conformance/v1/world", world)));
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("Conformance-World"), std::string::npos) << r.body;
  }
  EXPECT_EQ(s.handle(on(std::string(64, 'x'), fixture_request("PUT", "/_conformance/v1/world", world))).status, 204);
  for (std::size_t i = 1; i < kMaxNamedWorlds; ++i)
    ASSERT_EQ(s.handle(on("w" + std::to_string(i), fixture_request("PUT", "/_conformance/v1/world", world))).status, 204);
  const HttpResponse full = s.handle(on("one-more", fixture_request("PUT", "/_conformance/v1/world", world)));
  EXPECT_EQ(full.status, 400);
  EXPECT_NE(full.body.find("at most 64 named Worlds"), std::string::npos) << full.body;
  EXPECT_EQ(s.handle(on("w1", fixture_request("PUT", "/_conformance/v1/world", world))).status, 204)
      << "a World the target keeps may still be loaded again";
}

TEST(FixtureProtocol, PutThenGetWorld) {
  Service s(model::World{}, fixed_clock());
  const HttpResponse put = s.handle(fixture_request("PUT", "/_conformance/v1/world", model::to_json(base_world())));
  EXPECT_EQ(put.status, 204);
  const HttpResponse get = s.handle(fixture_request("GET", "/_conformance/v1/world"));
  EXPECT_EQ(get.status, 200);
  const auto parsed = model::parse_world(get.body);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, base_world());
}

TEST(FixtureProtocol, PutAnswersWithTheWorldWhenThePreferHeaderAsksForIt) {
  Service s(model::World{}, fixed_clock());
  for (const std::string prefer : {"return=representation", "respond-async, Return = \"Representation\"; x=1"}) {
    auto put = fixture_request("PUT", "/_conformance/v1/world", model::to_json(base_world()));
    put.headers.push_back({"Prefer", prefer});
    const HttpResponse r = s.handle(put);
    EXPECT_EQ(r.status, 200) << prefer;
    EXPECT_EQ(r.header("Preference-Applied"), "return=representation");
    EXPECT_EQ(r.body, s.handle(fixture_request("GET", "/_conformance/v1/world")).body) << prefer;
  }
  for (const std::string prefer : {"return=minimal", "handling=strict", "return=representationx"}) {
    auto put = fixture_request("PUT", "/_conformance/v1/world", model::to_json(base_world()));
    put.headers.push_back({"Prefer", prefer});
    const HttpResponse r = s.handle(put);
    EXPECT_EQ(r.status, 204) << prefer;
    EXPECT_TRUE(r.body.empty());
  }
}

TEST(FixtureProtocol, InvalidWorldIsRefusedWithItsPathAndKeepsTheOld) {
  Service s(base_world(), fixed_clock());
  const HttpResponse r =
      s.handle(fixture_request("PUT", "/_conformance/v1/world", R"({"ScalingGroups":[{"ScalingGroupId":"g"}]})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("$.ScalingGroups[0].LifecycleState"), std::string::npos) << r.body;
  EXPECT_EQ(s.world(), base_world());
}

TEST(FixtureProtocol, ManualActivitiesCompleteOnRequest) {
  model::World w = base_world();
  w.completion = model::ActivityCompletion::manual;
  Service s(w, fixed_clock());
  ASSERT_EQ(s.handle(Req().build()).status, 200);
  EXPECT_EQ(s.world().group("asg-main")->member("i-auto1")->state, model::MemberState::removing);
  EXPECT_EQ(s.handle(Req().ids({"i-auto2"}).build()).status, 400) << "the group is busy";
  const HttpResponse done = s.handle(fixture_request("POST", "/_conformance/v1/activities/complete"));
  EXPECT_EQ(done.status, 200);
  EXPECT_NE(done.body.find("\"completed\":[\"asa-"), std::string::npos) << done.body;
  EXPECT_EQ(s.world().group("asg-main")->member("i-auto1"), nullptr);
  EXPECT_EQ(s.handle(Req().ids({"i-auto2"}).build()).status, 200) << "cooldown does not block";
}

TEST(FixtureProtocol, UnknownEndpointAndWrongMethod) {
  Service s(base_world(), fixed_clock());
  EXPECT_EQ(s.handle(fixture_request("GET", "/_conformance/v1/reset")).status, 404);
  const HttpResponse r = s.handle(fixture_request("DELETE", "/_conformance/v1/world"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, PUT");
  EXPECT_NE(r.body.find("\"error\""), std::string::npos);
}

TEST(Signatures, ReplayedNonceIsRefusedAndPutWorldForgetsNonces) {
  model::World w = base_world();
  w.auth.mode = model::AuthMode::signature;
  Service s(w, fixed_clock());
  const auto signed_request = Req().sign("LTAI-good", "s3cr3t", "nonce-1").build();
  EXPECT_EQ(s.handle(signed_request).status, 200);
  const HttpResponse replay = s.handle(signed_request);
  EXPECT_EQ(wire::parse_body(replay.body).field("Code"), "SignatureNonceUsed");
  ASSERT_EQ(s.handle(fixture_request("PUT", "/_conformance/v1/world", model::to_json(w))).status, 204);
  EXPECT_EQ(s.handle(signed_request).status, 200);
}

// Four threads each remove one member of asg-main at once; how many were accepted.
int parallel_removals(Service& s) {
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (const char* id : {"i-auto1", "i-auto2", "i-auto3", "i-manual1"})
    threads.emplace_back([&, id] { accepted += s.handle(Req().ids({id}).build()).status == 200 ? 1 : 0; });
  for (auto& t : threads) t.join();
  return accepted.load();
}

// atomic.concurrent-min-size: parallel calls never take the group below MinSize.
TEST(Concurrency, ParallelCallsNeverGoBelowMinSize) {
  for (int round = 0; round < 20; ++round) {
    model::World w = base_world();
    w.group("asg-main")->min_size = 2;
    Service s(w, fixed_clock());
    EXPECT_EQ(parallel_removals(s), 2);
    EXPECT_EQ(s.world().group("asg-main")->members.size(), 2u);
  }
}

TEST(Concurrency, UnderManualCompletionExactlyOneCallStartsAnActivity) {
  for (int round = 0; round < 20; ++round) {
    model::World w = base_world();
    w.completion = model::ActivityCompletion::manual;
    Service s(w, fixed_clock());
    EXPECT_EQ(parallel_removals(s), 1);
  }
}

TEST(Ids, RequestAndActivityIdsAreUnique) {
  model::World w = base_world();
  w.group("asg-main")->min_size = 0;
  Service s(w, fixed_clock());
  std::set<std::string> request_ids, activity_ids;
  for (int i = 0; i < 200; ++i) {
    const auto body = wire::parse_body(s.handle(Req().ids({i % 2 ? "i-auto1" : "i-nope"}).build()).body);
    request_ids.insert(*body.field("RequestId"));
    if (auto a = body.field("ScalingActivityId")) activity_ids.insert(*a);
  }
  EXPECT_EQ(request_ids.size(), 200u);
  EXPECT_EQ(activity_ids.size(), 1u) << "only the first call removed i-auto1";
}

}  // namespace
}  // namespace essconf::server
