#include "suite/fuzzing/case_memo.hpp"

#include <utility>

namespace essconf::fuzzing {

std::optional<runner::Case> CaseMemo::parse(std::string_view bytes) {
  if (auto it = cases_.find(bytes); it != cases_.end()) {
    ++hits_;
    return it->second;
  }
  auto parsed = runner::parse_case(bytes, "fuzz input");
  if (!parsed) return std::nullopt;
  remember(std::string(bytes), *parsed);
  return *std::move(parsed);
}

void CaseMemo::remember(std::string bytes, const runner::Case& c) {
  if (capacity_ == 0 || cases_.contains(bytes)) return;
  if (cases_.size() >= capacity_) {
    cases_.erase(cases_.find(*order_.front()));
    order_.pop_front();
  }
  order_.push_back(&cases_.emplace(std::move(bytes), c).first->first);
}

}  // namespace essconf::fuzzing
