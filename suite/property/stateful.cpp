// The stateful property: sequences of commands against one target, each
// checked against the model, a failing sequence shrunk by RapidCheck to a
// minimal one (rc::state, model plus commands: docs of RapidCheck's state.md).
// Every RemoveInstances is judged from the World the target actually holds
// before it, so one wrong step cannot hide or fake a later one; the model
// state only guides generation.
#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "reference/model/model.hpp"
#include "suite/property/generators.hpp"
#include "suite/property/properties.hpp"
#include "suite/property/rc_result.hpp"
#include "suite/runner/checker.hpp"
#include "suite/runner/fixture_driver.hpp"

namespace essconf::property {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct StateModel {
  model::World world;
  int activities = 0;
};

// A signed call the target answered with a success: its key and nonce are used
// in every reading of rpc.nonce, so a later call reusing them must be refused.
struct SignedSuccess {
  std::string key_id;
  std::string key_secret;
  std::string nonce;
};

struct Target {
  Target(const runner::RunOptions& o, std::chrono::steady_clock::time_point deadline_)
      : options(o),
        deadline(deadline_),
        api(runner::client_for(o, o.target)),
        fixture_client(runner::client_for(o, o.fixture, client::Resend::when_dropped)),
        fixture(fixture_client) {}
  const runner::RunOptions& options;
  std::chrono::steady_clock::time_point deadline;  // the run's time limit
  client::HttpClient api;
  client::HttpClient fixture_client;
  runner::FixtureDriver fixture;
  model::NonceLedger nonces;
  std::vector<SignedSuccess> signed_successes;
  std::uint64_t nonce_counter = 0;
  FailureLedger ledger;               // failures already recorded: their signatures are set aside
  std::string last_failure;           // the failing step, for the report
  std::vector<std::string> last_failure_clauses;  // the clauses of its new signatures (none when the harness failed)
  runner::VerdictKind last_failure_kind = runner::VerdictKind::error;
  std::vector<std::string> last_failure_signatures;
  bool failed_once = false;           // a sequence of this round has failed: RapidCheck is shrinking

