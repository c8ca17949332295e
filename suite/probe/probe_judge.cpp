#include "suite/probe/probe_judge.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/http_request.hpp"

namespace essconf::probe {

const DeclaredGroup* Declarations::group(std::string_view id) const noexcept {
  for (const auto& g : groups)
    if (g.id == id) return &g;
  return nullptr;
}

const DeclaredGroup* Declarations::group_of(std::string_view instance_id) const noexcept {
  for (const auto& g : groups)
    if (std::find(g.members.begin(), g.members.end(), instance_id) != g.members.end()) return &g;
  return nullptr;
}

std::string contradiction(const Declarations& d) {
  std::set<std::string, std::less<>> groups, instances;
  for (const auto& g : d.groups) {
    if (g.id.empty()) return "a declared group has an empty id";
    if (!groups.insert(g.id).second) return fmt::format("the group {} is declared twice", g.id);
    for (const auto& m : g.members) {
      if (m.empty()) return fmt::format("a member of the group {} has an empty id", g.id);
      if (!instances.insert(m).second) return fmt::format("the instance {} is declared twice", m);
    }
  }
  for (const auto& g : d.groups)
    if (instances.count(g.id) != 0) return fmt::format("{} is declared both as a group and as an instance", g.id);
  if (d.key && (d.key->id.empty() || d.key->secret.empty())) return "an access key needs both its id and its secret";
  return "";
}

model::World base_world(const Declarations& d) {
  model::World w;
  w.region_id = d.region_id;
  if (d.key) {
    w.auth.mode = model::AuthMode::signature;
    w.auth.keys.push_back({d.key->id, d.key->secret, true});
  }
  for (const auto& dg : d.groups) {
    model::ScalingGroup g;
    g.id = dg.id;
    g.policy = model::ScalingPolicy::recycle;
    for (const auto& m : dg.members) {
      w.ecs.push_back({m, model::EcsStatus::running});
      g.members.push_back({m, model::CreationType::auto_created, model::MemberState::in_service});
    }
    g.max_size = static_cast<std::int64_t>(g.members.size()) + 2;
    w.groups.push_back(std::move(g));
  }
  return w;
}

namespace {

// An id no declaration uses, for the undeclared things a witness adds.
std::string undeclared_id(const Declarations& d, std::string_view stem) {
  for (int n = 0;; ++n) {
    std::string id = fmt::format("probe-witness-{}-{}", stem, n);
    if (d.group(id) == nullptr && d.group_of(id) == nullptr) return id;
  }
}

// The witnesses that change group `gi` of `base`.
void group_witnesses(const Declarations& d, const model::World& base, std::size_t gi, std::vector<model::World>& out) {
  auto changed = [&](auto change) {
    model::World w = base;
    change(w, w.groups[gi]);
    out.push_back(std::move(w));
  };
  for (auto state : {model::GroupState::inactive, model::GroupState::deleting})
    changed([&](model::World&, model::ScalingGroup& g) { g.state = state; });
  changed([&](model::World& w, model::ScalingGroup& g) {
    w.activities.push_back({undeclared_id(d, "activity"), g.id, model::ActivityStatus::in_progress, std::nullopt, std::nullopt});
  });
  changed([](model::World&, model::ScalingGroup& g) { g.policy = model::ScalingPolicy::release; });
  changed([&](model::World&, model::ScalingGroup& g) { g.load_balancers.push_back({undeclared_id(d, "lb"), model::LoadBalancerStatus::inactive}); });
  changed([&](model::World&, model::ScalingGroup& g) { g.db_instances.push_back({undeclared_id(d, "db"), "Stopped"}); });
  const auto declared = static_cast<std::int64_t>(base.groups[gi].members.size());
  const std::string pending = undeclared_id(d, "pending");
  for (std::int64_t min = 1; min <= declared + 1; ++min)
    for (bool with_pending : {false, true})
      changed([&](model::World& w, model::ScalingGroup& g) {
        if (with_pending) {
          w.ecs.push_back({pending, model::EcsStatus::running});
          g.members.push_back({pending, model::CreationType::auto_created, model::MemberState::pending});
        }
        g.min_size = min;
        g.max_size = std::max(g.max_size, min + 2);
      });
  for (std::size_t mi = 0; mi < base.groups[gi].members.size(); ++mi)
    for (auto state : {model::MemberState::pending, model::MemberState::removing, model::MemberState::is_protected,
                       model::MemberState::standby})
      changed([&](model::World&, model::ScalingGroup& g) { g.members[mi].state = state; });
}

}  // namespace

std::vector<model::World> witness_worlds(const Declarations& d) {
  const model::World base = base_world(d);
  std::vector<model::World> out{base};
  if (!d.key) {
    model::World w = base;
    w.auth.mode = model::AuthMode::signature;
    w.auth.keys.push_back({undeclared_id(d, "key"), "probe-witness-secret", true});
    out.push_back(std::move(w));
  }
  for (std::size_t gi = 0; gi < base.groups.size(); ++gi) group_witnesses(d, base, gi, out);
  return out;
}

namespace {

bool same_outcome(const model::Outcome& a, const model::Outcome& b) {
  return a.kind == b.kind && a.error == b.error && a.effects == b.effects;
}

// A database's status message names the database: probe cannot know which.
void match_database_by_prefix(model::Outcome& o) {
  if (std::find(o.clauses.begin(), o.clauses.end(), model::clause::kDbInstanceStatus) == o.clauses.end()) return;
  for (auto& m : o.error.messages) {
    const auto quote = m.text.find('"');
    if (quote != std::string::npos && !m.prefix) {
      m.text.resize(quote + 1);
      m.prefix = true;
    }
  }
}

void add_outcome(std::vector<model::Outcome>& to, model::Outcome o) {
  match_database_by_prefix(o);
  for (auto& existing : to)
    if (same_outcome(existing, o)) {
      for (auto c : o.clauses)
        if (std::find(existing.clauses.begin(), existing.clauses.end(), c) == existing.clauses.end())
          existing.clauses.push_back(c);
      if (o.grade == model::Grade::pass) existing.grade = model::Grade::pass;
      return;
    }
  to.push_back(std::move(o));
}

void merge_into(model::Expectation& into, model::Expectation e) {
  for (auto& o : e.outcomes) add_outcome(into.outcomes, std::move(o));
  for (auto f : e.formats)
    if (std::find(into.formats.begin(), into.formats.end(), f) == into.formats.end()) into.formats.push_back(f);
  for (auto c : e.clauses)
    if (std::find(into.clauses.begin(), into.clauses.end(), c) == into.clauses.end()) into.clauses.push_back(c);
  into.malformed_http = into.malformed_http || e.malformed_http;
  into.may_refuse_as_malformed = into.may_refuse_as_malformed || e.may_refuse_as_malformed;
}

// The request's bytes, and the same with every %XX and '+' decoded, leniently:
// where a target could read an id.
std::string lenient_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

}  // namespace

std::string names_real_pair(const Declarations& d, const wire::HttpRequest& request) {
  std::string text = request.target;
  for (const auto& h : request.headers) text += "\n" + h.name + ": " + h.value;
  text += "\n" + request.body;
  // Without regard to ASCII case: a target that ignores case (a fault of the
  // self-test) would resolve "ASG-..." to the group. The ids are folded once.
  std::vector<std::pair<std::string, const std::string*>> groups, members;
  for (const auto& g : d.groups) {
    groups.emplace_back(wire::ascii_lower(g.id), &g.id);
    for (const auto& m : g.members) members.emplace_back(wire::ascii_lower(m), &m);
  }
  for (int round = 0; round < 3; ++round) {
    const std::string folded = wire::ascii_lower(text);
    for (const auto& [group, group_id] : groups) {
      if (folded.find(group) == std::string::npos) continue;
      for (const auto& [member, member_id] : members)
        if (folded.find(member) != std::string::npos)
          return fmt::format("it names the declared group {} and the declared instance {}", *group_id, *member_id);
    }
    text = lenient_decode(text);
  }
  return "";
}

Judge::Judge(Declarations d) : d_(std::move(d)), witnesses_(witness_worlds(d_)) {}

Judgement Judge::operator()(const wire::HttpRequest& request, model::Profile profile, const model::Context& context) const {
  Judgement j;
  j.unsafe_why = names_real_pair(d_, request);
  j.safe = j.unsafe_why.empty();
  for (const auto& w : witnesses_) {
    model::Expectation e = model::expect(w, request, profile, context);
    if (j.safe && e.allows_success()) {
      j.safe = false;
      j.unsafe_why = fmt::format("a World consistent with the declarations accepts it: {}", model::to_json(w));
    }
    if (&w == &witnesses_.front()) {  // the base witness's decision and format clause
      j.expectation.reference = e.reference;
      j.expectation.format_clause = e.format_clause;
    }
    merge_into(j.expectation, std::move(e));
  }
  std::sort(j.expectation.clauses.begin(), j.expectation.clauses.end());
  return j;
}

}  // namespace essconf::probe
