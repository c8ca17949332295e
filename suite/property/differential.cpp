// The differential property: for any generated World and request, the
// target's answer (and the World it leaves) is one the model allows. Each
// generated case runs through runner::CaseSession, exactly like a catalog
// case; a failure is shrunk by RapidCheck and reported as a case file.
#include <chrono>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <rapidcheck.h>

#include "suite/property/generators.hpp"
#include "suite/property/properties.hpp"
#include "suite/property/rc_result.hpp"

namespace essconf::property {
namespace {

bool acceptable(const runner::CaseResult& r, model::Profile profile) {
  switch (r.verdict.kind) {
    case runner::VerdictKind::pass:
    case runner::VerdictKind::not_applicable:
      return true;
    case runner::VerdictKind::deviation:
      return profile == model::Profile::spec;
    default:
      return false;
  }
}

}  // namespace

PropertyResult check_differential(const PropertyOptions& o) {
  PropertyResult out;
  out.name = "property.differential";
  out.clause = "robust.no-server-error";
  out.seed = o.run.seed;
  const auto start = std::chrono::steady_clock::now();
  runner::CaseSession session(o.run, start + o.run.run_timeout);
  if (!session.setup_error().empty()) {
    out.summary = session.setup_error();
    return out;
  }
  out.ran = true;
  std::optional<runner::CaseResult> last_failure;  // shrinking ends on the minimal one
  std::uint64_t counter = 0;
  auto property = [&] {
    runner::Case c = *gen_case();
    c.id += fmt::format(".{}", ++counter);
    RC_TAG(c.id.substr(0, c.id.find('.', sizeof("property.") - 1)));
    const runner::CaseResult r = session.run(c);
    if (!acceptable(r, o.run.profile)) {
      // Shrinking cut short by the run's time limit proves nothing: the smallest failure found before stands.
      if (last_failure && std::chrono::steady_clock::now() >= start + o.run.run_timeout) return;
      last_failure = r;
      RC_FAIL(fmt::format("{}: {}", runner::name(r.verdict.kind), r.verdict.summary));
    }
  };
  rc::detail::TestParams params;
  params.seed = o.run.seed;
  params.maxSuccess = o.differential_runs;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = out.name;
  meta.description = "the target's answers to generated requests are ones the model allows";
  const auto result = rc::detail::checkTestable(property, meta, params);
  const rc::detail::FailureResult* bad = take_result(result, out);
  if (out.passed) {
    for (const auto& [tags, n] : result.template get<rc::detail::SuccessResult>().distribution) {
      std::string tag = tags.empty() ? "" : tags.front();
      if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);  // RC_TAG quotes strings
      out.distribution.emplace_back(tag, n);
    }
    out.summary = fmt::format("{} generated cases, every answer allowed by the model", out.runs);
  } else if (bad != nullptr) {
    if (last_failure) {
      out.clause = last_failure->verdict.clauses.empty() ? out.clause : last_failure->verdict.clauses.front();
      out.summary = fmt::format("after {} passing cases, a generated case fails (shrunk): {}", out.runs,
                                last_failure->verdict.summary);
      std::ostringstream d;
      d << "Minimal case (save as fixtures/cases/<family>/<id>.json to keep it):\n";
      for (const auto& [name, value] : bad->counterExample) d << value << "\n";
      d << "\nFindings:\n";
      for (const auto& f : last_failure->verdict.findings)
        d << fmt::format("[{}] {}\n  expected: {}\n  observed: {}\n", runner::name(f.kind), f.clause, f.expected, f.observed);
      if (!last_failure->requests.empty()) d << "\nRequest:\n" << last_failure->requests.back() << "\n";
      d << "curl:\n" << last_failure->curl << "\n";
      d << fmt::format("Response: {}\n{}\n{}\n", last_failure->status, last_failure->response_headers,
                       last_failure->response_body.substr(0, 2000));
      d << fmt::format("\nReplay: essconf run --target URL --skip-catalog --seed {} --property-runs {}\n", o.run.seed,
                       o.differential_runs);
      out.detail = d.str();
    } else {
      out.summary = "the property failed: " + bad->description;
    }
  }
  out.http_requests = session.http_requests();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace essconf::property
