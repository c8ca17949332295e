// `essconf run`: the conformance run. Each --target ([LABEL=]URL, or
// `reference` for the embedded reference server on a free loopback port) gets
// the same seeded cases in turn; without --target, the embedded reference.
// This file maps the flags to a plan per target and prints the outcome;
// runner::run_target (suite/runner/run_target.hpp) runs it.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "suite/cli/commands.hpp"
#include "suite/cli/progress_line.hpp"
#include "suite/cli/run_flags.hpp"
#include "suite/report/junit_report.hpp"
#include "suite/report/results_json.hpp"
#include "suite/report/terminal_report.hpp"
#include "suite/runner/baseline.hpp"
#include "suite/runner/files.hpp"
#include "suite/runner/run.hpp"
#include "suite/runner/run_target.hpp"

namespace essconf::cli {
namespace {

struct RunCliOptions {
  std::vector<std::string> targets;
  std::string fixture_url;
  SharedRunFlags shared;
  std::vector<std::string> filters;
  std::string shard;
  std::string out_dir;
  std::string junit;
  std::string baseline;
  std::string access_key_id;
  std::string access_key_secret;
  std::string cases_dir = ESSCONF_CASES_DIR;
  bool list = false;
  bool shuffle = false;
  int repeat = 1;
  int streams = 1;  // --streams: property streams, each on its own World
  bool no_progress = false;
};

// "i/n" with 1 <= i <= n.
bool parse_shard(const std::string& s, int& i, int& n) {
  const auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t a = 0, b = 0;
    i = std::stoi(s.substr(0, slash), &a);
    n = std::stoi(s.substr(slash + 1), &b);
    return a == slash && b == s.size() - slash - 1 && n >= 1 && i >= 1 && i <= n;
  } catch (const std::exception&) {
    return false;
  }
}

// FILE with "-LABEL" before its extension: one JUnit file per target.
std::string per_target_file(const std::string& file, const std::string& label) {
  const auto slash = file.find_last_of('/');
  const auto dot = file.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return file + "-" + label;
  return file.substr(0, dot) + "-" + label + file.substr(dot);
}

// The live status line of essconf run on a terminal (progress_line.hpp): the
// phase, how far it has come, what failed, HTTP requests/s since it started.
class RunStatus {
 public:
  explicit RunStatus(ProgressLine& line) : line_(line) {}
  void set_label(std::string label) { label_ = std::move(label); }
  // A phase starts: the line goes (RapidCheck prints its configuration as
  // the property phase starts) and the rate starts over.
  void phase_starts() {
    line_.clear();
    failures_shown_ = 0;
    phase_start_ = line_.now();
  }
  // Before other output.
  void clear() { line_.clear(); }
  // Empty when there is no line: the runner then reports nothing.
  runner::ProgressCallback callback() {
    if (!line_.enabled()) return {};
    return [this](const runner::Progress& p) {
      // A new failure is shown at once: a fast catalog can end between two redraws.
      const bool news = p.failures > failures_shown_;
      failures_shown_ = p.failures;
      line_.update(
          [&] { return run_status_text(p, std::chrono::duration<double>(line_.now() - phase_start_).count(), label_); },
          news);
    };
  }

