// The clause catalog (reference/clauses/catalog.json, embedded in the binary):
// every statement of the RemoveInstances documentation a target can break,
// with its stable id, level and the component that judges it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reference/json/result.hpp"

namespace essconf::model {

enum class Level { stated, implied, convention, open };

struct Clause {
  std::string id;
  std::string family;
  Level level;
  std::string oracle;  // "model" (one request), "history" (concurrent calls), "replay" (repeated calls)
  std::string rule;
  std::string check;
};

struct Family {
  std::string id;
  std::string title;
};

struct Catalog {
  std::string revision;
  std::vector<Family> families;
  std::vector<Clause> clauses;

  const Clause* find(std::string_view id) const noexcept;
};

// The embedded catalog, parsed once. A malformed embedded catalog is a build
// defect and aborts with a message (catalog_test guards it).
const Catalog& catalog();

// Parses a catalog document (reference/clauses/catalog.json's shape).
Result<Catalog> parse_catalog(std::string_view json);

std::string_view name(Level level) noexcept;

}  // namespace essconf::model
