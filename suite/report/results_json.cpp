#include "suite/report/results_json.hpp"

#include <boost/json.hpp>

#include "suite/runner/text.hpp"

namespace essconf::report {
namespace {
namespace json = boost::json;
using runner::valid_utf8;

json::value parsed_or_string(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::value(text);
  return v;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::array verdict_names(const std::vector<runner::VerdictKind>& v) {
  json::array a;
  for (const auto k : v) a.emplace_back(name(k));
  return a;
}

json::object case_json(const runner::CaseResult& c) {
  json::array findings;
  for (const auto& f : c.verdict.findings)
    findings.push_back(json::object{{"kind", name(f.kind)}, {"clause", f.clause}, {"expected", valid_utf8(f.expected)},
                                    {"observed", valid_utf8(f.observed)}});
  json::array requests;
  for (const auto& q : c.requests) requests.emplace_back(valid_utf8(q));
  return json::object{
      {"id", c.id},
      {"clauses", strings(c.case_clauses)},
      {"description", c.description},
      {"file", c.file},
      {"verdict", name(c.verdict.kind)},
      {"baseline", c.baseline_reason.empty() ? json::value(nullptr) : json::value(c.baseline_reason)},
      {"verdict_clauses", strings(c.verdict.clauses)},
      {"summary", valid_utf8(c.verdict.summary)},
      {"findings", std::move(findings)},
      {"seconds", c.seconds},
      {"repeats", verdict_names(c.repeats)},
      {"reproducer", json::object{{"world_before", parsed_or_string(c.world_before)},
                                  {"requests", std::move(requests)},
                                  {"curl", valid_utf8(c.curl)}}},
      {"observed", json::object{{"status", c.status},
                                {"headers", valid_utf8(c.response_headers)},
                                {"body", valid_utf8(c.response_body)},
                                {"world_after", parsed_or_string(c.world_after)}}},
      {"expectation", parsed_or_string(c.expectation)},
  };
}

json::object property_json(const runner::PropertyResult& p) {
  json::object dist;
  for (const auto& [tag, n] : p.distribution) dist[tag] = n;
  json::array failures;
  for (const auto& f : p.failures)
    failures.push_back(json::object{{"clauses", strings(f.clauses)}, {"kind", name(f.kind)}, {"summary", valid_utf8(f.summary)},
                                    {"detail", valid_utf8(f.detail)}});
  return json::object{{"name", p.name}, {"clause", p.clause}, {"verdict", name(p.verdict)},
                      {"runs", p.runs}, {"seed", p.seed}, {"summary", valid_utf8(p.summary)},
                      {"failures", std::move(failures)}, {"repeats", verdict_names(p.repeats)},
                      {"distribution", std::move(dist)},
                      {"http_requests", p.http_requests}, {"seconds", p.seconds}};
}

}  // namespace

std::string results_json(const runner::RunResult& r) {
  json::object summary;
  for (const auto& [k, n] : r.counts()) summary[std::string(name(k))] = n;
  json::array cases;
  for (const auto& c : r.cases) cases.push_back(case_json(c));
  json::array properties;
  for (const auto& p : r.properties) properties.push_back(property_json(p));
  json::object top{{"schema", "essconf-results/1"},
                   {"essconf", "0.1.0"},
                   {"spec_revision", r.spec_revision},
                   {"label", r.label},
                   {"mode", std::string(runner::name(r.mode))},
                   {"shard", r.shard},
                   {"target", r.target},
                   {"fixture", r.fixture},
                   {"profile", std::string(model::name(r.profile))},
                   {"seed", r.seed},
                   {"started_at", r.started_at},
                   {"wall_seconds", r.wall_seconds},
                   {"http_requests", r.http_requests},
                   {"features", strings(r.features)},
                   {"run_error", r.run_error},
                   {"summary", std::move(summary)},
                   {"cases", std::move(cases)},
                   {"properties", std::move(properties)}};
  // Every string went in as a target or a case gave it; the document goes out as valid UTF-8.
  return valid_utf8(json::serialize(top)) + "\n";
}

}  // namespace essconf::report
