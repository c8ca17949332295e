// The readings: each picks, where the reference picks one allowed answer,
// another answer the model allows (so a reading can never break a stated
// clause by construction of the hook), or changes what the documentation
// leaves free (body layout, framing).
#include "suite/selftest/readings.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "reference/model/clause_ids.hpp"
#include "reference/model/error_table.hpp"
#include "reference/wire/params.hpp"
#include "reference/wire/signature_v3.hpp"

namespace essconf::selftest {
namespace {

namespace clause = model::clause;
using model::Decision;
using model::Outcome;

bool has_clause(const std::vector<std::string_view>& clauses, std::string_view c) {
  return std::find(clauses.begin(), clauses.end(), c) != clauses.end();
}

// Whether an outcome stands for some rule other than `c` (identical outcomes
// of several rules are merged by the model).
bool for_another_rule(const Outcome& o, std::string_view c) {
  return std::any_of(o.clauses.begin(), o.clauses.end(),
                     [&](std::string_view x) { return x != c && x != clause::kStatusCodes; });
}

void take_error(Decision& d, const Outcome& o) {
  d.success = false;
  d.effects = {};
  d.status = o.error.statuses.empty() ? 400 : o.error.statuses.front();
  d.code = o.error.codes.empty() ? "InvalidParameter" : o.error.codes.front();
  d.message = o.error.messages.empty() ? o.why : o.error.messages.front().text;
  d.clauses = o.clauses;
}

void take_success(Decision& d, const Outcome& o) {
  d.success = true;
  d.status = 200;
  d.code.clear();
  d.message.clear();
  d.effects = o.effects;
  d.clauses = o.clauses;
}

// The answer of a server that does not enforce rule `c`: the first other
// error the model allows, else a success it allows (the first or the last).
void answer_without(Decision& d, const model::Expectation& e, std::string_view c, bool last_success = false) {
  for (const auto& o : e.outcomes)
    if (o.kind == Outcome::Kind::error && o.grade == model::Grade::pass && for_another_rule(o, c)) {
      take_error(d, o);
      return;
    }
  const Outcome* success = nullptr;
  for (const auto& o : e.outcomes)
    if (o.kind == Outcome::Kind::success && (success == nullptr || last_success)) success = &o;
  if (success != nullptr) take_success(d, *success);
}

const Outcome* error_of(const model::Expectation& e, std::string_view c) {
  for (const auto& o : e.outcomes)
    if (o.kind == Outcome::Kind::error && o.grade == model::Grade::pass && has_clause(o.clauses, c)) return &o;
  return nullptr;
}

const std::string* first_param(const wire::ParamList& params, std::string_view name) {
  for (const auto& p : params.params)
    if (p.name == name) return &p.value;
  return nullptr;
}

const std::string* last_param(const wire::ParamList& params, std::string_view name) {
  const std::string* out = nullptr;
  for (const auto& p : params.params)
    if (p.name == name) out = &p.value;
  return out;
}

struct IdShape {
  bool gaps = false;
  bool duplicates = false;
};

IdShape id_shape(const wire::ParamList& params) {
  std::vector<int> indexes;
  std::vector<std::string> values;
  for (const auto& p : params.params) {
    if (!p.name.starts_with("InstanceId.")) continue;
    indexes.push_back(std::atoi(p.name.c_str() + 11));
    values.push_back(p.value);
  }
  std::sort(indexes.begin(), indexes.end());
  std::sort(values.begin(), values.end());
  IdShape s;
  for (std::size_t i = 0; i < indexes.size(); ++i) s.gaps = s.gaps || indexes[i] != static_cast<int>(i) + 1;
  s.duplicates = std::adjacent_find(values.begin(), values.end()) != values.end();
  return s;
}

bool group_level(std::string_view c);

// Rules the reference checks after the parameters' own.
bool after_parameters(std::string_view c) {
  return group_level(c) || c == clause::kGroupNotFound || c == clause::kRegionId;
}

bool group_level(std::string_view c) {
  static constexpr std::string_view kGroupLevel[] = {
      clause::kGroupActive,       clause::kNoActivityInProgress,     clause::kInstanceNotFound,
      clause::kInstanceState,     clause::kRemovePolicyRecycleGroup, clause::kMinSize,
      clause::kCapacityCount,     clause::kLoadBalancerStatus,       clause::kDbInstanceStatus};
  return std::find(std::begin(kGroupLevel), std::end(kGroupLevel), c) != std::end(kGroupLevel);
}

class ReadingHook : public server::ServiceHook {
 public:
  explicit ReadingHook(ReadingSet set) : set_(set) {}
  bool has(Reading r) const { return set_.test(static_cast<std::size_t>(r)); }

