#include "suite/runner/results_reader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::runner {
namespace {
namespace json = boost::json;

// Thrown with the JSON path of a value that is missing or of the wrong type.
struct BadValue {
  std::string path;
  std::string problem;
};

const json::value& field(const json::object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) throw BadValue{path + "." + std::string(key), "missing"};
  return *v;
}

const json::object& object_at(const json::value& v, const std::string& path) {
  if (!v.is_object()) throw BadValue{path, "expected an object"};
  return v.get_object();
}

const json::array& array_at(const json::object& o, std::string_view key, const std::string& path) {
  const auto& v = field(o, key, path);
  if (!v.is_array()) throw BadValue{path + "." + std::string(key), "expected an array"};
  return v.get_array();
}

std::string string_at(const json::object& o, std::string_view key, const std::string& path) {
  const auto& v = field(o, key, path);
  if (!v.is_string()) throw BadValue{path + "." + std::string(key), "expected a string"};
  return std::string(v.get_string());
}

// Optional fields added after the first documents of the schema.
std::string optional_string(const json::object& o, std::string_view key, const std::string& path) {
  return o.contains(key) ? string_at(o, key, path) : "";
}

template <class Number>
Number number_at(const json::object& o, std::string_view key, const std::string& path) {
  const auto& v = field(o, key, path);
  boost::system::error_code ec;
  const auto n = v.to_number<Number>(ec);
  if (ec) throw BadValue{path + "." + std::string(key), "expected a number in range"};
  return n;
}

bool bool_at(const json::object& o, std::string_view key, const std::string& path) {
  const auto& v = field(o, key, path);
  if (!v.is_bool()) throw BadValue{path + "." + std::string(key), "expected true or false"};
  return v.get_bool();
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  const auto& a = array_at(o, key, path);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) throw BadValue{fmt::format("{}.{}[{}]", path, key, i), "expected a string"};
    out.emplace_back(a[i].get_string());
  }
  return out;
}

// A JSON document the writer embedded (a World, an expectation): back to text.
std::string document_at(const json::object& o, std::string_view key, const std::string& path) {
  const auto& v = field(o, key, path);
  if (v.is_null()) return "";
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

VerdictKind kind_of(const json::value& v, const std::string& path) {
  if (v.is_string())
    for (auto k : {VerdictKind::pass, VerdictKind::deviation, VerdictKind::fail, VerdictKind::not_applicable, VerdictKind::error})
      if (name(k) == v.get_string()) return k;
  throw BadValue{path, fmt::format("unknown verdict {}", json::serialize(v))};
}

VerdictKind kind_at(const json::object& o, std::string_view key, const std::string& path) {
  return kind_of(field(o, key, path), path + "." + std::string(key));
}

// "repeats" (added with --repeat): absent in older documents.
std::vector<VerdictKind> repeats_at(const json::object& o, const std::string& path) {
  std::vector<VerdictKind> out;
  if (!o.contains("repeats")) return out;
  const auto& a = array_at(o, "repeats", path);
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(kind_of(a[i], fmt::format("{}.repeats[{}]", path, i)));
  return out;
}

CaseResult read_case(const json::object& o, const std::string& path) {
  CaseResult c;
  c.id = string_at(o, "id", path);
  c.case_clauses = strings_at(o, "clauses", path);
  c.description = string_at(o, "description", path);
  c.file = string_at(o, "file", path);
  c.verdict.kind = kind_at(o, "verdict", path);
  const auto& baseline = field(o, "baseline", path);
  if (baseline.is_string()) c.baseline_reason = std::string(baseline.get_string());
  else if (!baseline.is_null()) throw BadValue{path + ".baseline", "expected a string or null"};
  c.verdict.clauses = strings_at(o, "verdict_clauses", path);
  c.verdict.summary = string_at(o, "summary", path);
  const auto& findings = array_at(o, "findings", path);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string fp = fmt::format("{}.findings[{}]", path, i);
    const auto& f = object_at(findings[i], fp);
    c.verdict.findings.push_back(
        {kind_at(f, "kind", fp), string_at(f, "clause", fp), string_at(f, "expected", fp), string_at(f, "observed", fp)});
  }
  c.seconds = number_at<double>(o, "seconds", path);
  const std::string rp = path + ".reproducer";
  const auto& reproducer = object_at(field(o, "reproducer", path), rp);
  c.world_before = document_at(reproducer, "world_before", rp);
  c.requests = strings_at(reproducer, "requests", rp);
  c.curl = string_at(reproducer, "curl", rp);
  const std::string op = path + ".observed";
  const auto& observed = object_at(field(o, "observed", path), op);
  c.status = number_at<int>(observed, "status", op);
  c.response_headers = string_at(observed, "headers", op);
  c.response_body = string_at(observed, "body", op);
  c.world_after = document_at(observed, "world_after", op);
  c.expectation = document_at(o, "expectation", path);
  c.repeats = repeats_at(o, path);
  return c;
}

