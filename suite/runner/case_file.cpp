// Case files (docs/cases.md): reading one, a directory of them, and writing
// a case back as a file that reads as the same case.
#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "reference/json/json_reader.hpp"
#include "reference/model/catalog.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/files.hpp"

namespace essconf::runner {
namespace json = boost::json;
namespace {

template <typename E, std::size_t N>
using Spellings = std::array<std::pair<E, std::string_view>, N>;

constexpr Spellings<SignatureMode, 3> kSignatureModes{
    {{SignatureMode::valid, "valid"}, {SignatureMode::corrupt, "corrupt"}, {SignatureMode::omit, "omit"}}};
constexpr Spellings<SignatureScheme, 2> kSchemes{{{SignatureScheme::v1, "v1"}, {SignatureScheme::v3, "v3"}}};
constexpr Spellings<Placement, 3> kPlacements{
    {{Placement::query, "query"}, {Placement::form, "form"}, {Placement::split, "split"}}};

template <typename E, std::size_t N>
E one_of(const JsonNode& node, const Spellings<E, N>& spellings, E otherwise) {
  return node.one_of<E>(std::span<const std::pair<E, std::string_view>>(spellings)).value_or(otherwise);
}

template <typename E, std::size_t N>
std::string_view spelling(const Spellings<E, N>& spellings, E value) {
  for (const auto& [v, text] : spellings)
    if (v == value) return text;
  return "?";
}

// [["name","value"], ...]
std::vector<std::pair<std::string, std::string>> pairs(const JsonNode& node) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : node.items()) {
    const auto* pair = item.value()->if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
      item.fail("expected [name, value] with two strings");
      return out;
    }
    out.emplace_back(std::string((*pair)[0].get_string()), std::string((*pair)[1].get_string()));
  }
  return out;
}

std::optional<std::string> optional_string(const JsonNode& node) { return node.string(); }

SignSpec read_sign(const JsonNode& node) {
  const auto o = node.object({"access_key_id", "access_key_secret", "timestamp_offset", "timestamp",
                              "timestamp_fraction", "nonce", "signature", "signature_method", "signature_version",
                              "omit", "scheme"});
  SignSpec s;
  s.access_key_id = o.field("access_key_id").string().value_or("");
  s.access_key_secret = o.field("access_key_secret").string().value_or("");
  s.timestamp_offset = o.optional_field("timestamp_offset")
                           .integer(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max())
                           .value_or(0);
  s.timestamp = optional_string(o.optional_field("timestamp"));
  s.timestamp_fraction = o.optional_field("timestamp_fraction").string().value_or("");
  if (s.timestamp_fraction.size() > 9 || s.timestamp_fraction.find_first_not_of("0123456789") != std::string::npos)
    o.fail_at("timestamp_fraction", "expected 1 to 9 digits");
  s.nonce = optional_string(o.optional_field("nonce"));
  s.signature = one_of(o.optional_field("signature"), kSignatureModes, SignatureMode::valid);
  s.signature_method = o.optional_field("signature_method").string().value_or("HMAC-SHA1");
  s.signature_version = o.optional_field("signature_version").string().value_or("1.0");
  s.omit = o.optional_field("omit").strings();
  s.scheme = one_of(o.optional_field("scheme"), kSchemes, SignatureScheme::v1);
  if (s.scheme == SignatureScheme::v3 && !s.expressible_in_v3())
    o.fail_at("scheme", "v3 has no SignatureMethod or SignatureVersion to set or omit");
  return s;
}

RequestSpec read_request(const JsonNode& node) {
  const auto o = node.object({"method", "path", "placement", "params", "raw", "headers", "sign"});
  RequestSpec r;
  r.method = o.optional_field("method").string().value_or("GET");
  r.path = o.optional_field("path").string().value_or("/");
  r.placement = one_of(o.optional_field("placement"), kPlacements, Placement::query);
  r.params = pairs(o.optional_field("params"));
  r.raw = o.optional_field("raw").string().value_or("");
  for (auto& [n, val] : pairs(o.optional_field("headers"))) r.headers.push_back({n, val});
  if (!o.present()) return r;
  if (r.method.empty() || r.method.find_first_of(" \r\n") != std::string::npos)
    o.fail_at("method", "must be a non-empty token");
  if (r.path.empty() || r.path[0] != '/') o.fail_at("path", "must start with /");
  if (r.placement != Placement::query && r.method == "GET")
    o.fail_at("placement", "form and split placements need a method with a body (POST)");
  if (const auto sign = o.optional_field("sign"); sign.present()) r.sign = read_sign(sign);
  return r;
}