 private:
  ProgressLine& line_;
  std::string label_;
  std::chrono::steady_clock::time_point phase_start_{};
  std::uint64_t failures_shown_ = 0;
};

// The plan of one target's run: the flags, the selected cases, the baseline.
runner::RunPlan plan_for(const RunCliOptions& o, const TargetSpec& spec, const std::vector<runner::Case>& cases,
                         const std::optional<runner::Baseline>& baseline, runner::Shard shard) {
  runner::RunPlan plan;
  plan.target = spec.url;
  plan.fixture_url = o.fixture_url;
  auto& ro = plan.options;
  if (!o.access_key_id.empty()) ro.credentials.emplace(o.access_key_id, o.access_key_secret);
  o.shared.apply(ro);
  plan.cases = cases;
  plan.shard = shard;
  plan.property_runs = o.shared.property_runs;
  plan.repeat = o.repeat;
  plan.streams = o.streams;
  plan.baseline = baseline;
  plan.label = spec.label;
  return plan;
}

// The report on stdout, and what the baseline says about its entries.
void print_outcome(const RunCliOptions& o, const runner::RunOutcome& outcome) {
  std::cout << report::terminal_report(outcome.result, isatty(STDOUT_FILENO) != 0) << std::flush;
  if (!outcome.baseline) return;
  const auto& known = *outcome.baseline;
  std::cout << fmt::format("baseline {}: {} known failure(s) excused\n", o.baseline, known.excused.size());
  for (const auto& e : known.expired)
    std::cout << fmt::format("  expired on {}: {} ({}) -- renew it with a reason or fix the target\n", e.expires, e.case_glob, e.reason);
  for (const auto& e : known.now_passing)
    std::cout << fmt::format("  passes now: {} ({}) -- remove the entry\n", e.case_glob, e.reason);
  for (const auto& e : known.matching_nothing)
    std::cout << fmt::format("  matches no case of this run: {}\n", e.case_glob);
}

// results.json and JUnit, as the flags ask. -> 0, or 2 when a file could not be written.
int write_outputs(const RunCliOptions& o, const runner::RunResult& result, const std::string& label, bool several) {
  return write_run_files("essconf run", o.out_dir.empty() ? "" : o.out_dir + (several ? "/" + label : ""),
                         o.junit.empty() || !several ? o.junit : per_target_file(o.junit, label), result);
}

// Runs the cases and the property phase against one target; prints its
// report; writes its files. Returns the exit status of this target alone.
int run_one_target(const RunCliOptions& o, runner::RunPlan plan, bool several, RunStatus& progress) {
  progress.set_label(several ? plan.label : "");
  plan.options.on_progress = progress.callback();
  plan.on_phase = [&progress] { progress.phase_starts(); };
  const runner::RunOutcome outcome = runner::run_target(plan);
  progress.clear();
  if (outcome.error) {
    std::cerr << "essconf run: " << outcome.error->text() << "\n";
    return 2;
  }
  if (several) std::cout << fmt::format("\n== target {} ==\n", plan.label);
  print_outcome(o, outcome);
  return std::max(outcome.exit_status, write_outputs(o, outcome.result, plan.label, several));
}

// The --target flags (default: the embedded reference), each with its own label.
std::optional<std::vector<TargetSpec>> parse_targets(const RunCliOptions& o) {
  std::vector<TargetSpec> targets;
  for (const auto& text : o.targets.empty() ? std::vector<std::string>{"reference"} : o.targets) {
    auto t = parse_target(text);
    if (!t) {
      std::cerr << fmt::format("essconf run: --target \"{}\": {}\n", text, t.error());
      return std::nullopt;
    }
    for (const auto& other : targets)
      if (other.label == t->label) {
        std::cerr << fmt::format("essconf run: two targets are labelled \"{}\"; name them with --target LABEL=URL\n", t->label);
        return std::nullopt;
      }
    targets.push_back(*t);
  }
  if (targets.size() > 1 && !o.fixture_url.empty()) {
    std::cerr << "essconf run: --fixture-url names one target's fixture protocol; with several targets each serves its own\n";
    return std::nullopt;
  }
  return targets;
}

// The cases --filter selects, of this --shard slice, in the order to run them.
std::vector<runner::Case> select_cases(const RunCliOptions& o, std::vector<runner::Case> catalog, runner::Shard shard) {
  std::vector<runner::Case> cases;
  std::size_t index = 0;
  for (auto& c : catalog) {
    if (!selected(c, o.filters)) continue;
    if (index++ % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index - 1)) cases.push_back(std::move(c));
  }
  if (o.shuffle) std::shuffle(cases.begin(), cases.end(), std::mt19937_64(o.shared.seed));
  return cases;
}

void print_list(const std::vector<runner::Case>& cases) {
  for (const auto& c : cases) {
    std::string clauses;
    for (const auto& cl : c.clauses) clauses += (clauses.empty() ? "" : ",") + cl;
    std::cout << fmt::format("{:<60} {}\n", c.id, clauses);
  }
  std::cout << cases.size() << " cases\n";
}

