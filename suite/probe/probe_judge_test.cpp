// probe::judge: what probe may send (safe) and accept (the witnesses' union),
// checked on fixed requests and, as a property, against random Worlds that
// agree with random declarations.
#include "suite/probe/probe_judge.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "suite/runner/case.hpp"

namespace essconf::probe {
namespace {

constexpr std::int64_t kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z

model::Context context() { return {kNow, 10, nullptr, false}; }

Declarations two_groups(bool with_key) {
  Declarations d;
  d.groups = {{"asg-bp1real0000000000001", {"i-bp1real000000000001", "i-bp1real000000000002"}},
              {"asg-bp1real0000000000002", {}}};
  if (with_key) d.key = model::AccessKey{"LTAIprobekey", "probe-secret", true};
  return d;
}

wire::HttpRequest request(const std::string& group, const std::vector<std::string>& ids, const Declarations& d,
                          std::vector<wire::Pair> extra = {}) {
  runner::RequestSpec spec;
  spec.params = {{"Action", "RemoveInstances"}, {"Version", "2014-08-28"}, {"RegionId", d.region_id},
                 {"ScalingGroupId", group}};
  for (std::size_t i = 0; i < ids.size(); ++i) spec.params.push_back({fmt::format("InstanceId.{}", i + 1), ids[i]});
  for (auto& p : extra) spec.params.push_back(std::move(p));
  if (d.key) spec.sign = runner::SignSpec::with_key(d.key->id, d.key->secret);
  return runner::build_request(spec, kNow, "probe-test-nonce");
}

bool allows_code(const model::Expectation& e, std::string_view code) {
  return std::any_of(e.outcomes.begin(), e.outcomes.end(), [&](const model::Outcome& o) {
    return o.kind == model::Outcome::Kind::error &&
           (o.error.codes.empty() || std::find(o.error.codes.begin(), o.error.codes.end(), code) != o.error.codes.end());
  });
}

TEST(ProbeJudge, EveryWitnessAgreesWithTheDeclarations) {
  for (bool with_key : {false, true}) {
    const Declarations d = two_groups(with_key);
    const auto witnesses = witness_worlds(d);
    EXPECT_GT(witnesses.size(), 20U);
    for (const auto& w : witnesses) {
      ASSERT_TRUE(model::parse_world(model::to_json(w))) << model::to_json(w);
      EXPECT_EQ(w.region_id, d.region_id);
      for (const auto& dg : d.groups) {
        const auto* g = w.group(dg.id);
        ASSERT_NE(g, nullptr);
        for (const auto& m : dg.members) EXPECT_NE(g->member(m), nullptr) << m;
      }
      if (with_key) {
        EXPECT_NE(w.access_key(d.key->id), nullptr);
      }
    }
  }
}

TEST(ProbeJudge, ARemovalOfDeclaredMembersIsNeverSafe) {
  const Declarations d = two_groups(true);
  const Judgement j = Judge(d)(request(d.groups[0].id, {d.groups[0].members[0]}, d), model::Profile::spec, context());
  EXPECT_FALSE(j.safe);
  EXPECT_TRUE(j.expectation.allows_success());
}

TEST(ProbeJudge, DeclaredGroupAndMemberTogetherAreUnsafeEvenWhenEveryWorldRefuses) {
  const Declarations d = two_groups(true);
  // Version is wrong: every World refuses, yet a target that ignored Version
  // would remove the member; probe does not send it.
  const auto req = request(d.groups[0].id, {d.groups[0].members[0]}, d, {{"Version", "2099-01-01"}});
  const Judgement j = Judge(d)(req, model::Profile::spec, context());
  EXPECT_FALSE(j.safe);
  EXPECT_NE(j.unsafe_why.find("names the declared group"), std::string::npos) << j.unsafe_why;
}

TEST(ProbeJudge, APercentEncodedIdStillCounts) {
  const Declarations d = two_groups(false);
  wire::HttpRequest req = request(d.groups[0].id, {"i-fresh"}, d);
  req.target += "&InstanceId.2=%69-bp1real000000000001";  // %69 is 'i'
  EXPECT_NE(names_real_pair(d, req), "");
}

TEST(ProbeJudge, AnIdInAnotherCaseStillCounts) {
  const Declarations d = two_groups(false);
  std::string group = d.groups[0].id, member = d.groups[0].members[0];
  std::transform(group.begin(), group.end(), group.begin(), [](unsigned char c) { return std::toupper(c); });
  std::transform(member.begin(), member.end(), member.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_NE(names_real_pair(d, request(group, {member}, d)), "") << "a target that ignores case would remove it";
  EXPECT_EQ(names_real_pair(d, request(group, {"i-fresh"}, d)), "");
}

TEST(ProbeJudge, FreshInstancesInADeclaredGroupAreSafeAndAllowEveryGroupError) {
  const Declarations d = two_groups(false);
  const Judgement j = Judge(d)(request(d.groups[0].id, {"i-probefresh00000000001"}, d), model::Profile::spec, context());
  EXPECT_TRUE(j.safe) << j.unsafe_why;
  EXPECT_TRUE(allows_code(j.expectation, "InvalidInstanceId.NotFound"));
  EXPECT_TRUE(allows_code(j.expectation, "IncorrectScalingGroupStatus"));
  EXPECT_TRUE(allows_code(j.expectation, "IncorrectCapacity.MinSize"));
  // No key declared: the target may check signatures all the same.
  EXPECT_TRUE(allows_code(j.expectation, "MissingSignature") || allows_code(j.expectation, "MissingParameter"));
}

TEST(ProbeJudge, ADeclaredKeyMakesSignatureErrorsUnexpectedOnAGoodSignature) {
  const Declarations d = two_groups(true);
  const Judgement j = Judge(d)(request("asg-probefresh", {"i-probefresh"}, d), model::Profile::spec, context());
  EXPECT_TRUE(j.safe);
  EXPECT_FALSE(allows_code(j.expectation, "SignatureDoesNotMatch"));
  EXPECT_TRUE(allows_code(j.expectation, "InvalidScalingGroupId.NotFound"));
}

TEST(ProbeJudge, TwentyOneFreshIdsAreSafeAndTheLimitsErrorIsAllowed) {
  const Declarations d = two_groups(false);
  std::vector<std::string> ids;
  for (int i = 0; i < 21; ++i) ids.push_back(fmt::format("i-probefresh{:010}", i));
  const Judgement j = Judge(d)(request(d.groups[1].id, ids, d), model::Profile::spec, context());
  EXPECT_TRUE(j.safe);
  EXPECT_NE(std::find(j.expectation.clauses.begin(), j.expectation.clauses.end(), model::clause::kInstanceIdMax20),
            j.expectation.clauses.end());
}

// ---- the property: random Worlds that agree with random declarations ----

// Whether `u` accepts every answer `o` accepts.
bool covers(const model::ErrorSpec& u, const model::ErrorSpec& o) {
  auto subset = [](const auto& small, const auto& big) {
    return big.empty() ||
           (!small.empty() && std::all_of(small.begin(), small.end(), [&](const auto& x) {
              return std::find(big.begin(), big.end(), x) != big.end();
            }));
  };
  if (!subset(o.statuses, u.statuses) || !subset(o.codes, u.codes)) return false;
  if (u.messages.empty()) return true;
  if (o.messages.empty()) return false;
  return std::all_of(o.messages.begin(), o.messages.end(), [&](const model::MessageRule& m) {
    return std::any_of(u.messages.begin(), u.messages.end(), [&](const model::MessageRule& r) {
      return r.prefix ? m.text.starts_with(r.text) : (!m.prefix && r.text == m.text);
    });
  });
}

bool covered(const model::Expectation& by, const model::Outcome& o) {
  return std::any_of(by.outcomes.begin(), by.outcomes.end(), [&](const model::Outcome& u) {
    return u.kind == o.kind && (o.grade == model::Grade::deviation || u.grade == model::Grade::pass) &&
           (o.kind == model::Outcome::Kind::success ? u.effects == o.effects : covers(u.error, o.error));
  });
}

rc::Gen<Declarations> gen_declarations() {
  return rc::gen::exec([] {
    Declarations d;
    const int groups = *rc::gen::inRange(1, 4);
    int instance = 0;
    for (int g = 0; g < groups; ++g) {
      DeclaredGroup dg{fmt::format("asg-declared{}", g), {}};
      const int members = *rc::gen::inRange(0, 4);
      for (int m = 0; m < members; ++m) dg.members.push_back(fmt::format("i-declared{}", instance++));
      d.groups.push_back(std::move(dg));
    }
    if (*rc::gen::arbitrary<bool>()) d.key = model::AccessKey{"LTAIdeclared", "declared-secret", true};
    return d;
  });
}

// A World that agrees with `d`: every open thing drawn.
model::World gen_consistent_world(const Declarations& d) {
  model::World w = base_world(d);
  if (!d.key && *rc::gen::arbitrary<bool>()) {
    w.auth.mode = model::AuthMode::signature;
    w.auth.keys.push_back({"LTAIother", "other-secret", *rc::gen::arbitrary<bool>()});
  }
  int extra = 0;
  int things = 0;  // load balancers, databases and activities: ids unique in the World
  for (auto& g : w.groups) {
    g.state = *rc::gen::element(model::GroupState::active, model::GroupState::inactive, model::GroupState::deleting);
    g.policy = *rc::gen::element(model::ScalingPolicy::release, model::ScalingPolicy::recycle);
    for (auto& m : g.members) {
      m.state = *rc::gen::element(model::MemberState::in_service, model::MemberState::pending, model::MemberState::removing,
                                  model::MemberState::is_protected, model::MemberState::standby);
      m.creation = *rc::gen::element(model::CreationType::auto_created, model::CreationType::attached);
    }
    const int undeclared = *rc::gen::inRange(0, 3);
    for (int i = 0; i < undeclared; ++i) {
      const std::string id = fmt::format("i-undeclared{}", extra++);
      w.ecs.push_back({id, model::EcsStatus::running});
      g.members.push_back({id, model::CreationType::auto_created,
                           *rc::gen::element(model::MemberState::in_service, model::MemberState::pending)});
    }
    const auto size = static_cast<std::int64_t>(g.members.size());
    g.min_size = *rc::gen::inRange<std::int64_t>(0, size + 2);
    g.max_size = g.min_size + size + 1;
    if (*rc::gen::inRange(0, 4) == 0) g.load_balancers.push_back({fmt::format("lb-{}", things++), model::LoadBalancerStatus::inactive});
    if (*rc::gen::inRange(0, 4) == 0) g.db_instances.push_back({fmt::format("rm-{}", things++), "Stopped"});
    if (*rc::gen::inRange(0, 4) == 0)
      w.activities.push_back({fmt::format("act-{}", things++), g.id, model::ActivityStatus::in_progress, std::nullopt, std::nullopt});
  }
  return w;
}

// A request of the kind probe builds: a declared or fresh group, declared or
// fresh ids (0 to 22 of them, duplicates now and then), and now and then a
// wrong Version, a RemovePolicy, another region, or a corrupt signature.
wire::HttpRequest gen_probe_request(const Declarations& d) {
  std::vector<std::string> pool{"i-fresh0", "i-fresh1"};
  for (const auto& g : d.groups) pool.insert(pool.end(), g.members.begin(), g.members.end());
  std::vector<std::string> groups{"asg-fresh"};
  for (const auto& g : d.groups) groups.push_back(g.id);
  runner::RequestSpec spec;
  spec.params = {{"Action", "RemoveInstances"},
                 {"Version", *rc::gen::element<std::string>(std::string("2014-08-28"), std::string("2022-02-22"))},
                 {"RegionId", *rc::gen::elementOf(std::vector<std::string>{d.region_id, d.region_id, "cn-beijing"})},
                 {"ScalingGroupId", *rc::gen::elementOf(groups)}};
  const int count = *rc::gen::element(0, 1, 2, 3, 20, 21, 22);
  for (int i = 0; i < count; ++i) spec.params.push_back({fmt::format("InstanceId.{}", i + 1), *rc::gen::elementOf(pool)});
  if (*rc::gen::arbitrary<bool>())
    spec.params.push_back({"RemovePolicy", *rc::gen::element<std::string>(std::string("release"), std::string("recycle"), std::string("keep"))});
  if (d.key && *rc::gen::inRange(0, 5) != 0) {
    spec.sign = runner::SignSpec::with_key(d.key->id, d.key->secret);
    if (*rc::gen::inRange(0, 4) == 0) spec.sign->signature = runner::SignatureMode::corrupt;
  }
  return runner::build_request(spec, kNow, "probe-property-nonce");
}

RC_GTEST_PROP(ProbeJudgeProperty, ASafeRequestRemovesNothingAndEveryAllowedAnswerIsInTheUnion, ()) {
  const Declarations d = *gen_declarations();
  const model::World w = gen_consistent_world(d);
  if (auto parsed = model::parse_world(model::to_json(w)); !parsed) RC_FAIL(parsed.problem().text());
  const wire::HttpRequest req = gen_probe_request(d);
  for (auto profile : {model::Profile::spec, model::Profile::strict}) {
    const Judgement j = Judge(d)(req, profile, context());
    RC_TAG(j.safe ? "safe" : "unsafe");
    if (!j.safe) continue;
    const model::Expectation e = model::expect(w, req, profile, context());
    RC_ASSERT(!e.allows_success());
    for (const auto& o : e.outcomes)
      if (!covered(j.expectation, o)) RC_FAIL(fmt::format("outcome not in the union: {} ({})", o.why, model::to_json(w)));
    for (auto f : e.formats)
      RC_ASSERT(std::find(j.expectation.formats.begin(), j.expectation.formats.end(), f) != j.expectation.formats.end());
  }
}

TEST(ProbeJudge, ContradictoryDeclarationsAreNamed) {
  Declarations d = two_groups(false);
  EXPECT_EQ(contradiction(d), "");
  d.groups[1].members.push_back(d.groups[0].members[0]);
  EXPECT_NE(contradiction(d).find("declared twice"), std::string::npos);
  d = two_groups(false);
  d.groups.push_back(d.groups[0]);
  EXPECT_NE(contradiction(d).find("declared twice"), std::string::npos);
  d = two_groups(false);
  d.key = model::AccessKey{"LTAI", "", true};
  EXPECT_NE(contradiction(d).find("secret"), std::string::npos);
}

}  // namespace
}  // namespace essconf::probe
