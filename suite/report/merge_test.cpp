// essconf report's inputs: folders and files of results read back in the
// order the targets ran, slices of one target merged, problems naming the
// file, and the reports asked for (Markdown on standard output by default).
#include "suite/report/merge.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "suite/report/results_json.hpp"
#include "suite/runner/files.hpp"

namespace essconf::report {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system's temporary folder, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("essconf-merge-test-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& rest) const { return (path_ / rest).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

runner::RunResult run_of(const std::string& label, const std::string& started_at, const std::string& case_id) {
  runner::RunResult r;
  r.spec_revision = "essconf-clauses-1 (test)";
  r.label = label;
  r.target = "http://127.0.0.1:8080";
  r.fixture = r.target;
  r.seed = 1;
  r.started_at = started_at;
  runner::CaseResult c;
  c.id = case_id;
  c.case_clauses = {"capacity.min-size"};
  c.verdict.kind = runner::VerdictKind::pass;
  r.cases = {c};
  return r;
}

void write(const std::string& file, const runner::RunResult& r) {
  ASSERT_TRUE(runner::write_file_atomically(file, results_json(r)));
}

TEST(ReportInputs, AFolderGivesItsTargetsInTheOrderTheyRan) {
  const TempDir dir("order");
  write(dir / "a/results.json", run_of("a", "2026-12-01T10:00:00Z", "capacity.min-size.met-exactly"));
  write(dir / "b/results.json", run_of("b", "2026-12-01T09:00:00Z", "capacity.min-size.met-exactly"));
  const auto inputs = read_inputs({dir.str()});
  ASSERT_TRUE(inputs) << inputs.error();
  ASSERT_EQ(inputs->targets.size(), 2u);
  EXPECT_EQ(inputs->targets[0].label, "b");
  EXPECT_EQ(inputs->targets[1].label, "a");
  EXPECT_FALSE(inputs->selftest);
  EXPECT_EQ(expand_input(dir.str(), "results.json"), (std::vector<std::string>{dir / "a/results.json", dir / "b/results.json"}));
  EXPECT_EQ(expand_input(dir / "a/results.json", "results.json"), std::vector<std::string>{dir / "a/results.json"});
}

TEST(ReportInputs, SlicesOfOneTargetMerge) {
  const TempDir dir("slices");
  auto first = run_of("v", "2026-12-01T09:00:00Z", "capacity.min-size.met-exactly");
  first.shard = "1/2";
  auto second = run_of("v", "2026-12-01T09:00:01Z", "capacity.min-size.missed-by-one");
  second.shard = "2/2";
  write(dir / "s1.json", first);
  write(dir / "s2.json", second);
  const auto inputs = read_inputs({dir / "s2.json", dir / "s1.json"});
  ASSERT_TRUE(inputs) << inputs.error();
  ASSERT_EQ(inputs->targets.size(), 1u);
  EXPECT_EQ(inputs->targets[0].cases.size(), 2u);
  const auto twice = read_inputs({dir / "s1.json", dir / "s1.json"});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().find("both hold case"), std::string::npos) << twice.error();
}

TEST(ReportInputs, ProblemsNameTheFile) {
  const TempDir dir("problems");
  auto missing = read_inputs({dir / "nothing.json"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), dir / "nothing.json" + ": cannot read the file");
  ASSERT_TRUE(runner::write_file_atomically(dir / "cut.json", "{\"schema\":\"essconf-results/1\""));
  auto cut = read_inputs({dir / "cut.json"});
  ASSERT_FALSE(cut);
  EXPECT_TRUE(cut.error().starts_with(dir / "cut.json: ")) << cut.error();
  fs::create_directories(dir / "empty");
  auto empty = read_inputs({dir / "empty"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), dir / "empty" + ": a folder without results.json or selftest.json (nor any in its subfolders)");
  ASSERT_TRUE(runner::write_file_atomically(dir / "x/selftest.json", "{}"));
  ASSERT_TRUE(runner::write_file_atomically(dir / "y/selftest.json", "{}"));
  auto two = read_inputs({dir / "x", dir / "y"});
  ASSERT_FALSE(two);
  EXPECT_TRUE(two.error().starts_with("more than one selftest.json")) << two.error();
}

TEST(ReportInputs, RendersWhatIsAskedForOrMarkdownOnStandardOutput) {
  ReportInputs inputs;
  inputs.targets = {run_of("a", "2026-12-01T09:00:00Z", "capacity.min-size.met-exactly")};
  const auto by_default = render_reports(inputs, {});
  ASSERT_EQ(by_default.size(), 1u);
  EXPECT_EQ(by_default[0].file, "");
  EXPECT_NE(by_default[0].text.find("| a |"), std::string::npos) << by_default[0].text;
  const auto asked = render_reports(inputs, {"r.html", "", "r.tsv"});
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].file, "r.html");
  EXPECT_NE(asked[0].text.find("<html"), std::string::npos);
  EXPECT_EQ(asked[1].file, "r.tsv");
  EXPECT_EQ(asked[1].text, "a\tcase\tcapacity.min-size.met-exactly\tpass\tcapacity.min-size\n");
}

}  // namespace
}  // namespace essconf::report
