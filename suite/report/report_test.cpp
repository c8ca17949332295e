// The matrix grades each clause by the evidence of each target's cases and
// properties; the HTML is well-formed and self-contained; the Markdown fits a
// pull-request comment.
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "reference/model/catalog.hpp"
#include "suite/report/matrix.hpp"
#include "suite/report/reports.hpp"

namespace essconf::report {
namespace {

using runner::CaseResult;
using runner::RunResult;
using runner::VerdictKind;

CaseResult make_case(std::string id, std::vector<std::string> clauses, VerdictKind kind,
                     std::vector<runner::Finding> findings = {}) {
  CaseResult c;
  c.id = std::move(id);
  c.case_clauses = std::move(clauses);
  c.verdict.kind = kind;
  c.verdict.findings = std::move(findings);
  for (const auto& f : c.verdict.findings) c.verdict.clauses.push_back(f.clause);
  c.verdict.summary = "summary of " + c.id;
  c.world_before = R"({"RegionId":"cn-hangzhou","ScalingGroups":[]})";
  c.requests = {"GET /?Action=RemoveInstances HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n"};
  c.curl = "curl -sS -i 'http://127.0.0.1:1/?Action=RemoveInstances&Note=<b>&amp;'";
  c.status = 400;
  return c;
}

RunResult target(std::string label, std::vector<CaseResult> cases) {
  RunResult r;
  r.spec_revision = model::catalog().revision;
  r.label = std::move(label);
  r.target = "http://127.0.0.1:1";
  r.profile = model::Profile::spec;
  r.seed = 1;
  r.cases = std::move(cases);
  return r;
}

const Row& row(const Matrix& m, const std::string& clause) {
  for (const auto& g : m.groups)
    for (const auto& r : g.rows)
      if (r.clause == clause) return r;
  throw std::runtime_error("no row " + clause);
}

// Two targets: "good" passes everything it runs; "bad" fails min-size on a
// case written for the activity clause, and has a deviation, an error and a n/a.
std::vector<RunResult> two_targets() {
  return {target("good", {make_case("min.ok", {"capacity.min-size"}, VerdictKind::pass),
                          make_case("act.ok", {"group.activity.none-in-progress"}, VerdictKind::pass)}),
          target("bad", {make_case("min.ok", {"capacity.min-size"}, VerdictKind::pass),
                         make_case("act.ok", {"group.activity.none-in-progress"}, VerdictKind::fail,
                                   {{VerdictKind::fail, "capacity.min-size", "400 IncorrectCapacity.MinSize", "200"}}),
                         make_case("fmt.dev", {"response.format.json"}, VerdictKind::deviation,
                                   {{VerdictKind::deviation, "response.format.json", "application/json", "text/json"}}),
                         make_case("sig.na", {"rpc.signature"}, VerdictKind::not_applicable),
                         make_case("db.err", {"error.db-instance-status"}, VerdictKind::error)})};
}

TEST(Matrix, EachCellShowsTheWorstEvidenceUnderTheRightClause) {
  const auto targets = two_targets();
  const Matrix m = build_matrix(targets, model::catalog());
  const auto& min = row(m, "capacity.min-size");
  EXPECT_EQ(min.level, "stated");
  EXPECT_EQ(min.cells[0].cell, Cell::pass);
  EXPECT_EQ(min.cells[1].cell, Cell::fail);  // one pass, one fail: the fail shows
  EXPECT_EQ(min.cells[1].counts[Cell::pass], 1);
  EXPECT_EQ(min.cells[1].counts[Cell::fail], 1);
  // The failing case was written for the activity clause but judged none of it.
  EXPECT_EQ(row(m, "group.activity.none-in-progress").cells[1].cell, Cell::untested);
  EXPECT_EQ(row(m, "group.activity.none-in-progress").cells[0].cell, Cell::pass);
  EXPECT_EQ(row(m, "response.format.json").cells[1].cell, Cell::deviation);
  EXPECT_EQ(row(m, "rpc.signature").cells[1].cell, Cell::not_applicable);
  EXPECT_EQ(row(m, "error.db-instance-status").cells[1].cell, Cell::error);
  EXPECT_EQ(row(m, "error.db-instance-status").cells[0].cell, Cell::untested);
  // Rows follow the catalog: every clause once, grouped by family.
  std::size_t rows = 0;
  for (const auto& g : m.groups) rows += g.rows.size();
  EXPECT_EQ(rows, model::catalog().clauses.size());
}

TEST(Matrix, FiguresAndConformance) {
  auto targets = two_targets();
  const Matrix m = build_matrix(targets, model::catalog());
  EXPECT_TRUE(m.figures[0].conformant);
  EXPECT_EQ(m.figures[0].stated, 2);
  EXPECT_EQ(m.figures[0].stated_passed, 2);
  EXPECT_FALSE(m.figures[1].conformant);
  EXPECT_EQ(m.figures[1].failed_clauses, 2);  // the fail and the error
  EXPECT_EQ(m.figures[1].deviations, 1);
  EXPECT_EQ(m.problems[1].size(), 3u);       // fail, deviation, error: not the n/a
  // A deviation alone is conformant under spec, not under strict.
  auto dev = target("dev", {make_case("fmt.dev", {"response.format.json"}, VerdictKind::deviation,
                                      {{VerdictKind::deviation, "response.format.json", "a", "b"}})});
  EXPECT_TRUE(build_matrix({dev}, model::catalog()).figures[0].conformant);
  dev.profile = model::Profile::strict;
  EXPECT_FALSE(build_matrix({dev}, model::catalog()).figures[0].conformant);
  // A run that did not happen is not conformant.
  auto down = target("down", {});
  down.run_error = "connection refused";
  EXPECT_FALSE(build_matrix({down}, model::catalog()).figures[0].conformant);
}

TEST(Matrix, PropertiesCountUnderTheirClauseAndUnknownClausesGetARow) {
  auto t = target("t", {make_case("x", {"no.such-clause"}, VerdictKind::pass)});
  runner::PropertyResult p;
  p.name = "property.differential";
  p.clause = "response.request-id";
  p.verdict = VerdictKind::fail;
  p.failures = {{{"response.request-id"}, VerdictKind::fail, "no RequestId", "..."},
                {{"capacity.min-size", "effect.removed-exactly"}, VerdictKind::fail, "below MinSize", "..."}};
  t.properties.push_back(p);
  const std::vector<RunResult> targets{t};
  const Matrix m = build_matrix(targets, model::catalog());
  EXPECT_EQ(row(m, "response.request-id").cells[0].cell, Cell::fail);
  EXPECT_EQ(row(m, "capacity.min-size").cells[0].cell, Cell::fail) << "every failure of a property counts under its clauses";
  EXPECT_EQ(row(m, "effect.removed-exactly").cells[0].cell, Cell::fail);
  ASSERT_EQ(m.problems[0].size(), 2u);
  EXPECT_NE(m.problems[0][0].id(), m.problems[0][1].id());
  EXPECT_EQ(m.groups.back().title, "Not in this catalog revision");
  EXPECT_EQ(row(m, "no.such-clause").cells[0].cell, Cell::pass);
  EXPECT_EQ(m.figures[0].properties_failed, 1);
  EXPECT_FALSE(m.figures[0].conformant);
}

TEST(HtmlReport, IsWellFormedSelfContainedAndLinksResolve) {
  const auto targets = two_targets();
  const std::string html = html_report(build_matrix(targets, model::catalog()));
  ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  pugi::xml_document doc;
  const auto parsed = doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << parsed.description() << " at " << parsed.offset;
  // Nothing fetched: no src, no external href, no url().
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // No element HTML would leave open (<div/>): only the void <meta> closes itself.
  EXPECT_FALSE(std::regex_search(html, std::regex("<(?!meta )[a-z]+[^<>]*/>"))) << "a self-closed element";
  // Every in-page link has its target.
  std::set<std::string> ids;
  for (auto n : doc.select_nodes("//*[@id]")) ids.insert(n.node().attribute("id").value());
  int links = 0;
  for (auto n : doc.select_nodes("//a[@href]")) {
    const std::string href = n.node().attribute("href").value();
    ASSERT_EQ(href.rfind('#', 0), 0u) << href;
    EXPECT_TRUE(ids.count(href.substr(1))) << href;
    ++links;
  }
  EXPECT_EQ(links, 3);  // bad: the min-size fail, the deviation, the error
  // The columns are the targets; the curl line is escaped text, not markup.
  EXPECT_TRUE(doc.select_node("//table/thead/tr/th[text()='good']"));
  EXPECT_TRUE(doc.select_node("//table/thead/tr/th[text()='bad']"));
  EXPECT_NE(html.find("Note=&lt;b&gt;&amp;amp;"), std::string::npos);
  EXPECT_TRUE(doc.select_node("//svg/rect"));
}

TEST(HtmlReport, SameResultsSameBytes) {
  const auto targets = two_targets();
  EXPECT_EQ(html_report(build_matrix(targets, model::catalog())), html_report(build_matrix(targets, model::catalog())));
}

TEST(MarkdownReport, FitsAPullRequestCommentAndSaysWhatItLeftOut) {
  std::vector<CaseResult> many;
  for (int i = 0; i < 400; ++i)
    many.push_back(make_case("case." + std::to_string(i), {"capacity.min-size"}, VerdictKind::fail,
                             {{VerdictKind::fail, "capacity.min-size", std::string(500, 'e'), "a | b ``` c"}}));
  const std::vector<RunResult> targets{target("vendor", std::move(many))};
  const std::string md = markdown_report(build_matrix(targets, model::catalog()), 20000);
  EXPECT_LE(md.size(), 20000u);
  EXPECT_NE(md.find("| vendor | ❌ not conformant |"), std::string::npos) << md.substr(0, 800);
  EXPECT_NE(md.find("| `capacity.min-size` | stated | \u2718 fail |"), std::string::npos);
  EXPECT_NE(md.find("more not shown here"), std::string::npos);
  EXPECT_NE(md.find("a \\| b"), std::string::npos);  // a pipe cannot break the table
}

TEST(VerdictLines, OneSortedLinePerCaseAndProperty) {
  const auto targets = two_targets();
  const std::string lines = verdict_lines(build_matrix(targets, model::catalog()));
  EXPECT_EQ(lines.substr(0, lines.find('\n')), "bad\tcase\tact.ok\tfail\tcapacity.min-size");
  EXPECT_NE(lines.find("good\tcase\tmin.ok\tpass\tcapacity.min-size\n"), std::string::npos);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 7);
}

}  // namespace
}  // namespace essconf::report

namespace essconf::report {
namespace {

TEST(HtmlReport, TheCommittedSampleIsWellFormed) {
  pugi::xml_document doc;
  const auto parsed = doc.load_file(ESSCONF_SAMPLE_REPORT_DIR "/report.html", pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << ESSCONF_SAMPLE_REPORT_DIR "/report.html: " << parsed.description() << " at " << parsed.offset;
  EXPECT_EQ(doc.select_nodes("//section[@id='matrix']//thead/tr/th").size(), 2u + 3u);  // clause, level, three targets
}

}  // namespace
}  // namespace essconf::report
