// Concurrent RemoveInstances calls and the check that their history is
// linearizable against the model (atomic.concurrent-min-size), in the way of
// Porcupine and Knossos: some order of the calls, consistent with real time
// (a call that returned before another was invoked comes first), must be one
// in which the model allows every observed answer, and which ends in the
// World the target shows afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"

namespace essconf::property {

// One call as a client saw it.
struct Operation {
  int client = 0;  // which connection sent it
  std::int64_t invoked_ns = 0;   // steady clock, before the first byte was written
  std::int64_t returned_ns = 0;  // steady clock, after the last byte was read
  wire::HttpRequest request;
  // The answer; `indeterminate` when there was none (timeout, reset): such a
  // call may or may not have taken effect, at any time after its invocation.
  bool indeterminate = false;
  int status = 0;
  std::string code;                          // error Code, "" on success
  std::string message;
  std::optional<std::string> activity_id;    // success: the ScalingActivityId returned
};

struct LinearizabilityResult {
  bool linearizable = false;
  std::vector<std::size_t> order;  // a witness order (indexes into the history) when linearizable
  // When not: a sentence for a person, naming the calls that cannot be
  // placed (with their answers) and the longest prefix that could.
  std::string explanation;
  // When not: the clause the history breaks. A refusal's own clause (say
  // capacity.min-size for IncorrectCapacity.MinSize) when only refusals the
  // model does not allow keep the calls from being placed: a rule broken call
  // by call; atomic.rejected-unchanged when every answer is explained but
  // the World lacks members a refused call named; else atomic.concurrent-min-size.
  std::string clause;
  std::size_t states_explored = 0;
};

// Checks `history` (calls on the World `initial`, all from one run) against
// the model: each call, at its place in the order, must get an answer the
// model allows (Grade pass or deviation under `profile`, with `context`'s
// clock and nonces), a success moves the World by model::apply with the
// returned activity id, an error leaves it, and the World at the end must
// equal `final_world` (compared as runner::comparable does: sorted, new
// activities by id, group and status). Memoizes on (calls placed, World), so
// histories of 16 to 32 calls on one group are checked in well under a second.
LinearizabilityResult check_linearizable(const model::World& initial, const std::vector<Operation>& history,
                                         const model::World& final_world, model::Profile profile,
                                         const model::Context& context);

}  // namespace essconf::property
