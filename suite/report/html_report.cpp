// The HTML report, built as a pugixml document so that it is well-formed and
// every text is escaped; non-void elements always get a text child so that
// none is written as <x/>, which HTML would not close.
#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "suite/report/blocks.hpp"
#include "suite/report/reports.hpp"
#include "suite/runner/text.hpp"

namespace essconf::report {
namespace {

using runner::xml_text;

// No '<', '>' or '&': the style element's text is written escaped.
constexpr const char* kStyle = R"css(
:root { --pass: #1a7f37; --fail: #cf222e; --deviation: #9a6700; --error: #8250df; --na: #6e7781; --untested: #afb8c1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin-top: 24px; }
h4 { font-size: 14px; margin: 0 0 6px; }
.meta, .rule, .muted { color: #59636e; }
.rule { font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
tr.group th { background: #eaeef2; font-size: 13px; }
td.cell { white-space: nowrap; font-weight: 600; }
td.cell small { display: block; font-weight: 400; color: #59636e; }
.c-pass { color: var(--pass); } .c-fail { color: var(--fail); background: #ffebe9; }
.c-deviation { color: var(--deviation); background: #fff8c5; } .c-error { color: var(--error); background: #fbefff; }
.c-na { color: var(--na); } .c-untested { color: var(--untested); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-weight: 600; color: white; }
.b-conformant { background: var(--pass); } .b-not-conformant { background: var(--fail); } .b-run-error { background: var(--error); }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px; white-space: pre-wrap; word-break: break-all; max-height: 360px; overflow: auto; margin: 4px 0 10px; }
article { border: 1px solid #d0d7de; border-left: 4px solid var(--fail); padding: 10px 12px; margin: 12px 0; break-inside: avoid-page; }
article.k-deviation { border-left-color: var(--deviation); } article.k-error { border-left-color: var(--error); }
td.expected { color: var(--pass); } td.observed { color: var(--fail); }
.legend span { margin-right: 14px; white-space: nowrap; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  pre { max-height: none; overflow: visible; }
  thead th { position: static; }
  a { color: inherit; text-decoration: none; }
}
)css";

const char* cell_class(Cell c) {
  switch (c) {
    case Cell::fail: return "c-fail";
    case Cell::error: return "c-error";
    case Cell::deviation: return "c-deviation";
    case Cell::pass: return "c-pass";
    case Cell::not_applicable: return "c-na";
    case Cell::untested: return "c-untested";
  }
  return "";
}

const char* cell_colour(Cell c) {
  switch (c) {
    case Cell::fail: return "#cf222e";
    case Cell::error: return "#8250df";
    case Cell::deviation: return "#bf8700";
    case Cell::pass: return "#1a7f37";
    case Cell::not_applicable: return "#6e7781";
    case Cell::untested: return "#d0d7de";
  }
  return "#000";
}

using Attrs = std::initializer_list<std::pair<const char*, std::string>>;

// <tag attrs...>text</tag> under `parent`.
pugi::xml_node el(pugi::xml_node parent, const char* tag, Attrs attrs = {}, std::string_view text = "") {
  auto n = parent.append_child(tag);
  for (const auto& [k, v] : attrs) n.append_attribute(k) = xml_text(v).c_str();
  n.append_child(pugi::node_pcdata).set_value(xml_text(text).c_str());
  return n;
}

std::string anchor(std::size_t target, const std::string& id) {
  std::string out = fmt::format("p{}-", target);
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return out;
}

std::string badge_class(std::string_view verdict) {
  std::string out = "badge b-";
  for (char c : verdict) out += c == ' ' ? '-' : c;
  return out;
}

// Each target's clauses as one stacked bar, worst first.
void chart(pugi::xml_node parent, const Matrix& m) {
  const int label_w = 190, bar_w = 560, row_h = 26, top = 8;
  const int height = top + static_cast<int>(m.targets.size()) * row_h + 30;
  auto svg = el(parent, "svg", {{"xmlns", "http://www.w3.org/2000/svg"}, {"width", std::to_string(label_w + bar_w + 10)},
                                {"height", std::to_string(height)}, {"role", "img"},
                                {"aria-label", "Clauses by cell, per target"}});
  el(svg, "title", {}, "Clauses by cell, per target");
  for (std::size_t t = 0; t < m.targets.size(); ++t) {
    std::array<int, 6> n{};
    int total = 0;
    for (const auto& g : m.groups)
      for (const auto& row : g.rows) ++n[static_cast<std::size_t>(row.cells[t].cell)], ++total;
    const int y = top + static_cast<int>(t) * row_h;
    el(svg, "text", {{"x", "0"}, {"y", std::to_string(y + 16)}, {"font-size", "13"}, {"font-family", "sans-serif"}},
       runner::display_name(*m.targets[t]));
    double x = label_w;
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (n[i] == 0 || total == 0) continue;
      const double w = bar_w * static_cast<double>(n[i]) / total;
      auto rect = el(svg, "rect", {{"x", fmt::format("{:.1f}", x)}, {"y", std::to_string(y + 2)}, {"width", fmt::format("{:.1f}", w)},
                                   {"height", std::to_string(row_h - 6)}, {"fill", cell_colour(kCells[i])}});
      el(rect, "title", {}, fmt::format("{} clauses {}", n[i], name(kCells[i])));
      if (w >= 18)
        el(svg, "text", {{"x", fmt::format("{:.1f}", x + w / 2)}, {"y", std::to_string(y + 16)}, {"font-size", "11"},
                         {"font-family", "sans-serif"}, {"fill", i >= 4 ? "#1f2328" : "#ffffff"}, {"text-anchor", "middle"}},
           std::to_string(n[i]));
      x += w;
    }
  }
  // The legend under the bars.
  double x = label_w;
  const int y = top + static_cast<int>(m.targets.size()) * row_h + 14;
  for (auto c : kCells) {
    el(svg, "rect", {{"x", fmt::format("{:.0f}", x)}, {"y", std::to_string(y - 9)}, {"width", "10"}, {"height", "10"},
                     {"fill", cell_colour(c)}});
    el(svg, "text", {{"x", fmt::format("{:.0f}", x + 14)}, {"y", std::to_string(y)}, {"font-size", "11"}, {"font-family", "sans-serif"}},
       name(c));
    x += 14 + 7.0 * static_cast<double>(name(c).size()) + 14;
  }
}

void summary_section(pugi::xml_node body, const Matrix& m) {
  auto section = el(body, "section", {{"id", "summary"}});
  el(section, "h2", {}, "Targets");
  auto table = el(section, "table");
  auto head = el(el(table, "thead"), "tr");
  for (const char* h : {"Target", "Verdict", "Stated clauses", "Implied clauses", "Deviations", "Cases", "Properties", "Run"})
    el(head, "th", {}, h);
  auto tbody = el(table, "tbody");
  for (std::size_t t = 0; t < m.targets.size(); ++t) {
    const auto& r = *m.targets[t];
    const auto& f = m.figures[t];
    auto tr = el(tbody, "tr");
    auto who = el(tr, "td");
    el(who, "strong", {}, runner::display_name(r));
    if (!r.label.empty()) el(who, "div", {{"class", "muted"}}, r.target);
    const auto verdict = target_verdict(r, f);
    auto v = el(tr, "td");
    el(v, "span", {{"class", badge_class(verdict)}}, verdict);
    if (!r.run_error.empty()) el(v, "div", {{"class", "muted"}}, r.run_error);
    el(tr, "td", {}, fmt::format("{} of {} passed", f.stated_passed, f.stated));
    el(tr, "td", {}, fmt::format("{} of {} passed", f.implied_passed, f.implied));
    el(tr, "td", {}, fmt::format("{} clauses", f.deviations));
    el(tr, "td", {},
       fmt::format("{} pass, {} fail, {} deviation, {} n/a, {} error", f.cases[Cell::pass], f.cases[Cell::fail], f.cases[Cell::deviation],
                   f.cases[Cell::not_applicable], f.cases[Cell::error]));
    el(tr, "td", {}, f.properties == 0 ? std::string("none run")
                                       : fmt::format("{} of {} passed", f.properties - f.properties_failed, f.properties));
    el(tr, "td", {{"class", "muted"}},
       fmt::format("{}profile {}, seed {}{}, started {}, {:.2f} s, {} HTTP requests",
                   r.mode == runner::RunMode::probe ? "judged by essconf probe (no fixture protocol), " : "",
                   model::name(r.profile), r.seed,
                   r.shard.empty() ? "" : ", shards " + r.shard, r.started_at, r.wall_seconds, r.http_requests));
  }
  chart(section, m);
  el(section, "p", {{"class", "muted"}},
     "Stated and implied clauses count when a case or property judged them (a case that fails on one clause does not "
     "judge the others: they may show as not judged); a deviation differs from the reference only where the "
     "documentation is open (docs/ambiguities.md) and counts as passed. Conformant: no fail, no error, no failed "
     "property (under the strict profile, no deviation either).");
}

// The suite's own strength beside the vendors' columns (essconf selftest).
void selftest_section(pugi::xml_node body, const SelftestSummary& s) {
  auto section = el(body, "section", {{"id", "selftest"}});
  el(section, "h2", {}, "The suite's own strength");
  auto figures = el(section, "p");
  el(figures, "span", {{"class", badge_class(s.faults_caught == s.faults ? "conformant" : "not conformant")}},
     fmt::format("faults caught under their own clause: {} of {}", s.faults_caught, s.faults));
  figures.append_child(pugi::node_pcdata).set_value(" ");
  el(figures, "span", {{"class", badge_class(s.readings_passed == s.readings ? "conformant" : "not conformant")}},
     fmt::format("readings passed: {} of {}", s.readings_passed, s.readings));
  if (!s.misses.empty()) {
    auto table = el(section, "table");
    auto head = el(el(table, "thead"), "tr");
    for (const char* h : {"Kind", "Name", "Clause", "Exit status", "Failing clauses"}) el(head, "th", {}, h);
    auto tbody = el(table, "tbody");
    for (const auto& miss : s.misses) {
      auto tr = el(tbody, "tr");
      std::string failing;
      for (const auto& c : miss.failing_clauses) failing += (failing.empty() ? "" : ", ") + c;
      for (const std::string& v : {miss.kind, miss.name, miss.clause, std::to_string(miss.exit_status), failing})
        el(tr, "td", {}, v);
    }
  }
  el(section, "p", {{"class", "muted"}},
     fmt::format("essconf selftest (seed {}, {} property runs) ran this suite against the embedded reference under each "
                 "self-test fault, which breaks one clause on purpose and must be failed under that clause, and under each "
                 "reading, another answer the documentation allows, which must pass (docs/fault-model.md, "
                 "docs/ambiguities.md).",
                 s.seed, s.property_runs));
}

void matrix_section(pugi::xml_node body, const Matrix& m) {
  auto section = el(body, "section", {{"id", "matrix"}});
  el(section, "h2", {}, "Clauses by target");
  auto legend = el(section, "p", {{"class", "legend"}});
  for (auto c : kCells) el(legend, "span", {{"class", cell_class(c)}}, cell_label(c));
  auto table = el(section, "table");
  auto head = el(el(table, "thead"), "tr");
  el(head, "th", {}, "Clause");
  el(head, "th", {}, "Level");
  for (const auto* r : m.targets) el(head, "th", {}, runner::display_name(*r));
  auto tbody = el(table, "tbody");
  for (const auto& g : m.groups) {
    el(el(tbody, "tr", {{"class", "group"}}), "th", {{"colspan", std::to_string(2 + m.targets.size())}}, g.title);
    for (const auto& row : g.rows) {
      auto tr = el(tbody, "tr");
      auto id = el(tr, "td");
      el(id, "code", {}, row.clause);
      if (!row.rule.empty()) el(id, "div", {{"class", "rule"}}, row.rule);
      el(tr, "td", {}, row.level.empty() ? "?" : row.level);
      for (std::size_t t = 0; t < row.cells.size(); ++t) {
        const auto& e = row.cells[t];
        auto td = el(tr, "td", {{"class", std::string("cell ") + cell_class(e.cell)}});
        // A failing cell links to the first problem it comes from.
        std::string link;
        if (e.first_problem >= 0) {
          const Problem& p = m.problems[t][static_cast<std::size_t>(e.first_problem)];
          link = anchor(t, p.id());
        }
        if (link.empty()) el(td, "span", {}, cell_label(e.cell));
        else el(td, "a", {{"href", "#" + link}}, cell_label(e.cell));
        if (const auto counts = evidence_counts(e); !counts.empty()) el(td, "small", {}, counts);
      }
    }
  }
}

void pre_block(pugi::xml_node parent, const char* title, std::string_view text, std::size_t limit = 16384) {
  if (text.empty()) return;
  el(parent, "h4", {}, title);
  el(parent, "pre", {}, excerpt(text, limit));
}

void case_problem(pugi::xml_node parent, std::size_t t, const runner::CaseResult& c) {
  const auto kind = runner::name(c.verdict.kind);
  auto a = el(parent, "article", {{"id", anchor(t, c.id)}, {"class", fmt::format("k-{}", kind)}});
  std::string clauses;
  for (const auto& cl : c.verdict.clauses.empty() ? c.case_clauses : c.verdict.clauses)
    clauses += (clauses.empty() ? "" : ", ") + cl;
  el(a, "h4", {}, fmt::format("[{}] {}  ({})", kind, c.id, clauses));
  el(a, "p", {}, c.verdict.summary);
  if (c.flaky()) el(a, "p", {}, runner::flaky_text(c.repeats));
  if (!c.description.empty()) el(a, "p", {{"class", "muted"}}, c.description + (c.file.empty() ? "" : "  (" + c.file + ")"));
  if (!c.baseline_reason.empty()) el(a, "p", {}, "Known, excused by the baseline: " + c.baseline_reason);
  if (!c.verdict.findings.empty()) {
    auto table = el(a, "table");
    auto head = el(el(table, "thead"), "tr");
    for (const char* h : {"Finding", "Clause", "The documentation allows", "The target did"}) el(head, "th", {}, h);
    auto tbody = el(table, "tbody");
    for (const auto& f : c.verdict.findings) {
      auto tr = el(tbody, "tr");
      el(tr, "td", {{"class", cell_class(cell_of(f.kind))}}, runner::name(f.kind));
      el(el(tr, "td"), "code", {}, f.clause);
      el(tr, "td", {{"class", "expected"}}, f.expected);
      el(tr, "td", {{"class", "observed"}}, f.observed);
    }
  }
  pre_block(a, "Reproduce (curl)", c.curl);
  if (!c.requests.empty()) pre_block(a, "Request (exact bytes)", c.requests.back());
  pre_block(a, "World before (PUT /_conformance/v1/world)", pretty_json(c.world_before));
  if (c.status != 0)
    pre_block(a, "Response", fmt::format("{}\n{}\n{}", c.status, c.response_headers, c.response_body), 8192);
  pre_block(a, "World after (GET /_conformance/v1/world)", pretty_json(c.world_after));
}

void problems_section(pugi::xml_node body, const Matrix& m) {
  auto section = el(body, "section", {{"id", "problems"}});
  el(section, "h2", {}, "Failures, deviations and errors");
  constexpr std::size_t kMaxPerTarget = 100;
  bool any = false;
  for (std::size_t t = 0; t < m.targets.size(); ++t) {
    const auto& problems = m.problems[t];
    if (problems.empty()) continue;
    any = true;
    el(section, "h3", {}, fmt::format("{}: {} problem{}", runner::display_name(*m.targets[t]), problems.size(),
                                      problems.size() == 1 ? "" : "s"));
    for (std::size_t i = 0; i < problems.size() && i < kMaxPerTarget; ++i) {
      const auto& p = problems[i];
      if (p.case_result) {
        case_problem(section, t, *p.case_result);
        continue;
      }
      const auto kind = runner::name(p.kind);
      auto a = el(section, "article", {{"id", anchor(t, p.id())}, {"class", fmt::format("k-{}", kind)}});
      const std::string clause = p.failure ? fmt::format("{}", fmt::join(p.failure->clauses.empty() ? std::vector<std::string>{p.property->clause} : p.failure->clauses, ", ")) : p.property->clause;
      el(a, "h4", {}, fmt::format("[{}] {}  ({}, seed {})", kind, p.property->name, clause, p.property->seed));
      el(a, "p", {}, p.failure ? p.failure->summary : p.property->summary);
      if (p.property->flaky()) el(a, "p", {}, runner::flaky_text(p.property->repeats));
      if (p.failure) pre_block(a, "Minimal counterexample", p.failure->detail, 32768);
    }
    if (problems.size() > kMaxPerTarget)
      el(section, "p", {{"class", "muted"}},
         fmt::format("{} more; every one is in this target's results.json.", problems.size() - kMaxPerTarget));
  }
  if (!any) el(section, "p", {}, "None: every target passed every case and property it ran.");
}

}  // namespace

std::string html_report(const Matrix& m) {
  pugi::xml_document doc;
  doc.append_child(pugi::node_doctype).set_value("html");
  auto html = doc.append_child("html");
  html.append_attribute("lang") = "en";
  auto head = el(html, "head");
  head.append_child("meta").append_attribute("charset") = "utf-8";
  auto viewport = head.append_child("meta");
  viewport.append_attribute("name") = "viewport";
  viewport.append_attribute("content") = "width=device-width, initial-scale=1";
  std::string names;
  for (const auto* r : m.targets) names += (names.empty() ? "" : ", ") + runner::display_name(*r);
  el(head, "title", {}, "RemoveInstances conformance: " + names);
  el(head, "style", {}, kStyle);
  auto body = el(html, "body");
  auto header = el(body, "header");
  el(header, "h1", {}, "RemoveInstances conformance report");
  el(header, "p", {{"class", "meta"}},
     fmt::format("Alibaba Cloud Auto Scaling RemoveInstances (2014-08-28). Clause catalog: {}. {} target{}, by essconf 0.1.0.",
                 m.spec_revision, m.targets.size(), m.targets.size() == 1 ? "" : "s"));
  for (const auto* r : m.targets)
    if (r->spec_revision != m.spec_revision)
      el(header, "p", {{"class", "c-deviation"}},
         fmt::format("{} was judged against another catalog revision: {}", runner::display_name(*r), r->spec_revision));
  summary_section(body, m);
  if (m.selftest) selftest_section(body, *m.selftest);
  matrix_section(body, m);
  problems_section(body, m);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

}  // namespace essconf::report
