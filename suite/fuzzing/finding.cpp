#include "suite/fuzzing/finding.hpp"

#include "suite/runner/files.hpp"

#include <regex>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

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

namespace {

Finding read_finding(const JsonNode& root, const std::string& file) {
  const auto o = root.object();
  Finding f;
  const auto schema = o.optional_field("schema");
  if (o.present() && schema.string().value_or("") != "essconf-finding/1")
    schema.fail("not an essconf finding (schema essconf-finding/1)");
  f.case_ = runner::read_case(o.field("case"), file);
  f.signature = o.optional_field("signature").string().value_or("");
  f.target = o.optional_field("target").string().value_or("");
  f.seed = o.optional_field("seed").number<std::uint64_t>().value_or(0);
  return f;
}

}  // namespace

Result<Finding> load_finding(const std::string& file) {
  const auto text = runner::read_file(file);
  if (!text) return Problem("", "cannot read the file", file);
  return read_json(*text, [&](const JsonNode& root) { return read_finding(root, file); }, file, 64);
}

}  // namespace essconf::fuzzing
