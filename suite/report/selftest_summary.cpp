#include "suite/report/selftest_summary.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::report {
namespace {

namespace json = boost::json;

// `o[key]` as T, or a problem naming the key.
template <class T>
bool take(const json::object& o, std::string_view key, T& out, std::string& error) {
  const json::value* v = o.if_contains(key);
  if (v) {
    auto r = json::try_value_to<T>(*v);
    if (r) {
      out = std::move(*r);
      return true;
    }
  }
  error = fmt::format("$.{}: {}", key, v ? "has the wrong type" : "is missing");
  return false;
}

bool take_run(const json::value& v, std::size_t i, SelftestMiss& miss, bool& as_required, std::string& error) {
  const json::object* o = v.if_object();
  if (!o) {
    error = fmt::format("$.runs[{}]: not an object", i);
    return false;
  }
  std::string e;
  if (take(*o, "kind", miss.kind, e) && take(*o, "name", miss.name, e) && take(*o, "clause", miss.clause, e) &&
      take(*o, "exit_status", miss.exit_status, e) && take(*o, "failing_clauses", miss.failing_clauses, e) &&
      take(*o, "as_required", as_required, e))
    return true;
  error = fmt::format("$.runs[{}]{}", i, e.substr(1));
  return false;
}

}  // namespace

std::optional<SelftestSummary> parse_selftest(std::string_view text, std::string& error) {
  boost::system::error_code ec;
  const json::value root = json::parse(text, ec);
  if (ec) {
    error = "not JSON: " + ec.message();
    return std::nullopt;
  }
  const json::object* o = root.if_object();
  if (!o) {
    error = "$: not an object";
    return std::nullopt;
  }
  std::string format;
  if (!take(*o, "format", format, error)) return std::nullopt;
  if (format != "essconf-selftest/1") {
    error = fmt::format("$.format: \"{}\" is not essconf-selftest/1", format);
    return std::nullopt;
  }
  SelftestSummary s;
  json::array runs;
  if (!take(*o, "faults", s.faults, error) || !take(*o, "faults_caught_under_their_clause", s.faults_caught, error) ||
      !take(*o, "readings", s.readings, error) || !take(*o, "readings_passed", s.readings_passed, error) ||
      !take(*o, "seed", s.seed, error) || !take(*o, "property_runs", s.property_runs, error) ||
      !take(*o, "runs", runs, error))
    return std::nullopt;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SelftestMiss miss;
    bool as_required = false;
    if (!take_run(runs[i], i, miss, as_required, error)) return std::nullopt;
    if (!as_required) s.misses.push_back(std::move(miss));
  }
  return s;
}

}  // namespace essconf::report