int run(const RunCliOptions& o) {
  const auto targets = parse_targets(o);
  if (!targets) return 2;
  auto catalog = load_catalog("essconf run", o.cases_dir, ESSCONF_SOURCE_DIR);
  if (!catalog) return 2;
  std::optional<runner::Baseline> baseline;
  if (!o.baseline.empty()) {
    auto b = runner::load_baseline(o.baseline);
    if (!b) {
      std::cerr << "essconf run: " << b.error() << "\n";
      return 2;
    }
    baseline = std::move(*b);
  }
  runner::Shard shard;
  if (!o.shard.empty() && !parse_shard(o.shard, shard.index, shard.count)) {
    std::cerr << fmt::format("essconf run: --shard \"{}\": expected i/n with 1 <= i <= n\n", o.shard);
    return 2;
  }
  auto cases = select_cases(o, std::move(*catalog), shard);
  if (o.list) {
    print_list(cases);
    return 0;
  }
  if (o.shared.skip_catalog) cases.clear();
  if (cases.empty() && !o.shared.skip_catalog) {
    std::cerr << "essconf run: no case matches the filters\n";
    return 2;
  }
  // The status line goes on stderr: stdout carries the report, which is piped and compared.
  ProgressLine line(std::cerr, progress_line_wanted(STDERR_FILENO, o.no_progress), terminal_width(STDERR_FILENO));
  RunStatus progress(line);
  int status = 0;
  for (const auto& t : *targets)
    status = std::max(status, run_one_target(o, plan_for(o, t, cases, baseline, shard), targets->size() > 1, progress));
  return status;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<RunCliOptions>();
  auto* cmd = app.add_subcommand("run", "Run the conformance catalog against a target (default: the embedded reference)");
  cmd->add_option("--target", o->targets,
                  "[LABEL=]URL of a target, e.g. vendor=http://127.0.0.1:8080, or [LABEL=]reference for the embedded "
                  "reference server (repeatable: each gets the same cases; default: reference)");
  cmd->add_option("--fixture-url", o->fixture_url, "Fixture protocol base URL (default: the target's)");
  add_profile_option(cmd, o->shared.profile, "spec (every reading the ledger allows) or strict (the reference's choices)");
  cmd->add_option("--signature", o->shared.signature,
                  "How signed requests are signed: v1 (HMAC-SHA1 parameters, the fixture protocol's) or v3 "
                  "(ACS3-HMAC-SHA256 headers; judges the target on V3 too)")
      ->check(CLI::IsMember({"v1", "v3"}))
      ->capture_default_str();
  cmd->add_option("--filter", o->filters, "Only cases whose id or a clause matches this glob (repeatable)");
  cmd->add_option("--shard", o->shard, "Run slice i of n (i/n)");
  cmd->add_option("--seed", o->shared.seed, "Seed for nonces")->capture_default_str();
  cmd->add_option("--out", o->out_dir, "Write DIR/results.json (docs/results.md); with several targets DIR/LABEL/results.json");
  cmd->add_option("--junit", o->junit, "Write JUnit XML to FILE; with several targets FILE-LABEL.xml for each");
  cmd->add_option("--baseline", o->baseline, "Known deviations: {\"entries\":[{\"case\":GLOB,\"reason\":..,\"expires\":YYYY-MM-DD}]}");
  auto* key_id = cmd->add_option("--access-key-id", o->access_key_id, "Sign every unsigned request with this key (as --signature says)");
  auto* key_secret = cmd->add_option("--access-key-secret", o->access_key_secret, "The key's secret");
  key_id->needs(key_secret);
  key_secret->needs(key_id);
  cmd->add_option("--cases", o->cases_dir, "Directory of case files")->capture_default_str();
  cmd->add_flag("--list", o->list, "List the selected cases and exit");
  add_property_options(cmd, o->shared,
                       "Generated cases of the property phase (0: no property phase); command sequences and "
                       "concurrency rounds scale with it",
                       "Run only the property phase");
  cmd->add_flag("--shuffle", o->shuffle, "Run the cases in an order drawn from --seed (verdicts must not change)");
  add_timeout_options(cmd, o->shared);
  cmd->add_option("--repeat", o->repeat,
                  "Run every case and property N times with the same seed and report each verdict's stability; "
                  "a flaky one (verdicts that differ) fails the gate")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--streams", o->streams,
                  "Run the property phase as N processes, each on its own World with its own seed (--seed + K - 1) "
                  "and its share of the runs, if the target lists isolated_worlds (docs/fixture-protocol.md); "
                  "else as one")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress,
                "No live status line on stderr (it is drawn only when stderr is a terminal, NO_COLOR and TERM=dumb aside)");
  cmd->callback([o, &exit_status] { exit_status = run(*o); });
}

}  // namespace essconf::cli
