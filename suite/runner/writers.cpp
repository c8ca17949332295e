#include "suite/runner/writers.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pugixml.hpp>

#include "reference/model/catalog.hpp"
#include "suite/runner/text.hpp"

namespace essconf::runner {
namespace {
namespace json = boost::json;

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

json::array verdict_names(const std::vector<VerdictKind>& v) {
  json::array a;
  for (const auto k : v) a.emplace_back(name(k));
  return a;
}

// One failure of a property, for JUnit and the terminal.
std::string failure_text(const PropertyFailure& f) {
  return fmt::format("[{}] {}: {}\n{}", name(f.kind), f.clauses.empty() ? "(harness)" : fmt::format("{}", fmt::join(f.clauses, ", ")),
                     f.summary, f.detail);
}

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

}  // namespace

std::string results_json(const RunResult& r) {
  json::object summary;
  for (const auto& [k, n] : r.counts()) summary[std::string(name(k))] = n;
  json::array cases;
  for (const auto& c : r.cases) {
    json::array findings;
    for (const auto& f : c.verdict.findings)
      findings.push_back(json::object{{"kind", name(f.kind)}, {"clause", f.clause}, {"expected", valid_utf8(f.expected)},
                                      {"observed", valid_utf8(f.observed)}});
    json::array requests;
    for (const auto& q : c.requests) requests.emplace_back(valid_utf8(q));
    cases.push_back(json::object{
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
    });
  }
  json::array properties;
  for (const auto& p : r.properties) {
    json::object dist;
    for (const auto& [tag, n] : p.distribution) dist[tag] = n;
    json::array failures;
    for (const auto& f : p.failures)
      failures.push_back(json::object{{"clauses", strings(f.clauses)}, {"kind", name(f.kind)}, {"summary", valid_utf8(f.summary)},
                                      {"detail", valid_utf8(f.detail)}});
    properties.push_back(json::object{{"name", p.name}, {"clause", p.clause}, {"verdict", name(p.verdict)},
                                      {"runs", p.runs}, {"seed", p.seed}, {"summary", valid_utf8(p.summary)},
                                      {"failures", std::move(failures)}, {"repeats", verdict_names(p.repeats)},
                                      {"distribution", std::move(dist)},
                                      {"http_requests", p.http_requests}, {"seconds", p.seconds}});
  }
  json::object top{{"schema", "essconf-results/1"},
                   {"essconf", "0.1.0"},
                   {"spec_revision", r.spec_revision},
                   {"label", r.label},
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

std::string junit_xml(const RunResult& r) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  const auto counts = r.counts();
  // Testcases: the cases, and each property once per distinct failure (once when it did not fail).
  std::size_t tests = r.cases.size();
  int failures = 0, errors = counts.at(VerdictKind::error), skipped = counts.at(VerdictKind::not_applicable);
  for (const auto& c : r.cases)
    failures += blocks(c, r.profile) && c.verdict.kind != VerdictKind::error;
  for (const auto& p : r.properties) {
    tests += std::max<std::size_t>(1, p.failures.size());
    for (const auto& f : p.failures) (f.kind == VerdictKind::error ? errors : failures) += 1;
    failures += p.failures.empty() && p.flaky();
    errors += p.failures.empty() && p.verdict == VerdictKind::error;
    skipped += p.verdict == VerdictKind::not_applicable;
  }
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "essconf";
  suites.append_attribute("tests") = static_cast<unsigned>(tests);
  suites.append_attribute("failures") = failures;
  suites.append_attribute("errors") = errors;
  suites.append_attribute("time") = r.wall_seconds;
  auto suite = suites.append_child("testsuite");
  suite.append_attribute("name") = fmt::format("RemoveInstances conformance of {}", r.target).c_str();
  suite.append_attribute("tests") = static_cast<unsigned>(tests);
  suite.append_attribute("failures") = failures;
  suite.append_attribute("errors") = errors;
  suite.append_attribute("skipped") = skipped;
  suite.append_attribute("time") = r.wall_seconds;
  suite.append_attribute("timestamp") = r.started_at.c_str();
  auto props = suite.append_child("properties");
  for (const auto& [n, v] : {std::pair<std::string, std::string>{"spec_revision", r.spec_revision},
                             {"profile", std::string(model::name(r.profile))}, {"seed", std::to_string(r.seed)}}) {
    auto p = props.append_child("property");
    p.append_attribute("name") = n.c_str();
    p.append_attribute("value") = v.c_str();
  }
  for (const auto& c : r.cases) {
    auto tc = suite.append_child("testcase");
    tc.append_attribute("name") = xml_text(c.id).c_str();
    tc.append_attribute("classname") = xml_text(first_clause(c)).c_str();
    tc.append_attribute("time") = c.seconds;
    tc.append_attribute("file") = xml_text(c.file).c_str();
    auto cp = tc.append_child("properties");
    for (const auto& cl : c.case_clauses) {
      auto p = cp.append_child("property");
      p.append_attribute("name") = "clause";
      p.append_attribute("value") = cl.c_str();
    }
    auto verdict = cp.append_child("property");
    verdict.append_attribute("name") = "verdict";
    verdict.append_attribute("value") = std::string(name(c.verdict.kind)).c_str();
    const std::string detail = xml_text(findings_text(c) + "\n" + reproducer_text(c));
    if (!c.baseline_reason.empty()) {
      tc.append_child("skipped").append_attribute("message") =
          xml_text(fmt::format("known {} (baseline: {}): {}", name(c.verdict.kind), c.baseline_reason, c.verdict.summary)).c_str();
      continue;
    }
    if (c.flaky() && !blocks(c.verdict.kind, r.profile)) {
      auto f = tc.append_child("failure");
      f.append_attribute("message") = xml_text(flaky_text(c.repeats)).c_str();
      f.append_attribute("type") = "flaky";
      f.append_child(pugi::node_pcdata).set_value(detail.c_str());
      continue;
    }
    switch (c.verdict.kind) {
      case VerdictKind::fail:
      case VerdictKind::deviation:
        if (blocks(c.verdict.kind, r.profile)) {
          auto f = tc.append_child("failure");
          f.append_attribute("message") = xml_text(c.verdict.summary).c_str();
          f.append_attribute("type") = std::string(name(c.verdict.kind)).c_str();
          f.append_child(pugi::node_pcdata).set_value(detail.c_str());
        } else {
          tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(("deviation\n" + detail).c_str());
        }
        break;
      case VerdictKind::error: {
        auto e = tc.append_child("error");
        e.append_attribute("message") = xml_text(c.verdict.summary).c_str();
        e.append_child(pugi::node_pcdata).set_value(detail.c_str());
        break;
      }
      case VerdictKind::not_applicable:
        tc.append_child("skipped").append_attribute("message") = xml_text(c.verdict.summary).c_str();
        break;
      case VerdictKind::pass:
        break;
    }
  }
  for (const auto& p : r.properties) {
    auto testcase = [&](const std::string& clause) {
      auto tc = suite.append_child("testcase");
      tc.append_attribute("name") = (p.name + (p.failures.size() > 1 ? " [" + clause + "]" : "")).c_str();
      tc.append_attribute("classname") = clause.c_str();
      tc.append_attribute("time") = p.seconds;
      auto seed = tc.append_child("properties").append_child("property");
      seed.append_attribute("name") = "seed";
      seed.append_attribute("value") = std::to_string(p.seed).c_str();
      return tc;
    };
    for (const auto& f : p.failures) {
      auto e = testcase(p.clause_of(f)).append_child(f.kind == VerdictKind::error ? "error" : "failure");
      e.append_attribute("message") = xml_text(f.summary).c_str();
      e.append_attribute("type") = "property";
      e.append_child(pugi::node_pcdata).set_value(xml_text(failure_text(f)).c_str());
    }
    if (!p.failures.empty()) continue;
    auto tc = testcase(p.clause);
    if (p.verdict == VerdictKind::not_applicable) {
      tc.append_child("skipped").append_attribute("message") = xml_text(p.summary).c_str();
    } else if (p.verdict == VerdictKind::error) {
      tc.append_child("error").append_attribute("message") = xml_text(p.summary).c_str();
    } else if (p.flaky()) {
      auto f = tc.append_child("failure");
      f.append_attribute("message") = xml_text(flaky_text(p.repeats)).c_str();
      f.append_attribute("type") = "flaky";
    }
  }
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

std::string summary_line(const RunResult& r) {
  const auto n = r.counts();
  std::string props;
  if (!r.properties.empty()) {
    std::map<VerdictKind, int> p;
    for (const auto& x : r.properties) ++p[x.verdict];
    props = fmt::format("; {} properties: {} passed, {} failed", r.properties.size(), p[VerdictKind::pass], p[VerdictKind::fail]);
    if (p[VerdictKind::error] > 0) props += fmt::format(", {} errors", p[VerdictKind::error]);
    if (p[VerdictKind::not_applicable] > 0) props += fmt::format(", {} not applicable", p[VerdictKind::not_applicable]);
  }
  std::size_t repetitions = 0;
  for (const auto& c : r.cases) repetitions = std::max(repetitions, c.repeats.size());
  for (const auto& p : r.properties) repetitions = std::max(repetitions, p.repeats.size());
  if (repetitions > 1)
    props += fmt::format("; {} repetitions: {} flaky cases, {} flaky properties", repetitions, r.flaky_cases(),
                         std::count_if(r.properties.begin(), r.properties.end(), [](const PropertyResult& p) { return p.flaky(); }));
  return fmt::format("{} cases: {} passed, {} failed, {} deviations, {} not applicable, {} errors{}; {} HTTP requests in {:.2f} s",
                     r.cases.size(), n.at(VerdictKind::pass), n.at(VerdictKind::fail), n.at(VerdictKind::deviation),
                     n.at(VerdictKind::not_applicable), n.at(VerdictKind::error), props, r.http_requests, r.wall_seconds);
}

std::string terminal_report(const RunResult& r, bool colour) {
  auto paint = [&](VerdictKind k, const std::string& s) {
    if (!colour) return s;
    const char* code = k == VerdictKind::pass ? "32" : k == VerdictKind::fail || k == VerdictKind::error ? "31"
                       : k == VerdictKind::deviation ? "33" : "90";
    return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
  };
  std::string out = fmt::format("essconf run: {} (profile {}, spec {})\n", r.target, model::name(r.profile), r.spec_revision);
  if (!r.run_error.empty()) return out + "the run could not happen: " + r.run_error + "\n";
  // Per clause: how each case that names it ended.
  std::map<std::string, std::map<VerdictKind, int>> by_clause;
  for (const auto& c : r.cases)
    for (const auto& cl : c.case_clauses) ++by_clause[cl][c.verdict.kind];
  out += fmt::format("{:<36} {:>5} {:>5} {:>5} {:>5} {:>5}\n", "clause", "pass", "fail", "dev", "n/a", "err");
  for (const auto& cl : model::catalog().clauses) {
    auto it = by_clause.find(cl.id);
    if (it == by_clause.end()) continue;
    auto& m = it->second;
    auto cell = [&](VerdictKind k) {
      const int v = m.count(k) ? m.at(k) : 0;
      return v == 0 ? fmt::format("{:>5}", "-") : paint(k, fmt::format("{:>5}", v));
    };
    out += fmt::format("{:<36} {} {} {} {} {}\n", cl.id, cell(VerdictKind::pass), cell(VerdictKind::fail),
                       cell(VerdictKind::deviation), cell(VerdictKind::not_applicable), cell(VerdictKind::error));
  }
  for (const auto& c : r.cases) {
    if ((c.verdict.kind == VerdictKind::pass || c.verdict.kind == VerdictKind::not_applicable) && !c.flaky()) continue;
    const std::string known = c.baseline_reason.empty() ? "" : " [known: " + c.baseline_reason + "]";
    out += "\n" + paint(c.verdict.kind, fmt::format("{} {}", name(c.verdict.kind), c.id)) + known + "  (" + c.file +
           ")\n  " + c.verdict.summary + "\n";
    if (c.flaky()) out += "  " + paint(VerdictKind::fail, flaky_text(c.repeats)) + "\n";
    if (!c.curl.empty()) out += "  reproduce: " + c.curl + "\n";
  }
  for (const auto& p : r.properties) {
    out += "\n" + paint(p.verdict, fmt::format("{} {}", name(p.verdict), p.name)) +
           fmt::format(" (seed {}, {:.2f} s, {} HTTP requests): {}\n", p.seed, p.seconds, p.http_requests, p.summary);
    if (p.flaky()) out += "  " + paint(VerdictKind::fail, flaky_text(p.repeats)) + "\n";
    for (std::size_t i = 0; i < p.failures.size(); ++i)
      out += fmt::format("\n  failure {} of {}: ", i + 1, p.failures.size()) + failure_text(p.failures[i]) + "\n";
  }
  return out + "\n" + summary_line(r) + "\n";
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string write_file_atomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return path + ": cannot write the file";
    out << content;
    if (!out.flush()) return path + ": write failed";
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return path + ": cannot write the file (" + ec.message() + ")";
  }
  return "";
}

}  // namespace essconf::runner
