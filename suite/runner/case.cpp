#include "suite/runner/case.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "reference/model/catalog.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/signature.hpp"
#include "reference/wire/signature_v3.hpp"
#include "suite/runner/files.hpp"

namespace essconf::runner {
namespace {
namespace json = boost::json;

// Reads fields of one JSON object, remembering the first problem and its path.
class Fields {
 public:
  Fields(const json::value& v, std::string path, std::initializer_list<std::string_view> allowed, std::string& error)
      : path_(std::move(path)), error_(error) {
    obj_ = v.if_object();
    if (obj_ == nullptr) {
      fail(path_, "expected an object");
      return;
    }
    for (const auto& kv : *obj_) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
        fail(path_ + "." + std::string(kv.key()), "unknown field");
        return;
      }
    }
  }
  bool ok() const { return obj_ != nullptr && error_.empty(); }
  const json::value* get(std::string_view key) const { return ok() ? obj_->if_contains(key) : nullptr; }
  std::string at(std::string_view key) const { return path_ + "." + std::string(key); }

  std::optional<std::string> string(std::string_view key, bool required) {
    const auto* v = get(key);
    if (v == nullptr) {
      if (required && ok()) fail(at(key), "required field is missing");
      return std::nullopt;
    }
    if (!v->is_string()) return fail(at(key), "expected a string"), std::nullopt;
    return std::string(v->get_string());
  }
  std::optional<std::int64_t> integer(std::string_view key) {
    const auto* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_int64()) return fail(at(key), "expected an integer"), std::nullopt;
    return v->get_int64();
  }
  std::optional<bool> boolean(std::string_view key) {
    const auto* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) return fail(at(key), "expected true or false"), std::nullopt;
    return v->get_bool();
  }
  // [["name","value"], ...]
  std::vector<std::pair<std::string, std::string>> pairs(std::string_view key) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto* v = get(key);
    if (v == nullptr) return out;
    const auto* arr = v->if_array();
    if (arr == nullptr) return fail(at(key), "expected an array of [name, value] pairs"), out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* pair = (*arr)[i].if_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
        fail(fmt::format("{}[{}]", at(key), i), "expected [name, value] with two strings");
        return out;
      }
      out.emplace_back(std::string((*pair)[0].get_string()), std::string((*pair)[1].get_string()));
    }
    return out;
  }
  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    const auto* v = get(key);
    if (v == nullptr) return out;
    const auto* arr = v->if_array();
    if (arr == nullptr) return fail(at(key), "expected an array of strings"), out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_string()) return fail(fmt::format("{}[{}]", at(key), i), "expected a string"), out;
      out.emplace_back((*arr)[i].get_string());
    }
    return out;
  }
  void fail(const std::string& path, const std::string& reason) {
    if (error_.empty()) error_ = path + ": " + reason;
  }

 private:
  const json::object* obj_ = nullptr;
  std::string path_;
  std::string& error_;
};

template <typename E>
std::optional<E> one_of(Fields& f, std::string_view key, std::initializer_list<std::pair<std::string_view, E>> values) {
  auto s = f.string(key, false);
  if (!s) return std::nullopt;
  for (const auto& [name, value] : values)
    if (name == *s) return value;
  f.fail(f.at(key), fmt::format("unknown value \"{}\"", *s));
  return std::nullopt;
}

