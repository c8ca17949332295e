// The renderers of a run (results.json, JUnit, the terminal) only render: for
// a fixed result stream their output is fixed (golden files in
// fixtures/golden/; ESSCONF_UPDATE_GOLDEN=1 rewrites them).

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "suite/report/junit_report.hpp"
#include "suite/report/results_json.hpp"
#include "suite/report/terminal_report.hpp"
#include "suite/runner/files.hpp"

namespace essconf::report {
namespace {

using runner::CaseResult;
using runner::PropertyResult;
using runner::RunResult;
using runner::VerdictKind;

RunResult sample() {
  RunResult r;
  r.spec_revision = "essconf-clauses-1 (golden)";
  r.target = "http://127.0.0.1:8080";
  r.fixture = r.target;
  r.profile = model::Profile::spec;
  r.seed = 7;
  r.started_at = "2026-11-26T00:00:00Z";
  r.wall_seconds = 0.5;
  r.http_requests = 12;
  r.features = {"world", "auth"};
  CaseResult pass;
  pass.id = "capacity.min-size.met-exactly";
  pass.case_clauses = {"capacity.min-size"};
  pass.description = "MinSize met exactly.";
  pass.file = "fixtures/cases/behaviour/capacity.min-size.met-exactly.json";
  pass.verdict.kind = VerdictKind::pass;
  pass.verdict.clauses = {"capacity.min-size"};
  pass.verdict.summary = "200 as allowed";
  pass.world_before = R"({"RegionId":"cn-hangzhou"})";
  pass.requests = {"GET /?Action=RemoveInstances HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"};
  pass.curl = "curl -sS -i 'http://127.0.0.1:8080/?Action=RemoveInstances'";
  pass.status = 200;
  pass.seconds = 0.001;
  CaseResult fail = pass;
  fail.id = "capacity.min-size.missed-by-one";
  fail.verdict.kind = VerdictKind::fail;
  fail.verdict.findings = {{VerdictKind::fail, "capacity.min-size", "400 IncorrectCapacity.MinSize", "200 success"}};
  fail.verdict.summary = "capacity.min-size: expected 400 IncorrectCapacity.MinSize, observed 200 success";
  fail.response_body = "{\"RequestId\":\"x\",\"Note\":\"\xFF\x01<&>\"}";  // a hostile target's bytes
  CaseResult na = pass;
  na.id = "rpc.signature.valid";
  na.case_clauses = {"rpc.signature"};
  na.verdict = {VerdictKind::not_applicable, {}, {}, "the target does not list the fixture feature \"auth\""};
  CaseResult err = pass;
  err.id = "error.body.timeout";
  err.verdict = {VerdictKind::error, {}, {}, "the target timed out"};
  CaseResult flaky = pass;
  flaky.id = "capacity.min-size.flaky";
  flaky.verdict.kind = VerdictKind::fail;
  flaky.repeats = {VerdictKind::pass, VerdictKind::fail, VerdictKind::pass};
  r.cases = {pass, fail, na, err, flaky};
  PropertyResult prop;
  prop.name = "property.differential";
  prop.clause = "capacity.min-size";
  prop.verdict = VerdictKind::fail;
  prop.runs = 41;
  prop.seed = 7;
  prop.summary = "2 distinct failures in 43 generated cases; the first: after 41 passing cases, a generated case fails";
  prop.failures = {{{"capacity.min-size"}, VerdictKind::fail, "after 41 passing cases, a generated case fails (shrunk)",
                    "Minimal case: {...}"},
                   {{"response.request-id", "response.format.json"}, VerdictKind::fail, "after 41 passing cases, another fails (shrunk)",
                    "Minimal case: {... no RequestId}"}};
  prop.distribution = {{"property.valid", 20}, {"property.near-valid", 21}};
  prop.http_requests = 200;
  prop.seconds = 0.25;
  r.properties = {prop};
  return r;
}

void compare_with_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(ESSCONF_GOLDEN_DIR) + "/" + name;
  if (std::getenv("ESSCONF_UPDATE_GOLDEN") != nullptr) {
    ASSERT_TRUE(runner::write_file_atomically(path, actual));
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing; run with ESSCONF_UPDATE_GOLDEN=1";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), actual) << "rendering changed; if on purpose, run with ESSCONF_UPDATE_GOLDEN=1";
}

TEST(Writers, ResultsJsonIsGoldenAndValid) {
  const std::string json = results_json(sample());
  boost::system::error_code ec;
  const auto doc = boost::json::parse(json, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(doc.at("schema").as_string(), "essconf-results/1");
  EXPECT_EQ(doc.at("summary").at("fail").as_int64(), 2);
  EXPECT_EQ(doc.at("properties").at(0).at("verdict").as_string(), "fail");
  EXPECT_EQ(doc.at("properties").at(0).at("failures").as_array().size(), 2u);
  EXPECT_EQ(doc.at("cases").at(4).at("repeats").as_array().size(), 3u);
  compare_with_golden("results.json", json);
}

TEST(Writers, JunitIsGoldenAndWellFormed) {
  const std::string xml = junit_xml(sample());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  // pugixml is lenient; XML 1.0 forbids control characters even as references.
  EXPECT_EQ(xml.find("&#0"), std::string::npos);
  EXPECT_EQ(xml.find("&#1"), std::string::npos);
  const auto suite = doc.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("failures").value(), "4") << "the failed case, the flaky one and each property failure";
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  EXPECT_STREQ(suite.attribute("skipped").value(), "1");
  const auto failed = suite.find_child_by_attribute("testcase", "name", "capacity.min-size.missed-by-one");
  EXPECT_STREQ(failed.attribute("classname").value(), "capacity.min-size");
  EXPECT_TRUE(failed.child("failure"));
  // One testcase per distinct failure of a property, each under its clause.
  for (const char* clause : {"capacity.min-size", "response.request-id"}) {
    const auto property = suite.find_child_by_attribute("testcase", "name", fmt::format("property.differential [{}]", clause).c_str());
    EXPECT_STREQ(property.attribute("classname").value(), clause);
    EXPECT_STREQ(property.child("failure").attribute("type").value(), "property");
  }
  compare_with_golden("junit.xml", xml);
}

TEST(Writers, TerminalSummaryLine) {
  EXPECT_EQ(summary_line(sample()),
            "5 cases: 1 passed, 2 failed, 0 deviations, 1 not applicable, 1 errors; 1 properties: 0 passed, 1 failed; "
            "3 repetitions: 1 flaky cases, 0 flaky properties; 12 HTTP requests in 0.50 s");
  const std::string plain = terminal_report(sample(), false);
  EXPECT_EQ(plain.find("\x1b["), std::string::npos) << "no colour unless asked";
  EXPECT_NE(plain.find("reproduce: curl"), std::string::npos);
  EXPECT_NE(plain.find("failure 2 of 2: [fail] response.request-id"), std::string::npos) << plain;
  EXPECT_NE(plain.find("flaky over 3 repetitions: pass 2, fail 1"), std::string::npos) << plain;
  EXPECT_NE(terminal_report(sample(), true).find("\x1b[31m"), std::string::npos);
}

}  // namespace
}  // namespace essconf::report
