#include "suite/runner/property_streams.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "suite/report/results_json.hpp"
#include "suite/runner/repeat.hpp"
#include "suite/runner/results_reader.hpp"

namespace essconf::runner {
namespace {

// Stream k's share of `total` out of n, at least 1.
int share(int total, int k, int n) { return std::max(1, total / n + (k <= total % n ? 1 : 0)); }

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// In the child: runs the checks, writes their results as results.json to
// `out`, and leaves without running the parent's destructors or atexit handlers.
[[noreturn]] void run_stream(const property::PropertyOptions& options, const std::vector<PropertyCheck>& checks,
                             std::uint64_t base_seed, std::FILE* out) {
  int status = 3;
  try {
    // RapidCheck prints its configuration once per process: make it name this
    // stream's seed, unless the user set RC_PARAMS to something else.
    if (const char* p = std::getenv("RC_PARAMS"); p != nullptr && fmt::format("seed={}", base_seed) == p)
      setenv("RC_PARAMS", fmt::format("seed={}", options.run.seed).c_str(), /*overwrite=*/1);
    RunResult r;
    r.seed = options.run.seed;
    for (const PropertyCheck& check : checks) r.properties.push_back(check.run(options));
    const std::string json = report::results_json(r);
    if (std::fwrite(json.data(), 1, json.size(), out) == json.size() && std::fflush(out) == 0) status = 0;
  } catch (...) {
    // The parent reports a stream that left no results.
  }
  _exit(status);
}

std::string read_all(std::FILE* f) {
  std::string text;
  std::rewind(f);
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
}

std::string how_it_ended(int wait_status) {
  if (WIFSIGNALED(wait_status)) return fmt::format("was ended by signal {} ({})", WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
  if (WIFEXITED(wait_status)) return fmt::format("exited with status {} without results", WEXITSTATUS(wait_status));
  return "ended without results";
}

// The results of stream k, or the reason there are none.
Result<std::vector<PropertyResult>> stream_results(std::FILE* out, int wait_status, std::size_t checks) {
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) return Problem("", how_it_ended(wait_status));
  auto r = parse_results(read_all(out));
  if (!r) return Problem("", "wrote results that cannot be read: " + r.error());
  if (r->properties.size() != checks)
    return Problem("", fmt::format("wrote {} properties, not {}", r->properties.size(), checks));
  return std::move(r->properties);
}

PropertyResult stream_error(const PropertyCheck& check, const property::PropertyOptions& options, int k,
                            const std::string& why) {
  PropertyResult p;
  p.name = std::string(check.name);
  p.verdict = VerdictKind::error;
  p.seed = options.run.seed;
  p.summary = fmt::format("property stream {} (seed {}) {}", k, options.run.seed, why);
  return p;
}

// A stream, as the parent sees it.
struct Stream {
  property::PropertyOptions options;
  File out;
  pid_t pid = -1;
  std::string not_started;  // why it could not be started ("" when it was)
  int wait_status = 0;
  bool ended = false;
  bool overdue = false;  // stopped by the parent at the deadline
};

constexpr std::chrono::seconds kGrace{30};

// Waits until every started stream has ended; past `deadline`, stops those left.
void wait_for(std::vector<Stream>& streams, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    bool left = false;
    for (auto& s : streams) {
      if (s.pid <= 0 || s.ended) continue;
      if (waitpid(s.pid, &s.wait_status, WNOHANG) == s.pid) s.ended = true;
      else left = true;
    }
    if (!left) return;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& s : streams) {
    if (s.pid <= 0 || s.ended) continue;
    kill(s.pid, SIGKILL);
    while (waitpid(s.pid, &s.wait_status, 0) < 0 && errno == EINTR) {
    }
    s.ended = s.overdue = true;
  }
}

// What stream `s` found, or why it found nothing.
Result<std::vector<PropertyResult>> results_of(const Stream& s, std::size_t checks) {
  if (!s.not_started.empty()) return Problem("", s.not_started);
  if (s.overdue)
    return Problem("", fmt::format("did not end within the run's time limit and {} s more, and was stopped",
                                   kGrace.count()));
  return stream_results(s.out.get(), s.wait_status, checks);
}

}  // namespace

std::string stream_world_name(int k) { return fmt::format("essconf-stream-{}", k); }

property::PropertyOptions stream_options(const property::PropertyOptions& all, int k, int n) {
  property::PropertyOptions o = all;
  o.run.seed = all.run.seed + static_cast<std::uint64_t>(k - 1);
  o.run.world_name = stream_world_name(k);
  o.run.on_progress = nullptr;
  o.differential_runs = share(all.differential_runs, k, n);
  o.stateful_runs = share(all.stateful_runs, k, n);
  o.concurrency_rounds = share(all.concurrency_rounds, k, n);
  return o;
}