std::optional<SignSpec> read_sign(const json::value& v, const std::string& path, std::string& error) {
  Fields f(v, path + ".sign",
           {"access_key_id", "access_key_secret", "timestamp_offset", "timestamp", "timestamp_fraction", "nonce", "signature",
            "signature_method", "signature_version", "omit", "scheme"},
           error);
  SignSpec s;
  s.access_key_id = f.string("access_key_id", true).value_or("");
  s.access_key_secret = f.string("access_key_secret", true).value_or("");
  s.timestamp_offset = f.integer("timestamp_offset").value_or(0);
  s.timestamp = f.string("timestamp", false);
  s.timestamp_fraction = f.string("timestamp_fraction", false).value_or("");
  if (s.timestamp_fraction.size() > 9 || s.timestamp_fraction.find_first_not_of("0123456789") != std::string::npos)
    f.fail(f.at("timestamp_fraction"), "expected 1 to 9 digits");
  s.nonce = f.string("nonce", false);
  s.signature = one_of<SignatureMode>(f, "signature",
                                      {{"valid", SignatureMode::valid}, {"corrupt", SignatureMode::corrupt},
                                       {"omit", SignatureMode::omit}})
                    .value_or(SignatureMode::valid);
  s.signature_method = f.string("signature_method", false).value_or("HMAC-SHA1");
  s.signature_version = f.string("signature_version", false).value_or("1.0");
  s.omit = f.strings("omit");
  s.scheme = one_of<SignatureScheme>(f, "scheme", {{"v1", SignatureScheme::v1}, {"v3", SignatureScheme::v3}})
                 .value_or(SignatureScheme::v1);
  if (s.scheme == SignatureScheme::v3 && !s.expressible_in_v3())
    f.fail(f.at("scheme"), "v3 has no SignatureMethod or SignatureVersion to set or omit");
  if (!f.ok()) return std::nullopt;
  return s;
}

bool read_request(const json::value& v, const std::string& path, RequestSpec& r, std::string& error) {
  Fields f(v, path, {"method", "path", "placement", "params", "raw", "headers", "sign"}, error);
  r.method = f.string("method", false).value_or("GET");
  r.path = f.string("path", false).value_or("/");
  r.placement = one_of<Placement>(f, "placement",
                                  {{"query", Placement::query}, {"form", Placement::form}, {"split", Placement::split}})
                    .value_or(Placement::query);
  r.params = f.pairs("params");
  r.raw = f.string("raw", false).value_or("");
  for (auto& [n, val] : f.pairs("headers")) r.headers.push_back({n, val});
  if (r.method.empty() || r.method.find_first_of(" \r\n") != std::string::npos)
    f.fail(f.at("method"), "must be a non-empty token");
  if (r.path.empty() || r.path[0] != '/') f.fail(f.at("path"), "must start with /");
  if (r.placement != Placement::query && r.method == "GET")
    f.fail(f.at("placement"), "form and split placements need a method with a body (POST)");
  if (const auto* s = f.get("sign")) r.sign = read_sign(*s, path, error);
  return f.ok() && error.empty();
}

bool is_common(std::string_view name) {
  for (std::string_view c : {"Action", "Version", "Format", "RegionId", "AccessKeyId", "SignatureMethod",
                             "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"})
    if (name == c) return true;
  return false;
}

}  // namespace

std::vector<std::string> Case::needs() const {
  std::vector<std::string> n{"world"};
  if (world.auth.mode == model::AuthMode::signature) n.push_back("auth");
  if (world.completion == model::ActivityCompletion::manual || complete_activities) n.push_back("activities");
  bool lbs = false, dbs = false;
  for (const auto& g : world.groups) {
    lbs = lbs || !g.load_balancers.empty();
    dbs = dbs || !g.db_instances.empty();
  }
  if (lbs) n.push_back("load_balancers");
  if (dbs) n.push_back("db_instances");
  return n;
}

CaseLoad load_case(const std::string& file) {
  const auto text = read_file(file);
  if (!text) return {std::nullopt, file + ": cannot read the file"};
  return parse_case(*text, file);
}

