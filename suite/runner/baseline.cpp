#include "suite/runner/baseline.hpp"

#include "suite/runner/files.hpp"

#include <fnmatch.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::runner {
namespace {

bool matches(const BaselineEntry& e, const std::string& id) { return fnmatch(e.case_glob.c_str(), id.c_str(), 0) == 0; }

}  // namespace

BaselineLoad load_baseline(const std::string& file) {
  BaselineLoad out;
  const auto text = read_file(file);
  if (!text) {
    out.error = file + ": cannot read the file";
    return out;
  }
  boost::system::error_code ec;
  const auto doc = boost::json::parse(*text, ec);
  if (ec) {
    out.error = fmt::format("{}: not valid JSON: {}", file, ec.message());
    return out;
  }
  const auto* obj = doc.if_object();
  const auto* entries = obj ? obj->if_contains("entries") : nullptr;
  if (obj == nullptr || entries == nullptr || !entries->is_array() || obj->size() != 1) {
    out.error = file + ": $: expected {\"entries\": [...]}";
    return out;
  }
  static const std::regex date("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  Baseline b;
  for (std::size_t i = 0; i < entries->get_array().size(); ++i) {
    const auto path = fmt::format("$.entries[{}]", i);
    const auto* e = entries->get_array()[i].if_object();
    if (e == nullptr) {
      out.error = fmt::format("{}: {}: expected an object", file, path);
      return out;
    }
    BaselineEntry entry;
    for (const auto& kv : *e) {
      const std::string key(kv.key());
      if (!kv.value().is_string()) {
        out.error = fmt::format("{}: {}.{}: expected a string", file, path, key);
        return out;
      }
      const std::string value(kv.value().get_string());
      if (key == "case") entry.case_glob = value;
      else if (key == "reason") entry.reason = value;
      else if (key == "expires") entry.expires = value;
      else {
        out.error = fmt::format("{}: {}.{}: unknown field", file, path, key);
        return out;
      }
    }
    for (const auto& [field, value] : {std::pair{"case", &entry.case_glob}, std::pair{"reason", &entry.reason},
                                       std::pair{"expires", &entry.expires}})
      if (value->empty()) {
        out.error = fmt::format("{}: {}.{}: required, non-empty", file, path, field);
        return out;
      }
    if (!std::regex_match(entry.expires, date)) {
      out.error = fmt::format("{}: {}.expires: \"{}\" is not YYYY-MM-DD", file, path, entry.expires);
      return out;
    }
    b.entries.push_back(std::move(entry));
  }
  out.value = std::move(b);
  return out;
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
