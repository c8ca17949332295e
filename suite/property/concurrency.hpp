// The concurrency phase: rounds of parallel RemoveInstances calls on one
// group, from several kept-alive connections released at once, each round's
// history checked by check_linearizable (atomic.concurrent-min-size).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suite/property/linearizability.hpp"
#include "suite/runner/run.hpp"

namespace essconf::property {

struct ConcurrencyOptions {
  runner::RunOptions run;  // target, fixture, profile, limits
  int rounds = 20;         // alternating Immediate and Manual completion
  int connections = 8;     // parallel clients, each with its own connection
  std::uint64_t seed = 1;
};

struct ConcurrencyRound {
  int index = 0;
  model::World world;                // loaded before the round
  std::vector<Operation> history;
  model::World final_world;          // read back after it
  LinearizabilityResult result;
};

struct ConcurrencyReport {
  std::string error;                        // the phase could not run (fixture protocol, target): why
  bool lacks_world = false;                 // the target does not offer the "world" feature (not applicable)
  int rounds_run = 0;
  int answered = 0;                         // calls that got an answer, over every round
  std::vector<ConcurrencyRound> failures;   // rounds whose history is not linearizable
  std::uint64_t http_requests = 0;
  double seconds = 0;
};

// Each round: a World with one group of 6 to 16 members (AutoCreated and
// Attached) whose MinSize lets only some of the calls succeed, loaded with
// PUT; `connections` clients connect, wait at a barrier, then each sends one
// RemoveInstances naming one or two members (overlapping between clients
// now and then); the World is read back; the history is checked. Generation
// is deterministic from the seed (round i of seed s is always the same).
// Needs the `world` feature (and `activities` for the Manual rounds, which
// are skipped without it).
ConcurrencyReport check_concurrency(const ConcurrencyOptions& options);

}  // namespace essconf::property
