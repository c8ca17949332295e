#include "reference/json/json_reader.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf {
namespace json = boost::json;

Result<json::value> parse_json(std::string_view text, int max_depth) {
  json::parse_options options;
  options.max_depth = static_cast<std::size_t>(max_depth);
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec, json::storage_ptr(), options);
  if (ec) return Problem{"$", "not valid JSON: " + ec.message()};
  return doc;
}

void JsonReader::fail(std::string path, std::string message) const {
  if (!problem_) problem_ = Problem{std::move(path), std::move(message)};
}

std::string JsonNode::path() const {
  std::vector<const JsonPathStep*> steps;
  for (const JsonPathStep* s = step_; s != nullptr; s = s->parent) steps.push_back(s);
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    const JsonPathStep& s = **it;
    if (s.parent == nullptr) out += s.key;
    else if (s.is_index) out += fmt::format("[{}]", s.index);
    else out.append(".").append(s.key);
  }
  return out;
}

JsonNode JsonNode::member(const boost::json::value* value, std::string_view key) const {
  return {value, reader_->step({step_, std::string(key)}), reader_};
}

bool JsonNode::live() const noexcept { return value_ != nullptr && !reader_->failed(); }

void JsonNode::fail(std::string message) const {
  if (!reader_->failed()) reader_->fail(path(), std::move(message));
}

void JsonNode::fail_at(std::string_view key, std::string message) const {
  if (!reader_->failed()) reader_->fail(fmt::format("{}.{}", path(), key), std::move(message));
}

void JsonNode::fail_unknown(const std::string& value, std::string allowed) const {
  fail(fmt::format("unknown value \"{}\" (one of: {})", value, allowed));
}

JsonNode JsonNode::object(std::initializer_list<std::string_view> allowed) const {
  if (!live()) return absent();
  const auto* obj = value_->if_object();
  if (obj == nullptr) {
    fail("expected an object");
    return absent();
  }
  if (allowed.size() > 0) {
    for (const auto& kv : *obj) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
        fail_at(kv.key(), "unknown field");
        return absent();
      }
    }
  }
  return *this;
}

JsonNode JsonNode::optional_field(std::string_view key) const {
  if (!live()) return member(nullptr, key);
  const auto* obj = value_->if_object();
  if (obj == nullptr) {
    fail("expected an object");
    return member(nullptr, key);
  }
  return member(obj->if_contains(key), key);
}

JsonNode JsonNode::field(std::string_view key) const {
  JsonNode member = optional_field(key);
  if (!member.present() && live()) member.fail("required field is missing");
  return member;
}

std::vector<JsonNode> JsonNode::items() const {
  std::vector<JsonNode> out;
  if (!live()) return out;
  const auto* arr = value_->if_array();
  if (arr == nullptr) {
    fail("expected an array");
    return out;
  }
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i)
    out.push_back({&(*arr)[i], reader_->step({step_, {}, i, true}), reader_});
  return out;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const {
  std::vector<std::pair<std::string, JsonNode>> out;
  const JsonNode obj = object();
  if (!obj.present()) return out;
  for (const auto& kv : value_->get_object())
    out.emplace_back(std::string(kv.key()), member(&kv.value(), kv.key()));
  return out;
}

std::optional<std::string> JsonNode::string() const {
  if (!live()) return std::nullopt;
  const auto* s = value_->if_string();
  if (s == nullptr) {
    fail("expected a string");
    return std::nullopt;
  }
  return std::string(*s);
}

std::optional<std::int64_t> JsonNode::integer(std::int64_t min, std::int64_t max) const {
  if (!live()) return std::nullopt;
  // The parser keeps every integer that fits as int64: a uint64 is above any range here.
  if (!value_->is_int64() && !value_->is_uint64()) {
    fail("expected an integer");
    return std::nullopt;
  }
  const std::int64_t n = value_->is_int64() ? value_->get_int64() : max;
  if (value_->is_uint64() || n < min || n > max) {
    fail(fmt::format("must be between {} and {}", min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonNode::boolean() const {
  if (!live()) return std::nullopt;
  if (!value_->is_bool()) {
    fail("expected true or false");
    return std::nullopt;
  }
  return value_->get_bool();
}

std::vector<std::string> JsonNode::strings() const {
  std::vector<std::string> out;
  for (const auto& item : items()) {
    auto s = item.string();
    if (!s) return {};
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace essconf
