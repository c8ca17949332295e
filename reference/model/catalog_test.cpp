#include "reference/model/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "reference/model/clause_ids.hpp"

namespace essconf::model {
namespace {

TEST(Catalog, EmbeddedCatalogLoads) {
  const Catalog& c = catalog();
  EXPECT_FALSE(c.revision.empty());
  EXPECT_GE(c.clauses.size(), 38u) << "every clause of spec/clauses.md, and the project's finer ones";
}

// The ids of ../shared/spec/clauses.md are never renumbered or dropped.
TEST(Catalog, HasEveryClauseOfTheSharedCatalog) {
  for (const char* id :
       {"param.instance-id.required", "param.instance-id.max-20", "param.instance-id.index",
        "param.scaling-group-id.required", "param.action", "param.remove-policy.values", "param.remove-policy.default",
        "param.remove-policy.recycle-group", "effect.auto-created.released", "effect.attached.kept",
        "effect.removed-exactly", "group.state.active", "group.activity.none-in-progress", "group.cooldown.ignored",
        "activity.trackable", "capacity.min-size", "response.request-id", "response.activity-id",
        "response.format.xml", "response.format.json", "response.format.default", "error.group-not-found",
        "error.instance-not-found", "error.unauthorized", "error.load-balancer-status", "error.db-instance-status",
        "error.body", "error.precedence", "error.status-codes", "atomic.rejected-unchanged",
        "atomic.concurrent-min-size", "robust.no-server-error", "robust.deterministic", "rpc.methods",
        "rpc.signature", "rpc.timestamp", "rpc.nonce", "rpc.version"})
    EXPECT_NE(catalog().find(id), nullptr) << id;
}

TEST(Catalog, EveryRuleCitesAKnownClause) {
  for (auto id : clause::kDecidedByModel) {
    const Clause* c = catalog().find(id);
    ASSERT_NE(c, nullptr) << "the model cites unknown clause " << id;
    EXPECT_EQ(c->oracle, "model") << id << " is decided by the model but the catalog names another oracle";
  }
}

TEST(Catalog, EveryModelClauseHasARule) {
  for (const auto& c : catalog().clauses) {
    if (c.oracle != "model") continue;
    EXPECT_TRUE(std::find(clause::kDecidedByModel.begin(), clause::kDecidedByModel.end(), c.id) !=
                clause::kDecidedByModel.end())
        << c.id << " (" << name(c.level) << ") has no rule in the model";
  }
}

// Clauses judged outside one request still need an oracle the suite knows.
TEST(Catalog, EveryStatedOrImpliedClauseIsJudgedSomewhere) {
  for (const auto& c : catalog().clauses) {
    if (c.level != Level::stated && c.level != Level::implied) continue;
    EXPECT_TRUE(c.oracle == "model" || c.oracle == "history" || c.oracle == "replay") << c.id;
  }
}

TEST(Catalog, RejectsBrokenDocumentsNamingThePath) {
  EXPECT_EQ(parse_catalog("{").problem().path, "$");
  auto with_clauses = [](std::string_view clauses) {
    return parse_catalog(fmt::format(R"({{"revision":"r","families":[{{"id":"f","title":"t"}}],"clauses":[{}]}})", clauses))
        .error();
  };
  const std::string good = R"({"id":"a","constant":"kA","family":"f","level":"open","oracle":"model","rule":"r","check":"c"})";
  EXPECT_EQ(with_clauses(good), "");
  EXPECT_EQ(with_clauses(good + "," + good), "$.clauses[1].id: duplicate clause id \"a\"");
  auto changed = [&](std::string_view from, std::string_view to) {
    std::string c = good;
    return with_clauses(c.replace(c.find(from), from.size(), to));
  };
  EXPECT_EQ(changed(R"("open")", R"("sometimes")"),
            R"($.clauses[0].level: unknown value "sometimes" (one of: stated, implied, convention, open))");
  EXPECT_EQ(changed(R"("family":"f")", R"("family":"g")"), R"($.clauses[0].family: unknown family "g")");
  EXPECT_EQ(changed(R"("oracle":"model")", R"("oracle":"guess")"),
            R"($.clauses[0].oracle: unknown oracle "guess" (one of: model, history, replay))");
  EXPECT_EQ(changed(R"("rule":"r")", R"("rule":"")"), "$.clauses[0].rule: must not be empty");
  EXPECT_EQ(changed(R"("check":"c")", R"("checks":"c")"), "$.clauses[0].checks: unknown field");
}

// docs/clauses.md is the catalog as a page; it must name every clause.
TEST(Catalog, DocsPageNamesEveryClause) {
  std::ifstream in(ESSCONF_DOCS_DIR "/clauses.md");
  ASSERT_TRUE(in) << ESSCONF_DOCS_DIR "/clauses.md is missing";
  std::stringstream page;
  page << in.rdbuf();
  for (const auto& c : catalog().clauses)
    EXPECT_NE(page.str().find("`" + c.id + "`"), std::string::npos) << c.id << " is not in docs/clauses.md";
}

// docs/ambiguities.md has an entry for every open clause.
TEST(Catalog, LedgerCoversEveryOpenClause) {
  std::ifstream in(ESSCONF_DOCS_DIR "/ambiguities.md");
  ASSERT_TRUE(in) << ESSCONF_DOCS_DIR "/ambiguities.md is missing";
  std::stringstream page;
  page << in.rdbuf();
  for (const auto& c : catalog().clauses) {
    if (c.level != Level::open) continue;
    EXPECT_NE(page.str().find("### `" + c.id + "`"), std::string::npos) << c.id << " has no entry in the ledger";
  }
}

}  // namespace
}  // namespace essconf::model