  void before_model(model::World&, wire::HttpRequest& req, model::Context& ctx) const override {
    if (has(Reading::any_path) && req.path() != "/") {
      const auto q = req.target.find('?');
      req.target = "/" + (q == std::string::npos ? std::string() : req.target.substr(q));
    }
    if ((has(Reading::nonce_per_key) || has(Reading::nonce_on_success)) && ctx.nonces != nullptr) {
      const auto params = model::request_params(req);
      const auto* key = first_param(params, "AccessKeyId");
      const auto* nonce = first_param(params, "SignatureNonce");
      if (key == nullptr || nonce == nullptr) return;
      const bool unused = (has(Reading::nonce_per_key) && !ctx.nonces->seen_by(*key, *nonce)) ||
                          (has(Reading::nonce_on_success) && !ctx.nonces->succeeded_with(*nonce));
      if (unused) ctx.nonces = nullptr;  // in this reading the nonce is fresh
    }
  }

  void after_model(Decision& d, const model::World& w, const wire::HttpRequest& req, const model::Context& ctx,
                   std::uint64_t) const override {
    const model::Expectation e = model::expect(w, req, model::Profile::spec, ctx);
    const auto params = model::request_params(req);
    const std::string_view decided = d.clauses.empty() ? std::string_view() : d.clauses.front();
    if (!d.success && decided == clause::kInstanceIdIndex) {
      const IdShape shape = id_shape(params);
      if ((shape.gaps || shape.duplicates) && (!shape.gaps || has(Reading::gaps_served)) &&
          (!shape.duplicates || has(Reading::duplicates_once)))
        answer_without(d, e, clause::kInstanceIdIndex);
    }
    if (!d.success && decided == clause::kDuplicateKey) {
      if (has(Reading::duplicate_last_wins)) answer_without(d, e, clause::kDuplicateKey, true);
      else if (has(Reading::duplicate_first_wins)) answer_without(d, e, clause::kDuplicateKey);
    }
    if (!d.success && decided == clause::kVersion && has(Reading::version_optional) &&
        first_param(params, "Version") == nullptr)
      answer_without(d, e, clause::kVersion);
    if (!d.success && decided == clause::kInstanceState && has(Reading::transitional_removable))
      answer_without(d, e, clause::kInstanceState);
    if (has(Reading::members_before_state) && !d.success &&
        (decided == clause::kGroupActive || decided == clause::kNoActivityInProgress))
      if (const Outcome* o = error_of(e, clause::kInstanceNotFound)) take_error(d, *o);
    if (has(Reading::region_other_not_found) && (d.success || group_level(decided)))
      if (const Outcome* o = error_of(e, clause::kRegionId)) take_error(d, *o);
    if (has(Reading::protected_refused) && d.success)
      if (const Outcome* o = error_of(e, clause::kInstanceState)) take_error(d, *o);
    if (has(Reading::capacity_stable_only) && d.success)
      if (const Outcome* o = error_of(e, clause::kCapacityCount)) take_error(d, *o);
    if (has(Reading::undeclared_refused) && (d.success || after_parameters(decided)))
      if (const Outcome* o = error_of(e, clause::kUndeclared)) take_error(d, *o);
    if (has(Reading::signature_v1_only) && w.auth.mode == model::AuthMode::signature &&
        wire::parse_acs3_authorization(req.header("Authorization")) && decided != clause::kSignature &&
        decided != clause::kTimestamp && decided != clause::kNonce)
      if (const Outcome* o = error_of(e, clause::kSignature)) take_error(d, *o);
    if (has(Reading::reverse_precedence) && !d.success) {
      for (auto it = e.outcomes.rbegin(); it != e.outcomes.rend(); ++it)
        if (it->kind == Outcome::Kind::error && it->grade == model::Grade::pass) {
          take_error(d, *it);
          break;
        }
    }
    rename(d);
  }

