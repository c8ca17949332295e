// `essconf report RESULTS...`: the compatibility matrix of one or more
// results files (or folders holding them), as HTML and/or Markdown.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "reference/model/catalog.hpp"
#include "suite/cli/commands.hpp"
#include "suite/report/matrix.hpp"
#include "suite/report/reports.hpp"
#include "suite/report/selftest_summary.hpp"
#include "suite/runner/files.hpp"
#include "suite/runner/results_reader.hpp"

namespace essconf::cli {
namespace {

struct ReportCliOptions {
  std::vector<std::string> inputs;
  std::string html;
  std::string markdown;
  std::string verdicts;
};

// A folder stands for the `name` files in it and in its immediate subfolders
// (what `essconf run --out DIR` writes for one target or several, and
// `essconf selftest --out DIR`); a file stands for itself.
std::vector<std::string> expand(const std::string& input, const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(input, ec)) return {input};
  std::vector<std::string> files;
  if (fs::is_regular_file(fs::path(input) / name, ec)) files.push_back((fs::path(input) / name).string());
  std::vector<std::string> sub;
  for (const auto& entry : fs::directory_iterator(input, ec))
    if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / name, ec)) sub.push_back((entry.path() / name).string());
  std::sort(sub.begin(), sub.end());
  files.insert(files.end(), sub.begin(), sub.end());
  return files;
}

bool is_selftest_file(const std::string& file) {
  return std::filesystem::path(file).filename() == "selftest.json";
}

// The one selftest.json among the inputs, if any: its summary, or a problem.
std::optional<report::SelftestSummary> read_selftest(const std::vector<std::string>& inputs, int& status) {
  std::vector<std::string> files;
  for (const auto& input : inputs)
    for (const auto& f : expand(input, "selftest.json"))
      if (is_selftest_file(f) && std::filesystem::is_regular_file(f)) files.push_back(f);
  if (files.empty()) return std::nullopt;
  if (files.size() > 1) {
    std::cerr << fmt::format("essconf report: more than one selftest.json ({} and {}): give one\n", files[0], files[1]);
    status = 2;
    return std::nullopt;
  }
  const auto text = runner::read_file(files[0]);
  std::string error;
  auto s = text ? report::parse_selftest(*text, error) : std::nullopt;
  if (!s) {
    std::cerr << fmt::format("essconf report: {}: {}\n", files[0], text ? error : "cannot read the file");
    status = 2;
  }
  return s;
}

int report(const ReportCliOptions& o) {
  std::vector<runner::RunResult> results;
  std::vector<std::string> names;
  int status = 0;
  auto selftest = read_selftest(o.inputs, status);
  if (status != 0) return status;
  for (const auto& input : o.inputs) {
    if (is_selftest_file(input)) continue;
    const auto files = expand(input, "results.json");
    const std::size_t first = results.size();
    if (files.empty() && !(selftest && !expand(input, "selftest.json").empty())) {
      std::cerr << fmt::format("essconf report: {}: a folder without results.json or selftest.json (nor any in its "
                               "subfolders)\n", input);
      return 2;
    }
    for (const auto& file : files) {
      const auto text = runner::read_file(file);
      if (!text) {
        std::cerr << fmt::format("essconf report: {}: cannot read the file\n", file);
        return 2;
      }
      std::string error;
      auto r = runner::parse_results(*text, error);
      if (!r) {
        std::cerr << fmt::format("essconf report: {}: {}\n", file, error);
        return 2;
      }
      results.push_back(std::move(*r));
      names.push_back(file);
    }
    // A folder's targets in the order they ran.
    std::vector<std::size_t> order(results.size() - first);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = first + i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return results[a].started_at < results[b].started_at; });
    std::vector<runner::RunResult> sorted_results;
    std::vector<std::string> sorted_names;
    for (auto i : order) sorted_results.push_back(std::move(results[i])), sorted_names.push_back(names[i]);
    std::move(sorted_results.begin(), sorted_results.end(), results.begin() + static_cast<std::ptrdiff_t>(first));
    std::move(sorted_names.begin(), sorted_names.end(), names.begin() + static_cast<std::ptrdiff_t>(first));
  }
  std::string error;
  auto merged = runner::merge_results(std::move(results), names, error);
  if (!merged) {
    std::cerr << "essconf report: " << error << "\n";
    return 2;
  }
  auto matrix = report::build_matrix(*merged, model::catalog());
  matrix.selftest = std::move(selftest);
  auto write = [&](const std::string& file, const std::string& content) {
    if (auto e = runner::write_file_atomically(file, content); !e.empty()) {
      std::cerr << "essconf report: " << e << "\n";
      status = 2;
    }
  };
  if (!o.html.empty()) write(o.html, report::html_report(matrix));
  if (!o.markdown.empty()) write(o.markdown, report::markdown_report(matrix));
  if (!o.verdicts.empty()) write(o.verdicts, report::verdict_lines(matrix));
  if (o.html.empty() && o.markdown.empty() && o.verdicts.empty()) std::cout << report::markdown_report(matrix);
  return status;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ReportCliOptions>();
  auto* cmd = app.add_subcommand("report", "The compatibility matrix (clauses by targets) of results files");
  cmd->add_option("results", o->inputs,
                  "results.json files, or folders holding them (essconf run --out DIR); slices of one target's "
                  "run (--shard) merge. One selftest.json (essconf selftest --out DIR), or a folder holding it, adds "
                  "the suite's own strength beside the targets")
      ->required();
  cmd->add_option("--html", o->html, "Write the self-contained HTML report to FILE");
  cmd->add_option("--markdown", o->markdown, "Write the Markdown summary (fits a pull-request comment) to FILE");
  cmd->add_option("--verdicts", o->verdicts,
                  "Write one line per target and case or property (target, kind, id, verdict, clauses) to FILE: "
                  "what two runs are compared by");
  cmd->callback([o, &exit_status] { exit_status = report(*o); });
}

}  // namespace essconf::cli
