#include "suite/fuzzing/campaign.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <fmt/format.h>

#include "suite/fuzzing/case_memo.hpp"
#include "suite/fuzzing/finding.hpp"
#include "suite/fuzzing/mutator.hpp"

#ifdef ESSCONF_LIBFUZZER
extern "C" int LLVMFuzzerRunDriver(int* argc, char*** argv, int (*callback)(const uint8_t* data, size_t size));
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);
#endif

namespace essconf::fuzzing {
#ifdef ESSCONF_LIBFUZZER
namespace {

// The campaign's state: libFuzzer's callbacks are plain functions.
struct Campaign {
  CampaignOptions options;
  std::unique_ptr<runner::CaseSession> session;
  std::set<std::string> signatures;
  std::map<std::string, int> by_clause;
  std::uint64_t inputs = 0, rejected = 0;
  std::chrono::steady_clock::time_point start, last_progress;
};
Campaign* g_campaign = nullptr;

// The cases parsed last, shared by the callback and the mutation hooks (CaseMemo): at most 256
// cases, a few MB for the catalog's Worlds.
CaseMemo& parsed_cases() {
  static CaseMemo memo(256);
  return memo;
}

void print_progress(bool final) {
  Campaign& c = *g_campaign;
  if (c.options.before_print) c.options.before_print();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
  const auto requests = c.session->http_requests();
  std::string clauses;
  for (const auto& [clause, n] : c.by_clause) clauses += fmt::format("{}{} {}", clauses.empty() ? "" : ", ", clause, n);
  std::fprintf(stderr, "essconf fuzz%s: %.0f s, %llu cases (%llu not cases), %.0f HTTP requests/s, %zu findings%s%s\n",
               final ? " summary" : "", secs, static_cast<unsigned long long>(c.inputs),
               static_cast<unsigned long long>(c.rejected), secs > 0 ? requests / secs : 0.0, c.signatures.size(),
               clauses.empty() ? "" : ": ", clauses.c_str());
}

std::string hash_name(const std::string& s) {
  return fmt::format("{:016x}", std::hash<std::string>{}(s));
}

int one_input(const uint8_t* data, size_t size) {
  Campaign& c = *g_campaign;
  // libFuzzer checks -max_total_time between mutations but not while it runs the seed corpus, where
  // a target that never answers would cost a request timeout per seed: past the time, inputs are skipped.
  if (std::chrono::steady_clock::now() - c.start >= std::chrono::seconds(c.options.seconds)) return -1;
  auto parsed = parsed_cases().parse({reinterpret_cast<const char*>(data), size});
  if (!parsed) {
    ++c.rejected;
    return -1;  // not added to the corpus
  }
  ++c.inputs;
  runner::Case& kase = *parsed;
  kase.id = fmt::format("fuzz.{}", c.inputs);
  const runner::CaseResult r = c.session->run(kase);
  const bool bad = runner::blocks(r.verdict.kind, c.options.run.profile);
  if (bad) {
    Finding f{signature_of(r), c.options.target_text, c.options.run.seed, kase, r};
    if (c.signatures.insert(f.signature).second) {
      ++c.by_clause[r.verdict.clauses.empty() ? "-" : r.verdict.clauses.front()];
      const std::string file = c.options.findings_dir + "/" + hash_name(f.signature) + ".json";
      std::ofstream(file) << finding_to_json(f) << "\n";
      if (c.options.before_print) c.options.before_print();
      std::fprintf(stderr, "essconf fuzz: new finding %s: %s\n  %s\n", file.c_str(), r.verdict.summary.c_str(),
                   r.curl.c_str());
    }
  }
  if (c.options.run.on_progress)
    c.options.run.on_progress({"fuzz", c.inputs, 0, c.signatures.size(), c.session->http_requests()});
  if (std::chrono::steady_clock::now() - c.last_progress > std::chrono::seconds(2)) {
    c.last_progress = std::chrono::steady_clock::now();
    print_progress(false);
  }
  return 0;
}

}  // namespace
#endif

#ifdef ESSCONF_LIBFUZZER
bool campaign_available() noexcept { return true; }
#else
bool campaign_available() noexcept { return false; }
#endif

#ifdef ESSCONF_LIBFUZZER
namespace {

// The corpus and findings folders; an empty corpus is seeded with the catalog.
std::error_code prepare_folders(const CampaignOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(o.corpus_dir, ec);
  fs::create_directories(o.findings_dir, ec);
  if (!ec && fs::is_empty(o.corpus_dir, ec)) {
    auto loaded = runner::load_cases(o.cases_dir);
    for (const auto& c : loaded.cases)
      std::ofstream(o.corpus_dir + "/" + hash_name(c.id) + ".json") << runner::case_to_json(c);
  }
  return ec;
}

// Forks the other jobs: they share the corpus (-reload) and the findings
// folder (one file per signature, so the same finding is written once). Each
// job's options: its own seed and its own World (isolated_worlds: a job's
// calls must not change the World another job's case just loaded), and only
// the first one draws progress.
CampaignOptions fork_jobs(const CampaignOptions& o) {
  CampaignOptions mine = o;
  if (o.jobs > 1) mine.run.world_name = "essconf-fuzz-1";
  for (int job = 1; job < o.jobs; ++job) {
    if (fork() == 0) {
      mine.run.seed = o.run.seed + static_cast<std::uint64_t>(job);
      mine.run.world_name = fmt::format("essconf-fuzz-{}", job + 1);
      mine.run.on_progress = nullptr;
      mine.before_print = nullptr;
      break;
    }
  }
  return mine;
}

// Jobs on one World would see each other's calls: more than one job only on
// a target that lists isolated_worlds.
CampaignOptions with_jobs_the_target_allows(CampaignOptions o) {
  if (o.jobs > 1 && !runner::target_lists(o.run, "isolated_worlds")) {
    std::fprintf(stderr,
                 "essconf fuzz: --jobs %d: the target does not list isolated_worlds in its capabilities, and jobs "
                 "sharing one World would see each other's calls; running one job\n",
                 o.jobs);
    o.jobs = 1;
  }
  return o;
}

std::vector<std::string> libfuzzer_args(const CampaignOptions& o, std::uint64_t seed) {
  return {"essconf-fuzz",
          o.corpus_dir,
          // libFuzzer stops once more than max_total_time whole seconds have passed, that is after
          // max_total_time + 1, while one_input stops sending at `seconds`: a second of skipped inputs
          // at the end. One second less ends both together (a 1 s campaign keeps 1: 0 is no limit).
          fmt::format("-max_total_time={}", std::max(1, o.seconds - 1)),
          fmt::format("-seed={}", seed),
          "-max_len=65536",
          "-timeout=30",
          "-reload=1",
          // libFuzzer's entropic schedule (on by default) updates each rare feature's frequency on every
          // run: 37 % of the campaign's CPU in perf, for fewer new inputs in the same time
          // (docs/fuzzing.md). The vanilla schedule.
          "-entropic=0",
          "-print_final_stats=1",
          // libFuzzer's own crash-/timeout-/slow-unit files go with the findings, not in the current folder.
          "-artifact_prefix=" + o.findings_dir + "/libfuzzer-"};
}

}  // namespace
#endif

int run_campaign(const CampaignOptions& o) {
#ifndef ESSCONF_LIBFUZZER
  (void)o;
  std::fprintf(stderr,
               "essconf fuzz: this essconf was built without libFuzzer; run the campaign with "
               "scripts/fuzz --target URL --time 60s (it builds the fuzz preset when needed)\n");
  return 2;
#else
  const std::error_code ec = prepare_folders(o);
  const CampaignOptions mine = fork_jobs(with_jobs_the_target_allows(o));
  if (ec) {
    std::fprintf(stderr, "essconf fuzz: cannot create %s or %s: %s\n", o.corpus_dir.c_str(), o.findings_dir.c_str(),
                 ec.message().c_str());
    return 2;
  }
  static Campaign campaign;
  campaign.options = mine;
  campaign.start = campaign.last_progress = std::chrono::steady_clock::now();
  campaign.session = std::make_unique<runner::CaseSession>(
      mine.run, campaign.start + std::chrono::seconds(o.seconds) + std::chrono::seconds(30));
  if (!campaign.session->setup_error().empty()) {
    std::fprintf(stderr, "essconf fuzz: %s\n", campaign.session->setup_error().c_str());
    return 2;
  }
  g_campaign = &campaign;
  // libFuzzer ends the process itself when the time is up: the summary is printed at exit.
  std::atexit([] {
    print_progress(true);
    std::fflush(stderr);
    if (!g_campaign->signatures.empty()) std::_Exit(1);
  });
  auto args = libfuzzer_args(o, mine.run.seed);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  char** argv_ptr = argv.data();
  return LLVMFuzzerRunDriver(&argc, &argv_ptr, one_input);
#endif
}

}  // namespace essconf::fuzzing