  void before_render(server::RenderFields& f, const Decision&, const wire::HttpRequest& req) const override {
    const auto params = model::request_params(req);
    const wire::Format fallback = has(Reading::xml_default) ? wire::Format::xml : wire::Format::json;
    const std::string* format = has(Reading::duplicate_last_wins) ? last_param(params, "Format")
                                                                   : first_param(params, "Format");
    if (format != nullptr && wire::ascii_iequals(*format, "XML")) f.format = wire::Format::xml;
    else if (format != nullptr && wire::ascii_iequals(*format, "JSON")) f.format = wire::Format::json;
    else f.format = fallback;
    if (has(Reading::malformed_default_format) && !params.issues.empty()) f.format = fallback;
  }

  void on_response(server::HttpResponse& r, const Decision&) const override {
    const bool xml = r.body.starts_with("<");
    if (xml && has(Reading::xml_namespace)) add_namespace(r.body);
    if (xml && has(Reading::xml_cdata)) message_as_cdata(r.body);
    if (xml && has(Reading::xml_declaration_toggled)) toggle_declaration(r.body);
    if (!xml && has(Reading::json_pretty)) r.body = pretty(r.body);
    if (has(Reading::application_xml))
      for (auto& h : r.headers)
        if (h.name == "Content-Type" && xml) h.value = "application/xml; charset=UTF-8";
    if (has(Reading::close_every_response)) r.close = true;
    if (has(Reading::chunked_responses)) r.chunked = true;
  }

 private:
  void rename(Decision& d) const {
    if (d.success) return;
    if (has(Reading::signature_403) && d.code == "SignatureDoesNotMatch") d.status = 403;
    if (has(Reading::not_found_400))
      if (const auto row = model::documented_error_clause(d.code); row && model::documented_error(*row)->status == 404)
        d.status = 400;
    if (has(Reading::missing_gateway_codes) && d.code == "MissingParameter") {
      const auto open = d.message.find('"');
      const auto close = open == std::string::npos ? open : d.message.find('"', open + 1);
      if (close != std::string::npos) {
        const std::string name = d.message.substr(open + 1, close - open - 1);
        d.code = "Missing" + name;
        d.message = name + " is mandatory for this action.";
      }
    }
  }

  static void add_namespace(std::string& body) {
    std::size_t root = body.starts_with("<?") ? body.find("?>") + 2 : 0;
    root = body.find('<', root);
    const std::size_t end = body.find('>', root);
    if (root == std::string::npos || end == std::string::npos || body[end - 1] == '/') return;
    body.insert(end, " xmlns=\"https://ess.aliyuncs.com/doc/2014-08-28/\"");
  }

  static void message_as_cdata(std::string& body) {
    const std::size_t open = body.find("<Message>");
    const std::size_t close = body.find("</Message>");
    if (open == std::string::npos || close == std::string::npos) return;
    std::string text = body.substr(open + 9, close - open - 9);
    for (const auto& [entity, ch] : {std::pair<std::string_view, std::string_view>{"&lt;", "<"}, {"&gt;", ">"},
                                     {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
      for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + ch.size()))
        text.replace(at, entity.size(), ch);
    }
    if (text.find("]]>") != std::string::npos || text.find("&#") != std::string::npos) return;
    body.replace(open + 9, close - open - 9, "<![CDATA[" + text + "]]>");
  }

  static void toggle_declaration(std::string& body) {
    if (body.starts_with("<?xml")) body.erase(0, body.find("?>") + 2);
    else body.insert(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  }

  static std::string pretty(const std::string& body) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return body;
    std::string out = "{\n";
    bool first = true;
    for (const auto& [k, val] : v.as_object()) {
      if (!first) out += ",\n";
      first = false;
      out += "    " + boost::json::serialize(boost::json::string(k)) + " : " + boost::json::serialize(val);
    }
    return out + "\n}\n";
  }

