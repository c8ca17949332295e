#include "reference/model/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

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

TEST(Catalog, RejectsBrokenDocuments) {
  Catalog c;
  std::string error;
  EXPECT_FALSE(parse_catalog("{", c, error));
  EXPECT_FALSE(parse_catalog(R"({"revision":"r","families":[{"id":"f","title":"t"}],"clauses":[
      {"id":"a","family":"f","level":"sometimes","oracle":"model","rule":"r","check":"c"}]})", c, error));
  EXPECT_NE(error.find("unknown level"), std::string::npos);
  Catalog d;
  EXPECT_FALSE(parse_catalog(R"({"revision":"r","families":[{"id":"f","title":"t"}],"clauses":[
      {"id":"a","family":"f","level":"open","oracle":"model","rule":"r","check":"c"},
      {"id":"a","family":"f","level":"open","oracle":"model","rule":"r","check":"c"}]})", d, error));
  EXPECT_NE(error.find("duplicate"), std::string::npos);
}

// docs/clauses.md is the catalog as a page; it must name every clause.
TEST(Catalog, DocsPageNamesEveryClause) {
  std::ifstream in("docs/clauses.md");
  ASSERT_TRUE(in) << "run from the source root; docs/clauses.md is missing";
  std::stringstream page;
  page << in.rdbuf();
  for (const auto& c : catalog().clauses)
    EXPECT_NE(page.str().find("`" + c.id + "`"), std::string::npos) << c.id << " is not in docs/clauses.md";
}

// docs/ambiguities.md has an entry for every open clause.
TEST(Catalog, LedgerCoversEveryOpenClause) {
  std::ifstream in("docs/ambiguities.md");
  ASSERT_TRUE(in) << "run from the source root; docs/ambiguities.md is missing";
  std::stringstream page;
  page << in.rdbuf();
  for (const auto& c : catalog().clauses) {
    if (c.level != Level::open) continue;
    EXPECT_NE(page.str().find("### `" + c.id + "`"), std::string::npos) << c.id << " has no entry in the ledger";
  }
}

}  // namespace
}  // namespace essconf::model
