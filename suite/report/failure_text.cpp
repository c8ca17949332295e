#include "suite/report/failure_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace essconf::report {

std::string failure_text(const runner::PropertyFailure& f) {
  return fmt::format("[{}] {}: {}\n{}", name(f.kind), f.clauses.empty() ? "(harness)" : fmt::format("{}", fmt::join(f.clauses, ", ")),
                     f.summary, f.detail);
}

}  // namespace essconf::report
