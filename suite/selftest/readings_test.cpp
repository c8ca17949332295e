// Each self-test reading changes what a client sees on a scenario of its
// clause, and what it answers there is an answer the model allows (pass or
// deviation under the spec profile): a reading is never a fault.
#include "suite/selftest/readings.hpp"

#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "suite/selftest/model_fixtures.hpp"
#include "reference/server/service.hpp"
#include "reference/wire/body.hpp"

namespace essconf::selftest {
namespace {

using model::testing::base_world;
using model::testing::kNow;
using model::testing::Req;

struct ReadingScenario {
  std::string reading;
  std::function<void(model::World&)> world = [](model::World&) {};
  std::vector<Req> calls = {Req()};
};

std::vector<ReadingScenario> scenarios() {
  auto signature = [](model::World& w) { w.auth.mode = model::AuthMode::signature; };
  return {
      {"xml-default", {}, {Req().drop("Format")}},
      {"malformed-default-format", {}, {Req().set("Format", "XML").raw_query("&InstanceId.2=i-%zz")}},
      {"gaps-served", {}, {Req().add("InstanceId.3", "i-auto2")}},
      {"duplicates-once", {}, {Req().add("InstanceId.2", "i-auto1")}},
      {"duplicate-first-wins", {}, {Req().add("ScalingGroupId", "asg-nope")}},
      {"duplicate-last-wins", {}, {Req().add("ScalingGroupId", "asg-nope")}},
      {"region-other-not-found", {}, {Req().set("RegionId", "cn-beijing")}},
      {"capacity-stable-only",
       [](model::World& w) {
         w.group("asg-main")->min_size = 3;
         w.group("asg-main")->members[1].state = model::MemberState::pending;
       },
       {Req().ids({"i-auto3"})}},
      {"transitional-removable", [](model::World& w) { w.group("asg-main")->members[0].state = model::MemberState::pending; }},
      {"protected-refused", [](model::World& w) { w.group("asg-main")->members[0].state = model::MemberState::is_protected; }},
      {"any-path", {}, {Req().path("/v1/")}},
      {"version-optional", {}, {Req().drop("Version")}},
      {"reverse-precedence", [](model::World& w) { w.group("asg-main")->state = model::GroupState::inactive; },
       {Req().ids({"i-auto1", "i-auto2", "i-auto3", "i-manual1"})}},
      {"members-before-state", [](model::World& w) { w.group("asg-main")->state = model::GroupState::inactive; },
       {Req().ids({"i-free"})}},
      {"missing-gateway-codes", {}, {Req().drop("ScalingGroupId")}},
      {"nonce-per-key", signature,
       {Req().sign("LTAI-denied", "d3n13d", "n-1"), Req().sign("LTAI-good", "s3cr3t", "n-1")}},
      {"nonce-on-success", signature,
       {Req().set("ScalingGroupId", "asg-nope").sign("LTAI-good", "s3cr3t", "n-2"), Req().sign("LTAI-good", "s3cr3t", "n-2")}},
      {"signature-403", signature, {Req().sign("LTAI-good", "wrong", "n-3")}},
      {"not-found-400", {}, {Req().set("ScalingGroupId", "asg-nope")}},
      {"xml-declaration-toggled", {}, {Req().set("Format", "XML")}},
      {"xml-namespace", {}, {Req().set("Format", "XML")}},
      {"xml-cdata", {}, {Req().set("Format", "XML").set("ScalingGroupId", "asg-nope")}},
      {"json-pretty"},
      {"application-xml", {}, {Req().set("Format", "XML")}},
      {"close-every-response"},
      {"chunked-responses"},
      {"undeclared-refused", {}, {Req().add("DecreaseDesiredCapacity", "true")}},
      {"signature-v1-only", signature, {Req().sign_v3("LTAI-good", "s3cr3t", "n-v3")}},
  };
}

struct Seen {
  server::HttpResponse last;
  model::Expectation expected;
  model::World after;
};

Seen observe(const model::World& world, ReadingSet readings, const std::vector<Req>& calls) {
  server::ServiceOptions o;
  o.clock = [] { return kNow; };
  o.seed = 5;
  o.hooks = reading_hooks(readings);
  server::Service s(world, o);
  model::NonceLedger nonces;
  Seen seen;
  for (const auto& c : calls) {
    const auto request = c.build();
    const model::World before = s.world();
    seen.expected = model::expect(before, request, model::Profile::spec, {kNow, 0, &nonces});
    seen.last = s.handle(request);
    if (seen.expected.reference.nonce_used) nonces.record(*seen.expected.reference.nonce_used, seen.last.status == 200);
  }
  seen.after = s.world();
  return seen;
}

std::string shown(const server::HttpResponse& r) {
  return std::to_string(r.status) + (r.close ? " close " : " keep ") + (r.chunked ? "chunked " : "") + std::string(r.header("Content-Type")) + " " + r.body;
}

class ReadingChangesTheAnswerWithinTheSpec : public ::testing::TestWithParam<ReadingScenario> {};

TEST_P(ReadingChangesTheAnswerWithinTheSpec, OnItsScenario) {
  const ReadingScenario& sc = GetParam();
  const auto reading = reading_named(sc.reading);
  ASSERT_TRUE(reading) << sc.reading;
  model::World w = base_world();
  if (sc.world) sc.world(w);
  const Seen reference = observe(w, {}, sc.calls);
  const Seen read = observe(w, reading_set({*reading}), sc.calls);
  // Request ids and activity ids are drawn from the same seed: equal bodies mean nothing changed.
  EXPECT_NE(shown(reference.last), shown(read.last)) << sc.reading << " changed nothing a client can see";
  const auto body = wire::parse_body(read.last.body);
  ASSERT_TRUE(body.syntax == wire::Syntax::xml || body.syntax == wire::Syntax::json) << read.last.body;
  if (read.last.status == 200) {
    EXPECT_TRUE(read.expected.allows_success()) << sc.reading << ": a success the model does not allow";
  } else {
    EXPECT_TRUE(read.expected.grade_error(read.last.status, body.field("Code").value_or(""),
                                          body.field("Message").value_or("")))
        << sc.reading << ": an error the model does not allow: " << read.last.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Server, ReadingChangesTheAnswerWithinTheSpec, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<ReadingScenario>& info) {
                           std::string n;
                           for (char c : info.param.reading) n += c == '-' ? '_' : c;
                           return n;
                         });

TEST(Readings, CatalogIsCompleteAndEveryReadingHasAScenario) {
  std::set<std::string> covered;
  for (const auto& sc : scenarios()) covered.insert(sc.reading);
  EXPECT_EQ(reading_catalog().size(), static_cast<std::size_t>(Reading::count_));
  for (const auto& r : reading_catalog()) {
    EXPECT_EQ(reading_named(r.name), r.reading);
    EXPECT_TRUE(covered.count(std::string(r.name))) << r.name << " has no scenario";
    EXPECT_FALSE(r.clause.empty());
  }
  EXPECT_FALSE(reading_named("no-such-reading"));
  EXPECT_TRUE(reading_hooks({}).empty()) << "no reading is the reference itself";
}

}  // namespace
}  // namespace essconf::selftest