PropertyResult merge_streams(const std::vector<PropertyResult>& parts, std::uint64_t base_seed) {
  PropertyResult m = parts.front();
  const int n = static_cast<int>(parts.size());
  m.seed = base_seed;
  m.runs = 0;
  m.http_requests = 0;
  m.seconds = 0;
  m.failures.clear();
  m.distribution.clear();
  std::set<std::pair<std::string, VerdictKind>> listed;  // (clause, kind) of the failures kept
  const PropertyResult* worst = &parts.front();
  for (int k = 1; k <= n; ++k) {
    const PropertyResult& p = parts[static_cast<std::size_t>(k - 1)];
    if (severity(p.verdict) > severity(worst->verdict)) worst = &p;
    m.runs += p.runs;
    m.http_requests += p.http_requests;
    m.seconds = std::max(m.seconds, p.seconds);
    for (const auto& tagged : p.distribution) {
      auto it = std::find_if(m.distribution.begin(), m.distribution.end(),
                             [&](const auto& d) { return d.first == tagged.first; });
      if (it == m.distribution.end()) m.distribution.push_back(tagged);
      else it->second += tagged.second;
    }
    for (PropertyFailure f : p.failures) {
      std::vector<std::string> fresh;
      for (auto& c : f.clauses)
        if (listed.emplace(c, f.kind).second) fresh.push_back(std::move(c));
      if (fresh.empty() && !f.clauses.empty()) continue;  // every clause already listed by another stream
      f.clauses = std::move(fresh);
      f.detail += fmt::format("\nFound by property stream {} of {} (--seed {}, World {}).", k, n, p.seed,
                              stream_world_name(k));
      m.failures.push_back(std::move(f));
    }
  }
  m.verdict = worst->verdict;
  if (!m.failures.empty()) m.clause = m.clause_of(m.failures.front());
  const std::string streams = fmt::format("{} streams, each on its own World (seeds {} to {})", n, base_seed,
                                          base_seed + static_cast<std::uint64_t>(n) - 1);
  if (m.failures.size() == 1) {
    m.summary = fmt::format("{}: {}", streams, m.failures.front().summary);
  } else if (!m.failures.empty()) {
    m.summary = fmt::format("{}: {} distinct failures; the first: {}", streams, m.failures.size(),
                            m.failures.front().summary);
  } else if (m.verdict == VerdictKind::pass) {
    m.summary = fmt::format("{}: {} runs, every one passed", streams, m.runs);
  } else {
    m.summary = fmt::format("{}: {}", streams, worst->summary);
  }
  return m;
}

std::optional<std::vector<PropertyResult>> run_property_streams(const property::PropertyOptions& options,
                                                                const std::vector<PropertyCheck>& checks,
                                                                int streams) {
  if (streams <= 1 || !target_lists(options.run, "isolated_worlds")) return std::nullopt;
  std::vector<Stream> running;
  std::fflush(nullptr);  // nothing buffered is written twice
  for (int k = 1; k <= streams; ++k) {
    Stream s;
    s.options = stream_options(options, k, streams);
    s.out.reset(std::tmpfile());
    if (!s.out) {
      s.not_started = fmt::format("could not be started: no temporary file ({})", std::strerror(errno));
    } else if ((s.pid = fork()) < 0) {
      s.not_started = fmt::format("could not be started: fork failed ({})", std::strerror(errno));
    } else if (s.pid == 0) {
      run_stream(s.options, checks, options.run.seed, s.out.get());
    }
    running.push_back(std::move(s));
  }
  // Each stream keeps to the run's time limit; one that does not (a hang)
  // is stopped some time after it, so that the run itself never hangs.
  wait_for(running, std::chrono::steady_clock::now() + options.run.run_timeout + kGrace);
  std::vector<std::vector<PropertyResult>> per_check(checks.size());
  for (std::size_t i = 0; i < running.size(); ++i) {
    const Stream& s = running[i];
    const int k = static_cast<int>(i) + 1;
    auto results = results_of(s, checks.size());
    for (std::size_t c = 0; c < checks.size(); ++c)
      per_check[c].push_back(results ? (*results)[c] : stream_error(checks[c], s.options, k, results.problem().message));
  }
  std::vector<PropertyResult> merged;
  merged.reserve(per_check.size());
  for (const auto& parts : per_check) merged.push_back(merge_streams(parts, options.run.seed));
  return merged;
}

}  // namespace essconf::runner
