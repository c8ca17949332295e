// The effects of a successful RemoveInstances on the World (fixture protocol
// "Effects a GET must show"), and the completion of activities.
#include "reference/model/apply.hpp"

#include <algorithm>

namespace essconf::model {
namespace {

// What finishing the removal of `ids` from group `group_id` does.
void finish_removal(World& w, std::string_view group_id, const std::vector<std::string>& ids, RemovePolicy policy) {
  ScalingGroup* g = w.group(group_id);
  if (g == nullptr) return;
  for (const auto& id : ids) {
    const Member* m = g->member(id);
    if (m == nullptr) continue;
    const CreationType creation = m->creation;
    std::erase_if(g->members, [&](const Member& x) { return x.id == id; });
    if (creation == CreationType::attached) continue;  // effect.attached.kept
    // effect.auto-created.released: released, or stopped under recycle.
    if (policy == RemovePolicy::release) {
      std::erase_if(w.ecs, [&](const EcsInstance& e) { return e.id == id; });
    } else if (EcsInstance* e = w.ecs_instance(id)) {
      e->status = EcsStatus::stopped;
    }
  }
}

}  // namespace

World apply(const World& world, const Effects& effects, std::string_view activity_id) {
  World w = world;
  Activity a;
  a.id = std::string(activity_id);
  a.group_id = effects.group_id;
  a.instance_ids = effects.instance_ids;
  a.remove_policy = effects.policy;
  if (w.completion == ActivityCompletion::immediate) {
    a.status = ActivityStatus::successful;
    finish_removal(w, effects.group_id, effects.instance_ids, effects.policy);
  } else {
    a.status = ActivityStatus::in_progress;
    if (ScalingGroup* g = w.group(effects.group_id))
      for (const auto& id : effects.instance_ids)
        if (Member* m = g->member(id)) m->state = MemberState::removing;
  }
  w.activities.push_back(std::move(a));
  return w;
}

std::vector<std::string> complete_activities(World& w) {
  std::vector<std::string> done;
  for (auto& a : w.activities) {
    if (a.status != ActivityStatus::in_progress) continue;
    a.status = ActivityStatus::successful;
    if (a.instance_ids)
      finish_removal(w, a.group_id, *a.instance_ids, a.remove_policy.value_or(RemovePolicy::release));
    done.push_back(a.id);
  }
  return done;
}

}  // namespace essconf::model
