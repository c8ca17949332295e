// The one reader of the project's JSON documents (Worlds, case files,
// results.json, baselines, finding bundles, the self-test summary, the
// clause catalog): a JsonReader walks a parsed document, each JsonNode knows
// its path ("$.ScalingGroups[0].MinSize"), and the first problem found is
// kept with that path. After it, every read is a no-op that gives nothing
// back, so a reader is written as straight-line code and asked once, at the
// end, for its Result.
//
//   Thing read_thing(const JsonNode& node) {
//     const auto o = node.object({"id", "size"});
//     return {o.field("id").string().value_or(""), o.optional_field("size").integer(0, 9).value_or(1)};
//   }
//   Result<Thing> thing = read_json(text, read_thing, "thing.json");
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "reference/json/result.hpp"

namespace essconf {

// Parses `text` as JSON nested at most `max_depth` deep; a Problem at "$"
// ("not valid JSON: ...") otherwise.
Result<boost::json::value> parse_json(std::string_view text, int max_depth = 32);

class JsonReader;

// Where a node is: its parent's place, then ".key" or "[index]". Kept by the
// reader; the path is spelt out only when it is asked for (a problem), so a
// document that reads cleanly formats no path at all.
struct JsonPathStep {
  const JsonPathStep* parent = nullptr;
  std::string key;  // the root's own text ("$") when there is no parent
  std::size_t index = 0;
  bool is_index = false;
};

// One value of the document being read (or an absent one: an optional field
// that is not there, or anything read after a problem), with its path.
class JsonNode {
 public:
  std::string path() const;
  bool present() const noexcept { return value_ != nullptr; }
  bool is_null() const noexcept { return value_ != nullptr && value_->is_null(); }
  const boost::json::value* value() const noexcept { return value_; }

  // This node as an object whose keys are all in `allowed` (any key when
  // `allowed` is empty); absent when it is not.
  JsonNode object(std::initializer_list<std::string_view> allowed = {}) const;
  // A member of this object: required (missing is a problem) or optional.
  JsonNode field(std::string_view key) const;
  JsonNode optional_field(std::string_view key) const;
  // The elements of this array, and the members of this object, in order.
  std::vector<JsonNode> items() const;
  std::vector<std::pair<std::string, JsonNode>> members() const;

  // Scalars: the value, or nullopt when absent or wrong (a problem then).
  std::optional<std::string> string() const;
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) const;
  template <typename Number>
  std::optional<Number> number() const;  // any JSON number that converts exactly
  std::optional<bool> boolean() const;
  std::vector<std::string> strings() const;  // an array of strings
  // One of `names` (a closed set of spellings).
  template <typename E>
  std::optional<E> one_of(std::span<const std::pair<E, std::string_view>> names) const;

  // Records a problem at this node's path, or at one of its members'.
  void fail(std::string message) const;
  void fail_at(std::string_view key, std::string message) const;

 private:
  friend class JsonReader;
  JsonNode(const boost::json::value* value, const JsonPathStep* step, const JsonReader* reader)
      : value_(value), step_(step), reader_(reader) {}
  JsonNode absent() const { return {nullptr, step_, reader_}; }
  JsonNode member(const boost::json::value* value, std::string_view key) const;
  bool live() const noexcept;  // present, and no problem yet
  void fail_unknown(const std::string& value, std::string allowed) const;

  const boost::json::value* value_;
  const JsonPathStep* step_;
  const JsonReader* reader_;
};

class JsonReader {
 public:
  explicit JsonReader(const boost::json::value& root, std::string root_path = "$") : root_(root) {
    steps_.push_back({nullptr, std::move(root_path)});
  }
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  JsonNode root() const { return {&root_, &steps_.front(), this}; }
  bool failed() const noexcept { return problem_.has_value(); }
  // Records a problem (the first one is kept).
  void fail(std::string path, std::string message) const;

  // `value`, or the first problem.
  template <typename T>
  Result<T> result(T value) const {
    if (problem_) return *problem_;
    return Result<T>(std::move(value));
  }
  const std::optional<Problem>& problem() const noexcept { return problem_; }

 private:
  friend class JsonNode;
  const JsonPathStep* step(JsonPathStep s) const { return &steps_.emplace_back(std::move(s)); }

  const boost::json::value& root_;
  mutable std::deque<JsonPathStep> steps_;  // a deque: steps never move, nodes point at them
  mutable std::optional<Problem> problem_;
};

// Parses `text` and reads it with `read(root)`: the value, or the first
// problem, said to be in `source` (a file name; empty for none).
template <typename Read>
auto read_json(std::string_view text, Read&& read, std::string source = {}, int max_depth = 32)
    -> Result<std::invoke_result_t<Read, const JsonNode&>> {
  auto doc = parse_json(text, max_depth);
  if (!doc) return Problem(doc.problem()).in(std::move(source));
  const JsonReader reader(*doc);
  auto value = read(reader.root());
  return reader.result(std::move(value)).in(std::move(source));
}

// --- templates --------------------------------------------------------------

template <typename Number>
std::optional<Number> JsonNode::number() const {
  if (!live()) return std::nullopt;
  boost::system::error_code ec;
  const auto n = value_->to_number<Number>(ec);
  if (ec) {
    fail("expected a number in range");
    return std::nullopt;
  }
  return n;
}

template <typename E>
std::optional<E> JsonNode::one_of(std::span<const std::pair<E, std::string_view>> names) const {
  const auto s = string();
  if (!s) return std::nullopt;
  for (const auto& [value, spelling] : names)
    if (spelling == *s) return value;
  std::string allowed;
  for (const auto& [value, spelling] : names) allowed.append(allowed.empty() ? "" : ", ").append(spelling);
  fail_unknown(*s, std::move(allowed));
  return std::nullopt;
}

}  // namespace essconf
