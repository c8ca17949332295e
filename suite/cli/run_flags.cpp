#include "suite/cli/run_flags.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "suite/client/url.hpp"
#include "suite/report/junit_report.hpp"
#include "suite/report/results_json.hpp"
#include "suite/runner/files.hpp"

namespace essconf::cli {
namespace {

bool valid_label(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }) &&
         s != "." && s != "..";
}

}  // namespace

Result<TargetSpec> parse_target(const std::string& text) {
  TargetSpec t;
  std::string rest = text;
  // A label precedes the first '=' when that '=' comes before any "://".
  const auto eq = text.find('=');
  if (eq != std::string::npos && eq < text.find("://")) {
    t.label = text.substr(0, eq);
    rest = text.substr(eq + 1);
    if (!valid_label(t.label)) return Problem("", "a label is 1 to 64 letters, digits, '-', '_' or '.'");
  }
  if (rest == "reference") {
    if (t.label.empty()) t.label = "reference";
    return t;
  }
  auto url = client::parse_url(rest);
  if (!url) return url.problem();
  t.url = rest;
  if (t.label.empty()) {
    t.label = url->host + "-" + std::to_string(url->port);
    for (char& c : t.label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  return t;
}

std::optional<std::vector<runner::Case>> load_catalog(std::string_view command, const std::string& cases_dir,
                                                      const std::string& source_dir) {
  auto loaded = runner::load_cases(cases_dir);
  if (!loaded.problems.empty()) {
    for (const auto& p : loaded.problems) std::cerr << command << ": " << p.text() << "\n";
    return std::nullopt;
  }
  const std::string prefix = source_dir + "/";
  for (auto& c : loaded.cases)
    if (prefix.size() > 1 && c.file.starts_with(prefix)) c.file = c.file.substr(prefix.size());
  return std::move(loaded.cases);
}

bool selected(const runner::Case& c, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const auto& f : filters) {
    if (fnmatch(f.c_str(), c.id.c_str(), 0) == 0) return true;
    for (const auto& cl : c.clauses)
      if (fnmatch(f.c_str(), cl.c_str(), 0) == 0) return true;
  }
  return false;
}

void SharedRunFlags::apply(runner::RunOptions& ro) const {
  ro.profile = profile;
  ro.signature = signature == "v3" ? runner::SignatureScheme::v3 : runner::SignatureScheme::v1;
  ro.seed = seed;
  ro.limits.connect_timeout = std::chrono::milliseconds(connect_timeout_ms);
  ro.limits.request_timeout = std::chrono::milliseconds(request_timeout_ms);
  ro.run_timeout = std::chrono::seconds(run_timeout_s);
}

void add_timeout_options(CLI::App* cmd, SharedRunFlags& flags) {
  cmd->add_option("--connect-timeout-ms", flags.connect_timeout_ms, "Connect timeout")->check(CLI::Range(1, 600000))->capture_default_str();
  cmd->add_option("--request-timeout-ms", flags.request_timeout_ms, "Per-request timeout")->check(CLI::Range(1, 600000))->capture_default_str();
  cmd->add_option("--run-timeout-s", flags.run_timeout_s, "Time limit of the run (of each repetition with --repeat)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
}

void add_property_options(CLI::App* cmd, SharedRunFlags& flags, const std::string& runs_help,
                          const std::string& skip_help) {
  cmd->add_option("--property-runs", flags.property_runs, runs_help)->check(CLI::Range(0, 1000000))->capture_default_str();
  cmd->add_flag("--skip-catalog", flags.skip_catalog, skip_help);
}

int write_run_files(std::string_view command, const std::string& out_dir, const std::string& junit,
                    const runner::RunResult& result) {
  int status = 0;
  auto write = [&](const std::string& file, const std::string& content) {
    if (auto written = runner::write_file_atomically(file, content); !written) {
      std::cerr << command << ": " << written.error() << "\n";
      status = 2;
    }
  };
  if (!out_dir.empty()) write(out_dir + "/results.json", report::results_json(result));
  if (!junit.empty()) write(junit, report::junit_xml(result));
  return status;
}

}  // namespace essconf::cli