  model::World read() {
    auto w = fixture.get_world();
    if (!w) fail(w.error());
    return *w;
  }
  void load(const model::World& w) {
    if (const auto put = fixture.put_world(w); !put) fail(put.error());
    nonces.clear();  // PUT replaces all state, nonces included
    signed_successes.clear();
  }
  // A step failed on the harness's side (the fixture protocol): an error that ends the property.
  [[noreturn]] void fail(const std::string& what) {
    runner::Verdict v;
    v.kind = runner::VerdictKind::error;
    record(what, v, {"harness|error"});
  }
  // A step's verdict is not allowed. Already recorded (every signature set aside): the sequence goes on.
  void fail(const std::string& what, const runner::Verdict& v) {
    auto signatures = FailureLedger::signatures(v, options.profile);
    if (ledger.is_new(signatures)) record(what, v, std::move(signatures));
  }
  [[noreturn]] void record(const std::string& what, const runner::Verdict& v, std::vector<std::string> signatures) {
    // Shrinking cut short by the run's time limit proves nothing: the smallest failing sequence found before stands.
    if (failed_once && std::chrono::steady_clock::now() >= deadline) RC_SUCCEED("the run's time limit was reached");
    failed_once = true;
    last_failure = what;
    last_failure_clauses = ledger.new_clauses(signatures);
    last_failure_kind = v.kind;
    last_failure_signatures = std::move(signatures);
    RC_FAIL(what);
  }
};

using Command = rc::state::Command<StateModel, Target>;

const std::string* first_group(const model::World& w) { return w.groups.empty() ? nullptr : &w.groups.front().id; }

// The model's guess of a call's effect on `w`, to guide generation only:
// whether it succeeds, applying it (as activity `activity_id`) if so.
bool predict(model::World& w, const runner::RequestSpec& spec, const std::string& activity_id) {
  const std::int64_t now = unix_now();
  const auto d = model::expect(w, runner::build_request(spec, now, "model-nonce"), model::Profile::strict,
                               {now, 0, nullptr}).reference;
  if (d.success) w = model::apply(w, d.effects, activity_id);
  return d.success;
}

void apply_remove(StateModel& m, const runner::RequestSpec& spec) {
  if (predict(m.world, spec, fmt::format("asa-model-{}", m.activities + 1))) ++m.activities;
}

// Completes every activity through the fixture protocol, and checks the World after.
void complete_all(Target& t) {
  const model::World before = t.read();
  model::World expected = before;
  model::complete_activities(expected);
  if (const auto done = t.fixture.complete_activities(); !done) t.fail(done.error());
  if (!(runner::comparable(t.read(), before) == runner::comparable(expected, before)))
    t.fail("activities/complete: the World after is not the one completing every InProgress activity gives");
}

// Sends one RemoveInstances and judges the answer and the World after it from
// the World the target held before.
void send_and_check(Target& t, const runner::RequestSpec& spec) {
  const model::World before = t.read();
  const std::int64_t now = unix_now();
  const auto request = client::with_transport_headers(
      runner::build_request(runner::in_scheme(spec, t.options.signature), now,
                            fmt::format("stateful-{:016x}", ++t.nonce_counter), t.options.target.host_header()),
      t.options.target);
  const auto e = model::expect(before, request, t.options.profile,
                               {now, t.options.clock_tolerance, &t.nonces, t.options.signature == runner::SignatureScheme::v3});
  const auto x = t.api.send(request, t.deadline);
  if (x.error != client::TransportError::none) {
    const auto v = runner::unanswered_verdict(x, t.api, t.deadline);
    t.fail(fmt::format("RemoveInstances {}: {}\n{}\ncurl: {}", runner::name(v.kind), v.summary,
                       wire::to_http_bytes(request), wire::to_curl(request, t.options.target.origin())), v);
    return;  // set aside: what the call did is unknown, so the step proves nothing more
  }
  const bool succeeded = x.status / 100 == 2;
  if (const auto& use = e.reference.nonce_used) {
    t.nonces.record(*use, succeeded);
    if (succeeded && spec.sign) t.signed_successes.push_back({use->key_id, spec.sign->access_key_secret, use->nonce});
  }
  runner::Observation o{x.status, x.headers, x.body, t.read()};
  const auto v = runner::check({e, before, false}, o);
  const bool ok = v.kind != runner::VerdictKind::not_applicable && !runner::blocks(v.kind, t.options.profile);
  if (!ok)
    t.fail(fmt::format("RemoveInstances {}: {}\n{}\ncurl: {}", runner::name(v.kind), v.summary,
                       wire::to_http_bytes(request), wire::to_curl(request, t.options.target.origin())), v);
}

struct Remove : Command {
  explicit Remove(const StateModel& m)
      : spec(*rc::gen::weightedOneOf<runner::RequestSpec>({{5, gen_request(m.world, RequestKind::valid)},
                                                            {3, gen_request(m.world, RequestKind::near_valid)},
                                                            {2, gen_request(m.world, RequestKind::malformed)}})) {
    // Signed calls sometimes take their nonce from a small pool, so that a
    // sequence reuses nonces and the target must refuse the reuse (rpc.nonce).
    if (spec.sign && !spec.sign->nonce && *rc::gen::inRange(0, 3) == 0)
      spec.sign->nonce = fmt::format("pooled-nonce-{}", *rc::gen::inRange(1, 3));
  }
  runner::RequestSpec spec;

