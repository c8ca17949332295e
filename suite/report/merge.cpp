#include "suite/report/merge.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "reference/model/catalog.hpp"
#include "suite/report/matrix.hpp"
#include "suite/report/reports.hpp"
#include "suite/runner/files.hpp"
#include "suite/runner/results_reader.hpp"

namespace essconf::report {
namespace {

bool is_selftest_file(const std::string& file) {
  return std::filesystem::path(file).filename() == "selftest.json";
}

// (essconf::Problem: report::Problem is a failure listing of the matrix.)
essconf::Problem unreadable(const std::string& file) { return essconf::Problem("", "cannot read the file", file); }

// The one selftest.json among the inputs, if any.
Result<std::optional<SelftestSummary>> read_selftest(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs)
    for (const auto& f : expand_input(input, "selftest.json"))
      if (is_selftest_file(f) && std::filesystem::is_regular_file(f)) files.push_back(f);
  if (files.empty()) return std::optional<SelftestSummary>();
  if (files.size() > 1)
    return essconf::Problem{"", fmt::format("more than one selftest.json ({} and {}): give one", files[0], files[1])};
  const auto text = runner::read_file(files[0]);
  if (!text) return unreadable(files[0]);
  auto s = parse_selftest(*text).in(files[0]);
  if (!s) return s.problem();
  return std::optional<SelftestSummary>(std::move(*s));
}

Result<runner::RunResult> read_results(const std::string& file) {
  const auto text = runner::read_file(file);
  if (!text) return unreadable(file);
  return runner::parse_results(*text).in(file);
}

// Appends the results files of one input to `results` (and their names to
// `names`), a folder's targets in the order they ran.
Status read_input(const std::string& input, bool with_selftest, std::vector<runner::RunResult>& results,
                  std::vector<std::string>& names) {
  const auto files = expand_input(input, "results.json");
  if (files.empty() && !(with_selftest && !expand_input(input, "selftest.json").empty()))
    return essconf::Problem("", "a folder without results.json or selftest.json (nor any in its subfolders)", input);
  std::vector<std::pair<runner::RunResult, std::string>> read;
  for (const auto& file : files) {
    auto r = read_results(file);
    if (!r) return r.problem();
    read.emplace_back(std::move(*r), file);
  }
  std::stable_sort(read.begin(), read.end(), [](const auto& a, const auto& b) { return a.first.started_at < b.first.started_at; });
  for (auto& [result, name] : read) {
    results.push_back(std::move(result));
    names.push_back(std::move(name));
  }
  return Done{};
}

}  // namespace

std::vector<std::string> expand_input(const std::string& input, const std::string& name) {
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

Result<ReportInputs> read_inputs(const std::vector<std::string>& inputs) {
  auto selftest = read_selftest(inputs);
  if (!selftest) return selftest.problem();
  std::vector<runner::RunResult> results;
  std::vector<std::string> names;
  for (const auto& input : inputs) {
    if (is_selftest_file(input)) continue;
    if (auto read = read_input(input, selftest->has_value(), results, names); !read) return read.problem();
  }
  auto merged = runner::merge_results(std::move(results), names);
  if (!merged) return merged.problem();
  return ReportInputs{std::move(*merged), std::move(*selftest)};
}

std::vector<Rendering> render_reports(const ReportInputs& inputs, const ReportFiles& files) {
  auto matrix = build_matrix(inputs.targets, model::catalog());
  matrix.selftest = inputs.selftest;
  std::vector<Rendering> out;
  if (!files.html.empty()) out.push_back({files.html, html_report(matrix)});
  if (!files.markdown.empty()) out.push_back({files.markdown, markdown_report(matrix)});
  if (!files.verdicts.empty()) out.push_back({files.verdicts, verdict_lines(matrix)});
  if (out.empty()) out.push_back({"", markdown_report(matrix)});
  return out;
}

}  // namespace essconf::report
