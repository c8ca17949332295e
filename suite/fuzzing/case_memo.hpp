// The cases essconf fuzz parsed last, by their bytes. libFuzzer hands the same
// bytes over several times: a mutant goes from the mutator to the callback and
// is mutated again in the next step; corpus inputs are mutated and crossed over
// again and again. Parsing a case (its World's JSON, in code compiled with
// libFuzzer's coverage and comparison tracing) was a quarter of a network
// campaign's CPU time (docs/fuzzing.md); a hit here is a copy.
//
// Bounded: at most `capacity` cases, the oldest forgotten first, so a campaign
// of hours holds no more than a fresh one.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "suite/runner/case.hpp"

namespace essconf::fuzzing {

class CaseMemo {
 public:
  explicit CaseMemo(std::size_t capacity) : capacity_(capacity) {}

  // The case `bytes` is, parsed now or remembered; nullopt when they are not one.
  std::optional<runner::Case> parse(std::string_view bytes);
  // Remembers that `bytes` is `c` (the mutator's own output, which it built from `c`).
  void remember(std::string bytes, const runner::Case& c);

  std::size_t size() const noexcept { return cases_.size(); }
  std::size_t hits() const noexcept { return hits_; }

 private:
  // Looked up by string_view: a lookup copies no bytes.
  struct BytesHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::size_t capacity_;
  std::unordered_map<std::string, runner::Case, BytesHash, std::equal_to<>> cases_;
  std::deque<const std::string*> order_;  // the keys of cases_, oldest first (a node's key never moves)
  std::size_t hits_ = 0;
};

}  // namespace essconf::fuzzing