PropertyResult read_property(const json::object& o, const std::string& path) {
  PropertyResult p;
  p.name = string_at(o, "name", path);
  p.clause = string_at(o, "clause", path);
  p.runs = number_at<int>(o, "runs", path);
  p.seed = number_at<std::uint64_t>(o, "seed", path);
  p.summary = string_at(o, "summary", path);
  if (o.contains("verdict")) {
    p.verdict = kind_at(o, "verdict", path);
    const auto& failures = array_at(o, "failures", path);
    for (std::size_t i = 0; i < failures.size(); ++i) {
      const std::string fp = fmt::format("{}.failures[{}]", path, i);
      const auto& f = object_at(failures[i], fp);
      p.failures.push_back({strings_at(f, "clauses", fp), kind_at(f, "kind", fp), string_at(f, "summary", fp), string_at(f, "detail", fp)});
    }
  } else {  // documents written before verdicts: "ran", "passed" and one "detail"
    const bool ran = bool_at(o, "ran", path), passed = bool_at(o, "passed", path);
    p.verdict = !ran ? VerdictKind::not_applicable : passed ? VerdictKind::pass : VerdictKind::fail;
    if (p.verdict == VerdictKind::fail) p.failures.push_back({{p.clause}, VerdictKind::fail, p.summary, string_at(o, "detail", path)});
  }
  p.repeats = repeats_at(o, path);
  const std::string dp = path + ".distribution";
  for (const auto& [tag, n] : object_at(field(o, "distribution", path), dp)) {
    boost::system::error_code ec;
    const int count = n.to_number<int>(ec);
    if (ec) throw BadValue{dp + "." + std::string(tag), "expected a number"};
    p.distribution.emplace_back(std::string(tag), count);
  }
  p.http_requests = number_at<std::uint64_t>(o, "http_requests", path);
  p.seconds = number_at<double>(o, "seconds", path);
  return p;
}

RunResult read_results(const json::value& doc) {
  const auto& o = object_at(doc, "$");
  const std::string schema = string_at(o, "schema", "$");
  if (schema != "essconf-results/1")
    throw BadValue{"$.schema", fmt::format("\"{}\" is not essconf-results/1", schema)};
  RunResult r;
  r.spec_revision = string_at(o, "spec_revision", "$");
  r.label = optional_string(o, "label", "$");
  r.shard = optional_string(o, "shard", "$");
  r.target = string_at(o, "target", "$");
  r.fixture = string_at(o, "fixture", "$");
  const auto profile = model::parse_profile(string_at(o, "profile", "$"));
  if (!profile) throw BadValue{"$.profile", "expected spec or strict"};
  r.profile = *profile;
  r.seed = number_at<std::uint64_t>(o, "seed", "$");
  r.started_at = string_at(o, "started_at", "$");
  r.wall_seconds = number_at<double>(o, "wall_seconds", "$");
  r.http_requests = number_at<std::uint64_t>(o, "http_requests", "$");
  r.features = strings_at(o, "features", "$");
  r.run_error = string_at(o, "run_error", "$");
  const auto& cases = array_at(o, "cases", "$");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string path = fmt::format("$.cases[{}]", i);
    r.cases.push_back(read_case(object_at(cases[i], path), path));
  }
  if (o.contains("properties")) {
    const auto& properties = array_at(o, "properties", "$");
    for (std::size_t i = 0; i < properties.size(); ++i) {
      const std::string path = fmt::format("$.properties[{}]", i);
      r.properties.push_back(read_property(object_at(properties[i], path), path));
    }
  }
  return r;
}

}  // namespace

