#include "suite/runner/world_access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"

namespace essconf::runner {

std::string FixtureWorld::cannot_run(const Case& c) const {
  for (const auto& need : c.needs())
    if (!caps_.has(need)) return "the target does not list the fixture feature \"" + need + "\"";
  return "";
}

std::optional<model::Expectation> FixtureWorld::expect(const model::World& world, const wire::HttpRequest& request,
                                                       model::Profile profile, const model::Context& ctx,
                                                       std::string& /*unsafe_why*/) const {
  return model::expect(world, request, profile, ctx);
}

Result<std::optional<model::World>> FixtureWorld::read() {
  auto world = fixture_.get_world();
  if (!world) return world.problem();
  return std::optional<model::World>(std::move(*world));
}

std::optional<model::Expectation> DeclaredWorlds::expect(const model::World& /*world*/, const wire::HttpRequest& request,
                                                         model::Profile profile, const model::Context& ctx,
                                                         std::string& unsafe_why) const {
  probe::Judgement j = judge_(request, profile, ctx);
  if (!j.safe) {
    unsafe_why = std::move(j.unsafe_why);
    return std::nullopt;
  }
  return std::move(j.expectation);
}

namespace {

// The clauses an answer bears out: those of the error outcomes it matches,
// and those the checker judges on every answer. The best explanations only:
// when the answer matches an outcome that fixes its Code, an outcome that
// allows any code (which also matches) says nothing of its clauses; a target
// that ignores a signature and answers InvalidInstanceId.NotFound has not
// borne out rpc.signature.
std::vector<std::string_view> judged_by_answer(const model::Expectation& e, const Observation& o) {
  std::vector<std::string_view> out{model::clause::kErrorBody, model::clause::kRequestId, model::clause::kNoServerError,
                                    e.format_clause};
  const auto body = wire::parse_body(o.body);
  const std::string code = body.field("Code").value_or("");
  const std::string message = body.field("Message").value_or("");
  auto matches = [&](const model::Outcome& x) {
    return x.kind == model::Outcome::Kind::error && x.error.matches(o.status, code, message);
  };
  const bool specific = std::any_of(e.outcomes.begin(), e.outcomes.end(),
                                    [&](const model::Outcome& x) { return matches(x) && !x.error.codes.empty(); });
  for (const auto& outcome : e.outcomes)
    if (matches(outcome) && (!specific || !outcome.error.codes.empty()))
      out.insert(out.end(), outcome.clauses.begin(), outcome.clauses.end());
  return out;
}

}  // namespace

void DeclaredWorlds::narrow(const Case& c, const model::Expectation* e, const Observation* answer, Verdict& v,
                            std::vector<std::string>& case_clauses) const {
  if (v.kind != VerdictKind::pass && v.kind != VerdictKind::deviation) return;
  const std::vector<std::string_view> answer_clauses =
      e != nullptr && answer != nullptr ? judged_by_answer(*e, *answer) : std::vector<std::string_view>{};
  std::vector<std::string> judged;
  for (const auto& cl : c.clauses)
    if (std::find(v.clauses.begin(), v.clauses.end(), cl) != v.clauses.end() ||
        std::find(answer_clauses.begin(), answer_clauses.end(), cl) != answer_clauses.end())
      judged.push_back(cl);
  if (!judged.empty()) {
    case_clauses = std::move(judged);
    return;
  }
  v.summary = fmt::format("not judged: the answer is allowed under {} (the target's World may break it), not under {}",
                          v.clauses.empty() ? std::string("another rule") : fmt::format("{}", fmt::join(v.clauses, ", ")),
                          fmt::join(c.clauses, ", "));
  v.kind = VerdictKind::not_applicable;
}

}  // namespace essconf::runner
