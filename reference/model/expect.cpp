// expect(): reads the request, runs the rules on each reading of it, and
// turns the rules it breaks into graded outcomes.
#include "reference/model/expect.hpp"

#include "reference/wire/body.hpp"

#include <algorithm>

#include "reference/model/clause_ids.hpp"
#include "reference/model/rules.hpp"

namespace essconf::model {
namespace {

using rules::Analysis;
using rules::ParamMap;
using rules::Proceed;
using rules::Violation;

// The readings of the parameters: first-wins (the reference's, used for every
// rule), and last-wins when a repeated name carries different values.
std::vector<ParamMap> readings(const wire::ParamList& sent) {
  ParamMap first, last;
  for (const auto& p : sent.params) {
    first.emplace(p.name, p.value);
    last[p.name] = p.value;
  }
  std::vector<ParamMap> out{std::move(first)};
  if (last != out.front()) out.push_back(std::move(last));
  return out;
}

void add_clause(std::vector<std::string_view>& to, std::string_view c) {
  if (std::find(to.begin(), to.end(), c) == to.end()) to.push_back(c);
}

// Adds `o`, or merges its clauses into an identical outcome already there
// (keeping the better grade).
void add_outcome(std::vector<Outcome>& outcomes, Outcome o) {
  for (auto& existing : outcomes) {
    if (existing.kind == o.kind && existing.error == o.error && existing.effects == o.effects) {
      for (auto c : o.clauses) add_clause(existing.clauses, c);
      if (o.grade == Grade::pass) existing.grade = Grade::pass;
      return;
    }
  }
  outcomes.push_back(std::move(o));
}

Outcome error_outcome(const ErrorSpec& spec, Grade grade, std::vector<std::string_view> clauses, std::string why) {
  Outcome o;
  o.kind = Outcome::Kind::error;
  o.error = spec;
  o.grade = grade;
  o.clauses = std::move(clauses);
  o.why = std::move(why);
  return o;
}

// The spec profile's outcomes for one reading.
void spec_outcomes(const Analysis& a, std::vector<Outcome>& out) {
  Proceed worst = Proceed::pass;
  for (const auto& v : a.violations) {
    add_outcome(out, error_outcome(v.passes, Grade::pass, {v.clause}, v.why));
    if (v.tolerated) {
      std::vector<std::string_view> clauses{v.clause};
      add_clause(clauses, v.tolerated_clause);
      add_outcome(out, error_outcome(*v.tolerated, Grade::deviation, std::move(clauses), v.why));
    }
    if (v.proceed == Proceed::never) worst = Proceed::never;
    if (v.proceed == Proceed::deviation && worst == Proceed::pass) worst = Proceed::deviation;
  }
  if (worst != Proceed::never && a.effects) {
    Outcome o;
    o.kind = Outcome::Kind::success;
    o.effects = *a.effects;
    o.grade = worst == Proceed::pass ? Grade::pass : Grade::deviation;
    o.clauses = a.success_clauses;
    for (const auto& v : a.violations) add_clause(o.clauses, v.clause);
    o.why = a.violations.empty() ? "every rule holds" : "a reading of the open rules under which the call goes on";
    add_outcome(out, std::move(o));
  }
}

Decision reference_decision(const Analysis& a, wire::Format format) {
  Decision d;
  d.format = format;
  d.nonce_used = a.nonce_used;
  for (const auto& v : a.violations) {
    if (!v.reference_rejects) continue;
    d.success = false;
    d.status = v.status;
    d.code = v.code;
    d.message = v.message;
    d.clauses = {v.clause};
    return d;
  }
  if (a.effects) {
    d.success = true;
    d.status = 200;
    d.effects = *a.effects;
    d.clauses = a.success_clauses;
    return d;
  }
  // Unreachable by construction: every path that leaves no effects breaks a
  // rejecting rule. Kept as a clear answer rather than undefined behaviour.
  d.status = 400;
  d.code = "InvalidParameter";
  d.message = "The request could not be understood.";
  d.clauses = {clause::kNoServerError};
  return d;
}

// The outcome that is exactly the reference's decision.
Outcome as_outcome(const Decision& d, const Analysis& a) {
  Outcome o;
  o.grade = Grade::pass;
  o.clauses = d.clauses;
  if (d.success) {
    o.kind = Outcome::Kind::success;
    o.effects = d.effects;
    o.why = "the reference's answer";
    return o;
  }
  o.kind = Outcome::Kind::error;
  // Strict expects the reference's status and code; the message as the page
  // fixes it where it does, or any.
  o.error = ErrorSpec{{d.status}, {d.code}, {}};
  o.why = "the reference's answer";
  for (const auto& v : a.violations)
    if (v.reference_rejects) {
      o.error.messages = v.passes.messages;
      o.why = v.why;
      break;
    }
  return o;
}

}  // namespace

wire::ParamList request_params(const wire::HttpRequest& req) {
  const bool form = req.method == "POST" && req.has_form_body();
  return wire::merge_params(req.query(), form ? std::string_view(req.body) : std::string_view());
}

namespace {

// The answer to a request that is not well-formed HTTP: no RPC rule applies.
Decision malformed_decision() {
  Decision d;
  d.status = 400;
  d.code = "InvalidParameter";
  d.message = "The request is not well-formed HTTP.";
  d.clauses = {clause::kNoServerError};
  return d;
}

// The body formats an answer may be in, the reference's, and the clause that
// decides it. The reference reads the first Format given; every reading of
// the parameters (first-wins, last-wins) names a format that passes. A server
// that refuses a request before it reads any parameter (undecodable
// parameters, another path, another method) answers in its default format,
// so either format passes there (docs/ambiguities.md, wire.malformed).
struct FormatChoice {
  std::vector<wire::Format> allowed;
  wire::Format reference = wire::Format::json;
  std::string_view clause = clause::kFormatDefault;
};

std::optional<wire::Format> format_named(const ParamMap& params) {
  auto it = params.find("Format");
  if (it == params.end()) return std::nullopt;
  if (wire::ascii_iequals(it->second, "XML")) return wire::Format::xml;
  if (wire::ascii_iequals(it->second, "JSON")) return wire::Format::json;
  return std::nullopt;
}

bool read_before_parameters(const wire::HttpRequest& request, const wire::ParamList& sent) {
  return !sent.issues.empty() || request.path() != "/" || (request.method != "GET" && request.method != "POST");
}

FormatChoice format_choice(const wire::HttpRequest& request, const wire::ParamList& sent,
                           const std::vector<ParamMap>& readings) {
  FormatChoice c;
  const auto first = format_named(readings.front());
  if (first) {
    c.reference = *first;
    c.clause = *first == wire::Format::xml ? clause::kFormatXml : clause::kFormatJson;
  }
  bool any = read_before_parameters(request, sent);
  for (const auto& r : readings) {
    const auto f = format_named(r);
    if (!f) any = true;  // no valid Format: the default, which is open
    else if (std::find(c.allowed.begin(), c.allowed.end(), *f) == c.allowed.end()) c.allowed.push_back(*f);
  }
  if (any) c.allowed = {wire::Format::json, wire::Format::xml};
  return c;
}

}  // namespace

Decision decide(const World& world, const wire::HttpRequest& request, const Context& context) {
  if (!wire::is_wellformed_http(request)) return malformed_decision();
  const wire::ParamList sent = request_params(request);
  ParamMap first_wins;
  for (const auto& p : sent.params) first_wins.emplace(p.name, p.value);
  const auto format = format_named(first_wins);
  return reference_decision(rules::analyse(world, request, sent, first_wins, context), format.value_or(wire::Format::json));
}

Expectation expect(const World& world, const wire::HttpRequest& request, Profile profile, const Context& context) {
  if (const auto lenient = wire::is_wellformed_http(request) ? std::nullopt : wire::read_leniently(request)) {
    // Trailing whitespace in the target: refused as malformed, or read without it (RFC 9112 3).
    Expectation e = expect(world, *lenient, profile, context);
    e.may_refuse_as_malformed = true;
    return e;
  }
  if (!wire::is_wellformed_http(request)) {
    // Not HTTP: no RPC rule applies; the server only has to refuse it properly.
    Expectation e;
    e.malformed_http = true;
    e.formats = {wire::Format::json, wire::Format::xml};
    e.format_clause = clause::kFormatDefault;
    e.reference = malformed_decision();
    e.outcomes.push_back(error_outcome({}, Grade::pass, {clause::kNoServerError}, "the request is not well-formed HTTP"));
    e.clauses = {clause::kNoServerError, clause::kRejectedUnchanged};
    return e;
  }
  const wire::ParamList sent = request_params(request);
  const std::vector<ParamMap> maps = readings(sent);
  std::vector<Analysis> analyses;
  analyses.reserve(maps.size());
  for (const auto& m : maps) analyses.push_back(rules::analyse(world, request, sent, m, context));

  Expectation e;
  e.may_refuse_as_malformed = wire::has_tolerable_controls(request) || wire::exceeds_recommended_size(request);
  const FormatChoice format = format_choice(request, sent, maps);
  e.formats = format.allowed;
  e.format_clause = format.clause;
  const std::string_view format_clause = format.clause;
  e.reference = reference_decision(analyses.front(), format.reference);
  std::vector<Outcome> spec;
  for (const auto& a : analyses) spec_outcomes(a, spec);

  if (profile == Profile::spec) {
    e.outcomes = std::move(spec);
  } else {
    e.outcomes.push_back(as_outcome(e.reference, analyses.front()));
    for (auto& o : spec) {
      o.grade = Grade::deviation;
      add_outcome(e.outcomes, std::move(o));
    }
  }

  // Every clause the request exercises.
  auto& c = e.clauses;
  for (auto id : {clause::kRequestId, clause::kNoServerError, format_clause}) add_clause(c, id);
  for (const auto& a : analyses) {
    for (const auto& v : a.violations) {
      add_clause(c, v.clause);
      if (v.tolerated) add_clause(c, v.tolerated_clause);
    }
    for (auto id : a.success_clauses) add_clause(c, id);
    for (auto id : a.checked) add_clause(c, id);
  }
  if (std::any_of(e.outcomes.begin(), e.outcomes.end(), [](const Outcome& o) { return o.kind == Outcome::Kind::error; })) {
    add_clause(c, clause::kErrorBody);
    add_clause(c, clause::kRejectedUnchanged);
  }
  if (analyses.front().violations.size() > 1) add_clause(c, clause::kPrecedence);
  std::sort(c.begin(), c.end());
  return e;
}

bool Expectation::allows_success() const {
  return std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.kind == Outcome::Kind::success; });
}

