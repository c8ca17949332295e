#include "reference/model/expectation_json.hpp"

#include <boost/json.hpp>

namespace essconf::model {
namespace {
namespace json = boost::json;

json::array strings(const std::vector<std::string_view>& v) {
  json::array a;
  for (auto s : v) a.emplace_back(s);
  return a;
}

json::object effects_json(const Effects& e) {
  json::array ids;
  for (const auto& id : e.instance_ids) ids.emplace_back(id);
  return {{"ScalingGroupId", e.group_id}, {"InstanceIds", std::move(ids)}, {"RemovePolicy", name(e.policy)}};
}

std::string_view format_name(wire::Format f) { return f == wire::Format::xml ? "XML" : "JSON"; }

}  // namespace

std::string to_json(const Expectation& e) {
  json::array outcomes;
  for (const auto& o : e.outcomes) {
    json::object j{{"grade", o.grade == Grade::pass ? "pass" : "deviation"}, {"clauses", strings(o.clauses)},
                   {"why", o.why}};
    if (o.kind == Outcome::Kind::success) {
      j["success"] = effects_json(o.effects);
    } else {
      json::array statuses, codes, messages;
      for (int s : o.error.statuses) statuses.emplace_back(s);
      for (const auto& c : o.error.codes) codes.emplace_back(c);
      for (const auto& m : o.error.messages) messages.push_back(json::object{{"text", m.text}, {"prefix", m.prefix}});
      j["error"] = json::object{{"statuses", statuses.empty() ? json::value("any 4xx") : json::value(std::move(statuses))},
                                {"codes", codes.empty() ? json::value("any") : json::value(std::move(codes))},
                                {"messages", messages.empty() ? json::value("any") : json::value(std::move(messages))}};
    }
    outcomes.push_back(std::move(j));
  }
  const Decision& d = e.reference;
  json::object ref{{"format", format_name(d.format)}, {"clauses", strings(d.clauses)}};
  if (d.success) {
    ref["success"] = effects_json(d.effects);
  } else {
    ref["status"] = d.status;
    ref["code"] = d.code;
    ref["message"] = d.message;
  }
  if (d.nonce_used) ref["nonce_used"] = d.nonce_used->nonce;
  json::array formats;
  for (auto f : e.formats) formats.emplace_back(format_name(f));
  return json::serialize(json::object{{"reference", std::move(ref)},
                                      {"outcomes", std::move(outcomes)},
                                      {"formats", std::move(formats)},
                                      {"clauses", strings(e.clauses)}});
}

}  // namespace essconf::model
