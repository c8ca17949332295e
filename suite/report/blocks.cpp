#include "suite/report/blocks.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::report {
namespace {
namespace json = boost::json;

void pretty(const json::value& v, std::string& out, int depth) {
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string close(static_cast<std::size_t>(depth) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    std::size_t i = 0;
    for (const auto& [k, x] : o) {
      out += indent + json::serialize(json::string(k)) + ": ";
      pretty(x, out, depth + 1);
      out += ++i < o.size() ? ",\n" : "\n";
    }
    out += close + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out += indent;
      pretty(a[i], out, depth + 1);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += close + "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(std::string_view text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec) return std::string(text);
  std::string out;
  pretty(v, out, 0);
  return out;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}\n[... {} more bytes in results.json]", text.substr(0, cut), text.size() - cut);
}

std::string_view cell_label(Cell c) noexcept {
  switch (c) {
    case Cell::fail: return "\u2718 fail";
    case Cell::error: return "! error";
    case Cell::deviation: return "~ deviation";
    case Cell::pass: return "\u2714 pass";
    case Cell::not_applicable: return "\u2013 n/a";
    case Cell::untested: return "\u00b7 not judged";
  }
  return "?";
}

std::string evidence_counts(const CellEvidence& e) {
  std::string out;
  for (const Cell c : kCells)
    if (e.counts[c] > 0)
      out += fmt::format("{}{} {}", out.empty() ? "" : " \u00b7 ", e.counts[c], c == Cell::not_applicable ? "n/a" : name(c));
  return out;
}

std::string_view target_verdict(const runner::RunResult& r, const Figures& f) noexcept {
  if (!r.run_error.empty()) return "run error";
  return f.conformant ? "conformant" : "not conformant";
}

}  // namespace essconf::report
