#include "suite/report/junit_report.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "suite/report/failure_text.hpp"
#include "suite/runner/text.hpp"

namespace essconf::report {
namespace {

using runner::CaseResult;
using runner::PropertyResult;
using runner::RunResult;
using runner::VerdictKind;
using runner::xml_text;

std::string first_clause(const CaseResult& c) {
  if (!c.verdict.clauses.empty() && c.verdict.kind != VerdictKind::pass) return c.verdict.clauses.front();
  return c.case_clauses.empty() ? "" : c.case_clauses.front();
}

std::string findings_text(const CaseResult& c) {
  std::string out;
  for (const auto& f : c.verdict.findings)
    out += fmt::format("[{}] {}\n  expected: {}\n  observed: {}\n", name(f.kind), f.clause, f.expected, f.observed);
  return out;
}

std::string reproducer_text(const CaseResult& c) {
  std::string out = "World before (PUT /_conformance/v1/world):\n" + c.world_before + "\n";
  if (!c.requests.empty()) out += "Request:\n" + c.requests.back() + "\n";
  if (!c.curl.empty()) out += "curl:\n" + c.curl + "\n";
  if (c.status != 0) out += fmt::format("Response: {}\n{}\n{}\n", c.status, c.response_headers, c.response_body.substr(0, 2000));
  return out;
}

// The testsuite's figures: the cases, and each property once per distinct
// failure (once when it did not fail).
struct Counts {
  std::size_t tests = 0;
  int failures = 0, errors = 0, skipped = 0;
};

Counts counts_of(const RunResult& r) {
  const auto verdicts = r.counts();
  Counts n{r.cases.size(), 0, verdicts.at(VerdictKind::error), verdicts.at(VerdictKind::not_applicable)};
  for (const auto& c : r.cases)
    n.failures += runner::blocks(c, r.profile) && c.verdict.kind != VerdictKind::error;
  for (const auto& p : r.properties) {
    n.tests += std::max<std::size_t>(1, p.failures.size());
    for (const auto& f : p.failures) (f.kind == VerdictKind::error ? n.errors : n.failures) += 1;
    n.failures += p.failures.empty() && p.flaky();
    n.errors += p.failures.empty() && p.verdict == VerdictKind::error;
    n.skipped += p.verdict == VerdictKind::not_applicable;
  }
  return n;
}

void add_property(pugi::xml_node properties, const std::string& name, const std::string& value) {
  auto p = properties.append_child("property");
  p.append_attribute("name") = name.c_str();
  p.append_attribute("value") = value.c_str();
}

// <testsuites> and its one <testsuite> with the run's properties; returns the testsuite.
pugi::xml_node add_suite(pugi::xml_document& doc, const RunResult& r) {
  const Counts n = counts_of(r);
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "essconf";
  suites.append_attribute("tests") = static_cast<unsigned>(n.tests);
  suites.append_attribute("failures") = n.failures;
  suites.append_attribute("errors") = n.errors;
  suites.append_attribute("time") = r.wall_seconds;
  auto suite = suites.append_child("testsuite");
  suite.append_attribute("name") = fmt::format("RemoveInstances conformance of {}", r.target).c_str();
  suite.append_attribute("tests") = static_cast<unsigned>(n.tests);
  suite.append_attribute("failures") = n.failures;
  suite.append_attribute("errors") = n.errors;
  suite.append_attribute("skipped") = n.skipped;
  suite.append_attribute("time") = r.wall_seconds;
  suite.append_attribute("timestamp") = r.started_at.c_str();
  auto props = suite.append_child("properties");
  add_property(props, "spec_revision", r.spec_revision);
  add_property(props, "profile", std::string(model::name(r.profile)));
  add_property(props, "seed", std::to_string(r.seed));
  return suite;
}

// A failure (or error) element with a message, a type when given, and the detail as its text.
void add_failure(pugi::xml_node tc, const char* element, const std::string& message, const std::string& type,
                 const std::string& detail) {
  auto f = tc.append_child(element);
  f.append_attribute("message") = xml_text(message).c_str();
  if (!type.empty()) f.append_attribute("type") = type.c_str();
  f.append_child(pugi::node_pcdata).set_value(detail.c_str());
}

// How a case ended, inside its testcase: excused, flaky, failed, erred, skipped or passed.
void add_case_outcome(pugi::xml_node tc, const CaseResult& c, model::Profile profile) {
  const std::string detail = xml_text(findings_text(c) + "\n" + reproducer_text(c));
  if (!c.baseline_reason.empty()) {
    tc.append_child("skipped").append_attribute("message") =
        xml_text(fmt::format("known {} (baseline: {}): {}", name(c.verdict.kind), c.baseline_reason, c.verdict.summary)).c_str();
    return;
  }
  if (c.flaky() && !runner::blocks(c.verdict.kind, profile)) {
    add_failure(tc, "failure", runner::flaky_text(c.repeats), "flaky", detail);
    return;
  }
  switch (c.verdict.kind) {
    case VerdictKind::fail:
    case VerdictKind::deviation:
      if (runner::blocks(c.verdict.kind, profile))
        add_failure(tc, "failure", c.verdict.summary, std::string(name(c.verdict.kind)), detail);
      else
        tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(("deviation\n" + detail).c_str());
      break;
    case VerdictKind::error:
      add_failure(tc, "error", c.verdict.summary, "", detail);
      break;
    case VerdictKind::not_applicable:
      tc.append_child("skipped").append_attribute("message") = xml_text(c.verdict.summary).c_str();
      break;
    case VerdictKind::pass:
      break;
  }
}

void add_case(pugi::xml_node suite, const CaseResult& c, model::Profile profile) {
  auto tc = suite.append_child("testcase");
  tc.append_attribute("name") = xml_text(c.id).c_str();
  tc.append_attribute("classname") = xml_text(first_clause(c)).c_str();
  tc.append_attribute("time") = c.seconds;
  tc.append_attribute("file") = xml_text(c.file).c_str();
  auto cp = tc.append_child("properties");
  for (const auto& cl : c.case_clauses) add_property(cp, "clause", cl);
  add_property(cp, "verdict", std::string(name(c.verdict.kind)));
  add_case_outcome(tc, c, profile);
}

// A property's testcases: one per distinct failure, each under its clause, or one.
void add_property_testcases(pugi::xml_node suite, const PropertyResult& p) {
  auto testcase = [&](const std::string& clause) {
    auto tc = suite.append_child("testcase");
    tc.append_attribute("name") = (p.name + (p.failures.size() > 1 ? " [" + clause + "]" : "")).c_str();
    tc.append_attribute("classname") = clause.c_str();
    tc.append_attribute("time") = p.seconds;
    add_property(tc.append_child("properties"), "seed", std::to_string(p.seed));
    return tc;
  };
  for (const auto& f : p.failures)
    add_failure(testcase(p.clause_of(f)), f.kind == VerdictKind::error ? "error" : "failure", f.summary, "property",
                xml_text(failure_text(f)));
  if (!p.failures.empty()) return;
  auto tc = testcase(p.clause);
  if (p.verdict == VerdictKind::not_applicable) {
    tc.append_child("skipped").append_attribute("message") = xml_text(p.summary).c_str();
  } else if (p.verdict == VerdictKind::error) {
    tc.append_child("error").append_attribute("message") = xml_text(p.summary).c_str();
  } else if (p.flaky()) {
    auto f = tc.append_child("failure");
    f.append_attribute("message") = xml_text(runner::flaky_text(p.repeats)).c_str();
    f.append_attribute("type") = "flaky";
  }
}

}  // namespace

std::string junit_xml(const RunResult& r) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suite = add_suite(doc, r);
  for (const auto& c : r.cases) add_case(suite, c, r.profile);
  for (const auto& p : r.properties) add_property_testcases(suite, p);
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

}  // namespace essconf::report