  void apply(StateModel& m) const override { apply_remove(m, spec); }
  void run(const StateModel&, Target& t) const override { send_and_check(t, spec); }
  void show(std::ostream& os) const override {
    os << "RemoveInstances " << wire::to_http_bytes(runner::build_request(spec, 0, "n")).substr(0, 300);
  }
};

// A signed call that succeeds, every activity completed, then another valid
// call signed with the same key and nonce: the replay every nonce cache
// exists to stop (rpc.nonce). Only the nonce stands in the second call's way.
struct ReplayNonce : Command {
  explicit ReplayNonce(const StateModel& m) {
    RC_PRE(m.world.auth.mode == model::AuthMode::signature);
    first = *gen_request(m.world, RequestKind::valid);
    RC_PRE(first.sign.has_value());
    model::World after_first = m.world;
    RC_PRE(predict(after_first, first, "asa-model-replay"));
    model::complete_activities(after_first);
    replay = *gen_request(after_first, RequestKind::valid);
    RC_PRE(replay.sign.has_value());
    replay.sign->access_key_id = first.sign->access_key_id;
    replay.sign->access_key_secret = first.sign->access_key_secret;
    model::World w = after_first;
    RC_PRE(predict(w, replay, "asa-model-replay"));  // would succeed but for the nonce
  }
  runner::RequestSpec first;
  runner::RequestSpec replay;

  void apply(StateModel& m) const override {
    apply_remove(m, first);
    model::complete_activities(m.world);  // the replay: refused
  }
  void run(const StateModel&, Target& t) const override {
    const std::size_t successes = t.signed_successes.size();
    send_and_check(t, first);
    complete_all(t);
    if (t.signed_successes.size() == successes) return;  // no success: nothing to replay
    runner::RequestSpec again = replay;
    again.sign->nonce = t.signed_successes.back().nonce;
    send_and_check(t, again);
  }
  void show(std::ostream& os) const override {
    os << "RemoveInstances " << wire::to_http_bytes(runner::build_request(first, 0, "N")).substr(0, 300)
       << "\nPOST /_conformance/v1/activities/complete\nRemoveInstances with the same nonce N: "
       << wire::to_http_bytes(runner::build_request(replay, 0, "N")).substr(0, 300);
  }
};

struct Complete : Command {
  explicit Complete(const StateModel&) {}
  void apply(StateModel& m) const override { model::complete_activities(m.world); }
  void run(const StateModel&, Target& t) const override { complete_all(t); }
  void show(std::ostream& os) const override { os << "POST /_conformance/v1/activities/complete"; }
};

// Changes one group through the fixture protocol: its LifecycleState or its MinSize.
struct ChangeGroup : Command {
  explicit ChangeGroup(const StateModel& m) {
    RC_PRE(first_group(m.world) != nullptr);
    const auto& g = *rc::gen::elementOf(m.world.groups);
    group = g.id;
    if (*rc::gen::arbitrary<bool>()) {
      state = *rc::gen::element(model::GroupState::active, model::GroupState::inactive, model::GroupState::deleting);
    } else {
      const auto members = static_cast<int>(g.members.size());
      min_size = *rc::gen::inRange<std::int64_t>(0, std::min<std::int64_t>(members + 2, g.max_size + 1));
    }
  }
  void change(model::World& w) const {
    if (model::ScalingGroup* g = w.group(group)) {
      if (state) g->state = *state;
      if (min_size) g->min_size = std::min(*min_size, g->max_size);
    }
  }
  void checkPreconditions(const StateModel& m) const override { RC_PRE(m.world.group(group) != nullptr); }
  void apply(StateModel& m) const override { change(m.world); }
  void run(const StateModel&, Target& t) const override {
    model::World w = t.read();
    change(w);
    t.load(w);
    if (!(runner::comparable(t.read(), w) == runner::comparable(w, w)))
      t.fail("PUT world then GET world: the target does not hold the World it was given");
  }
  void show(std::ostream& os) const override {
    os << "PUT world with " << group << (state ? fmt::format(" LifecycleState {}", model::name(*state)) : "")
       << (min_size ? fmt::format(" MinSize {}", *min_size) : "");
  }
  std::string group;
  std::optional<model::GroupState> state;
  std::optional<std::int64_t> min_size;
};

// The failure of a minimal failing sequence (`bad`), after `runs` passing
// ones: the failing step, the sequence, how to replay it.
runner::PropertyFailure sequence_failure(const Target& target, const rc::detail::FailureResult& bad,
                                         const PropertyOptions& o, int runs) {
  runner::PropertyFailure f;
  f.kind = target.last_failure_kind;
  f.clauses = target.last_failure_clauses;
  f.summary = fmt::format("after {} passing sequences, a sequence fails (shrunk to a minimal one): {}", runs,
                          target.last_failure.substr(0, target.last_failure.find('\n')));
  std::ostringstream d;
  d << "Minimal sequence:\n";
  for (const auto& [name, value] : bad.counterExample) d << value << "\n";
  d << "\nThe failing step:\n" << target.last_failure << "\n";
  d << fmt::format("\nReplay: essconf run --target URL --skip-catalog --seed {} --property-runs {}\n", o.run.seed,
                   o.differential_runs);
  f.detail = d.str();
  return f;
}

}  // namespace

