#include "suite/fuzzing/case_memo.hpp"

#include <gtest/gtest.h>

namespace essconf::fuzzing {
namespace {

// The catalog's first cases as bytes, each with its parse.
std::vector<std::string> catalog_texts(std::size_t n) {
  const auto loaded = runner::load_cases(ESSCONF_CASES_DIR);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n && i < loaded.cases.size(); ++i) out.push_back(runner::case_to_json(loaded.cases[i]));
  return out;
}

TEST(CaseMemo, AnswersAsParsingDoesAndRemembersWhatItParsed) {
  const auto texts = catalog_texts(3);
  ASSERT_EQ(texts.size(), 3u);
  CaseMemo memo(8);
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& t : texts) {
      const auto got = memo.parse(t);
      ASSERT_TRUE(got);
      EXPECT_EQ(runner::case_to_json(*got), runner::case_to_json(*runner::parse_case(t, "x")));
    }
  }
  EXPECT_EQ(memo.hits(), 3u) << "the second pass is answered from memory";
  EXPECT_EQ(memo.size(), 3u);
}

TEST(CaseMemo, BytesThatAreNotACaseAreNeitherACaseNorRemembered) {
  CaseMemo memo(8);
  EXPECT_FALSE(memo.parse("{\"id\": 1"));
  EXPECT_FALSE(memo.parse("{\"id\": 1"));
  EXPECT_EQ(memo.size(), 0u);
  EXPECT_EQ(memo.hits(), 0u);
}

TEST(CaseMemo, HoldsAtMostItsCapacityAndForgetsTheOldestFirst) {
  const auto texts = catalog_texts(5);
  ASSERT_EQ(texts.size(), 5u);
  CaseMemo memo(2);
  for (const auto& t : texts) ASSERT_TRUE(memo.parse(t));
  EXPECT_EQ(memo.size(), 2u);
  ASSERT_TRUE(memo.parse(texts[4]));  // among the two newest
  EXPECT_EQ(memo.hits(), 1u);
  ASSERT_TRUE(memo.parse(texts[0]));  // forgotten: parsed again
  EXPECT_EQ(memo.hits(), 1u);
  EXPECT_EQ(memo.size(), 2u);
}

TEST(CaseMemo, RememberedBytesAreTheCaseTheyWereRememberedAs) {
  const auto texts = catalog_texts(2);
  ASSERT_EQ(texts.size(), 2u);
  CaseMemo memo(4);
  const auto second = runner::parse_case(texts[1], "x");
  ASSERT_TRUE(second);
  memo.remember(texts[1], *second);
  const auto got = memo.parse(texts[1]);
  ASSERT_TRUE(got);
  EXPECT_EQ(memo.hits(), 1u);
  EXPECT_EQ(got->id, second->id);
}

}  // namespace
}  // namespace essconf::fuzzing
