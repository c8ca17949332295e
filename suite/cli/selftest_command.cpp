// essconf selftest: the suite's strength, measured by the suite itself.
// essconf run, with default settings, against the embedded reference server
// under every self-test fault (each must be caught: exit 1 with a failure
// under the fault's own clause) and every reading (each must pass: exit 0).
// Each run is the real `essconf run` (this executable, as a child process),
// so what is measured is what a user runs.
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "suite/cli/commands.hpp"
#include "suite/runner/embedded_server.hpp"
#include "suite/runner/files.hpp"
#include "suite/runner/results_reader.hpp"
#include "suite/selftest/faults.hpp"
#include "suite/selftest/readings.hpp"

namespace essconf::cli {
namespace {

struct SelftestOptions {
  std::string out_dir = "selftest";
  int property_runs = 100;
  std::uint64_t seed = 1;
  std::vector<std::string> only;  // names of faults and readings; empty: all
};

// `essconf run` (this executable) against `url`; its output in `log`. -> its exit status.
int run_child(const std::string& url, const std::string& out, const std::string& log, const SelftestOptions& o) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string runs = std::to_string(o.property_runs);
  const std::string seed = std::to_string(o.seed);
  std::vector<std::string> args{self, "run", "--target", url, "--property-runs", runs, "--seed", seed, "--out", out};
  // Built before fork: the embedded server's threads may hold the allocator's lock in the child.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

// Every clause a failing case or property of the results names.
std::vector<std::string> failing_clauses(const std::string& results_file) {
  std::vector<std::string> out;
  const auto text = runner::read_file(results_file);
  if (!text) return out;
  const auto r = runner::parse_results(*text);
  if (!r) return out;
  auto add = [&](const std::string& c) {
    if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (const auto& c : r->cases)
    if (c.verdict.kind == runner::VerdictKind::fail)
      for (const auto& cl : c.verdict.clauses) add(cl);
  for (const auto& p : r->properties)
    for (const auto& f : p.failures)
      if (f.kind == runner::VerdictKind::fail)
        for (const auto& c : f.clauses) add(c);
  return out;
}

struct Outcome {
  std::string kind;  // "fault" or "reading"
  std::string name;
  std::string clause;
  int exit_status = 0;
  std::vector<std::string> failing;
  bool as_required = false;  // fault: caught under its clause; reading: passed
};

std::string describe(const Outcome& r, bool under_clause) {
  const std::string failing = r.failing.empty() ? "none" : fmt::format("{}", fmt::join(r.failing, ", "));
  if (r.kind == "fault" && r.exit_status == 1 && under_clause) return "caught under its clause";
  if (r.kind == "reading" && r.exit_status == 0) return "passes";
  return fmt::format("exit {}, failing: {}", r.exit_status, failing);
}

Outcome one(const std::string& kind, std::string_view name, std::string_view clause, server::ServiceHooks hooks,
            const SelftestOptions& o) {
  Outcome r;
  r.kind = kind;
  r.name = std::string(name);
  r.clause = std::string(clause);
  const std::string dir = fmt::format("{}/runs/{}-{}", o.out_dir, kind, name);
  {
    server::ServiceOptions options;
    options.hooks = std::move(hooks);
    runner::EmbeddedServer target(std::move(options));
    r.exit_status = run_child(target.url(), dir, dir + ".txt", o);
  }
  r.failing = failing_clauses(dir + "/results.json");
  const bool under_clause = std::find(r.failing.begin(), r.failing.end(), r.clause) != r.failing.end();
  r.as_required = kind == "fault" ? r.exit_status == 1 && under_clause : r.exit_status == 0;
  std::cout << fmt::format("{} {:<7} {:<30} {:<34} {}\n", r.as_required ? "ok    " : "NOT OK", kind, r.name, r.clause,
                           describe(r, under_clause));
  return r;
}

std::string summary_json(const std::vector<Outcome>& all, const SelftestOptions& o) {
  boost::json::array items;
  int faults = 0, caught = 0, readings = 0, passed = 0;
  for (const auto& r : all) {
    boost::json::array failing;
    for (const auto& c : r.failing) failing.emplace_back(c);
    items.push_back(boost::json::object{{"kind", r.kind}, {"name", r.name}, {"clause", r.clause},
                                        {"exit_status", r.exit_status}, {"failing_clauses", std::move(failing)},
                                        {"as_required", r.as_required}});
    (r.kind == "fault" ? faults : readings) += 1;
    (r.kind == "fault" ? caught : passed) += r.as_required ? 1 : 0;
  }
  return boost::json::serialize(boost::json::object{
      {"format", "essconf-selftest/1"}, {"seed", o.seed}, {"property_runs", o.property_runs},
      {"faults", faults}, {"faults_caught_under_their_clause", caught},
      {"readings", readings}, {"readings_passed", passed}, {"runs", std::move(items)}}) + "\n";
}

bool wanted(const SelftestOptions& o, std::string_view name) {
  return o.only.empty() || std::find(o.only.begin(), o.only.end(), name) != o.only.end();
}

int run(const SelftestOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) {
    std::cerr << fmt::format("essconf selftest: --out {}: {}\n", o.out_dir, ec.message());
    return 2;
  }
  for (const auto& name : o.only)
    if (!selftest::fault_named(name) && !selftest::reading_named(name)) {
      std::cerr << fmt::format("essconf selftest: \"{}\" is neither a fault nor a reading (essconf serve --list-faults, --list-readings)\n", name);
      return 2;
    }
  std::vector<Outcome> all;
  for (const auto& f : selftest::fault_catalog())
    if (wanted(o, f.name)) all.push_back(one("fault", f.name, f.clause, selftest::fault_hooks(selftest::fault_set({f.fault})), o));
  for (const auto& r : selftest::reading_catalog())
    if (wanted(o, r.name))
      all.push_back(one("reading", r.name, r.clause, selftest::reading_hooks(selftest::reading_set({r.reading})), o));
  const std::string file = o.out_dir + "/selftest.json";
  if (auto written = runner::write_file_atomically(file, summary_json(all, o)); !written) {
    std::cerr << "essconf selftest: " << written.error() << "\n";
    return 2;
  }
  const auto count = [&](const char* kind, bool ok) {
    return std::count_if(all.begin(), all.end(), [&](const Outcome& r) { return r.kind == kind && (!ok || r.as_required); });
  };
  std::cout << fmt::format("\nfaults caught under their own clause: {} of {}\nreadings passed: {} of {}\n(details: {})\n",
                           count("fault", true), count("fault", false), count("reading", true), count("reading", false), file);
  return std::all_of(all.begin(), all.end(), [](const Outcome& r) { return r.as_required; }) ? 0 : 1;
}

}  // namespace

void add_selftest_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<SelftestOptions>();
  auto* cmd = app.add_subcommand("selftest",
                                 "Run the suite against every self-test fault and reading of the embedded server: "
                                 "how many faults it catches under their own clause, how many readings it passes");
  cmd->add_option("--out", o->out_dir, "Folder for each run's results and selftest.json")->capture_default_str();
  cmd->add_option("--property-runs", o->property_runs, "Generated cases per run (as essconf run)")
      ->check(CLI::Range(0, 100000))->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of every run")->capture_default_str();
  cmd->add_option("--only", o->only, "Only these faults or readings (repeatable)");
  cmd->callback([o, &exit_status] { exit_status = run(*o); });
}

}  // namespace essconf::cli