PropertyResult check_stateful(const PropertyOptions& o) {
  PropertyResult out;
  out.name = "property.stateful";
  out.clause = "effect.removed-exactly";  // when it fails: the failing step's clause
  out.seed = o.run.seed;
  const auto start = std::chrono::steady_clock::now();
  Target target(o.run, start + o.run.run_timeout);
  if (auto caps = target.fixture.capabilities(); !caps) {
    out.verdict = runner::VerdictKind::error;
    out.summary = "the fixture protocol is not usable: " + caps.error();
    return out;
  } else if (!caps->has("world") || !caps->has("activities")) {
    out.verdict = runner::VerdictKind::not_applicable;
    out.summary = "the target lacks the world or activities feature";
    return out;
  }
  std::uint64_t calls = 0;  // runs of the property, shrinking steps included
  auto property = [&] {
    // Reported as a run starts: RapidCheck ends a failing one by throwing.
    if (o.run.on_progress)
      o.run.on_progress({out.name, calls++, static_cast<std::uint64_t>(o.stateful_runs), out.failures.size(),
                         target.api.requests_sent() + target.fixture_client.requests_sent()});
    model::World w0 = *gen_world();
    const StateModel s0{w0, 0};
    const auto commands =
        *rc::state::gen::commands(s0, rc::state::gen::execOneOfWithArgs<Remove, Remove, Remove, ReplayNonce, Complete, ChangeGroup>());
    // Out of time while shrinking: running the sequence would prove nothing (Target::fail).
    if (target.failed_once && std::chrono::steady_clock::now() >= target.deadline) return;
    target.load(w0);
    rc::state::runAll(commands, s0, target);
  };
  rc::detail::TestParams params;
  params.maxSize = 30;  // commands per sequence grow up to this
  rc::detail::TestMetadata meta;
  meta.id = out.name;
  check_past_failures(property, meta, params, o.stateful_runs, target.deadline, out, [&](const rc::detail::FailureResult& bad) {
    if (!target.failed_once) {  // RapidCheck failed outside a step: the harness itself
      out.failures.push_back({{}, runner::VerdictKind::error, "the property failed: " + bad.description, ""});
      return false;
    }
    out.failures.push_back(sequence_failure(target, bad, o, out.runs));
    target.ledger.set_aside(target.last_failure_signatures);
    target.failed_once = false;
    // A harness error ends the property: going on would only meet it again.
    return target.last_failure_kind != runner::VerdictKind::error || !target.last_failure_clauses.empty();
  });
  if (out.verdict == runner::VerdictKind::pass)
    out.summary = fmt::format("{} command sequences, every step allowed by the model", out.runs);
  else if (out.failures.size() == 1)
    out.summary = out.failures.front().summary;
  else if (!out.failures.empty())
    out.summary = fmt::format("{} distinct failures; the first: {}", out.failures.size(), out.failures.front().summary);
  out.http_requests = target.api.requests_sent() + target.fixture_client.requests_sent();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace essconf::property
