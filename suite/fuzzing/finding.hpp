// A fuzzing finding as one self-contained bundle (docs/fuzzing.md): the case
// (World and request, a case file that fixtures/cases/ accepts), the exact
// request bytes, the curl line, what the target answered, the verdict with
// its clauses, and the seed. `essconf replay FINDING` runs it again.
#pragma once

#include <optional>
#include <string>

#include "suite/runner/case.hpp"
#include "suite/runner/run.hpp"

namespace essconf::fuzzing {

struct Finding {
  std::string signature;  // clause|kind|what: findings with the same signature are one finding
  std::string target;
  std::uint64_t seed = 0;
  runner::Case case_;     // what to set up and send
  runner::CaseResult result;
};

// "clause|verdict|<expected shape>": the deduplication key. Two findings that
// break the same clause in the same way (same expected code/status, same
// kind of observation) share it, whatever their ids and values.
std::string signature_of(const runner::CaseResult& result);

std::string finding_to_json(const Finding& f);

// A problem names the file and the path ("FILE: $.case.request: reason").
Result<Finding> load_finding(const std::string& file);

}  // namespace essconf::fuzzing
