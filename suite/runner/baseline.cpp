#include "suite/runner/baseline.hpp"

#include "suite/runner/files.hpp"

#include <fnmatch.h>

#include <regex>

#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

namespace essconf::runner {
namespace {

bool matches(const BaselineEntry& e, const std::string& id) { return fnmatch(e.case_glob.c_str(), id.c_str(), 0) == 0; }

}  // namespace

namespace {

BaselineEntry read_entry(const JsonNode& item) {
  static const std::regex date("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  const auto o = item.object({"case", "reason", "expires"});
  BaselineEntry entry;
  for (auto [key, value] : {std::pair{"case", &entry.case_glob}, std::pair{"reason", &entry.reason},
                            std::pair{"expires", &entry.expires}}) {
    *value = o.field(key).string().value_or("");
    if (o.present() && value->empty()) o.fail_at(key, "required, non-empty");
  }
  if (o.present() && !std::regex_match(entry.expires, date))
    o.fail_at("expires", fmt::format("\"{}\" is not YYYY-MM-DD", entry.expires));
  return entry;
}

Baseline read_baseline(const JsonNode& root) {
  Baseline b;
  for (const auto& item : root.object({"entries"}).field("entries").items()) b.entries.push_back(read_entry(item));
  return b;
}

}  // namespace

Result<Baseline> load_baseline(const std::string& file) {
  const auto text = read_file(file);
  if (!text) return Problem("", "cannot read the file", file);
  return read_json(*text, read_baseline, file);
}

BaselineReport apply_baseline(RunResult& result, const Baseline& baseline, const std::string& today) {
  BaselineReport report;
  for (const auto& e : baseline.entries) {
    const bool expired = e.expires < today;
    bool any = false, all_pass = true;
    for (auto& c : result.cases) {
      if (!matches(e, c.id)) continue;
      any = true;
      if (c.verdict.kind == VerdictKind::not_applicable) continue;
      if (!blocks(c, result.profile)) continue;
      all_pass = false;
      if (!expired && c.baseline_reason.empty()) {
        c.baseline_reason = fmt::format("{} (until {})", e.reason, e.expires);
        report.excused.push_back(c.id);
      }
    }
    if (!any) report.matching_nothing.push_back(e);
    else if (expired) report.expired.push_back(e);
    else if (all_pass) report.now_passing.push_back(e);
  }
  return report;
}

bool BaselineReport::gate_ok(const RunResult& result) const {
  return expired.empty() && now_passing.empty() && result.conformant(/*excuse_baseline=*/true);
}

}  // namespace essconf::runner
