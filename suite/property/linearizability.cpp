// check_linearizable: a Wing-Gong-Lowe search (as Porcupine and Knossos do it)
// over the calls not yet placed, with memoization on (calls placed, World).
//
// Two reductions keep it small:
// - An error leaves the World as it is, so an error the model allows at the
//   current World, from a call that real time lets come next, is placed at
//   once without branching: any order that explains the rest from here
//   still explains it with that call moved to the front (it changes nothing
//   the others see, and nothing unplaced had to come before it).
// - Orders that reach the same World with the same calls placed are explored
//   once (the World in canonical form, so the order of activities does not
//   matter).
#include "suite/property/linearizability.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "reference/model/clause_ids.hpp"
#include "reference/model/model.hpp"
#include "suite/runner/checker.hpp"

namespace essconf::property {
namespace {

using Bits = std::vector<std::uint64_t>;

bool test(const Bits& b, std::size_t i) { return (b[i / 64] >> (i % 64)) & 1U; }
void set(Bits& b, std::size_t i) { b[i / 64] |= std::uint64_t{1} << (i % 64); }
bool subset(const Bits& a, const Bits& b) {  // a ⊆ b
  for (std::size_t w = 0; w < a.size(); ++w)
    if ((a[w] & ~b[w]) != 0) return false;
  return true;
}

bool is_success(const Operation& op) { return !op.indeterminate && op.status >= 200 && op.status <= 299; }

std::vector<std::string> instance_ids(const wire::HttpRequest& request) {
  std::vector<std::string> ids;
  for (const auto& p : model::request_params(request).params)
    if (p.name.starts_with("InstanceId.")) ids.push_back(p.value);
  return ids;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// "call #7 (client 3, removing i-m7)"
std::string describe_call(const std::vector<Operation>& h, std::size_t i) {
  const auto ids = instance_ids(h[i].request);
  return fmt::format("call #{} (client {}, {})", i, h[i].client,
                     ids.empty() ? std::string("naming no instance") : "removing " + join(ids, ", "));
}

// "200 success", "400 IncorrectCapacity.MinSize", "no answer"
std::string describe_answer(const Operation& op) {
  if (op.indeterminate) return "no answer";
  if (is_success(op)) return fmt::format("{} success", op.status);
  if (op.code.empty()) return fmt::format("{} without a Code", op.status);
  return fmt::format("{} {}", op.status, op.code);
}

// "only 400 IncorrectCapacity.MinSize there (9 members - 1 removed < MinSize 9)"
std::string describe_allowed(const model::Expectation& e) {
  // One entry per code, its statuses together: "404/400 InvalidInstanceId.NotFound".
  std::vector<std::pair<std::string, std::vector<std::string>>> by_code;
  for (const auto& o : e.outcomes) {
    const bool ok = o.kind == model::Outcome::Kind::success;
    std::string code = ok ? "success" : o.error.codes.empty() ? "with any code" : join(o.error.codes, "/");
    std::vector<std::string> statuses;
    if (ok) statuses.push_back("200");
    for (int s : o.error.statuses) statuses.push_back(std::to_string(s));
    if (!ok && o.error.statuses.empty()) statuses.push_back("4xx");
    auto it = std::find_if(by_code.begin(), by_code.end(), [&](const auto& x) { return x.first == code; });
    if (it == by_code.end()) it = by_code.emplace(by_code.end(), std::move(code), std::vector<std::string>{});
    for (auto& st : statuses)
      if (std::find(it->second.begin(), it->second.end(), st) == it->second.end()) it->second.push_back(std::move(st));
  }
  if (by_code.empty()) return "nothing there";
  std::vector<std::string> allowed;
  allowed.reserve(by_code.size());
  for (const auto& [code, statuses] : by_code) allowed.push_back(join(statuses, "/") + " " + code);
  // Why: the outcome that is the reference's decision, else the first.
  const model::Outcome* why = &e.outcomes.front();
  for (const auto& o : e.outcomes) {
    const bool same = e.reference.success
                          ? o.kind == model::Outcome::Kind::success
                          : o.kind == model::Outcome::Kind::error &&
                                std::find(o.error.codes.begin(), o.error.codes.end(), e.reference.code) != o.error.codes.end();
    if (same) {
      why = &o;
      break;
    }
  }
  return fmt::format("{}{} there{}", allowed.size() == 1 ? "only " : "", join(allowed, " or "),
                     why->why.empty() ? "" : " (" + why->why + ")");
}

template <typename T, typename Key, typename Show>
void diff_sets(const std::vector<T>& expected, const std::vector<T>& observed, Key key, Show show, std::string_view what,
               std::vector<std::string>& out) {
  std::vector<std::string> missing, extra;
  for (const auto& e : expected) {
    auto it = std::find_if(observed.begin(), observed.end(), [&](const T& o) { return key(o) == key(e); });
    if (it == observed.end()) missing.push_back(show(e));
    else if (!(*it == e)) out.push_back(fmt::format("{} {} is {} in the model but {} on the target", what, key(e), show(e), show(*it)));
  }
  for (const auto& o : observed)
    if (std::none_of(expected.begin(), expected.end(), [&](const T& e) { return key(e) == key(o); })) extra.push_back(show(o));
  if (!missing.empty()) out.push_back(fmt::format("the model expects {} {} the target does not show", what, join(missing, ", ")));
  if (!extra.empty()) out.push_back(fmt::format("the target shows {} {} the model does not expect", what, join(extra, ", ")));
}

// The differences between two comparable Worlds, for a person.
std::string describe_world_diff(const model::World& expected, const model::World& observed) {
  std::vector<std::string> out;
  diff_sets(
      expected.ecs, observed.ecs, [](const model::EcsInstance& e) { return e.id; },
      [](const model::EcsInstance& e) { return fmt::format("{} ({})", e.id, model::name(e.status)); }, "ECS instances", out);
  for (const auto& g : expected.groups) {
    const model::ScalingGroup* o = observed.group(g.id);
    if (o == nullptr) {
      out.push_back(fmt::format("the target no longer shows group {}", g.id));
      continue;
    }
    diff_sets(
        g.members, o->members, [](const model::Member& m) { return m.id; },
        [](const model::Member& m) { return fmt::format("{} ({}, {})", m.id, model::name(m.creation), model::name(m.state)); },
        "members of " + g.id + ":", out);
    if (g.min_size != o->min_size || g.max_size != o->max_size || g.state != o->state || g.policy != o->policy ||
        g.load_balancers != o->load_balancers || g.db_instances != o->db_instances)
      out.push_back(fmt::format("group {}'s settings differ", g.id));
  }
  diff_sets(
      expected.activities, observed.activities, [](const model::Activity& a) { return a.id; },
      [](const model::Activity& a) { return fmt::format("{} ({}, {})", a.id, a.group_id, model::name(a.status)); },
      "activities", out);
  if (out.empty()) out.push_back("they differ outside the groups, ECS instances and activities");
  return join(out, "; ");
}

std::string describe_order(const std::vector<std::size_t>& order) {
  std::vector<std::string> parts;
  parts.reserve(order.size());
  for (auto i : order) parts.push_back("#" + std::to_string(i));
  return join(parts, ", ");
}

class Search {
 public:
  Search(const model::World& initial, const std::vector<Operation>& history, const model::World& final_world,
         model::Profile profile, const model::Context& context)
      : initial_(initial), h_(history), profile_(profile), context_(context),
        target_(runner::comparable(final_world, initial)), words_((history.size() + 63) / 64) {
    const std::size_t n = h_.size();
    before_.assign(n, Bits(words_, 0));
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i)
        if (i != j && !h_[i].indeterminate && h_[i].returned_ns < h_[j].invoked_ns) set(before_[j], i);
    for (const auto& op : h_)
      if (!op.indeterminate) ++determinate_;
    // Activities the target shows that no answer named: where the effects of
    // a call without an activity id (indeterminate, or a success without
    // one) can have gone.
    for (const auto& a : final_world.activities) {
      const bool old = std::any_of(initial.activities.begin(), initial.activities.end(),
                                   [&](const model::Activity& b) { return b.id == a.id; });
      const bool named = std::any_of(h_.begin(), h_.end(), [&](const Operation& op) {
        return is_success(op) && op.activity_id && *op.activity_id == a.id;
      });
      if (!old && !named) unnamed_.push_back(a.id);
    }
    // Try calls in the order they were invoked.
    by_invocation_.resize(n);
    for (std::size_t i = 0; i < n; ++i) by_invocation_[i] = i;
    std::stable_sort(by_invocation_.begin(), by_invocation_.end(),
                     [&](std::size_t a, std::size_t b) { return h_[a].invoked_ns < h_[b].invoked_ns; });
  }

  LinearizabilityResult run() {
    LinearizabilityResult r;
    Bits placed(words_, 0);
    r.linearizable = dfs(placed, 0, initial_);
    r.states_explored = seen_.size();
    if (r.linearizable) {
      r.order = witness_;
    } else {
      r.explanation = explain(r.clause);
    }
    return r;
  }

 private:
  bool placeable(const Bits& placed, std::size_t j) const { return !test(placed, j) && subset(before_[j], placed); }

  model::Expectation expect(const model::World& world, std::size_t j) const {
    return model::expect(world, h_[j].request, profile_, context_);
  }

  bool error_allowed(const model::Expectation& e, std::size_t j) const {
    return e.grade_error(h_[j].status, h_[j].code, h_[j].message).has_value();
  }

  // The distinct effects of the success outcomes the model allows.
  static std::vector<model::Effects> success_effects(const model::Expectation& e) {
    std::vector<model::Effects> out;
    for (const auto& o : e.outcomes)
      if (o.kind == model::Outcome::Kind::success && std::find(out.begin(), out.end(), o.effects) == out.end())
        out.push_back(o.effects);
    return out;
  }

  // The activity ids a success of call j can have created in `world`.
  std::vector<std::string> activity_ids(const model::World& world, std::size_t j) const {
    const Operation& op = h_[j];
    if (is_success(op) && op.activity_id && !op.activity_id->empty()) return {*op.activity_id};
    std::vector<std::string> ids;
    for (const auto& id : unnamed_)
      if (std::none_of(world.activities.begin(), world.activities.end(), [&](const model::Activity& a) { return a.id == id; }))
        ids.push_back(id);
    // A success without an id whose activity the target does not show: the
    // end World will tell.
    if (ids.empty() && !op.indeterminate) ids.push_back(fmt::format("(the activity of call #{})", j));
    return ids;
  }

  std::string key(const Bits& placed, const model::World& world) const {
    std::string k(reinterpret_cast<const char*>(placed.data()), placed.size() * sizeof(std::uint64_t));
    k += model::to_json(model::canonical(world));
    return k;
  }

  void note_depth(const Bits& placed, std::size_t depth, const model::World& world) {
    if (best_ && depth <= best_depth_) return;
    best_ = true;
    best_depth_ = depth;
    best_placed_ = placed;
    best_order_ = order_;
    best_world_ = world;
  }

  bool dfs(Bits placed, std::size_t depth, const model::World& world) {
    const std::size_t mark = order_.size();
    // Errors the model allows here are placed at once (see the top of the file).
    // Another pass only when a placement may have let a call that real time
    // held back come next.
    for (bool again = true; again;) {
      bool held_back = false, placed_one = false;
      for (std::size_t j : by_invocation_) {
        if (h_[j].indeterminate || is_success(h_[j]) || test(placed, j)) continue;
        if (!subset(before_[j], placed)) {
          held_back = true;
          continue;
        }
        if (!error_allowed(expect(world, j), j)) continue;
        set(placed, j);
        order_.push_back(j);
        ++depth;
        placed_one = true;
      }
      again = held_back && placed_one;
    }
    auto undo = [&] {
      order_.resize(mark);
      return false;
    };
    if (!seen_.insert(key(placed, world)).second) return undo();
    note_depth(placed, depth, world);
    if (depth == determinate_) {
      if (runner::comparable(world, initial_) == target_) {
        witness_ = order_;
        return true;
      }
      if (!complete_world_) {
        complete_world_ = runner::comparable(world, initial_);
        complete_order_ = order_;
      }
    }
    for (std::size_t j : by_invocation_) {
      const Operation& op = h_[j];
      if (!(op.indeterminate || is_success(op)) || !placeable(placed, j)) continue;
      const auto effects = success_effects(expect(world, j));
      if (effects.empty()) continue;  // an indeterminate call that cannot succeed here had no effect, or comes later
      const auto ids = activity_ids(world, j);
      for (const auto& fx : effects)
        for (const auto& id : ids) {
          Bits next = placed;
          set(next, j);
          order_.push_back(j);
          if (dfs(next, depth + (op.indeterminate ? 0 : 1), model::apply(world, fx, id))) return true;
          order_.pop_back();
        }
    }
    return undo();
  }

  // Whether a call answered with an error names `instance_id` in an InstanceId.N.
  bool refused_call_named(const std::string& instance_id) const {
    for (const auto& op : h_) {
      if (op.indeterminate || is_success(op)) continue;
      for (const auto& p : model::request_params(op.request).params)
        if (p.name.starts_with("InstanceId.") && p.value == instance_id) return true;
    }
    return false;
  }

  // Every answer is explained by some order, but none ends in the World the
  // target shows (*complete_world_ is the one the orders end in).
  std::string explain_final_world(const std::string& calls, std::string& clause) const {
    if (h_.empty()) {
      return "no call was made, yet the World the target shows is not the one loaded: " +
             describe_world_diff(*complete_world_, target_);
    }
    // Members gone that the explained World still has, named by a refused
    // call: a refusal that changed the World (atomic.rejected-unchanged).
    for (const auto& g : complete_world_->groups) {
      const model::ScalingGroup* shown = target_.group(g.id);
      for (const auto& member : g.members)
        if (shown && !shown->member(member.id) && refused_call_named(member.id)) clause = std::string(model::clause::kRejectedUnchanged);
    }
    return fmt::format(
        "every answer of the {} is explained by some order{}, but no such order ends in the World the target "
        "shows afterwards: {}",
        calls, complete_order_.empty() ? "" : " (e.g. " + describe_order(complete_order_) + ")",
        describe_world_diff(*complete_world_, target_));
  }

  std::string explain(std::string& clause) const {
    clause = std::string(model::clause::kConcurrentMinSize);
    const std::size_t n = h_.size();
    const std::size_t unanswered = n - determinate_;
    const std::string calls = fmt::format("{} call{}{}", n, n == 1 ? "" : "s",
                                          unanswered ? fmt::format(" ({} without an answer)", unanswered) : "");
    if (complete_world_) return explain_final_world(calls, clause);
    std::string out = fmt::format("no order of the {} explains the answers: at most {} of the {} answered can be placed",
                                  calls, best_depth_, determinate_);
    if (!best_order_.empty()) out += fmt::format(" (e.g. {})", describe_order(best_order_));
    // Successes the model refuses first (they say most), then errors, then
    // the calls real time holds back.
    std::vector<std::pair<int, std::string>> reasons;
    bool refused_success = false;  // some success the model does not allow
    std::string refusal_clause;    // the clause of the first refusal the model does not allow
    for (std::size_t j : by_invocation_) {
      const Operation& op = h_[j];
      if (op.indeterminate || test(best_placed_, j)) continue;
      if (!subset(before_[j], best_placed_)) {
        std::size_t first = 0;
        for (std::size_t i = 0; i < n; ++i)
          if (test(before_[j], i) && !test(best_placed_, i)) {
            first = i;
            break;
          }
        reasons.emplace_back(2, fmt::format("{} cannot come yet: call #{} returned before it was invoked", describe_call(h_, j), first));
        continue;
      }
      const auto e = expect(best_world_, j);
      std::string answer = describe_answer(op);
      if (!is_success(op) && std::any_of(e.outcomes.begin(), e.outcomes.end(), [&](const model::Outcome& o) {
            return o.kind == model::Outcome::Kind::error &&
                   std::find(o.error.codes.begin(), o.error.codes.end(), op.code) != o.error.codes.end();
          }))
        answer += fmt::format(" (Message \"{}\")", op.message);
      reasons.emplace_back(is_success(op) ? 0 : 1, fmt::format("{} answered {} but the model allows {}", describe_call(h_, j),
                                                               answer, describe_allowed(e)));
      if (is_success(op)) refused_success = true;
      else if (const auto c = model::documented_error_clause(op.code); c && refusal_clause.empty()) refusal_clause = *c;
    }
    if (!refused_success && !refusal_clause.empty()) clause = refusal_clause;
    std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    constexpr std::size_t kShown = 4;
    for (std::size_t i = 0; i < reasons.size() && i < kShown; ++i) out += "; " + reasons[i].second;
    if (reasons.size() > kShown) out += fmt::format("; and {} more", reasons.size() - kShown);
    return out;
  }

  const model::World& initial_;
  const std::vector<Operation>& h_;
  model::Profile profile_;
  const model::Context& context_;
  model::World target_;
  std::size_t words_;
  std::vector<Bits> before_;  // before_[j]: the answered calls that returned before call j was invoked
  std::size_t determinate_ = 0;
  std::vector<std::string> unnamed_;
  std::vector<std::size_t> by_invocation_;
  std::unordered_set<std::string> seen_;
  std::vector<std::size_t> order_;
  std::vector<std::size_t> witness_;
  // The deepest state reached (most answered calls placed), for the explanation.
  bool best_ = false;
  std::size_t best_depth_ = 0;
  Bits best_placed_;
  std::vector<std::size_t> best_order_;
  model::World best_world_;
  // The first order that places every answered call, and where it ends.
  std::optional<model::World> complete_world_;
  std::vector<std::size_t> complete_order_;
};

}  // namespace

LinearizabilityResult check_linearizable(const model::World& initial, const std::vector<Operation>& history,
                                         const model::World& final_world, model::Profile profile,
                                         const model::Context& context) {
  return Search(initial, history, final_world, profile, context).run();
}

}  // namespace essconf::property
