// The catalog moved onto declarations: every moved case is safe to send, and
// names none of its own World's instances.
#include "suite/probe/probe_cases.hpp"

#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "reference/model/model.hpp"

namespace essconf::probe {
namespace {

constexpr std::int64_t kNow = 1'767'225'600;

Declarations declarations(bool with_key) {
  Declarations d;
  d.groups = {{"asg-bp1declared00000001", {"i-bp1declared0000001", "i-bp1declared0000002"}},
              {"asg-bp1declared00000002", {"i-bp1declared0000003"}}};
  if (with_key) d.key = model::AccessKey{"LTAIdeclared", "declared-secret", true};
  return d;
}

const std::vector<runner::Case>& catalog() {
  static const runner::CaseFiles files = runner::load_cases(ESSCONF_CASES_DIR);
  return files.cases;
}

TEST(ProbeCases, TheCatalogLoads) {
  ASSERT_GT(catalog().size(), 200U);
}

TEST(ProbeCases, EveryMovedCaseIsSafeUnderBothProfiles) {
  for (bool with_key : {false, true}) {
    const Declarations d = declarations(with_key);
    FreshIds fresh(7, "test-run");
    for (const auto& c : catalog()) {
      const runner::Case moved = to_probe_case(c, d, fresh);
      model::NonceLedger nonces;
      std::vector<runner::RequestSpec> specs = moved.before;
      specs.push_back(moved.request);
      for (const auto& spec : specs) {
        runner::RequestSpec signed_spec = spec;
        if (!signed_spec.sign && d.key) signed_spec.sign = runner::SignSpec::with_key(d.key->id, d.key->secret);
        const auto req = runner::build_request(signed_spec, kNow, "nonce-" + c.id);
        for (auto profile : {model::Profile::spec, model::Profile::strict}) {
          const Judgement j = Judge(d)(req, profile, {kNow, 10, &nonces, false});
          EXPECT_TRUE(j.safe) << c.id << ": " << j.unsafe_why;
        }
      }
    }
  }
}

TEST(ProbeCases, AMovedCaseNamesNoneOfItsWorldsInstancesNorItsGroups) {
  const Declarations d = declarations(false);
  FreshIds fresh(7, "test-run");
  for (const auto& c : catalog()) {
    std::set<std::string> world_ids;
    for (const auto& e : c.world.ecs) world_ids.insert(e.id);
    for (const auto& g : c.world.groups) world_ids.insert(g.id);
    const runner::Case moved = to_probe_case(c, d, fresh);
    for (const auto& [name, value] : moved.request.params)
      EXPECT_EQ(world_ids.count(value), 0U) << c.id << ": " << name << "=" << value;
    EXPECT_EQ(moved.world, base_world(d)) << c.id;
  }
}

TEST(ProbeCases, TheCasesGroupsBecomeTheDeclaredGroupsInOrder) {
  const Declarations d = declarations(true);
  FreshIds fresh(1, "t");
  runner::Case c;
  for (const char* id : {"asg-a", "asg-b", "asg-c"}) {
    model::ScalingGroup g;
    g.id = id;
    c.world.groups.push_back(g);
  }
  c.world.auth.mode = model::AuthMode::signature;
  c.world.auth.keys = {{"LTAI-good", "s3cr3t", true}, {"LTAI-denied", "x", false}};
  c.request.params = {{"ScalingGroupId", "asg-a"}, {"Other", "asg-b"}, {"Third", "asg-c"}, {"Derived", "asg-a-2"}};
  c.request.raw = "ScalingGroupId=asg-a&X=asg-ab&Y=xasg-a&Z=asg-a%20&E=asg-a\xF0\x9F\x98\x80";
  c.request.sign = runner::SignSpec::with_key("LTAI-good", "s3cr3t");
  c.request.sign->nonce = "n-1";
  runner::Case moved = to_probe_case(c, d, fresh);
  EXPECT_EQ(moved.request.params[0].second, d.groups[0].id);
  EXPECT_EQ(moved.request.params[1].second, d.groups[1].id);
  EXPECT_TRUE(moved.request.params[2].second.starts_with("asg-"));
  EXPECT_EQ(moved.request.params[2].second.size(), 24U);
  // Only whole ids move: an id derived from a case's id names nobody's group
  // as it is, where one derived from a declared id could name the target's.
  EXPECT_EQ(moved.request.params[3].second, "asg-a-2");
  EXPECT_EQ(moved.request.raw, "ScalingGroupId=" + d.groups[0].id + "&X=asg-ab&Y=xasg-a&Z=" + d.groups[0].id +
                                   "%20&E=" + d.groups[0].id + "\xF0\x9F\x98\x80");
  EXPECT_EQ(moved.request.sign->access_key_id, d.key->id);
  EXPECT_EQ(moved.request.sign->access_key_secret, d.key->secret);
  EXPECT_EQ(*moved.request.sign->nonce, "n-1-t-1");
  // The same literal in the next case, or a request before, is another nonce; a case's own requests share theirs.
  c.before = {c.request};
  const runner::Case next = to_probe_case(c, d, fresh);
  EXPECT_EQ(*next.request.sign->nonce, "n-1-t-2");
  EXPECT_EQ(*next.before.front().sign->nonce, "n-1-t-2");
  // A denied key of the case becomes a key the target does not know.
  c.request.sign = runner::SignSpec::with_key("LTAI-denied", "x");
  moved = to_probe_case(c, d, fresh);
  EXPECT_TRUE(moved.request.sign->access_key_id.starts_with("LTAIprobe"));
  EXPECT_EQ(moved.request.sign->access_key_secret, "x");
}

TEST(ProbeCases, FreshIdsDifferAcrossRunsAndWithinOne) {
  FreshIds a(1, "run-a"), b(1, "run-b");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(a.instance()).second);
    EXPECT_TRUE(seen.insert(b.instance()).second);
  }
  EXPECT_NE(a.nonce_suffix(), b.nonce_suffix());
  EXPECT_NE(a.nonce_suffix(), a.nonce_suffix());
}

}  // namespace
}  // namespace essconf::probe