#ifdef ESSCONF_LIBFUZZER
// libFuzzer's hooks. Most mutants are structural (near a valid call); one in
// five is libFuzzer's own byte mutation, of a field of the request rather than
// of the case file, so the mutant is still a case. An input that is not a case
// (one libFuzzer made by other means) gets a byte mutation of the whole file.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::mt19937_64 rng(seed);
  auto parsed = essconf::fuzzing::parsed_cases().parse({reinterpret_cast<const char*>(data), size});
  if (!parsed) return LLVMFuzzerMutate(data, size, max_size);
  if (rng() % 5 == 0)
    essconf::fuzzing::mutate_bytes(*parsed, rng, LLVMFuzzerMutate);
  else
    essconf::fuzzing::mutate(*parsed, rng);
  std::string out = essconf::runner::case_to_json(*parsed);
  if (out.size() > max_size) return size;
  std::copy(out.begin(), out.end(), data);
  const size_t n = out.size();
  essconf::fuzzing::parsed_cases().remember(std::move(out), *parsed);  // the callback gets these bytes next
  return n;
}

// Crossing two inputs as cases (essconf::fuzzing::cross_over), not as bytes:
// libFuzzer's own crossover of two JSON files is rarely a case. 0 (no child)
// when either is not a case or the child does not fit.
extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                                            uint8_t* out, size_t max_out_size, unsigned int seed) {
  auto& memo = essconf::fuzzing::parsed_cases();
  auto a = memo.parse({reinterpret_cast<const char*>(data1), size1});
  auto b = memo.parse({reinterpret_cast<const char*>(data2), size2});
  if (!a || !b) return 0;
  std::mt19937_64 rng(seed);
  const essconf::runner::Case c = essconf::fuzzing::cross_over(*a, *b, rng);
  std::string child = essconf::runner::case_to_json(c);
  if (child.size() > max_out_size) return 0;
  std::copy(child.begin(), child.end(), out);
  const size_t n = child.size();
  memo.remember(std::move(child), c);
  return n;
}
#endif
