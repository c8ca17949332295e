// What a case run knows of the target's World, and how it learns more. The
// runner (run.cpp) runs a case the same way against either:
// - FixtureWorld (essconf run): the fixture protocol sets the case's World
//   before it and reads the World back after each send; the model judges each
//   request in the World the target holds.
// - DeclaredWorlds (essconf probe, docs/probe.md): no fixture protocol. The
//   user's declarations bound the World; each request is judged over every
//   World they allow (probe::Judge) and sent only when it removes nothing in
//   any of them; nothing is set or read, and a case judges only the clauses
//   its answer bears out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/json/result.hpp"
#include "reference/model/expectation.hpp"
#include "suite/probe/probe_judge.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/checker.hpp"
#include "suite/runner/fixture_driver.hpp"

namespace essconf::runner {

class WorldAccess {
 public:
  virtual ~WorldAccess() = default;

  // Why the case cannot run against this target ("" when it can).
  virtual std::string cannot_run(const Case& c) const = 0;
  // Sets the case's World on the target, where it can be set.
  virtual Status set(const model::World& world) = 0;
  // What the target may answer to `request` sent in `world`; nullopt (with
  // why in `unsafe_why`) when the request must not be sent.
  virtual std::optional<model::Expectation> expect(const model::World& world, const wire::HttpRequest& request,
                                                   model::Profile profile, const model::Context& ctx,
                                                   std::string& unsafe_why) const = 0;
  // The World the target holds now; nullopt when it cannot be read (probe:
  // nothing it sends changes it).
  virtual Result<std::optional<model::World>> read() = 0;
  virtual Status complete_activities() = 0;
  // The verdict on a case whose last answer matched `e` (nullptr when no
  // answer came), narrowed to what this access can judge: `case_clauses`
  // are the clauses the case result lists.
  virtual void narrow(const Case& c, const model::Expectation* e, const Observation* answer, Verdict& v,
                      std::vector<std::string>& case_clauses) const = 0;
};

class FixtureWorld final : public WorldAccess {
 public:
  FixtureWorld(FixtureDriver& fixture, const Capabilities& caps) : fixture_(fixture), caps_(caps) {}
  std::string cannot_run(const Case& c) const override;
  Status set(const model::World& world) override { return fixture_.load_world(world); }
  std::optional<model::Expectation> expect(const model::World& world, const wire::HttpRequest& request,
                                           model::Profile profile, const model::Context& ctx,
                                           std::string& unsafe_why) const override;
  Result<std::optional<model::World>> read() override;
  Status complete_activities() override { return fixture_.complete_activities(); }
  void narrow(const Case&, const model::Expectation*, const Observation*, Verdict&,
              std::vector<std::string>&) const override {}

 private:
  FixtureDriver& fixture_;
  const Capabilities& caps_;
};

class DeclaredWorlds final : public WorldAccess {
 public:
  explicit DeclaredWorlds(const probe::Declarations& d) : judge_(d) {}
  std::string cannot_run(const Case&) const override { return ""; }
  Status set(const model::World&) override { return Done{}; }
  std::optional<model::Expectation> expect(const model::World& world, const wire::HttpRequest& request,
                                           model::Profile profile, const model::Context& ctx,
                                           std::string& unsafe_why) const override;
  Result<std::optional<model::World>> read() override { return std::optional<model::World>(); }
  Status complete_activities() override { return Done{}; }
  // Keeps only the clauses the answer bears out: those of the error outcome
  // it matched (the union over the declarations' Worlds merges outcomes, and
  // one answer can match several), and those the checker judges on every
  // answer (its body, RequestId, format). The case's other clauses are not
  // judged, never passed; when none is left, neither is the case.
  void narrow(const Case& c, const model::Expectation* e, const Observation* answer, Verdict& v,
              std::vector<std::string>& case_clauses) const override;

 private:
  probe::Judge judge_;
};

}  // namespace essconf::runner