CaseLoad parse_case(std::string_view text, const std::string& file) {
  CaseLoad out;
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  const json::value doc = json::parse(text, ec, json::storage_ptr(), opts);
  if (ec) {
    out.error = fmt::format("{}: not valid JSON: {}", file, ec.message());
    return out;
  }
  std::string error;
  Fields f(doc, "$", {"id", "clauses", "description", "world", "before", "request", "repeat", "complete_activities"},
           error);
  Case c;
  c.file = file;
  c.id = f.string("id", true).value_or("");
  c.clauses = f.strings("clauses");
  c.description = f.string("description", true).value_or("");
  c.repeat = static_cast<int>(f.integer("repeat").value_or(1));
  c.complete_activities = f.boolean("complete_activities").value_or(false);
  if (f.ok() && (c.repeat < 1 || c.repeat > 5)) f.fail("$.repeat", "must be 1 to 5");
  if (f.ok() && c.clauses.empty()) f.fail("$.clauses", "a case names at least one clause");
  for (std::size_t i = 0; f.ok() && i < c.clauses.size(); ++i)
    if (model::catalog().find(c.clauses[i]) == nullptr)
      f.fail(fmt::format("$.clauses[{}]", i), fmt::format("unknown clause \"{}\"", c.clauses[i]));
  if (f.ok()) {
    const auto* w = f.get("world");
    if (w == nullptr) {
      f.fail("$.world", "required field is missing");
    } else {
      auto parsed = model::parse_world(json::serialize(*w));
      if (!parsed.world)
        f.fail("$.world" + parsed.path.substr(1), parsed.error);
      else
        c.world = std::move(*parsed.world);
    }
  }
  if (f.ok()) {
    if (const auto* b = f.get("before")) {
      if (!b->is_array()) f.fail("$.before", "expected an array of requests");
      for (std::size_t i = 0; f.ok() && error.empty() && b->is_array() && i < b->get_array().size(); ++i)
        read_request(b->get_array()[i], fmt::format("$.before[{}]", i), c.before.emplace_back(), error);
    }
  }
  if (f.ok() && error.empty()) {
    if (const auto* r = f.get("request"))
      read_request(*r, "$.request", c.request, error);
    else
      f.fail("$.request", "required field is missing");
  }
  if (!error.empty()) {
    out.error = file + ": " + error;
    return out;
  }
  out.value = std::move(c);
  return out;
}

CatalogLoad load_cases(const std::string& dir) {
  CatalogLoad out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    out.errors.push_back(dir + ": not a directory of cases");
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
    if (!loaded.value) {
      out.errors.push_back(loaded.error);
      continue;
    }
    if (auto [it, fresh] = seen.emplace(loaded.value->id, file); !fresh) {
      out.errors.push_back(fmt::format("{}: $.id: duplicate case id \"{}\" (also in {})", file, loaded.value->id, it->second));
      continue;
    }
    out.cases.push_back(std::move(*loaded.value));
  }
  std::sort(out.cases.begin(), out.cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  return out;
}

