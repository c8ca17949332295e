// A baseline of known deviations: each entry excuses the cases matching a
// glob, with a reason and an expiry date. A CI gate then fails only on what
// is new; an expired entry, or one whose cases all pass now, fails it too,
// so the baseline cannot rot (docs/run.md).
#pragma once

#include <string>
#include <vector>

#include "suite/runner/run.hpp"

namespace essconf::runner {

struct BaselineEntry {
  std::string case_glob;
  std::string reason;
  std::string expires;  // YYYY-MM-DD
};

struct Baseline {
  std::vector<BaselineEntry> entries;
};

// A problem names the file and the path ("FILE: $.entries[0].expires: reason").
Result<Baseline> load_baseline(const std::string& file);

struct BaselineReport {
  std::vector<std::string> excused;            // case ids whose fail/deviation/error an entry excuses
  std::vector<BaselineEntry> expired;          // entries past their date (they excuse nothing)
  std::vector<BaselineEntry> now_passing;      // entries whose matching cases all pass
  std::vector<BaselineEntry> matching_nothing; // entries that match no case of the run
  // No entry needs attention, and the run is conformant with the excused cases aside.
  bool gate_ok(const RunResult& result) const;
};

// Marks excused cases in `result` (CaseResult::baseline_reason) and reports
// the entries that need attention. `today` is YYYY-MM-DD.
BaselineReport apply_baseline(RunResult& result, const Baseline& baseline, const std::string& today);

}  // namespace essconf::runner