namespace {
// The better of a grade found so far (if any) and another.
Grade best(std::optional<Grade> a, Grade b) { return a == Grade::pass || b == Grade::pass ? Grade::pass : Grade::deviation; }
}  // namespace

std::optional<Grade> Expectation::grade_error(int status, std::string_view code, std::string_view message) const {
  std::optional<Grade> g;
  for (const auto& o : outcomes)
    if (o.kind == Outcome::Kind::error && o.error.matches(status, code, message)) g = best(g, o.grade);
  return g;
}

std::optional<Grade> Expectation::grade_success(const Effects& effects) const {
  std::optional<Grade> g;
  for (const auto& o : outcomes)
    if (o.kind == Outcome::Kind::success && o.effects == effects) g = best(g, o.grade);
  return g;
}

bool ErrorSpec::matches(int status, std::string_view code, std::string_view message) const {
  const bool status_ok = statuses.empty() ? (status >= 400 && status <= 499)
                                          : std::find(statuses.begin(), statuses.end(), status) != statuses.end();
  const bool code_ok = codes.empty() || std::find(codes.begin(), codes.end(), code) != codes.end();
  // A body cannot carry every character a message may echo: the message as
  // the reference renders it (U+FFFD for what JSON or XML cannot hold), or
  // with those characters left out, passes too.
  const auto same = [&](const MessageRule& m, std::string_view text) {
    return m.prefix ? message.starts_with(text) : message == text;
  };
  const bool message_ok = messages.empty() || std::any_of(messages.begin(), messages.end(), [&](const MessageRule& m) {
                            return same(m, m.text) || same(m, wire::renderable_text(m.text, wire::Format::json)) ||
                                   same(m, wire::renderable_text(m.text, wire::Format::xml)) ||
                                   same(m, wire::renderable_text(m.text, wire::Format::xml, ""));
                          });
  return status_ok && code_ok && message_ok;
}

}  // namespace essconf::model
