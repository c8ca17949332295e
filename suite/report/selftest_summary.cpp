#include "suite/report/selftest_summary.hpp"

#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

namespace essconf::report {
namespace {

int count(const JsonNode& node) { return node.number<int>().value_or(0); }

// One run of the self-test; `as_required` says whether it did what it must.
SelftestMiss read_run(const JsonNode& node, bool& as_required) {
  const auto o = node.object();
  SelftestMiss miss;
  miss.kind = o.field("kind").string().value_or("");
  miss.name = o.field("name").string().value_or("");
  miss.clause = o.field("clause").string().value_or("");
  miss.exit_status = count(o.field("exit_status"));
  miss.failing_clauses = o.field("failing_clauses").strings();
  as_required = o.field("as_required").boolean().value_or(false);
  return miss;
}

SelftestSummary read_summary(const JsonNode& root) {
  const auto o = root.object();
  const auto format = o.field("format");
  if (const auto f = format.string(); f && *f != "essconf-selftest/1")
    format.fail(fmt::format("\"{}\" is not essconf-selftest/1", *f));
  SelftestSummary s;
  s.faults = count(o.field("faults"));
  s.faults_caught = count(o.field("faults_caught_under_their_clause"));
  s.readings = count(o.field("readings"));
  s.readings_passed = count(o.field("readings_passed"));
  s.seed = o.field("seed").number<std::uint64_t>().value_or(0);
  s.property_runs = count(o.field("property_runs"));
  for (const auto& run : o.field("runs").items()) {
    bool as_required = false;
    auto miss = read_run(run, as_required);
    if (!as_required) s.misses.push_back(std::move(miss));
  }
  return s;
}

}  // namespace

Result<SelftestSummary> parse_selftest(std::string_view text) { return read_json(text, read_summary); }

}  // namespace essconf::report
