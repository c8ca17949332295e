#include "suite/runner/repeat.hpp"

#include <map>
#include <string>

namespace essconf::runner {
namespace {

// Folds one item (a case or a property) seen in each repetition.
template <class Item, class VerdictOf>
void fold_item(Item& kept, const std::vector<const Item*>& seen, VerdictOf verdict_of) {
  std::vector<VerdictKind> repeats;
  repeats.reserve(seen.size());
  const Item* worst = &kept;
  for (const Item* item : seen) {
    const VerdictKind k = item ? verdict_of(*item) : VerdictKind::error;
    repeats.push_back(k);
    if (item && severity(k) > severity(verdict_of(*worst))) worst = item;
  }
  if (worst != &kept) kept = *worst;
  kept.repeats = std::move(repeats);
}

template <class Item>
const Item* find_named(const std::vector<Item>& items, const std::string& name, std::string Item::*key) {
  for (const auto& x : items)
    if (x.*key == name) return &x;
  return nullptr;
}

}  // namespace

int severity(VerdictKind k) noexcept {
  switch (k) {
    case VerdictKind::pass: return 0;
    case VerdictKind::not_applicable: return 1;
    case VerdictKind::deviation: return 2;
    case VerdictKind::error: return 3;
    case VerdictKind::fail: return 4;
  }
  return 4;
}

RunResult fold_repeats(std::vector<RunResult> runs) {
  if (runs.empty()) return {};
  if (runs.size() == 1) return std::move(runs.front());
  RunResult out = runs.front();
  for (std::size_t i = 1; i < runs.size(); ++i) {
    out.http_requests += runs[i].http_requests;
    out.wall_seconds += runs[i].wall_seconds;
    if (out.run_error.empty()) out.run_error = runs[i].run_error;
  }
  for (auto& c : out.cases) {
    std::vector<const CaseResult*> seen;
    seen.reserve(runs.size());
    for (const auto& r : runs) seen.push_back(find_named(r.cases, c.id, &CaseResult::id));
    fold_item(c, seen, [](const CaseResult& x) { return x.verdict.kind; });
  }
  for (auto& p : out.properties) {
    std::vector<const PropertyResult*> seen;
    seen.reserve(runs.size());
    for (const auto& r : runs) seen.push_back(find_named(r.properties, p.name, &PropertyResult::name));
    fold_item(p, seen, [](const PropertyResult& x) { return x.verdict; });
  }
  return out;
}

}  // namespace essconf::runner
