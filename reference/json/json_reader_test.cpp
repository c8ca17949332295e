#include "reference/json/json_reader.hpp"

#include <array>

#include <gtest/gtest.h>

namespace essconf {
namespace {

enum class Colour { red, green };
constexpr std::array<std::pair<Colour, std::string_view>, 2> kColours{{{Colour::red, "Red"}, {Colour::green, "Green"}}};

struct Thing {
  std::string id;
  std::int64_t size = 0;
  std::vector<std::string> tags;
  Colour colour = Colour::red;
};

// A small reader in the style every reader of the project uses.
Result<Thing> read_thing(std::string_view text) {
  auto doc = parse_json(text);
  if (!doc) return doc.problem();
  JsonReader r(*doc);
  const auto top = r.root().object({"id", "size", "tags", "colour", "parts"});
  Thing t;
  t.id = top.field("id").string().value_or("");
  t.size = top.optional_field("size").integer(0, 9).value_or(1);
  t.tags = top.optional_field("tags").strings();
  t.colour = top.optional_field("colour").one_of<Colour>(kColours).value_or(Colour::red);
  for (const auto& part : top.optional_field("parts").items()) part.object({"n"}).field("n").boolean();
  return r.result(std::move(t));
}

Problem problem_of(std::string_view text) {
  const auto r = read_thing(text);
  EXPECT_FALSE(r) << text;
  return r ? Problem{} : r.problem();
}

TEST(JsonReader, ReadsAValidDocument) {
  const auto r = read_thing(R"({"id":"a","size":3,"tags":["x","y"],"colour":"Green","parts":[{"n":true}]})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->id, "a");
  EXPECT_EQ(r->size, 3);
  EXPECT_EQ(r->tags, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(r->colour, Colour::green);
}

TEST(JsonReader, OptionalFieldsTakeTheirDefaults) {
  const auto r = read_thing(R"({"id":"a"})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size, 1);
  EXPECT_TRUE(r->tags.empty());
}

TEST(JsonReader, EachProblemIsReportedWhereItIs) {
  EXPECT_EQ(problem_of("{"), (Problem{"$", problem_of("{").message}));
  EXPECT_TRUE(problem_of("{").message.starts_with("not valid JSON: "));
  EXPECT_EQ(problem_of("[]"), (Problem{"$", "expected an object"}));
  EXPECT_EQ(problem_of("{}"), (Problem{"$.id", "required field is missing"}));
  EXPECT_EQ(problem_of(R"({"id":1})"), (Problem{"$.id", "expected a string"}));
  EXPECT_EQ(problem_of(R"({"id":"a","extra":1})"), (Problem{"$.extra", "unknown field"}));
  EXPECT_EQ(problem_of(R"({"id":"a","size":10})"), (Problem{"$.size", "must be between 0 and 9"}));
  EXPECT_EQ(problem_of(R"({"id":"a","size":18446744073709551615})"), (Problem{"$.size", "must be between 0 and 9"}));
  EXPECT_EQ(problem_of(R"({"id":"a","size":1.5})"), (Problem{"$.size", "expected an integer"}));
  EXPECT_EQ(problem_of(R"({"id":"a","tags":"x"})"), (Problem{"$.tags", "expected an array"}));
  EXPECT_EQ(problem_of(R"({"id":"a","tags":["x",2]})"), (Problem{"$.tags[1]", "expected a string"}));
  EXPECT_EQ(problem_of(R"({"id":"a","colour":"Blue"})"), (Problem{"$.colour", R"(unknown value "Blue" (one of: Red, Green))"}));
  EXPECT_EQ(problem_of(R"({"id":"a","parts":[{"n":true},{"n":1}]})"), (Problem{"$.parts[1].n", "expected true or false"}));
  EXPECT_EQ(problem_of(R"({"id":"a","parts":[{"m":true}]})"), (Problem{"$.parts[0].m", "unknown field"}));
}

TEST(JsonReader, TheFirstProblemIsKept) {
  // Both "id" and "size" are wrong: the one read first is reported.
  EXPECT_EQ(problem_of(R"({"id":1,"size":"big"})"), (Problem{"$.id", "expected a string"}));
}

TEST(JsonReader, NothingIsReadAfterAProblem) {
  auto doc = parse_json(R"({"a":1,"b":"x"})");
  ASSERT_TRUE(doc);
  JsonReader r(*doc);
  const auto top = r.root().object();
  EXPECT_FALSE(top.field("a").string());
  EXPECT_FALSE(top.field("b").string());  // "b" is a string, but a problem came first
  EXPECT_EQ(r.problem()->path, "$.a");
}

TEST(JsonReader, NumbersConvertOnlyWhenExact) {
  auto doc = parse_json(R"({"d":1.5,"i":300,"big":1e300})");
  ASSERT_TRUE(doc);
  JsonReader r(*doc);
  const auto top = r.root().object();
  EXPECT_EQ(top.field("d").number<double>(), 1.5);
  EXPECT_EQ(top.field("i").number<int>(), 300);
  EXPECT_FALSE(top.field("big").number<int>());
  EXPECT_EQ(r.problem(), (Problem{"$.big", "expected a number in range"}));
}

TEST(JsonReader, MembersKeepTheirPaths) {
  auto doc = parse_json(R"({"x":{"p":1,"q":"no"}})");
  ASSERT_TRUE(doc);
  JsonReader r(*doc);
  const auto members = r.root().field("x").members();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].first, "q");
  EXPECT_FALSE(members[1].second.integer(0, 5));
  EXPECT_EQ(r.problem()->path, "$.x.q");
}

TEST(JsonReader, DepthIsLimited) {
  EXPECT_TRUE(parse_json("[[[]]]", 3));
  EXPECT_FALSE(parse_json("[[[[]]]]", 3));
}

TEST(Problem, TextLeavesOutTheEmptyParts) {
  EXPECT_EQ((Problem{"$.a", "bad"}).text(), "$.a: bad");
  EXPECT_EQ((Problem{"", "bad"}).text(), "bad");
  EXPECT_EQ((Problem{"$.a", "bad"}.in("f.json")).text(), "f.json: $.a: bad");
  const Result<int> failed = Problem{"$", "no"};
  EXPECT_EQ(failed.error(), "$: no");
  EXPECT_EQ(Result<int>(3).error(), "");
}

}  // namespace
}  // namespace essconf
