#include "suite/runner/results_reader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

namespace essconf::runner {
namespace {
namespace json = boost::json;

// A JSON document the writer embedded (a World, an expectation): back to text.
std::string document(const JsonNode& node) {
  if (!node.present() || node.is_null()) return "";
  if (const auto* s = node.value()->if_string()) return std::string(*s);
  return json::serialize(*node.value());
}

VerdictKind kind(const JsonNode& node) {
  const auto text = node.string();
  for (auto k : {VerdictKind::pass, VerdictKind::deviation, VerdictKind::fail, VerdictKind::not_applicable, VerdictKind::error})
    if (text && name(k) == *text) return k;
  if (node.present()) node.fail(fmt::format("unknown verdict {}", json::serialize(*node.value())));
  return VerdictKind::error;
}

// "repeats" (added with --repeat): absent in older documents.
std::vector<VerdictKind> repeats(const JsonNode& o) {
  std::vector<VerdictKind> out;
  for (const auto& item : o.optional_field("repeats").items()) out.push_back(kind(item));
  return out;
}

std::string text(const JsonNode& node) { return node.string().value_or(""); }

Finding read_finding(const JsonNode& node) {
  const auto f = node.object();
  return {kind(f.field("kind")), text(f.field("clause")), text(f.field("expected")), text(f.field("observed"))};
}

void read_reproducer(const JsonNode& node, CaseResult& c) {
  const auto reproducer = node.object();
  c.world_before = document(reproducer.field("world_before"));
  c.requests = reproducer.field("requests").strings();
  c.curl = text(reproducer.field("curl"));
}

void read_observed(const JsonNode& node, CaseResult& c) {
  const auto observed = node.object();
  c.status = observed.field("status").number<int>().value_or(0);
  c.response_headers = text(observed.field("headers"));
  c.response_body = text(observed.field("body"));
  c.world_after = document(observed.field("world_after"));
}

CaseResult read_case(const JsonNode& node) {
  const auto o = node.object();
  CaseResult c;
  c.id = text(o.field("id"));
  c.case_clauses = o.field("clauses").strings();
  c.description = text(o.field("description"));
  c.file = text(o.field("file"));
  c.verdict.kind = kind(o.field("verdict"));
  if (const auto baseline = o.field("baseline"); baseline.present() && !baseline.is_null())
    c.baseline_reason = text(baseline);
  c.verdict.clauses = o.field("verdict_clauses").strings();
  c.verdict.summary = text(o.field("summary"));
  for (const auto& f : o.field("findings").items()) c.verdict.findings.push_back(read_finding(f));
  c.seconds = o.field("seconds").number<double>().value_or(0);
  read_reproducer(o.field("reproducer"), c);
  read_observed(o.field("observed"), c);
  c.expectation = document(o.field("expectation"));
  c.repeats = repeats(o);
  return c;
}

PropertyFailure read_property_failure(const JsonNode& node) {
  const auto f = node.object();
  return {f.field("clauses").strings(), kind(f.field("kind")), text(f.field("summary")), text(f.field("detail"))};
}

PropertyResult read_property(const JsonNode& node) {
  const auto o = node.object();
  PropertyResult p;
  p.name = text(o.field("name"));
  p.clause = text(o.field("clause"));
  p.runs = o.field("runs").number<int>().value_or(0);
  p.seed = o.field("seed").number<std::uint64_t>().value_or(0);
  p.summary = text(o.field("summary"));
  if (const auto verdict = o.optional_field("verdict"); verdict.present()) {
    p.verdict = kind(verdict);
    for (const auto& f : o.field("failures").items()) p.failures.push_back(read_property_failure(f));
  } else {  // documents written before verdicts: "ran", "passed" and one "detail"
    const bool ran = o.field("ran").boolean().value_or(false), passed = o.field("passed").boolean().value_or(false);
    p.verdict = !ran ? VerdictKind::not_applicable : passed ? VerdictKind::pass : VerdictKind::fail;
    if (p.verdict == VerdictKind::fail) p.failures.push_back({{p.clause}, VerdictKind::fail, p.summary, text(o.field("detail"))});
  }
  p.repeats = repeats(o);
  for (const auto& [tag, n] : o.field("distribution").members()) p.distribution.emplace_back(tag, n.number<int>().value_or(0));
  p.http_requests = o.field("http_requests").number<std::uint64_t>().value_or(0);
  p.seconds = o.field("seconds").number<double>().value_or(0);
  return p;
}

RunResult read_results(const JsonNode& root) {
  const auto o = root.object();
  RunResult r;
  if (const auto schema = o.field("schema"); text(schema) != "essconf-results/1" && schema.present())
    schema.fail(fmt::format("\"{}\" is not essconf-results/1", text(schema)));
  r.spec_revision = text(o.field("spec_revision"));
  r.label = text(o.optional_field("label"));  // label and shard came after the first documents
  r.shard = text(o.optional_field("shard"));
  // mode came with essconf probe: a document without it is a run's.
  if (const auto mode = o.optional_field("mode"); mode.present()) {
    if (auto m = parse_run_mode(text(mode))) r.mode = *m;
    else mode.fail("expected run or probe");
  }
  r.target = text(o.field("target"));
  r.fixture = text(o.field("fixture"));
  const auto profile = o.field("profile");
  if (auto p = model::parse_profile(text(profile))) r.profile = *p;
  else if (profile.present()) profile.fail("expected spec or strict");
  r.seed = o.field("seed").number<std::uint64_t>().value_or(0);
  r.started_at = text(o.field("started_at"));
  r.wall_seconds = o.field("wall_seconds").number<double>().value_or(0);
  r.http_requests = o.field("http_requests").number<std::uint64_t>().value_or(0);
  r.features = o.field("features").strings();
  r.run_error = text(o.field("run_error"));
  for (const auto& c : o.field("cases").items()) r.cases.push_back(read_case(c));
  for (const auto& p : o.optional_field("properties").items()) r.properties.push_back(read_property(p));
  return r;
}

}  // namespace

Result<RunResult> parse_results(std::string_view text) { return read_json(text, read_results, {}, 64); }

std::string display_name(const RunResult& r) { return r.label.empty() ? r.target : r.label; }

namespace {

// The targets merged so far, with what each already holds.
struct Merged {
  RunResult result;
  std::string first_file;          // the file it came from first
  std::set<std::string> held;      // "case ID" and property names
  int slices = 1;
};

// Adds slice `r` (from `file`) to `m`: the same run, disjoint cases and properties.
std::optional<Problem> add_slice(Merged& m, RunResult& r, const std::string& file) {
  auto disagree = [&](const char* what, const std::string& a, const std::string& b) {
    return Problem("", fmt::format("{} and {} both hold results of target {} but differ in {} (\"{}\" and \"{}\"): "
                                   "only slices of one run merge",
                                   m.first_file, file, display_name(m.result), what, a, b));
  };
  auto& t = m.result;
  if (t.spec_revision != r.spec_revision) return disagree("spec revision", t.spec_revision, r.spec_revision);
  if (t.mode != r.mode) return disagree("mode", std::string(name(t.mode)), std::string(name(r.mode)));
  if (t.profile != r.profile) return disagree("profile", std::string(name(t.profile)), std::string(name(r.profile)));
  if (t.seed != r.seed) return disagree("seed", std::to_string(t.seed), std::to_string(r.seed));
  // Each case and property may come from one slice only.
  auto held_twice = [&](const std::string& what) {
    return Problem("", fmt::format("{} and {} both hold {} of target {}: results merge only from disjoint slices (--shard i/n)",
                                   m.first_file, file, what, display_name(t)));
  };
  for (auto& c : r.cases) {
    if (!m.held.insert("case " + c.id).second) return held_twice("case " + c.id);
    t.cases.push_back(std::move(c));
  }
  for (auto& p : r.properties) {
    if (!m.held.insert(p.name).second) return held_twice(p.name);
    t.properties.push_back(std::move(p));
  }
  t.shard += (t.shard.empty() || r.shard.empty() ? "" : ",") + r.shard;
  t.http_requests += r.http_requests;
  t.wall_seconds += r.wall_seconds;
  t.started_at = std::min(t.started_at, r.started_at);
  if (!r.run_error.empty()) t.run_error += (t.run_error.empty() ? "" : "; ") + r.run_error;
  for (const auto& f : r.features)
    if (std::find(t.features.begin(), t.features.end(), f) == t.features.end()) t.features.push_back(f);
  ++m.slices;
  return std::nullopt;
}

}  // namespace

Result<std::vector<RunResult>> merge_results(std::vector<RunResult> results, const std::vector<std::string>& names) {
  std::vector<Merged> merged;
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    const std::string& file = i < names.size() ? names[i] : r.target;
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Merged& m) { return display_name(m.result) == display_name(r); });
    if (same == merged.end()) {
      Merged m{std::move(r), file, {}, 1};
      for (const auto& c : m.result.cases) m.held.insert("case " + c.id);
      for (const auto& p : m.result.properties) m.held.insert(p.name);
      merged.push_back(std::move(m));
    } else if (auto problem = add_slice(*same, r, file)) {
      return *problem;
    }
  }
  std::vector<RunResult> out;
  for (auto& m : merged) {
    if (m.slices > 1)
      std::stable_sort(m.result.cases.begin(), m.result.cases.end(),
                       [](const CaseResult& a, const CaseResult& b) { return a.id < b.id; });
    out.push_back(std::move(m.result));
  }
  return out;
}

}  // namespace essconf::runner
