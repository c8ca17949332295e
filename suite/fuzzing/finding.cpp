#include "suite/fuzzing/finding.hpp"

#include "suite/runner/files.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::fuzzing {
namespace json = boost::json;

std::string signature_of(const runner::CaseResult& r) {
  std::string clause = r.verdict.clauses.empty() ? "-" : r.verdict.clauses.front();
  std::string shape;
  if (!r.verdict.findings.empty()) {
    // The expectation with ids, quotes and numbers blurred: one finding per way of breaking a clause.
    static const std::regex ids("\"[^\"]*\"|[0-9]+");
    shape = std::regex_replace(r.verdict.findings.front().expected, ids, "#") + " / " +
            std::regex_replace(r.verdict.findings.front().observed.substr(0, 40), ids, "#");
  } else {
    shape = r.verdict.summary.substr(0, 60);
  }
  return fmt::format("{}|{}|{}", clause, runner::name(r.verdict.kind), shape);
}

std::string finding_to_json(const Finding& f) {
  boost::system::error_code ec;
  json::array findings;
  for (const auto& x : f.result.verdict.findings)
    findings.push_back(json::object{{"kind", runner::name(x.kind)}, {"clause", x.clause}, {"expected", x.expected},
                                    {"observed", x.observed}});
  json::array clauses;
  for (const auto& c : f.result.verdict.clauses) clauses.emplace_back(c);
  json::object o{{"schema", "essconf-finding/1"},
                 {"signature", f.signature},
                 {"target", f.target},
                 {"seed", f.seed},
                 {"verdict", runner::name(f.result.verdict.kind)},
                 {"clauses", std::move(clauses)},
                 {"summary", f.result.verdict.summary},
                 {"findings", std::move(findings)},
                 {"case", json::parse(runner::case_to_json(f.case_), ec)},
                 {"request", f.result.requests.empty() ? std::string() : f.result.requests.back()},
                 {"curl", f.result.curl},
                 {"response", json::object{{"status", f.result.status},
                                           {"headers", f.result.response_headers},
                                           {"body", f.result.response_body}}}};
  return json::serialize(o);
}

FindingLoad load_finding(const std::string& file) {
  FindingLoad out;
  const auto text = runner::read_file(file);
  if (!text) return {std::nullopt, file + ": cannot read the file"};
  boost::system::error_code ec;
  const json::value doc = json::parse(*text, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  const json::value* schema = o ? o->if_contains("schema") : nullptr;
  if (o == nullptr || schema == nullptr || !schema->is_string() || schema->get_string() != "essconf-finding/1")
    return {std::nullopt, file + ": not an essconf finding (schema essconf-finding/1)"};
  const json::value* c = o->if_contains("case");
  if (c == nullptr) return {std::nullopt, file + ": $.case: required field is missing"};
  auto parsed = runner::parse_case(json::serialize(*c), file + " $.case");
  if (!parsed.value) return {std::nullopt, parsed.error};
  Finding f;
  f.case_ = std::move(*parsed.value);
  if (const auto* s = o->if_contains("signature"); s && s->is_string()) f.signature = std::string(s->get_string());
  if (const auto* t = o->if_contains("target"); t && t->is_string()) f.target = std::string(t->get_string());
  if (const auto* s = o->if_contains("seed"); s && s->is_int64()) f.seed = static_cast<std::uint64_t>(s->get_int64());
  out.value = std::move(f);
  return out;
}

}  // namespace essconf::fuzzing
