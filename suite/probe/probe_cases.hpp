// The catalog as essconf probe sends it: every case's request moved onto what
// the user declares (docs/probe.md). The case's groups become the declared
// groups, every instance of its World a fresh id nobody has, its access keys
// the declared key (or a fresh one), its literal nonces fresh for this run and case.
// What the target may answer is then probe::Judge's, not the case's World's:
// a case whose own clause the answer does not bear out is "not judged".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suite/probe/probe_judge.hpp"
#include "suite/runner/case.hpp"

namespace essconf::probe {

// Fresh ids for one run: realistic shapes ("i-" and "asg-" and 20 lower-case
// letters and digits), drawn from `seed` and the run's own random token, so
// two runs never share a nonce or an id.
class FreshIds {
 public:
  FreshIds(std::uint64_t seed, std::string run_token);
  // Fresh ids for a run of `seed` with a random token of its own.
  static FreshIds for_new_run(std::uint64_t seed);
  std::string instance();
  std::string group();
  std::string key();
  // What a case's literal nonces get appended, unique to this run and to the
  // case: two cases that share a literal (generated ones do) share no nonce,
  // and one case's requests still share theirs.
  std::string nonce_suffix();

 private:
  std::string next(std::string_view prefix);
  std::uint64_t state_;
  std::string run_token_;
  std::size_t token_hash_;  // keys every id to the run
  std::uint64_t cases_ = 0;  // nonce suffixes handed out
};

// `c` moved onto `d`: ids, keys and nonces replaced in every request (its
// parameters, raw text, headers and signing), its World replaced by
// base_world(d). The i-th group of the case's World becomes the i-th declared
// group, or a fresh group id when fewer are declared.
runner::Case to_probe_case(const runner::Case& c, const Declarations& d, FreshIds& ids);

}  // namespace essconf::probe
