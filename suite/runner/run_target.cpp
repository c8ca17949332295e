#include "suite/runner/run_target.hpp"

#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "reference/model/time.hpp"
#include "suite/property/properties.hpp"
#include "suite/runner/embedded_server.hpp"
#include "suite/runner/property_streams.hpp"
#include "suite/runner/repeat.hpp"

namespace essconf::runner {
namespace {

void tell(const RunPlan& plan) {
  if (plan.on_phase) plan.on_phase();
}

// The property phase of `property_runs` generated cases: command sequences
// and concurrency rounds scale with it.
property::PropertyOptions property_plan(const RunOptions& run, int property_runs) {
  property::PropertyOptions po;
  po.run = run;
  po.differential_runs = property_runs;
  po.stateful_runs = std::max(1, property_runs / 10);
  po.concurrency_rounds = std::max(2, property_runs / 30);
  return po;
}

// One repetition: the cases, then the property phase, against one target.
// The run timeout bounds it: the catalog, then each property in what is left.
RunResult run_once(const RunPlan& plan, const RunOptions& ro) {
  const auto run_deadline = std::chrono::steady_clock::now() + ro.run_timeout;
  tell(plan);
  RunResult result = run_cases(plan.cases, ro);
  if (!runs_property_phase(plan) || !result.run_error.empty()) return result;
  // RapidCheck prints its global configuration when it starts; make it name
  // this run's seed (the properties use the run's seed, not RapidCheck's own).
  const std::string rc_params = fmt::format("seed={}", ro.seed);
  setenv("RC_PARAMS", rc_params.c_str(), /*overwrite=*/0);
  // The property phase: generated cases, command sequences, concurrent calls;
  // under probe, only generated cases (the others set and read the World).
  property::PropertyOptions po = property_plan(ro, plan.property_runs);
  const PropertyCheck differential{"property.differential", &property::check_differential};
  const std::vector<PropertyCheck> checks =
      ro.probe ? std::vector<PropertyCheck>{differential}
               : std::vector<PropertyCheck>{differential, {"property.stateful", &property::check_stateful},
                                            {"property.concurrency", &property::check_concurrency_property}};
  auto time_left = [&] {
    return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                      run_deadline - std::chrono::steady_clock::now()));
  };
  if (plan.streams > 1 && !ro.probe) {
    po.run.run_timeout = time_left();
    tell(plan);
    const auto start = std::chrono::steady_clock::now();
    if (auto merged = run_property_streams(po, checks, plan.streams)) {
      for (auto& p : *merged) {
        result.http_requests += p.http_requests;
        result.properties.push_back(std::move(p));
      }
      result.wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return result;
    }
    fmt::print(stderr, "essconf run: --streams {}: the target does not list isolated_worlds in its capabilities, so the "
                       "property phase runs as one stream\n", plan.streams);
  }
  for (const PropertyCheck& check : checks) {
    po.run.run_timeout = time_left();
    tell(plan);
    result.properties.push_back(check.run(po));
    result.http_requests += result.properties.back().http_requests;
    result.wall_seconds += result.properties.back().seconds;
  }
  return result;
}

// The plan's run options with its target and fixture URLs; the problem when one is not a URL.
Result<RunOptions> run_options(const RunPlan& plan, const std::string& target) {
  RunOptions ro = plan.options;
  auto url = client::parse_url(target).in(fmt::format("--target \"{}\"", target));
  if (!url) return url.problem();
  ro.target = *url;
  ro.fixture = *url;
  if (!plan.fixture_url.empty()) {
    auto f = client::parse_url(plan.fixture_url).in(fmt::format("--fixture-url \"{}\"", plan.fixture_url));
    if (!f) return f.problem();
    ro.fixture = *f;
  }
  return ro;
}

// --repeat N: the same cases and properties N times, folded into one result
// with each verdict's stability. A run that could not happen is not repeated.
RunResult run_repeated(const RunPlan& plan, const RunOptions& ro) {
  std::vector<RunResult> repetitions;
  for (int i = 0; i < plan.repeat; ++i) {
    repetitions.push_back(run_once(plan, ro));
    if (!repetitions.back().run_error.empty()) break;
  }
  RunResult result = fold_repeats(std::move(repetitions));
  result.label = plan.label;
  result.shard = plan.shard.count > 1 ? fmt::format("{}/{}", plan.shard.index, plan.shard.count) : "";
  return result;
}

// 2 when the run could not happen; else 1 unless it is conformant (the baseline's excuses aside).
int exit_status(const RunOutcome& o) {
  if (!o.result.run_error.empty()) return 2;
  const bool conformant = o.baseline ? o.baseline->gate_ok(o.result) : o.result.conformant();
  return conformant ? 0 : 1;
}

}  // namespace

bool runs_property_phase(const RunPlan& plan) noexcept { return plan.property_runs > 0 && plan.shard.index == 1; }

RunOutcome run_target(const RunPlan& plan) {
  RunOutcome out;
  std::unique_ptr<EmbeddedServer> embedded;
  std::string target = plan.target;
  if (target.empty()) {
    try {
      embedded = std::make_unique<EmbeddedServer>(plan.embedded);
    } catch (const std::system_error& e) {
      out.error = Problem("", fmt::format("cannot start the embedded reference server: {}", e.what()));
      return out;
    }
    target = embedded->url();
  }
  const auto ro = run_options(plan, target);
  if (!ro) {
    out.error = ro.problem();
    return out;
  }
  out.result = run_repeated(plan, *ro);
  if (plan.baseline) {
    const std::string today = plan.today.empty() ? model::format_timestamp(std::time(nullptr)).substr(0, 10) : plan.today;
    out.baseline = apply_baseline(out.result, *plan.baseline, today);
  }
  out.exit_status = exit_status(out);
  return out;
}

}  // namespace essconf::runner