std::vector<std::string> read_clauses(const JsonNode& node) {
  auto clauses = node.strings();
  if (node.present() && clauses.empty()) node.fail("a case names at least one clause");
  const auto items = node.items();
  for (std::size_t i = 0; i < clauses.size() && i < items.size(); ++i)
    if (model::catalog().find(clauses[i]) == nullptr) items[i].fail(fmt::format("unknown clause \"{}\"", clauses[i]));
  return clauses;
}

}  // namespace

Case read_case(const JsonNode& root, const std::string& file) {
  const auto o = root.object({"id", "clauses", "description", "world", "before", "request", "repeat",
                              "complete_activities"});
  Case c;
  c.file = file;
  c.id = o.field("id").string().value_or("");
  c.clauses = read_clauses(o.field("clauses"));
  c.description = o.field("description").string().value_or("");
  c.repeat = static_cast<int>(o.optional_field("repeat").integer(1, 5).value_or(1));
  c.complete_activities = o.optional_field("complete_activities").boolean().value_or(false);
  c.world = model::read_world(o.field("world"));
  for (const auto& item : o.optional_field("before").items()) c.before.push_back(read_request(item));
  c.request = read_request(o.field("request"));
  return c;
}

namespace {

json::object request_json(const RequestSpec& r) {
  auto pairs = [](const std::vector<wire::Pair>& v) {
    json::array a;
    for (const auto& [n, val] : v) a.push_back(json::array{json::string(n), json::string(val)});
    return a;
  };
  json::object o{{"method", r.method}, {"path", r.path},
                 {"placement", spelling(kPlacements, r.placement)},
                 {"params", pairs(r.params)}};
  if (!r.raw.empty()) o["raw"] = r.raw;
  if (!r.headers.empty()) {
    json::array h;
    for (const auto& x : r.headers) h.push_back(json::array{json::string(x.name), json::string(x.value)});
    o["headers"] = std::move(h);
  }
  if (r.sign) {
    const SignSpec& s = *r.sign;
    json::object so{{"access_key_id", s.access_key_id}, {"access_key_secret", s.access_key_secret},
                    {"timestamp_offset", s.timestamp_offset},
                    {"signature", spelling(kSignatureModes, s.signature)},
                    {"signature_method", s.signature_method}, {"signature_version", s.signature_version}};
    if (s.timestamp) so["timestamp"] = *s.timestamp;
    if (!s.timestamp_fraction.empty()) so["timestamp_fraction"] = s.timestamp_fraction;
    if (s.nonce) so["nonce"] = *s.nonce;
    if (s.scheme != SignatureScheme::v1) so["scheme"] = spelling(kSchemes, s.scheme);
    if (!s.omit.empty()) {
      json::array om;
      for (const auto& x : s.omit) om.emplace_back(x);
      so["omit"] = std::move(om);
    }
    o["sign"] = std::move(so);
  }
  return o;
}

}  // namespace

std::string case_to_json(const Case& c) {
  json::array clauses;
  for (const auto& cl : c.clauses) clauses.emplace_back(cl);
  boost::system::error_code ec;
  json::object o{{"id", c.id}, {"clauses", std::move(clauses)}, {"description", c.description},
                 {"world", json::parse(model::to_json(c.world), ec)}};
  if (!c.before.empty()) {
    json::array b;
    for (const auto& r : c.before) b.push_back(request_json(r));
    o["before"] = std::move(b);
  }
  o["request"] = request_json(c.request);
  if (c.repeat != 1) o["repeat"] = c.repeat;
  if (c.complete_activities) o["complete_activities"] = true;
  return json::serialize(o);
}


Result<Case> parse_case(std::string_view text, const std::string& file) {
  return read_json(text, [&](const JsonNode& root) { return read_case(root, file); }, file, 64);
}

Result<Case> load_case(const std::string& file) {
  const auto text = read_file(file);
  if (!text) return Problem("", "cannot read the file", file);
  return parse_case(*text, file);
}

CaseFiles load_cases(const std::string& dir) {
  CaseFiles out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    out.problems.emplace_back("", "not a directory of cases", dir);
    return out;
  }
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> seen;
  for (const auto& file : files) {
    auto loaded = load_case(file);
    if (!loaded) {
      out.problems.push_back(loaded.problem());
      continue;
    }
    if (auto [it, fresh] = seen.emplace(loaded->id, file); !fresh) {
      out.problems.emplace_back("$.id", fmt::format("duplicate case id \"{}\" (also in {})", loaded->id, it->second), file);
      continue;
    }
    out.cases.push_back(std::move(*loaded));
  }
  std::sort(out.cases.begin(), out.cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  return out;
}

}  // namespace essconf::runner
