// `essconf fuzz` (a libFuzzer campaign over the network) and
// `essconf replay FINDING` (does a finding still hold?).
#include <unistd.h>

#include <iostream>
#include <memory>
#include <regex>

#include <tuple>

#include <fmt/format.h>

#include "suite/cli/commands.hpp"
#include "suite/cli/progress_line.hpp"
#include "suite/fuzzing/campaign.hpp"
#include "suite/fuzzing/finding.hpp"
#include "suite/runner/embedded_server.hpp"

#ifndef ESSCONF_CASES_DIR
#define ESSCONF_CASES_DIR "fixtures/cases"
#endif

namespace essconf::cli {
namespace {

// "90", "90s", "15m", "2h" as seconds; -1 for anything else.
int parse_duration(const std::string& s) {
  static const std::regex re("([0-9]{1,7})([smh]?)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return -1;
  const int n = std::stoi(m[1]);
  return m[2] == "h" ? n * 3600 : m[2] == "m" ? n * 60 : n;
}

struct Target {
  std::unique_ptr<runner::EmbeddedServer> embedded;
  std::optional<client::Url> url;
};

// --target, or the embedded reference server; nullopt and a message on a bad URL.
Target resolve_target(const std::string& target, const char* command) {
  Target t;
  std::string text = target;
  if (text.empty()) {
    t.embedded = std::make_unique<runner::EmbeddedServer>();
    text = t.embedded->url();
  }
  if (auto url = client::parse_url(text)) t.url = std::move(*url);
  else std::cerr << fmt::format("essconf {}: --target \"{}\": {}\n", command, text, url.error());
  return t;
}

struct FuzzOptions {
  std::string target;
  std::string time = "60s";
  int jobs = 1;
  std::string corpus = "fuzz-corpus";
  std::string findings = "fuzz-findings";
  model::Profile profile = model::Profile::spec;
  std::uint64_t seed = 1;
  bool no_progress = false;
};

int fuzz(const FuzzOptions& o) {
  const int seconds = parse_duration(o.time);
  if (seconds <= 0) {
    std::cerr << fmt::format("essconf fuzz: --time \"{}\": expected a duration such as 90s, 15m or 2h\n", o.time);
    return 2;
  }
  if (!fuzzing::campaign_available()) {
    // This build has no libFuzzer: the one command that builds the one that has it and runs this campaign.
    std::string command = "scripts/fuzz --target " + (o.target.empty() ? std::string("URL") : o.target) + " --time " + o.time;
    if (o.jobs != 1) command += fmt::format(" --jobs {}", o.jobs);
    for (const auto& [flag, value, fallback] : {std::tuple{"--corpus", o.corpus, "fuzz-corpus"},
                                                {"--findings", o.findings, "fuzz-findings"}, {"--profile", std::string(model::name(o.profile)), "spec"}})
      if (value != fallback) command += fmt::format(" {} {}", flag, value);
    if (o.seed != 1) command += fmt::format(" --seed {}", o.seed);
    if (o.no_progress) command += " --no-progress";
    std::cerr << "essconf fuzz: this essconf was built without libFuzzer. Run the campaign with:\n  " << command
              << "\n(it builds the fuzz preset when needed, then runs its essconf fuzz)\n";
    return 2;
  }
  Target t = resolve_target(o.target, "fuzz");
  if (!t.url) return 2;
  fuzzing::CampaignOptions c;
  c.run.target = c.run.fixture = *t.url;
  c.run.profile = o.profile;
  c.run.seed = o.seed;
  c.seconds = seconds;
  c.corpus_dir = o.corpus;
  c.findings_dir = o.findings;
  c.cases_dir = ESSCONF_CASES_DIR;
  c.jobs = o.jobs;
  c.target_text = t.url->origin();
  // The status line goes on stderr, with the campaign's own lines; with
  // several processes there is none (each prints its own progress).
  ProgressLine line(std::cerr, o.jobs == 1 && progress_line_wanted(STDERR_FILENO, o.no_progress),
                    terminal_width(STDERR_FILENO));
  line.park_cursor(true);
  if (line.enabled()) {
    const auto start = line.now();
    c.before_print = [&line] { line.clear(); };
    c.run.on_progress = [&line, start, seconds](const runner::Progress& p) {
      const double elapsed = std::chrono::duration<double>(line.now() - start).count();
      // libFuzzer prints its closing lines when the time is up, where nothing
      // clears the line first: the last second goes without it.
      if (elapsed >= seconds - 1) return line.clear();
      line.update([&] { return fuzz_status_text(p, elapsed, seconds); });
    };
  }
  return fuzzing::run_campaign(c);
}

int replay(const std::string& file, const std::string& target) {
  auto f = fuzzing::load_finding(file);
  if (!f) {
    std::cerr << "essconf replay: " << f.error() << "\n";
    return 2;
  }
  Target t = resolve_target(target.empty() ? f->target : target, "replay");
  if (!t.url) return 2;
  runner::RunOptions ro;
  ro.target = ro.fixture = *t.url;
  ro.seed = f->seed;
  runner::CaseSession session(ro, std::chrono::steady_clock::now() + std::chrono::minutes(2));
  if (!session.setup_error().empty()) {
    std::cerr << "essconf replay: " << session.setup_error() << "\n";
    return 2;
  }
  const runner::CaseResult r = session.run(f->case_);
  const bool holds = r.verdict.kind == runner::VerdictKind::fail || r.verdict.kind == runner::VerdictKind::error;
  std::cout << fmt::format("{}: {} against {}: {} ({})\n", file, holds ? "still holds" : "no longer holds",
                           t.url->origin(), runner::name(r.verdict.kind), r.verdict.summary);
  if (holds) std::cout << "reproduce: " << r.curl << "\n";
  return holds ? 1 : 0;
}

}  // namespace

void add_fuzz_commands(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<FuzzOptions>();
  auto* cmd = app.add_subcommand("fuzz", "Fuzz a target over the network with libFuzzer (the fuzz build)");
  cmd->add_option("--target", o->target, "Target base URL (default: the embedded reference server)");
  cmd->add_option("--time", o->time, "How long: 90s, 15m, 2h")->capture_default_str();
  cmd->add_option("--jobs", o->jobs,
                  "Parallel fuzzing processes, each on its own World; more than one only on a target that lists "
                  "isolated_worlds (docs/fixture-protocol.md)")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--corpus", o->corpus, "Corpus folder (seeded from the catalog when empty)")->capture_default_str();
  cmd->add_option("--findings", o->findings, "Where findings are written")->capture_default_str();
  add_profile_option(cmd, o->profile, "spec or strict");
  cmd->add_option("--seed", o->seed, "libFuzzer seed")->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress,
                "No live status line on stderr (drawn only when stderr is a terminal and --jobs is 1, NO_COLOR and "
                "TERM=dumb aside)");
  cmd->callback([o, &exit_status] { exit_status = fuzz(*o); });

  auto file = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  auto* rep = app.add_subcommand("replay", "Run a fuzzing finding again: does it still hold?");
  rep->add_option("FINDING", *file, "A finding file written by essconf fuzz")->required();
  rep->add_option("--target", *target, "Target base URL (default: the finding's)");
  rep->callback([file, target, &exit_status] { exit_status = replay(*file, *target); });
}

}  // namespace essconf::cli
