// Structural mutation of a case for network fuzzing: most mutants stay close
// to a valid call (one parameter, one World field, one encoding detail
// changed), so they reach the deep rules instead of the parser's first "no".
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "suite/runner/case.hpp"

namespace essconf::fuzzing {

// Applies one to three mutations drawn from `rng`. The World stays valid
// (model::parse_world accepts it); the request may become anything.
void mutate(runner::Case& c, std::mt19937_64& rng);

}  // namespace essconf::fuzzing
