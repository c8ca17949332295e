#include "suite/runner/checker.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"

namespace essconf::runner {
namespace {

namespace clause = model::clause;

std::string describe(const model::ErrorSpec& e) {
  std::string statuses = e.statuses.empty() ? "any 4xx" : "";
  for (int s : e.statuses) statuses += (statuses.empty() ? "" : "/") + std::to_string(s);
  std::string codes = e.codes.empty() ? "any code" : "";
  for (const auto& c : e.codes) codes += (codes.empty() ? "" : "/") + c;
  std::string out = statuses + " " + codes;
  if (!e.messages.empty()) out += fmt::format(" \"{}\"{}", e.messages.front().text, e.messages.size() > 1 ? " (or another listed message)" : "");
  return out;
}

std::string describe(const model::Effects& e) {
  std::string ids;
  for (const auto& id : e.instance_ids) ids += (ids.empty() ? "" : ", ") + id;
  return fmt::format("success removing {} from {} ({})", ids, e.group_id, name(e.policy));
}

std::string describe(const model::Decision& d) {
  if (d.success) return describe(d.effects);
  return fmt::format("{} {} \"{}\"", d.status, d.code, d.message);
}

std::string format_name(wire::Format f) { return f == wire::Format::xml ? "XML" : "JSON"; }

class Findings {
 public:
  void fail(std::string_view c, std::string expected, std::string observed) {
    items.push_back({VerdictKind::fail, std::string(c), std::move(expected), std::move(observed)});
  }
  void deviate(std::string_view c, std::string expected, std::string observed) {
    items.push_back({VerdictKind::deviation, std::string(c), std::move(expected), std::move(observed)});
  }
  std::vector<Finding> items;
};

// The body: parseable, in an allowed format, labelled as what it is, with a RequestId.
void check_body(const model::Expectation& e, const Observation& o, const wire::ParsedBody& body, bool success, Findings& f) {
  const auto labelled = wire::format_of_content_type(wire::header_value(o.headers, "Content-Type"));
  std::optional<wire::Format> actual;
  if (body.syntax == wire::Syntax::xml) actual = wire::Format::xml;
  if (body.syntax == wire::Syntax::json) actual = wire::Format::json;
  const std::string_view format_clause = e.format_clause.empty() ? clause::kFormatDefault : e.format_clause;
  if (!actual) {
    f.fail(success ? format_clause : clause::kErrorBody, "a body in " + format_name(e.formats.front()),
           body.syntax == wire::Syntax::empty ? "an empty body"
                                              : "a body that is neither XML nor JSON: " +
                                                    (body.problems.empty() ? std::string() : body.problems.front()));
    return;
  }
  if (std::find(e.formats.begin(), e.formats.end(), *actual) == e.formats.end())
    f.fail(format_clause, "a " + format_name(e.formats.front()) + " body", "a " + format_name(*actual) + " body");
  if (labelled != actual)
    f.fail(format_clause, "Content-Type naming " + format_name(*actual),
           fmt::format("Content-Type \"{}\"", wire::header_value(o.headers, "Content-Type")));
  const auto request_id = body.field("RequestId");
  if (!request_id || request_id->empty()) {
    f.fail(clause::kRequestId, "a non-empty RequestId", "none");
  } else {
    static const std::regex uuid("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}");
    if (!std::regex_match(*request_id, uuid))
      f.deviate(clause::kRequestId, "an uppercase UUID (the documentation's example)", "\"" + *request_id + "\"");
  }
  if (success && *actual == wire::Format::xml && body.root != "RemoveInstancesResponse")
    f.fail(clause::kFormatXml, "XML root RemoveInstancesResponse", "root " + body.root);
  if (!success && *actual == wire::Format::xml && body.root != "Error")
    f.fail(clause::kErrorBody, "XML root Error", "root " + body.root);
}

// Lines naming what differs between two Worlds, each under the clause it breaks.
void diff_worlds(const model::World& expected, const model::World& observed, const model::World& before,
                 std::string_view whole_clause, Findings& f) {
  const std::size_t start = f.items.size();
  for (const auto& eg : expected.groups) {
    const model::ScalingGroup* og = observed.group(eg.id);
    if (og == nullptr) {
      f.fail(whole_clause, "group " + eg.id, "no such group");
      continue;
    }
    for (const auto& m : eg.members)
      if (og->member(m.id) == nullptr) f.fail(clause::kRemovedExactly, m.id + " still a member of " + eg.id, "removed");
    for (const auto& m : og->members) {
      const model::Member* em = eg.member(m.id);
      if (em == nullptr) {
        f.fail(clause::kRemovedExactly, m.id + " no longer a member of " + eg.id, "still a member");
      } else if (!(*em == m)) {
        f.fail(whole_clause, fmt::format("{} {}", m.id, name(em->state)), fmt::format("{} {}", m.id, name(m.state)));
      }
    }
  }
  for (const auto& e : expected.ecs) {
    const model::EcsInstance* oe = observed.ecs_instance(e.id);
    const model::ScalingGroup* owner = nullptr;
    for (const auto& g : before.groups)
      if (g.member(e.id)) owner = &g;
    const model::Member* m = owner ? owner->member(e.id) : nullptr;
    const std::string_view c = m == nullptr ? whole_clause
                               : m->creation == model::CreationType::attached ? clause::kAttachedKept
                                                                               : clause::kAutoCreatedReleased;
    if (oe == nullptr)
      f.fail(c, fmt::format("{} in ECS, {}", e.id, name(e.status)), "released");
    else if (oe->status != e.status)
      f.fail(c, fmt::format("{} {}", e.id, name(e.status)), fmt::format("{} {}", e.id, name(oe->status)));
  }
  for (const auto& o : observed.ecs)
    if (expected.ecs_instance(o.id) == nullptr) {
      const bool was_attached = std::any_of(before.groups.begin(), before.groups.end(), [&](const model::ScalingGroup& g) {
        const model::Member* m = g.member(o.id);
        return m && m->creation == model::CreationType::attached;
      });
      f.fail(was_attached ? clause::kAttachedKept : clause::kAutoCreatedReleased, o.id + " released",
             fmt::format("{} still in ECS, {}", o.id, name(o.status)));
    }
  for (const auto& a : expected.activities) {
    auto it = std::find_if(observed.activities.begin(), observed.activities.end(),
                           [&](const model::Activity& x) { return x.id == a.id; });
    if (it == observed.activities.end())
      f.fail(clause::kActivityTrackable, fmt::format("activity {} of {} ({})", a.id, a.group_id, name(a.status)), "no such activity");
    else if (!(*it == a))
      f.fail(clause::kActivityTrackable, fmt::format("activity {} {}", a.id, name(a.status)),
             fmt::format("activity {} {}", it->id, name(it->status)));
  }
  for (const auto& a : observed.activities)
    if (std::none_of(expected.activities.begin(), expected.activities.end(), [&](const model::Activity& x) { return x.id == a.id; }))
      f.fail(whole_clause, "no other activity", fmt::format("activity {} of {} ({})", a.id, a.group_id, name(a.status)));
  if (f.items.size() == start && !(expected == observed))
    f.fail(whole_clause, "the World after as the model computes it", "another World (groups, keys or settings differ)");
}

}  // namespace

std::string_view name(VerdictKind k) noexcept {
  switch (k) {
    case VerdictKind::pass: return "pass";
    case VerdictKind::deviation: return "deviation";
    case VerdictKind::fail: return "fail";
    case VerdictKind::not_applicable: return "not applicable";
    case VerdictKind::error: return "error";
  }
  return "?";
}

model::World comparable(model::World w, const model::World& before) {
  for (auto& a : w.activities) {
    const bool fresh = std::none_of(before.activities.begin(), before.activities.end(),
                                    [&](const model::Activity& b) { return b.id == a.id; });
    if (fresh) {
      a.instance_ids.reset();
      a.remove_policy.reset();
    }
  }
  return model::canonical(std::move(w));
}

namespace {

// What the checker learns about one answer: the findings, and the allowed
// outcome it matched (its grade and clauses), if any.
struct Judgement {
  Findings f;
  std::optional<model::Grade> grade;
  std::vector<std::string_view> clauses;
};

// A 2xx: a success body, allowed only when the model allows success.
void check_success(const model::Expectation& e, const Observation& o, const wire::ParsedBody& body, Judgement& j) {
  check_body(e, o, body, true, j.f);
  const auto activity_id = body.field("ScalingActivityId");
  if (!activity_id || activity_id->empty()) j.f.fail(clause::kActivityId, "a non-empty ScalingActivityId", "none");
  if (!e.allows_success()) {
    std::string why = e.reference.success ? "" : describe(e.reference);
    for (auto c : e.reference.clauses) j.f.fail(c, why, fmt::format("{} success", o.status));
  }
}

// Whether some outcome is an error of `rule`: the request breaks it (in some
// reading, or under probe in some World).
bool breaks(const model::Expectation& e, std::string_view rule) {
  return std::any_of(e.outcomes.begin(), e.outcomes.end(), [&](const model::Outcome& x) {
    return x.kind == model::Outcome::Kind::error && std::find(x.clauses.begin(), x.clauses.end(), rule) != x.clauses.end();
  });
}

// A refusal no outcome allows: attributed to an outcome with the same code
// (status or message wrong), else to the rule of its code when the call was
// allowed, else to the reference's rule; and when its code names a rule the
// request keeps (a correct signature refused with SignatureDoesNotMatch),
// first to that rule, which was misapplied.
void attribute_refusal(const CheckInput& in, const Observation& o, const std::string& code, const std::string& message,
                       Findings& f) {
  const model::Expectation& e = in.expectation;
  const model::Outcome* near = nullptr;
  for (const auto& out : e.outcomes)
    if (out.kind == model::Outcome::Kind::error &&
        std::find(out.error.codes.begin(), out.error.codes.end(), code) != out.error.codes.end())
      near = &out;
  const std::string observed = fmt::format("{} {} \"{}\"", o.status, code, message);
  if (near != nullptr) {
    for (auto c : near->clauses) f.fail(c, describe(near->error), observed);
  } else if (auto rule = model::refusal_rule_clause(code); rule && e.allows_success()) {
    // A refusal of an allowed call under a rule: that rule was misapplied.
    // "Activity in progress" without one is the cooldown rule.
    const bool busy = e.reference.success && in.world_before.has_activity_in_progress(e.reference.effects.group_id);
    f.fail(*rule == clause::kNoActivityInProgress && !busy ? clause::kCooldownIgnored : *rule, describe(e.reference),
           observed);
  } else {
    if (rule && !breaks(e, *rule)) f.fail(*rule, fmt::format("no refusal under {}: the request keeps it", *rule), observed);
    for (auto c : e.reference.clauses) f.fail(c, describe(e.reference), observed);
  }
}

// A 4xx: an error body whose status, Code and Message an outcome allows.
void check_refusal(const CheckInput& in, const Observation& o, const wire::ParsedBody& body, Judgement& j) {
  const model::Expectation& e = in.expectation;
  check_body(e, o, body, false, j.f);
  const std::string code = body.field("Code").value_or("");
  const std::string message = body.field("Message").value_or("");
  if (code.empty()) j.f.fail(clause::kErrorBody, "an error body with Code", "no Code");
  if (!body.field("Message")) j.f.fail(clause::kErrorBody, "an error body with Message", "no Message");
  j.grade = e.grade_error(o.status, code, message);
  if (!j.grade) return attribute_refusal(in, o, code, message, j.f);
  for (const auto& out : e.outcomes)
    if (out.kind == model::Outcome::Kind::error && out.error.matches(o.status, code, message) && out.grade == *j.grade)
      j.clauses = out.clauses;
  if (*j.grade == model::Grade::deviation)
    for (auto c : j.clauses) j.f.deviate(c, describe(e.reference), fmt::format("{} {}", o.status, code));
}

// The status line and body.
void check_answer(const CheckInput& in, const Observation& o, const wire::ParsedBody& body,
                                         Judgement& j) {
  const model::Expectation& e = in.expectation;
  if (o.status >= 500) {
    j.f.fail(clause::kNoServerError, describe(e.reference), fmt::format("{} (a server error)", o.status));
  } else if (e.malformed_http || (e.may_refuse_as_malformed && o.status >= 400)) {
    // Not HTTP, or refused as such where RFC 9110 allows it: any 4xx will do,
    // whatever its body; the World must not move.
    if (o.status < 400) j.f.fail(clause::kNoServerError, "a 4xx refusal of bytes that are not HTTP", std::to_string(o.status));
    else j.clauses = {clause::kNoServerError};
  } else if (o.status >= 200 && o.status <= 299) {
    check_success(e, o, body, j);
  } else if (o.status >= 400) {
    check_refusal(in, o, body, j);
  } else {
    j.f.fail(clause::kErrorBody, describe(e.reference), fmt::format("status {}", o.status));
  }
}

model::World after_effects(const CheckInput& in, const model::Effects& effects, const std::string& activity_id) {
  model::World w = model::apply(in.world_before, effects, activity_id);
  if (in.complete_activities) model::complete_activities(w);
  return comparable(std::move(w), in.world_before);
}

// After an allowed success: the success outcome whose World matches the
// observed one; else the differences from the reference's (or, RemovePolicy
// omitted and the World recycled, a break of the default).
void check_success_world(const CheckInput& in, const model::World& observed, const std::string& activity_id,
                         Judgement& j) {
  const model::Expectation& e = in.expectation;
  std::optional<model::World> best;
  for (const auto& out : e.outcomes) {
    if (out.kind != model::Outcome::Kind::success) continue;
    model::World w = after_effects(in, out.effects, activity_id);
    if (w == observed) {
      j.grade = out.grade;
      j.clauses = out.clauses;
      best = std::move(w);
      break;
    }
    if (!best || (e.reference.success && out.effects == e.reference.effects)) best = std::move(w);
  }
  if (j.grade && *j.grade == model::Grade::deviation)
    for (auto c : j.clauses) j.f.deviate(c, describe(e.reference), "another reading's success");
  if (!j.grade && e.reference.success &&
      std::find(e.reference.clauses.begin(), e.reference.clauses.end(), clause::kRemovePolicyDefault) !=
          e.reference.clauses.end()) {
    model::Effects recycled = e.reference.effects;
    recycled.policy = model::RemovePolicy::recycle;
    if (after_effects(in, recycled, activity_id) == observed) {
      j.f.fail(clause::kRemovePolicyDefault, "the effects of RemovePolicy=release", "the effects of recycle");
      best.reset();
    }
  }
  if (!j.grade && best) diff_worlds(*best, observed, in.world_before, clause::kRemovedExactly, j.f);
}

// After a refusal: the World as it was. A refused call that changed anything
// breaks the rejected-unchanged rule, whatever it changed.
void check_unchanged_world(const CheckInput& in, const model::World& world_after, Findings& f) {
  model::World expected = in.world_before;
  if (in.complete_activities) model::complete_activities(expected);
  const model::World observed = comparable(world_after, in.world_before);
  expected = comparable(std::move(expected), in.world_before);
  const std::size_t first = f.items.size();
  if (!(expected == observed)) diff_worlds(expected, observed, in.world_before, clause::kRejectedUnchanged, f);
  for (std::size_t i = first; i < f.items.size(); ++i) f.items[i].clause = std::string(clause::kRejectedUnchanged);
}

void check_world_after(const CheckInput& in, const Observation& o, const wire::ParsedBody& body, Judgement& j) {
  const model::Expectation& e = in.expectation;
  const bool success = o.status >= 200 && o.status <= 299;
  if (o.world_after) {
    if (success && e.allows_success()) {
      const std::string activity_id = body.field("ScalingActivityId").value_or("");
      check_success_world(in, comparable(*o.world_after, in.world_before), activity_id, j);
    } else if (!success || e.malformed_http) {
      check_unchanged_world(in, *o.world_after, j.f);
    }
  } else if (success && e.allows_success()) {
    for (const auto& out : e.outcomes)
      if (out.kind == model::Outcome::Kind::success && (!j.grade || out.grade == model::Grade::pass)) {
        j.grade = out.grade;
        j.clauses = out.clauses;
      }
  }
}

Verdict verdict_of(Judgement j, const model::Expectation& e, int status) {
  Verdict v;
  v.findings = std::move(j.f.items);
  const bool any_fail = std::any_of(v.findings.begin(), v.findings.end(), [](const Finding& x) { return x.kind == VerdictKind::fail; });
  v.kind = any_fail ? VerdictKind::fail : !v.findings.empty() ? VerdictKind::deviation : VerdictKind::pass;
  for (const auto& x : v.findings)
    if (std::find(v.clauses.begin(), v.clauses.end(), x.clause) == v.clauses.end()) v.clauses.push_back(x.clause);
  if (v.findings.empty())
    for (auto c : j.clauses) v.clauses.emplace_back(c);
  if (v.findings.empty()) {
    v.summary = fmt::format("{} as allowed ({})", status, describe(e.reference));
  } else {
    const Finding& first = v.findings.front();
    v.summary = fmt::format("{}: expected {}, observed {}", first.clause, first.expected, first.observed);
  }
  return v;
}

}  // namespace

Verdict check(const CheckInput& in, const Observation& o) {
  Judgement j;
  const wire::ParsedBody body = wire::parse_body(o.body);
  check_answer(in, o, body, j);
  check_world_after(in, o, body, j);
  return verdict_of(std::move(j), in.expectation, o.status);
}

}  // namespace essconf::runner
