#include "reference/model/catalog.hpp"

#include <cstdio>
#include <cstdlib>
#include <set>

#include <boost/json.hpp>

#include "embedded/essconf_catalog_json.hpp"

namespace essconf::model {
namespace {
namespace json = boost::json;

bool text(const json::object& o, std::string_view key, std::string& out) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return false;
  out = std::string(v->get_string());
  return !out.empty();
}

bool level_of(std::string_view s, Level& out) {
  for (Level l : {Level::stated, Level::implied, Level::convention, Level::open})
    if (name(l) == s) {
      out = l;
      return true;
    }
  return false;
}

}  // namespace

bool parse_catalog(std::string_view input, Catalog& out, std::string& error) {
  boost::system::error_code ec;
  const json::value doc = json::parse(input, ec);
  const json::object* top = ec ? nullptr : doc.if_object();
  if (top == nullptr || !text(*top, "revision", out.revision)) {
    error = "not a catalog object with a revision";
    return false;
  }
  std::set<std::string> family_ids, clause_ids;
  const auto* families = top->if_contains("families");
  const auto* clauses = top->if_contains("clauses");
  if (families == nullptr || !families->is_array() || clauses == nullptr || !clauses->is_array()) {
    error = "families and clauses must be arrays";
    return false;
  }
  for (const auto& f : families->get_array()) {
    Family fam;
    if (!f.is_object() || !text(f.get_object(), "id", fam.id) || !text(f.get_object(), "title", fam.title)) {
      error = "a family needs an id and a title";
      return false;
    }
    family_ids.insert(fam.id);
    out.families.push_back(std::move(fam));
  }
  for (const auto& c : clauses->get_array()) {
    Clause cl;
    std::string level;
    const auto* o = c.if_object();
    if (o == nullptr || !text(*o, "id", cl.id) || !text(*o, "family", cl.family) || !text(*o, "level", level) ||
        !text(*o, "oracle", cl.oracle) || !text(*o, "rule", cl.rule) || !text(*o, "check", cl.check)) {
      error = "a clause needs id, family, level, oracle, rule and check";
      return false;
    }
    if (!level_of(level, cl.level)) {
      error = "clause " + cl.id + ": unknown level " + level;
      return false;
    }
    if (family_ids.count(cl.family) == 0) {
      error = "clause " + cl.id + ": unknown family " + cl.family;
      return false;
    }
    if (cl.oracle != "model" && cl.oracle != "history" && cl.oracle != "replay") {
      error = "clause " + cl.id + ": unknown oracle " + cl.oracle;
      return false;
    }
    if (!clause_ids.insert(cl.id).second) {
      error = "duplicate clause id " + cl.id;
      return false;
    }
    out.clauses.push_back(std::move(cl));
  }
  return true;
}

const Catalog& catalog() {
  static const Catalog parsed = [] {
    Catalog c;
    std::string error;
    if (!parse_catalog(embedded::kCatalogJson, c, error)) {
      std::fprintf(stderr, "essconf: the embedded clause catalog is invalid: %s\n", error.c_str());
      std::abort();
    }
    return c;
  }();
  return parsed;
}

const Clause* Catalog::find(std::string_view id) const noexcept {
  for (const auto& c : clauses)
    if (c.id == id) return &c;
  return nullptr;
}

std::string_view name(Level level) noexcept {
  switch (level) {
    case Level::stated: return "stated";
    case Level::implied: return "implied";
    case Level::convention: return "convention";
    case Level::open: return "open";
  }
  return "?";
}

}  // namespace essconf::model
