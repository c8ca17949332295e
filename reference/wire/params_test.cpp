#include "reference/wire/params.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {
namespace {

using namespace std::string_literals;

ParamList parse(std::string_view s) { return parse_params(s, Origin::query); }

// The decoded value of a single-parameter input.
std::string value_of(std::string_view s) {
  const ParamList list = parse(s);
  EXPECT_EQ(list.params.size(), 1u) << s;
  return list.params.empty() ? std::string{} : list.params.front().value;
}

bool has_issue(const ParamList& list, IssueKind kind) {
  for (const Issue& i : list.issues) {
    if (i.kind == kind) return true;
  }
  return false;
}

TEST(ParseParams, SplitsPairsWithRawAndOffsets) {
  const ParamList list = parse("Action=RemoveInstances&bb=%41");
  ASSERT_EQ(list.params.size(), 2u);
  EXPECT_TRUE(list.issues.empty());
  EXPECT_EQ(list.params[0].name, "Action");
  EXPECT_EQ(list.params[0].value, "RemoveInstances");
  EXPECT_EQ(list.params[0].raw, "Action=RemoveInstances");
  EXPECT_EQ(list.params[0].offset, 0u);
  EXPECT_TRUE(list.params[0].has_equals);
  EXPECT_EQ(list.params[0].origin, Origin::query);
  EXPECT_EQ(list.params[1].name, "bb");
  EXPECT_EQ(list.params[1].value, "A");
  EXPECT_EQ(list.params[1].raw, "bb=%41");
  EXPECT_EQ(list.params[1].offset, 23u);
}

TEST(ParseParams, PlusIsSpaceButEncodedPlusIsPlus) {
  EXPECT_EQ(value_of("a=x+y"), "x y");
  EXPECT_EQ(value_of("a=x%2By"), "x+y");
  EXPECT_EQ(value_of("a=x%2by"), "x+y");
  EXPECT_EQ(value_of("a=x%20y"), "x y");
  EXPECT_EQ(parse("a+b=1").params[0].name, "a b");
}

TEST(ParseParams, HexEitherCase) {
  EXPECT_EQ(value_of("a=%c3%a9"), "\xC3\xA9");
  EXPECT_EQ(value_of("a=%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(value_of("a=%3d%3D"), "==");
}

TEST(ParseParams, SplitsAtFirstEquals) {
  const ParamList list = parse("a=b=c");
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_EQ(list.params[0].name, "a");
  EXPECT_EQ(list.params[0].value, "b=c");
  EXPECT_TRUE(list.issues.empty());
}

TEST(ParseParams, BareNameHasNoEquals) {
  const ParamList list = parse("Name");
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_EQ(list.params[0].name, "Name");
  EXPECT_EQ(list.params[0].value, "");
  EXPECT_FALSE(list.params[0].has_equals);
  EXPECT_TRUE(list.issues.empty());
}

TEST(ParseParams, EmptyValueHasEquals) {
  const ParamList list = parse("InstanceId.1=");
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_EQ(list.params[0].name, "InstanceId.1");
  EXPECT_EQ(list.params[0].value, "");
  EXPECT_TRUE(list.params[0].has_equals);
  EXPECT_TRUE(list.issues.empty());
}

TEST(ParseParams, EmptySegmentsAreSkippedSilently) {
  const ParamList list = parse("&&a=1&");
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_EQ(list.params[0].name, "a");
  EXPECT_EQ(list.params[0].offset, 2u);
  EXPECT_TRUE(list.issues.empty());
  EXPECT_TRUE(parse("").params.empty());
  EXPECT_TRUE(parse("&").params.empty());
}

TEST(ParseParams, BadPercentEscapeKeptLiterallyWithOffsets) {
  //                          0123456789012345
  const ParamList list = parse("a=%zz&b=%4&c=%");
  ASSERT_EQ(list.params.size(), 3u);
  EXPECT_EQ(list.params[0].value, "%zz");
  EXPECT_EQ(list.params[1].value, "%4");
  EXPECT_EQ(list.params[2].value, "%");
  ASSERT_EQ(list.issues.size(), 3u);
  const std::size_t offsets[] = {2, 8, 13};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(list.issues[i].kind, IssueKind::bad_percent_escape);
    EXPECT_EQ(list.issues[i].origin, Origin::query);
    EXPECT_EQ(list.issues[i].offset, offsets[i]);
    EXPECT_EQ(list.issues[i].param_index, i);
  }
}

TEST(ParseParams, BadPercentEscapeInNameAndBeforeGoodOne) {
  const ParamList name = parse("x=1&%g=1");
  ASSERT_EQ(name.issues.size(), 1u);
  EXPECT_EQ(name.params[1].name, "%g");
  EXPECT_EQ(name.issues[0].offset, 4u);
  EXPECT_EQ(name.issues[0].param_index, 1u);

  const ParamList twice = parse("a=%%41");
  EXPECT_EQ(twice.params[0].value, "%A");
  ASSERT_EQ(twice.issues.size(), 1u);
  EXPECT_EQ(twice.issues[0].offset, 2u);
}

TEST(ParseParams, ValidUtf8OfEveryLength) {
  const char* const inputs[] = {
      "a=%C3%A9",           // U+00E9, 2 bytes
      "a=%E2%82%AC",        // U+20AC, 3 bytes
      "a=%F0%9F%98%80",     // U+1F600, 4 bytes
      "a=%F4%8F%BF%BF",     // U+10FFFF, the last code point
      "a=%EF%BF%BD",        // U+FFFD
      "a=\xC3\xA9",         // sent unencoded
      "%E2%82%AC=%7F%00",   // ASCII including NUL is valid UTF-8
  };
  for (const char* in : inputs) {
    const ParamList list = parse(in);
    EXPECT_TRUE(list.issues.empty()) << in;
  }
}

TEST(ParseParams, InvalidUtf8IsReportedAtSegmentOffset) {
  const char* const inputs[] = {
      "a=%FF",              // never valid
      "a=%C0%AF",           // overlong 2-byte
      "a=%C1%BF",           // overlong 2-byte
      "a=%E0%80%AF",        // overlong 3-byte
      "a=%F0%80%80%AF",     // overlong 4-byte
      "a=%ED%A0%80",        // surrogate U+D800
      "a=%ED%BF%BF",        // surrogate U+DFFF
      "a=%F4%90%80%80",     // U+110000
      "a=%F5%80%80%80",     // lead byte past U+10FFFF
      "a=%E2%82",           // truncated 3-byte
      "a=%C3",              // truncated 2-byte
      "a=%F0%9F%98",        // truncated 4-byte
      "a=%80",              // lone continuation byte
      "a=%E2%28%A1",        // bad continuation
      "%C3=x",              // in the name
  };
  for (const char* in : inputs) {
    const std::string source = "ok=1&"s + in;
    const ParamList list = parse(source);
    ASSERT_EQ(list.params.size(), 2u) << in;
    ASSERT_EQ(list.issues.size(), 1u) << in;
    EXPECT_EQ(list.issues[0].kind, IssueKind::invalid_utf8) << in;
    EXPECT_EQ(list.issues[0].offset, 5u) << in;
    EXPECT_EQ(list.issues[0].param_index, 1u) << in;
  }
  // The bytes are kept as sent.
  EXPECT_EQ(value_of("a=%FF"), "\xFF");
}

TEST(ParseParams, InvalidUtf8AtMostOncePerParam) {
  const ParamList list = parse("%FF=%FE%C0");
  ASSERT_EQ(list.issues.size(), 1u);
  EXPECT_EQ(list.issues[0].kind, IssueKind::invalid_utf8);
}

TEST(ParseParams, EmptyNameStaysInTheList) {
  const ParamList list = parse("a=1&=x");
  ASSERT_EQ(list.params.size(), 2u);
  EXPECT_EQ(list.params[1].name, "");
  EXPECT_EQ(list.params[1].value, "x");
  ASSERT_EQ(list.issues.size(), 1u);
  EXPECT_EQ(list.issues[0].kind, IssueKind::empty_name);
  EXPECT_EQ(list.issues[0].offset, 4u);
  EXPECT_EQ(list.issues[0].param_index, 1u);
  EXPECT_TRUE(has_issue(parse("="), IssueKind::empty_name));
  EXPECT_FALSE(has_issue(parse("+=x"), IssueKind::empty_name));  // name is " "
}

TEST(ParseParams, BodyOriginIsRecorded) {
  const ParamList list = parse_params("a=%zz", Origin::body);
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_EQ(list.params[0].origin, Origin::body);
  ASSERT_EQ(list.issues.size(), 1u);
  EXPECT_EQ(list.issues[0].origin, Origin::body);
}

TEST(Describe, EveryIssueKindHasItsOwnSentence) {
  const IssueKind kinds[] = {IssueKind::bad_percent_escape, IssueKind::invalid_utf8,
                             IssueKind::empty_name};
  std::set<std::string> seen;
  for (IssueKind k : kinds) {
    const std::string text = describe(k);
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(seen.insert(text).second) << text;
  }
}

TEST(MergeParams, QueryThenBodyWithIndicesIntoMergedList) {
  const ParamList list = merge_params("a=1&b=%zz", "c=%FF&a=2");
  ASSERT_EQ(list.params.size(), 4u);
  EXPECT_EQ(list.params[0].origin, Origin::query);
  EXPECT_EQ(list.params[1].origin, Origin::query);
  EXPECT_EQ(list.params[2].origin, Origin::body);
  EXPECT_EQ(list.params[3].origin, Origin::body);
  EXPECT_EQ(list.params[2].name, "c");
  EXPECT_EQ(list.params[3].offset, 6u);  // relative to the body
  ASSERT_EQ(list.issues.size(), 2u);
  EXPECT_EQ(list.issues[0].kind, IssueKind::bad_percent_escape);
  EXPECT_EQ(list.issues[0].param_index, 1u);
  EXPECT_EQ(list.issues[0].offset, 6u);
  EXPECT_EQ(list.issues[1].kind, IssueKind::invalid_utf8);
  EXPECT_EQ(list.issues[1].origin, Origin::body);
  EXPECT_EQ(list.issues[1].param_index, 2u);
  EXPECT_EQ(list.issues[1].offset, 0u);
}

TEST(MergeParams, EmptyBodyGivesTheQuery) {
  const ParamList list = merge_params("a=1", "");
  ASSERT_EQ(list.params.size(), 1u);
  EXPECT_TRUE(list.issues.empty());
}

TEST(DuplicateNames, EachOnceInFirstSeenOrder) {
  const ParamList list = parse("b=1&a=1&b=2&c=1&a=2&b=3");
  EXPECT_EQ(duplicate_names(list.params), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(duplicate_names(parse("a=1&b=1").params).empty());
}

TEST(DuplicateNames, AcrossQueryAndBody) {
  const ParamList list = merge_params("Action=RemoveInstances&InstanceId.1=i-a",
                                      "InstanceId.1=i-b&ScalingGroupId=asg-x");
  EXPECT_EQ(duplicate_names(list.params), (std::vector<std::string>{"InstanceId.1"}));
  EXPECT_EQ(list.params[1].value, "i-a");
  EXPECT_EQ(list.params[2].value, "i-b");
}

TEST(DuplicateNames, ComparesDecodedNames) {
  EXPECT_EQ(duplicate_names(parse("a%20b=1&a+b=2").params), (std::vector<std::string>{"a b"}));
}

TEST(PercentEncode, AlibabaRules) {
  EXPECT_EQ(percent_encode("i-a b*c~/\xC3\xA9"), "i-a%20b%2Ac~%2F%C3%A9");
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("+=&:"), "%2B%3D%26%3A");
  EXPECT_EQ(percent_encode("\x00\xFF"s), "%00%FF");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(EncodePairs, EncodesNamesAndValuesInOrder) {
  const std::vector<Pair> pairs = {{"b c", "d&e"}, {"a", "1"}, {"x", ""}};
  EXPECT_EQ(encode_pairs(pairs), "b%20c=d%26e&a=1&x=");
  EXPECT_EQ(encode_pairs({}), "");
}

// Deterministic bytes: mt19937's output is fixed by the standard, unlike the
// distributions', so the strings are the same everywhere.
std::string random_bytes(std::mt19937& rng) {
  std::string s(rng() % 12, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

TEST(EncodePairs, RoundTripsArbitraryBytesThroughParse) {
  std::mt19937 rng(20140828);
  for (int round = 0; round < 300; ++round) {
    std::vector<Pair> pairs;
    const std::size_t count = 1 + rng() % 4;
    for (std::size_t i = 0; i < count; ++i) pairs.emplace_back(random_bytes(rng), random_bytes(rng));
    // Make sure the extremes and the separators occur.
    // cppcheck-suppress containerOutOfBounds ; count >= 1, so the loop above added at least one pair
    pairs.front().second += "\x00\xFF&=+%"s;
    const ParamList list = parse(encode_pairs(pairs));
    ASSERT_EQ(list.params.size(), pairs.size()) << "round " << round;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      EXPECT_EQ(list.params[i].name, pairs[i].first) << "round " << round;
      EXPECT_EQ(list.params[i].value, pairs[i].second) << "round " << round;
      EXPECT_TRUE(list.params[i].has_equals);
    }
    for (const Issue& issue : list.issues) {
      EXPECT_NE(issue.kind, IssueKind::bad_percent_escape) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace essconf::wire
