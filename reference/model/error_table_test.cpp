// The documentation's error table as one table: each row belongs to a clause
// of the catalog, the rules answer with the row, codes map back to clauses,
// and (when ../shared/ is beside the project) the rows are the page's rows.
#include "reference/model/error_table.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "reference/model/catalog.hpp"
#include "reference/model/clause_ids.hpp"
#include "reference/model/expect.hpp"
#include "suite/selftest/model_fixtures.hpp"

namespace essconf::model {
namespace {

TEST(ErrorTable, EveryRowBelongsToAClauseOfTheCatalog) {
  for (const auto& row : documented_errors()) {
    EXPECT_NE(catalog().find(row.clause), nullptr) << row.code;
    EXPECT_EQ(documented_error(row.clause), &row) << "one row per clause: " << row.clause;
  }
  EXPECT_EQ(documented_error(clause::kSignature), nullptr) << "a gateway convention is not in the table";
}

TEST(ErrorTable, CodesNameTheirClauseUnlessShared) {
  EXPECT_EQ(documented_error_clause("InvalidScalingGroupId.NotFound"), clause::kGroupNotFound);
  EXPECT_EQ(documented_error_clause("IncorrectCapacity.MinSize"), clause::kMinSize);
  EXPECT_EQ(documented_error_clause("InvalidParameter"), std::nullopt) << "many rules answer InvalidParameter";
  EXPECT_EQ(documented_error_clause("SignatureDoesNotMatch"), std::nullopt);
  for (const auto& row : documented_errors())
    if (!row.shared_code) {
      EXPECT_EQ(documented_error_clause(row.code), row.clause) << row.code;
    }
}

// Each gateway code belongs to its clause's rules only: over requests that
// break each gateway rule, every outcome listing the code is one of that
// clause's, and every code of the table is listed by some outcome.
TEST(ErrorTable, GatewayCodesBelongToOneRuleEach) {
  World w = testing::base_world();
  w.auth.mode = AuthMode::signature;
  NonceLedger used;
  used.record({"LTAI-good", "n-used"}, true);
  const std::vector<wire::HttpRequest> requests{
      testing::Req().sign("LTAI-good", "wrong", "n-1").build(),
      testing::Req().sign("LTAI-nobody", "s3cr3t", "n-2").build(),
      testing::Req().sign("LTAI-good", "s3cr3t", "n-3").set("SignatureMethod", "HMAC-MD5").build(),
      testing::Req().sign("LTAI-good", "s3cr3t", "n-4").set("SignatureVersion", "9.9").build(),
      testing::Req().sign("LTAI-good", "s3cr3t", "n-used").build(),
      testing::Req().sign("LTAI-good", "s3cr3t", "n-5", testing::kNow - 3600).build(),
      testing::Req().sign_at("LTAI-good", "s3cr3t", "n-6", "yesterday").build(),
      testing::Req().set("Version", "2013-01-01").sign("LTAI-good", "s3cr3t", "n-7").build(),
  };
  std::set<std::string> listed;
  for (const auto& request : requests) {
    const Expectation e = expect(w, request, Profile::spec, testing::context(&used));
    for (const auto& outcome : e.outcomes)
      for (const auto& code : outcome.error.codes)
        if (auto clause = gateway_error_clause(code)) {
          listed.insert(code);
          EXPECT_NE(std::find(outcome.clauses.begin(), outcome.clauses.end(), *clause), outcome.clauses.end())
              << code << " is listed by an outcome of another rule: " << outcome.why;
        }
  }
  for (const auto* code : {"SignatureDoesNotMatch", "InvalidSignature", "InvalidSignatureMethod", "InvalidSignatureVersion",
                           "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId", "SignatureNonceUsed", "InvalidSignatureNonce",
                           "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format", "InvalidTimeStamp", "NoSuchVersion"}) {
    EXPECT_TRUE(listed.count(code)) << code << ": no rule answers with it";
    EXPECT_TRUE(gateway_error_clause(code).has_value()) << code;
  }
  EXPECT_EQ(gateway_error_clause("MissingParameter"), std::nullopt) << "many rules answer MissingParameter";
  EXPECT_EQ(gateway_error_clause("IncompleteSignature"), std::nullopt) << "a missing parameter's code too";
  EXPECT_EQ(refusal_rule_clause("InvalidScalingGroupId.NotFound"), clause::kGroupNotFound);
  EXPECT_EQ(refusal_rule_clause("SignatureNonceUsed"), clause::kNonce);
}

TEST(ErrorTable, MessagesNameTheIdWhereThePageWritesXXX) {
  EXPECT_EQ(documented_error(clause::kInstanceNotFound)->messages("i-x"),
            (std::vector<std::string>{"Instance \"i-x\" does not exist.",
                                      "Instance \xE2\x80\x9Ci-x\xE2\x80\x9D does not exist."}));
  EXPECT_EQ(documented_error(clause::kDbInstanceStatus)->messages("rm-1"),
            std::vector<std::string>{"The current status of DB instance \"rm-1\" does not support this action."});
  EXPECT_EQ(documented_error(clause::kMinSize)->messages("ignored").size(), 1u);
}

TEST(ErrorTable, TheRulesAnswerWithTheRow) {
  World w = testing::base_world();
  const auto d = decide(w, testing::Req().set("ScalingGroupId", "asg-nope").build(), testing::context());
  const DocumentedError& row = *documented_error(clause::kGroupNotFound);
  EXPECT_EQ(std::tie(d.status, d.code, d.message), std::make_tuple(row.status, std::string(row.code), row.messages().front()));
  const auto i = decide(w, testing::Req().ids({"i-nope"}).build(), testing::context());
  EXPECT_EQ(i.code, documented_error(clause::kInstanceNotFound)->code);
  EXPECT_EQ(i.message, documented_error(clause::kInstanceNotFound)->messages("i-nope").front());
}

// spec/RemoveInstances.md's error table, the page's last table: after its
// header, each row is four cells (status, code, message, description), one
// per line starting with "|".
std::vector<std::tuple<int, std::string, std::string>> page_rows(const std::filesystem::path& page) {
  std::ifstream in(page);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t start = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].starts_with("|---")) start = i + 1;
  std::vector<std::string> cells;
  for (std::size_t i = start; i < lines.size(); ++i) {
    if (!lines[i].starts_with("|")) continue;
    std::string cell = lines[i].substr(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\r')) cell.pop_back();
    if (!cell.empty()) cells.push_back(cell);
  }
  std::vector<std::tuple<int, std::string, std::string>> rows;
  for (std::size_t i = 0; i + 3 < cells.size(); i += 4) rows.emplace_back(std::stoi(cells[i]), cells[i + 1], cells[i + 2]);
  return rows;
}

TEST(ErrorTable, IsThePagesTable) {
  const std::filesystem::path page = std::filesystem::path(ESSCONF_SHARED_DIR) / "spec" / "RemoveInstances.md";
  if (!std::filesystem::exists(page)) GTEST_SKIP() << page << " is absent (a user's clone has no ../shared/)";
  std::vector<std::tuple<int, std::string, std::string>> ours;
  for (const auto& row : documented_errors()) {
    std::string message = row.messages("XXX").front();
    ours.emplace_back(row.status, std::string(row.code), message);
  }
  EXPECT_EQ(page_rows(page), ours);
}

}  // namespace
}  // namespace essconf::model
