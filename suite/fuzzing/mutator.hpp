// Structural mutation of a case for network fuzzing: most mutants stay close
// to a valid call (one parameter, one World field, one encoding detail
// changed), so they reach the deep rules instead of the parser's first "no".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "suite/runner/case.hpp"

namespace essconf::fuzzing {

// Applies one to three mutations drawn from `rng`. The World stays valid
// (model::parse_world accepts it); the request may become anything.
void mutate(runner::Case& c, std::mt19937_64& rng);

// libFuzzer's byte mutator (LLVMFuzzerMutate) or a stand-in: mutates
// data[0, size) in place within max_size bytes, returns the new size.
using ByteMutator = std::function<std::size_t(std::uint8_t* data, std::size_t size, std::size_t max_size)>;

// Byte mutations of the request once the case is built: `bytes` mutates one
// of the raw query or body, a parameter's value or name, the path or a header
// value, so the input stays a case (the case file's JSON is never touched)
// and the bytes still reach the wire. Bytes outside ASCII come back as %XX
// (a case file holds UTF-8 text only; the decoder turns %XX into the byte).
void mutate_bytes(runner::Case& c, std::mt19937_64& rng, const ByteMutator& bytes);

// A child of two cases: the first's, with the second's World (when its
// request still names something in it) or with the second's parameters
// spliced after a prefix of the first's.
runner::Case cross_over(const runner::Case& a, const runner::Case& b, std::mt19937_64& rng);

}  // namespace essconf::fuzzing
