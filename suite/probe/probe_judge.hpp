// What `essconf probe` may send and what it may accept, for a target whose
// World it cannot set or read: the model's judgement of a request over every
// World consistent with what the user declares (docs/probe.md).
//
// Probe knows the groups the user names, some of their members, the region
// and (optionally) an access key the target accepts. Everything else is open:
// each group's LifecycleState, sizes and ScalingPolicy, its other members,
// each member's state, activities in progress, load balancers and databases,
// whether an unsigned request is checked. Ids probe makes up itself (fresh
// random group and instance ids) are nobody's, in every World.
//
// The judgement runs model::expect on a few witness Worlds, each the most
// permissive World with one open thing changed; the union of their outcomes
// is what the target may answer. A request is safe when no witness allows a
// success: the base witness is the most permissive in every open thing, and
// a rule that refuses there refuses in every consistent World (probe_test's
// property checks both claims against random consistent Worlds).
//
// Safety does not rest on the target being conformant either: a safe request
// never names a declared group together with a declared instance (in any ASCII case), in its bytes
// or in them percent-decoded. Whatever one rule a target breaks, it either
// names a group that does not exist or instances that do not exist (probe's
// fresh ids), so removing anything would take a second, independent fault.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"

namespace essconf::probe {

struct DeclaredGroup {
  std::string id;
  std::vector<std::string> members;  // some of its members (maybe none): instance ids
  friend bool operator==(const DeclaredGroup&, const DeclaredGroup&) = default;
};

struct Declarations {
  std::string region_id = "cn-hangzhou";
  // An access key the target accepts and authorizes for RemoveInstances: the
  // target checks signatures with it. Without one, whether the target checks
  // signatures is open.
  std::optional<model::AccessKey> key;
  std::vector<DeclaredGroup> groups;
  friend bool operator==(const Declarations&, const Declarations&) = default;

  const DeclaredGroup* group(std::string_view id) const noexcept;
  // The group a declared instance is a member of; nullptr when none is declared.
  const DeclaredGroup* group_of(std::string_view instance_id) const noexcept;
};

// Declarations that contradict themselves: an empty or repeated group id, an
// instance declared in two groups (or twice), an access key without its secret.
// "" when there is none.
std::string contradiction(const Declarations& d);

// The most permissive World consistent with `d`: every declared group Active,
// MinSize 0, ScalingPolicy recycle, its declared members AutoCreated and
// InService, no activity, load balancer or database; Auth Signature with the
// declared key when there is one, else None.
model::World base_world(const Declarations& d);

// base_world and one World per open thing changed away from it (a group's
// state, an activity in progress, its ScalingPolicy, MinSize from 0 to its
// declared members + 1 with and without an undeclared Pending member, an
// Inactive load balancer, a database not Running, each declared member in each
// state other than InService, signatures checked with an unknown key when no
// key is declared). Every one is consistent with `d`.
std::vector<model::World> witness_worlds(const Declarations& d);

struct Judgement {
  // The union of the witnesses' expectations: every outcome any of them
  // allows, with the base witness's reference decision. A database's status
  // message names a database probe cannot know, so it is matched by prefix.
  model::Expectation expectation;
  // No witness allows a success (the request removes nothing in any World
  // consistent with the declarations), and the request names no declared
  // group together with a declared instance. Probe sends only safe requests.
  bool safe = false;
  // When not safe: why, in one sentence (the first witness that allows a success).
  std::string unsafe_why;
};

// Why the request names a declared group and a declared instance, or "".
std::string names_real_pair(const Declarations& d, const wire::HttpRequest& request);

// The judgement under one set of declarations: the witness Worlds are built
// once, and each request is judged on them.
class Judge {
 public:
  explicit Judge(Declarations d);
  const Declarations& declarations() const noexcept { return d_; }
  Judgement operator()(const wire::HttpRequest& request, model::Profile profile, const model::Context& context) const;

 private:
  Declarations d_;
  std::vector<model::World> witnesses_;
};

}  // namespace essconf::probe