namespace {

json::object request_json(const RequestSpec& r) {
  auto pairs = [](const std::vector<wire::Pair>& v) {
    json::array a;
    for (const auto& [n, val] : v) a.push_back(json::array{json::string(n), json::string(val)});
    return a;
  };
  json::object o{{"method", r.method}, {"path", r.path},
                 {"placement", r.placement == Placement::query ? "query" : r.placement == Placement::form ? "form" : "split"},
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
                    {"signature", s.signature == SignatureMode::valid ? "valid" : s.signature == SignatureMode::corrupt ? "corrupt" : "omit"},
                    {"signature_method", s.signature_method}, {"signature_version", s.signature_version}};
    if (s.timestamp) so["timestamp"] = *s.timestamp;
    if (!s.timestamp_fraction.empty()) so["timestamp_fraction"] = s.timestamp_fraction;
    if (s.nonce) so["nonce"] = *s.nonce;
    if (s.scheme == SignatureScheme::v3) so["scheme"] = "v3";
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

bool SignSpec::expressible_in_v3() const {
  const auto omitted = [&](std::string_view name) { return std::find(omit.begin(), omit.end(), name) != omit.end(); };
  return signature_method == "HMAC-SHA1" && signature_version == "1.0" && !omitted("SignatureMethod") &&
         !omitted("SignatureVersion");
}

RequestSpec in_scheme(RequestSpec spec, SignatureScheme scheme) {
  if (spec.sign && scheme == SignatureScheme::v3 && spec.sign->expressible_in_v3()) spec.sign->scheme = scheme;
  return spec;
}

namespace {

std::string signed_timestamp(const SignSpec& s, std::int64_t now) {
  std::string timestamp = model::format_timestamp(now + s.timestamp_offset);
  if (!s.timestamp_fraction.empty()) timestamp.insert(timestamp.size() - 1, "." + s.timestamp_fraction);
  return s.timestamp.value_or(timestamp);
}

bool omits(const SignSpec& s, std::string_view name) {
  return std::find(s.omit.begin(), s.omit.end(), name) != s.omit.end();
}

// V1: the common parameters and the Signature join the pairs.
void sign_v1_params(const RequestSpec& spec, std::vector<wire::Pair>& params, std::int64_t now,
                    const std::string& fresh_nonce) {
  const SignSpec& s = *spec.sign;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!omits(s, name)) params.emplace_back(name, value);
  };
  add("AccessKeyId", s.access_key_id);
  add("SignatureMethod", s.signature_method);
  add("SignatureVersion", s.signature_version);
  add("SignatureNonce", s.nonce.value_or(fresh_nonce));
  add("Timestamp", signed_timestamp(s, now));
  // Sign what is sent: the decoded pairs of the query and the body together.
  std::vector<wire::Pair> signed_pairs = params;
  if (!spec.raw.empty())
    for (const auto& p : wire::parse_params(spec.raw, wire::Origin::query).params) signed_pairs.emplace_back(p.name, p.value);
  std::string signature = wire::sign_v1(spec.method, signed_pairs, s.access_key_secret);
  if (s.signature == SignatureMode::corrupt) signature[0] = signature[0] == 'A' ? 'B' : 'A';
  if (s.signature != SignatureMode::omit && !omits(s, "Signature")) params.emplace_back("Signature", signature);
}

// V3: the credentials go in headers, Action and Version are named in
// x-acs-action/x-acs-version too, and the Authorization signs them all.
void sign_v3_headers(const RequestSpec& spec, wire::HttpRequest& r, std::int64_t now, const std::string& fresh_nonce,
                     std::string_view host) {
  const SignSpec& s = *spec.sign;
  if (!host.empty() && !r.has_header("Host")) r.headers.insert(r.headers.begin(), {"Host", std::string(host)});
  for (auto [param, header] : {std::pair{"Action", "x-acs-action"}, std::pair{"Version", "x-acs-version"}})
    for (const auto& [name, value] : spec.params)
      if (name == param) {
        r.headers.push_back({header, value});
        break;
      }
  if (!omits(s, "Timestamp")) r.headers.push_back({"x-acs-date", signed_timestamp(s, now)});
  if (!omits(s, "SignatureNonce")) r.headers.push_back({"x-acs-signature-nonce", s.nonce.value_or(fresh_nonce)});
  wire::add_acs3_authorization(r, s.access_key_id, s.access_key_secret);
  auto& auth = r.headers.back().value;
  const auto signature_at = auth.find(",Signature=") + 11;
  if (s.signature == SignatureMode::corrupt) auth[signature_at] = auth[signature_at] == 'a' ? 'b' : 'a';
  if (s.signature == SignatureMode::omit || omits(s, "Signature")) auth.erase(signature_at - 11);
  if (omits(s, "AccessKeyId")) auth.replace(auth.find("Credential="), 11 + s.access_key_id.size() + 1, "");
}

}  // namespace

wire::HttpRequest build_request(const RequestSpec& spec, std::int64_t now, const std::string& fresh_nonce,
                                std::string_view host) {
  std::vector<wire::Pair> params = spec.params;
  const bool v3 = spec.sign && spec.sign->scheme == SignatureScheme::v3;
  if (spec.sign && !v3) sign_v1_params(spec, params, now, fresh_nonce);
  std::vector<wire::Pair> query, body;
  for (auto& p : params) {
    const bool in_query = spec.placement == Placement::query || (spec.placement == Placement::split && is_common(p.first));
    (in_query ? query : body).push_back(std::move(p));
  }
  auto join = [](std::string encoded, const std::string& raw) {
    if (raw.empty()) return encoded;
    return encoded.empty() ? raw : encoded + "&" + raw;
  };
  wire::HttpRequest r;
  r.method = spec.method;
  std::string q = wire::encode_pairs(query);
  if (spec.placement == Placement::form) {
    r.body = join(wire::encode_pairs(body), spec.raw);
  } else {
    q = join(std::move(q), spec.raw);
    r.body = wire::encode_pairs(body);
  }
  r.target = q.empty() ? spec.path : spec.path + "?" + q;
  if (spec.placement != Placement::query) r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  for (const auto& h : spec.headers) r.headers.push_back(h);
  if (v3) sign_v3_headers(spec, r, now, fresh_nonce, host);
  return r;
}

}  // namespace essconf::runner
