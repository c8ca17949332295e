#include "reference/model/catalog.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "reference/json/json_reader.hpp"

#include "embedded/essconf_catalog_json.hpp"

namespace essconf::model {
namespace {

constexpr std::array<std::pair<Level, std::string_view>, 4> kLevels{{{Level::stated, "stated"},
                                                                    {Level::implied, "implied"},
                                                                    {Level::convention, "convention"},
                                                                    {Level::open, "open"}}};

std::string text(const JsonNode& node) {
  auto s = node.string().value_or("");
  if (node.present() && s.empty()) node.fail("must not be empty");
  return s;
}

Clause read_clause(const JsonNode& item, const std::set<std::string>& families) {
  const auto o = item.object({"id", "constant", "family", "level", "oracle", "rule", "check"});
  Clause cl;
  cl.id = text(o.field("id"));
  text(o.field("constant"));
  cl.family = text(o.field("family"));
  cl.level = o.field("level").one_of<Level>(kLevels).value_or(Level::open);
  cl.oracle = text(o.field("oracle"));
  cl.rule = text(o.field("rule"));
  cl.check = text(o.field("check"));
  if (!cl.family.empty() && families.count(cl.family) == 0)
    o.fail_at("family", fmt::format("unknown family \"{}\"", cl.family));
  if (!cl.oracle.empty() && cl.oracle != "model" && cl.oracle != "history" && cl.oracle != "replay")
    o.fail_at("oracle", fmt::format("unknown oracle \"{}\" (one of: model, history, replay)", cl.oracle));
  return cl;
}

Catalog read_catalog(const JsonNode& root) {
  const auto top = root.object({"revision", "families", "clauses"});
  Catalog out;
  out.revision = text(top.field("revision"));
  std::set<std::string> family_ids, clause_ids;
  for (const auto& item : top.field("families").items()) {
    const auto f = item.object({"id", "title"});
    Family fam{text(f.field("id")), text(f.field("title"))};
    if (!family_ids.insert(fam.id).second) f.fail_at("id", fmt::format("duplicate family id \"{}\"", fam.id));
    out.families.push_back(std::move(fam));
  }
  for (const auto& item : top.field("clauses").items()) {
    Clause cl = read_clause(item, family_ids);
    if (!clause_ids.insert(cl.id).second) item.fail_at("id", fmt::format("duplicate clause id \"{}\"", cl.id));
    out.clauses.push_back(std::move(cl));
  }
  return out;
}

}  // namespace

Result<Catalog> parse_catalog(std::string_view json) { return read_json(json, read_catalog); }

const Catalog& catalog() {
  static const Catalog parsed = [] {
    auto c = parse_catalog(embedded::kCatalogJson);
    if (!c) {
      std::fprintf(stderr, "essconf: the embedded clause catalog is invalid: %s\n", c.error().c_str());
      std::abort();
    }
    return std::move(*c);
  }();
  return parsed;
}

const Clause* Catalog::find(std::string_view id) const noexcept {
  for (const auto& c : clauses)
    if (c.id == id) return &c;
  return nullptr;
}

std::string_view name(Level level) noexcept {
  for (const auto& [value, spelling] : kLevels)
    if (value == level) return spelling;
  return "?";
}

}  // namespace essconf::model