  ReadingSet set_;
};

}  // namespace

const std::vector<ReadingInfo>& reading_catalog() {
  static const std::vector<ReadingInfo> catalog{
      {Reading::xml_default, "xml-default", clause::kFormatDefault, "answers in XML when Format is omitted"},
      {Reading::malformed_default_format, "malformed-default-format", clause::kMalformed, "answers an undecodable request in its default format, whatever Format says"},
      {Reading::gaps_served, "gaps-served", clause::kInstanceIdIndex, "serves gaps in N (InstanceId.1 and .3), removing every named instance"},
      {Reading::duplicates_once, "duplicates-once", clause::kInstanceIdIndex, "serves an instance named twice, removing it once"},
      {Reading::duplicate_first_wins, "duplicate-first-wins", clause::kDuplicateKey, "reads a repeated parameter's first value"},
      {Reading::duplicate_last_wins, "duplicate-last-wins", clause::kDuplicateKey, "reads a repeated parameter's last value"},
      {Reading::region_other_not_found, "region-other-not-found", clause::kRegionId, "does not find a group named with another RegionId"},
      {Reading::capacity_stable_only, "capacity-stable-only", clause::kCapacityCount, "counts only InService, Protected and Standby members toward MinSize"},
      {Reading::transitional_removable, "transitional-removable", clause::kInstanceState, "removes Pending and Removing members"},
      {Reading::protected_refused, "protected-refused", clause::kInstanceState, "refuses to remove Protected and Standby members"},
      {Reading::any_path, "any-path", clause::kPath, "serves RemoveInstances on every path"},
      {Reading::version_optional, "version-optional", clause::kVersion, "serves a call without Version as 2014-08-28"},
      {Reading::reverse_precedence, "reverse-precedence", clause::kPrecedence, "answers the error of the last broken rule, not the first"},
      {Reading::members_before_state, "members-before-state", clause::kPrecedence, "checks membership before the group's state and activity"},
      {Reading::missing_gateway_codes, "missing-gateway-codes", clause::kInstanceIdRequired, "names a missing parameter in the code (MissingScalingGroupId)"},
      {Reading::nonce_per_key, "nonce-per-key", clause::kNonce, "keeps nonces per AccessKeyId"},
      {Reading::nonce_on_success, "nonce-on-success", clause::kNonce, "counts a nonce as used only when its call succeeds"},
      {Reading::signature_403, "signature-403", clause::kStatusCodes, "answers SignatureDoesNotMatch with 403"},
      {Reading::not_found_400, "not-found-400", clause::kStatusCodes, "answers the NotFound errors with 400 (a deviation, as observed in production)"},
      {Reading::xml_declaration_toggled, "xml-declaration-toggled", clause::kFormatXml, "adds or drops the XML declaration"},
      {Reading::xml_namespace, "xml-namespace", clause::kFormatXml, "puts XML bodies in a default namespace"},
      {Reading::xml_cdata, "xml-cdata", clause::kFormatXml, "writes an error's Message as CDATA"},
      {Reading::json_pretty, "json-pretty", clause::kFormatJson, "indents JSON bodies"},
      {Reading::application_xml, "application-xml", clause::kFormatXml, "labels XML application/xml; charset=UTF-8"},
      {Reading::close_every_response, "close-every-response", clause::kNoServerError, "closes the connection after every response (HTTP/1.1 framing)"},
      {Reading::chunked_responses, "chunked-responses", clause::kNoServerError, "frames every response body with chunked transfer coding (HTTP/1.1 framing)"},
      {Reading::undeclared_refused, "undeclared-refused", clause::kUndeclared, "refuses a parameter the API does not declare (400 InvalidParameter)"},
      {Reading::signature_v1_only, "signature-v1-only", clause::kSignature, "refuses ACS3-HMAC-SHA256 (V3) requests: signs V1 only, as the fixture protocol's Signature mode"},
  };
  return catalog;
}

std::optional<Reading> reading_named(std::string_view name) {
  for (const auto& r : reading_catalog())
    if (r.name == name) return r.reading;
  return std::nullopt;
}

ReadingSet reading_set(std::initializer_list<Reading> readings) {
  ReadingSet s;
  for (auto r : readings) s.set(static_cast<std::size_t>(r));
  return s;
}

server::ServiceHooks reading_hooks(ReadingSet set) {
  if (set.none()) return {};
  return {std::make_shared<const ReadingHook>(set)};
}

}  // namespace essconf::selftest