std::optional<RunResult> parse_results(std::string_view text, std::string& error) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) {
    error = "not JSON: " + ec.message();
    return std::nullopt;
  }
  try {
    return read_results(doc);
  } catch (const BadValue& bad) {
    error = bad.path + ": " + bad.problem;
    return std::nullopt;
  }
}

std::string display_name(const RunResult& r) { return r.label.empty() ? r.target : r.label; }

std::optional<std::vector<RunResult>> merge_results(std::vector<RunResult> results, const std::vector<std::string>& names,
                                                    std::string& error) {
  std::vector<RunResult> merged;
  std::vector<std::string> first_name;           // the file each merged target came from first
  std::vector<std::set<std::string>> case_from;  // ids already merged, per target
  std::vector<std::set<std::string>> property_from;
  std::vector<int> slices;
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    const std::string& file = i < names.size() ? names[i] : r.target;
    std::size_t t = 0;
    while (t < merged.size() && display_name(merged[t]) != display_name(r)) ++t;
    if (t == merged.size()) {
      case_from.emplace_back();
      property_from.emplace_back();
      for (const auto& c : r.cases) case_from.back().insert("case " + c.id);
      for (const auto& p : r.properties) property_from.back().insert(p.name);
      first_name.push_back(file);
      slices.push_back(1);
      merged.push_back(std::move(r));
      continue;
    }
    auto& m = merged[t];
    auto disagree = [&](const char* what, const std::string& a, const std::string& b) {
      error = fmt::format("{} and {} both hold results of target {} but differ in {} (\"{}\" and \"{}\"): "
                          "only slices of one run merge",
                          first_name[t], file, display_name(m), what, a, b);
    };
    if (m.spec_revision != r.spec_revision) return disagree("spec revision", m.spec_revision, r.spec_revision), std::nullopt;
    if (m.profile != r.profile) return disagree("profile", std::string(name(m.profile)), std::string(name(r.profile))), std::nullopt;
    if (m.seed != r.seed) return disagree("seed", std::to_string(m.seed), std::to_string(r.seed)), std::nullopt;
    // Each case and property may come from one slice only.
    auto first_time = [&](std::set<std::string>& seen, const std::string& what) {
      if (seen.insert(what).second) return true;
      error = fmt::format("{} and {} both hold {} of target {}: results merge only from disjoint slices (--shard i/n)",
                          first_name[t], file, what, display_name(m));
      return false;
    };
    for (auto& c : r.cases) {
      if (!first_time(case_from[t], "case " + c.id)) return std::nullopt;
      m.cases.push_back(std::move(c));
    }
    for (auto& p : r.properties) {
      if (!first_time(property_from[t], p.name)) return std::nullopt;
      m.properties.push_back(std::move(p));
    }
    m.shard += (m.shard.empty() || r.shard.empty() ? "" : ",") + r.shard;
    m.http_requests += r.http_requests;
    m.wall_seconds += r.wall_seconds;
    m.started_at = std::min(m.started_at, r.started_at);
    if (!r.run_error.empty()) m.run_error += (m.run_error.empty() ? "" : "; ") + r.run_error;
    for (const auto& f : r.features)
      if (std::find(m.features.begin(), m.features.end(), f) == m.features.end()) m.features.push_back(f);
    ++slices[t];
  }
  for (std::size_t t = 0; t < merged.size(); ++t)
    if (slices[t] > 1)
      std::stable_sort(merged[t].cases.begin(), merged[t].cases.end(),
                       [](const CaseResult& a, const CaseResult& b) { return a.id < b.id; });
  return merged;
}

}  // namespace essconf::runner
