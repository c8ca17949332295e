// Runs a RapidCheck property past its failures: each failure is shrunk and
// recorded under its signature (the clause and the kind of what went wrong,
// the way the fuzz campaign buckets findings), then the property goes on with
// that signature set aside, so one run lists every distinct failing clause.
#pragma once

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <rapidcheck.h>

#include "suite/property/properties.hpp"

namespace essconf::property {

// The signatures already recorded, set aside for the rest of the property.
class FailureLedger {
 public:
  static constexpr std::size_t kMaxFailures = 16;

  // "clause|kind" of every finding that makes `v` unacceptable under `profile`
  // (a fail; a deviation under strict), or "clause|error" for an error.
  static std::vector<std::string> signatures(const runner::Verdict& v, model::Profile profile) {
    std::vector<std::string> out;
    if (v.kind == runner::VerdictKind::error) {
      out.push_back(fmt::format("{}|error", v.clauses.empty() ? "harness" : v.clauses.front()));
      return out;
    }
    for (const auto& f : v.findings)
      if (f.kind != runner::VerdictKind::error && runner::blocks(f.kind, profile))
        out.push_back(fmt::format("{}|{}", f.clause, runner::name(f.kind)));
    if (out.empty()) out.push_back(fmt::format("{}|{}", v.clauses.empty() ? "" : v.clauses.front(), runner::name(v.kind)));
    return out;
  }
  // Some signature has not been recorded yet: this is a new failure.
  bool is_new(const std::vector<std::string>& signatures) const {
    return std::any_of(signatures.begin(), signatures.end(), [&](const std::string& s) { return !set_aside_.count(s); });
  }
  // The clauses of the signatures not recorded yet, in order, without the
  // harness's own errors: the clauses a new failure is listed under.
  std::vector<std::string> new_clauses(const std::vector<std::string>& signatures) const {
    std::vector<std::string> out;
    for (const auto& s : signatures) {
      const std::string clause = s.substr(0, s.find('|'));
      if (!set_aside_.count(s) && clause != "harness" && std::find(out.begin(), out.end(), clause) == out.end())
        out.push_back(clause);
    }
    return out;
  }
  void set_aside(const std::vector<std::string>& signatures) { set_aside_.insert(signatures.begin(), signatures.end()); }
  std::size_t size() const noexcept { return set_aside_.size(); }

 private:
  std::set<std::string> set_aside_;
};

// Round r's seed: the run's seed for round 0 (the first failure is the one a
// property that stopped there would report), then a mix of both.
inline std::uint64_t round_seed(std::uint64_t seed, int round) {
  if (round == 0) return seed;
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(round);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Checks `property` in rounds until one passes, `runs` passing runs are used
// up, the deadline passes or kMaxFailures failures are recorded. After each
// failing round, `record` is called with RapidCheck's (shrunk) failure; it
// appends to out.failures, sets the failure's signatures aside in the ledger
// the property consults, and returns whether going on can find anything new. Sets out.verdict, out.runs and, for a round
// RapidCheck could neither pass nor fail (it gave up), out.summary.
template <class Property, class Record>
void check_past_failures(Property&& property, rc::detail::TestMetadata meta, rc::detail::TestParams params, int runs,
                         std::chrono::steady_clock::time_point deadline, PropertyResult& out, Record&& record) {
  int remaining = runs;
  out.verdict = runner::VerdictKind::pass;
  for (int round = 0; remaining > 0; ++round) {
    params.seed = round_seed(out.seed, round);
    params.maxSuccess = remaining;
    const auto result = rc::detail::checkTestable(property, meta, params);
    if (result.template is<rc::detail::SuccessResult>()) {
      const auto& ok = result.template get<rc::detail::SuccessResult>();
      out.runs += ok.numSuccess;
      if (round == 0)
        for (const auto& [tags, n] : ok.distribution) {
          std::string tag = tags.empty() ? "" : tags.front();
          if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);  // RC_TAG quotes strings
          out.distribution.emplace_back(tag, n);
        }
      break;
    }
    if (!result.template is<rc::detail::FailureResult>()) {
      std::ostringstream os;
      rc::detail::printResultMessage(result, os);
      out.verdict = runner::VerdictKind::error;
      out.summary = "RapidCheck could not run the property: " + os.str();
      return;
    }
    const auto& bad = result.template get<rc::detail::FailureResult>();
    out.runs += bad.numSuccess;
    remaining -= bad.numSuccess + 1;
    if (!record(bad)) break;
    if (out.failures.size() >= FailureLedger::kMaxFailures || std::chrono::steady_clock::now() >= deadline) break;
  }
  if (!out.failures.empty()) {
    // Only errors: the harness could not judge the target, which is not a fail of it.
    const bool only_errors = std::all_of(out.failures.begin(), out.failures.end(),
                                         [](const runner::PropertyFailure& f) { return f.kind == runner::VerdictKind::error; });
    out.verdict = only_errors ? runner::VerdictKind::error : runner::VerdictKind::fail;
    out.clause = out.clause_of(out.failures.front());
  }
}

}  // namespace essconf::property
