#include "reference/wire/body.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>
// basic_parser is a template whose definitions live here; this is the one
// translation unit that instantiates it.
#include <boost/json/basic_parser_impl.hpp>
#include <pugixml.hpp>

namespace essconf::wire {
namespace {

// ---------------------------------------------------------------- UTF-8

struct Utf8Step {
  std::size_t length;  // bytes consumed, never 0
  bool valid;          // false: the bytes are a maximal ill-formed subpart
  char32_t code_point;
};

// Decodes the sequence at s[i] by Unicode's Table 3-7 (no overlongs, no
// surrogates, nothing past U+10FFFF). An ill-formed sequence is consumed as
// its maximal subpart, so that one U+FFFD replaces it as Unicode recommends
// and as browsers do.
Utf8Step utf8_step(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {1, true, lead};
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    cp = lead & 0x0Fu;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    cp = lead & 0x07u;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return {1, false, 0};
  }
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= s.size()) return {k, false, 0};
    const unsigned char b = byte(i + k);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) return {k, false, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {len, true, cp};
}

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = utf8_step(s, i);
    if (!step.valid) return false;
    i += step.length;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML 1.0's Char production.
bool is_xml_char(char32_t cp) noexcept {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}


bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string byte_description(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(b));
  return buf;
}

// ---------------------------------------------------------------- XML render

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

// pugixml writes CR, and whitespace at the edges of a text, as raw bytes. A
// reader turns a raw CR into LF (XML 1.0 section 2.11), and parse_body trims
// raw edge whitespace because gateways pretty-print; so both are rewritten as
// character references, which every reader keeps. In format_raw output of our
// own documents raw whitespace occurs only inside texts and inside the
// declaration, where it never touches '<' or '>' (texts escape those).
std::string protect_whitespace(std::string_view xml) {
  std::string out;
  out.reserve(xml.size());
  for (std::size_t i = 0; i < xml.size();) {
    if (!is_blank(xml[i])) {
      out += xml[i++];
      continue;
    }
    std::size_t end = i;
    while (end < xml.size() && is_blank(xml[end])) ++end;
    const bool at_edge = (i > 0 && xml[i - 1] == '>') || (end < xml.size() && xml[end] == '<');
    for (; i < end; ++i) {
      if (!at_edge && xml[i] != '\r') {
        out += xml[i];
      } else {
        out += "&#" + std::to_string(static_cast<int>(xml[i])) + ";";
      }
    }
  }
  return out;
}

class XmlBuilder {
 public:
  explicit XmlBuilder(const char* root_name) {
    pugi::xml_node decl = doc_.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    root_ = doc_.append_child(root_name);
  }

  void add(const char* name, std::string_view value) {
    const std::string text = renderable_text(value, Format::xml);
    // An explicit text node, even when empty, so that every field renders
    // the same way: <Name></Name>.
    root_.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
  }

  std::string finish() const {
    StringWriter writer;
    doc_.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
    return protect_whitespace(writer.out);
  }

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// ---------------------------------------------------------------- XML parse

// Element nesting deeper than this is refused: no RemoveInstances body nests
// more than two levels, and callers may walk the tree recursively.
constexpr std::size_t kMaxXmlDepth = 256;

// The text of a raw XML text node with the line ends a reader must normalise
// (XML 1.0 section 2.11): CR LF and lone CR become LF.
std::string normalize_eol(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Expands the predefined entities and character references. pugixml's own
// expansion is off so that parse_body can tell raw whitespace (trimmed) from
// referenced whitespace (kept). Anything unrecognised stays literal, as
// pugixml would leave it.
std::string decode_references(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const std::size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    bool known = true;
    if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "amp") {
      out += '&';
    } else if (name == "apos") {
      out += '\'';
    } else if (name == "quot") {
      out += '"';
    } else if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      std::uint32_t cp = 0;
      known = !digits.empty();
      for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) {
          known = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
        if (cp > 0x10FFFF) {
          known = false;
          break;
        }
      }
      if (known && (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))) known = false;
      if (known) append_utf8(out, cp);
    } else {
      known = false;
    }
    if (known) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// The value of a child of the root if its content is only text and CDATA:
// texts concatenated, raw ASCII whitespace trimmed from the two ends (gateways
// pretty-print) unless the end is CDATA, which is always taken verbatim.
std::optional<std::string> leaf_text(pugi::xml_node element) {
  std::vector<pugi::xml_node> parts;
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata) return std::nullopt;
    parts.push_back(child);
  }
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    std::string raw = normalize_eol(parts[k].value());
    if (parts[k].type() == pugi::node_cdata) {
      out += raw;
      continue;
    }
    std::string_view text = raw;
    if (k == 0) {
      while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    }
    if (k + 1 == parts.size()) {
      while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    }
    out += decode_references(text);
  }
  return out;
}

bool is_blank_text(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), is_blank);
}

// The first element more than kMaxXmlDepth levels below the document, found
// without recursion; an empty node when there is none.
pugi::xml_node too_deep(pugi::xml_node root) {
  pugi::xml_node node = root;
  std::size_t depth = 1;
  while (node) {
    if (depth > kMaxXmlDepth) return node;
    pugi::xml_node child = node.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
    if (child) {
      node = child;
      ++depth;
      continue;
    }
    // Next element in document order that is not a descendant of node.
    while (node) {
      if (node == root) return {};
      pugi::xml_node sibling = node.next_sibling();
      while (sibling && sibling.type() != pugi::node_element) sibling = sibling.next_sibling();
      if (sibling) {
        node = sibling;
        break;
      }
      node = node.parent();
      --depth;
    }
  }
  return {};
}

void fail(ParsedBody& out, std::string problem) {
  out.syntax = Syntax::unparseable;
  out.root.clear();
  out.fields.clear();
  out.problems.push_back(std::move(problem));
}

void parse_xml(std::string_view body, ParsedBody& out) {
  out.syntax = Syntax::xml;
  // pugixml stops at a NUL as if the document ended there, which would
  // hide anything after it; XML never allows NUL anyway.
  if (const std::size_t nul = body.find('\0'); nul != std::string_view::npos) {
    fail(out, "XML parse error at byte " + std::to_string(nul) + ": NUL byte");
    return;
  }
  // Escapes and EOL handling are done in leaf_text (see there). Fragment mode
  // keeps text outside the root, which pugixml otherwise drops silently, so
  // that trailing garbage is caught below; whitespace-only text is kept so
  // that "<![CDATA[a]]> <![CDATA[b]]>" reads as "a b".
  const unsigned options = (pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_fragment) &
                           ~(pugi::parse_escapes | pugi::parse_eol);
  pugi::xml_document doc;
  const pugi::xml_parse_result result = doc.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8);
  if (!result) {
    fail(out, "XML parse error at byte " + std::to_string(result.offset) + ": " + result.description());
    return;
  }
  pugi::xml_node root;
  for (pugi::xml_node node : doc.children()) {
    const bool stray_text = (node.type() == pugi::node_pcdata && !is_blank_text(node.value())) ||
                            node.type() == pugi::node_cdata;
    if (stray_text || (node.type() == pugi::node_element && root)) {
      fail(out, "XML parse error at byte " + std::to_string(node.offset_debug()) +
                    ": content outside the root element");
      return;
    }
    if (node.type() == pugi::node_element) root = node;
  }
  if (!root) {
    fail(out, "XML parse error at byte " + std::to_string(body.size()) + ": no root element");
    return;
  }
  if (pugi::xml_node deep = too_deep(root)) {
    fail(out, "XML parse error at byte " + std::to_string(deep.offset_debug()) + ": elements nested deeper than " +
                  std::to_string(kMaxXmlDepth) + " levels");
    return;
  }
  out.root = root.name();
  std::set<std::string, std::less<>> seen;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    // The first occurrence wins, as a reader that looks a field up by name
    // finds it first.
    if (!seen.emplace(child.name()).second) {
      out.problems.push_back(std::string("duplicate field ") + child.name());
      continue;
    }
    if (std::optional<std::string> text = leaf_text(child)) {
      out.fields.emplace(child.name(), std::move(*text));
    }
  }
}

// ---------------------------------------------------------------- JSON parse

// Depth limit for JSON; RemoveInstances bodies are flat.
constexpr std::size_t kMaxJsonDepth = 64;

// Collects the scalar members of a top-level object from basic_parser's
// events. The DOM parser would lose what we need: it keeps only one of two
// equal keys without saying so, and turns integers beyond 2^64 into doubles;
// the events carry every key and each number's source text.
class JsonFields {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  bool top_is_object = false;
  std::map<std::string, std::string> fields;
  std::vector<std::string> problems;

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }

  bool on_object_begin(boost::json::error_code&) {
    if (depth_ == 0) top_is_object = true;
    begin_container();
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(boost::json::error_code&) {
    begin_container();
    return true;
  }
  bool on_array_end(std::size_t, boost::json::error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (at_member()) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (at_member()) key_.append(s.data(), s.size());
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (at_member()) text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    return on_text_end(s);
  }

  bool on_number_part(boost::json::string_view s, boost::json::error_code&) {
    if (at_member()) text_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, boost::json::string_view s, boost::json::error_code&) { return on_text_end(s); }
  bool on_uint64(std::uint64_t, boost::json::string_view s, boost::json::error_code&) { return on_text_end(s); }
  bool on_double(double, boost::json::string_view s, boost::json::error_code&) { return on_text_end(s); }

  bool on_bool(bool b, boost::json::error_code&) { return on_text_end(b ? "true" : "false"); }
  bool on_null(boost::json::error_code&) { return on_text_end("null"); }

  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  // Inside the top-level object, where keys and values are its members.
  bool at_member() const noexcept { return top_is_object && depth_ == 1; }

  void begin_container() {
    if (at_member()) member(std::nullopt);
    ++depth_;
  }

  bool on_text_end(boost::json::string_view s) {
    if (at_member()) {
      text_.append(s.data(), s.size());
      member(std::move(text_));
      text_.clear();
    }
    return true;
  }

  // The first occurrence of a key wins, for the same reason as in XML; later
  // ones only add a problem. An object or array value takes its key too.
  void member(std::optional<std::string> value) {
    std::string key = std::move(key_);
    key_.clear();
    if (!seen_.insert(key).second) {
      problems.push_back("duplicate field " + key);
    } else if (value) {
      fields.emplace(std::move(key), std::move(*value));
    }
  }

  std::size_t depth_ = 0;
  std::string key_;
  std::string text_;
  std::set<std::string> seen_;
};

boost::json::parse_options json_options() {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  // A target's invalid UTF-8 should not hide its error code; parse_body
  // reports it per field instead.
  options.allow_invalid_utf8 = true;
  return options;
}

// Boost.JSON reports no position for an error. Feeding a prefix as partial
// input fails exactly when the error lies inside it, so the shortest failing
// prefix locates the byte; only bodies that fail pay for this search.
std::size_t json_error_offset(std::string_view json) {
  const auto prefix_fails = [&](std::size_t length) {
    boost::json::basic_parser<JsonFields> parser(json_options());
    boost::json::error_code ec;
    parser.write_some(true, json.data(), length, ec);
    return ec.failed();
  };
  if (!prefix_fails(json.size())) return json.size();  // the input just ended too early
  std::size_t good = 0;
  std::size_t bad = json.size();
  while (bad - good > 1) {
    const std::size_t mid = good + (bad - good) / 2;
    (prefix_fails(mid) ? bad : good) = mid;
  }
  return bad - 1;
}

void parse_json(std::string_view json, std::size_t base, ParsedBody& out) {
  out.syntax = Syntax::json;
  boost::json::basic_parser<JsonFields> parser(json_options());
  boost::json::error_code ec;
  const std::size_t used = parser.write_some(false, json.data(), json.size(), ec);
  if (ec) {
    fail(out, "JSON parse error at byte " + std::to_string(base + json_error_offset(json)) + ": " + ec.message());
    return;
  }
  if (used < json.size()) {
    fail(out, "JSON parse error at byte " + std::to_string(base + used) + ": content after the top-level value");
    return;
  }
  JsonFields& h = parser.handler();
  out.problems = std::move(h.problems);
  if (!h.top_is_object) {
    out.problems.push_back("top-level JSON value is not an object");
    return;
  }
  out.fields = std::move(h.fields);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim_blank(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// ---------------------------------------------------------------- public

namespace {

// The fields of one body in order; a field with an empty value is left out.
using Fields = std::initializer_list<std::pair<const char*, const std::string*>>;

Rendered render_fields(const char* xml_root, Fields fields, Format format) {
  if (format == Format::xml) {
    XmlBuilder xml(xml_root);
    for (const auto& [name, value] : fields)
      if (!value->empty()) xml.add(name, *value);
    return {std::string(kXmlContentType), xml.finish()};
  }
  // Every answer essconf serve gives is rendered here: the object lives in a
  // buffer on the stack, not in one heap allocation per field.
  unsigned char storage[2048];
  boost::json::monotonic_resource resource(storage, sizeof storage);
  boost::json::object object(&resource);
  for (const auto& [name, value] : fields)
    if (!value->empty()) object.emplace(name, renderable_text(*value, Format::json));
  return {std::string(kJsonContentType), boost::json::serialize(object)};
}

}  // namespace

std::string renderable_text(std::string_view s, Format format, std::string_view replacement) {
  std::string out;
  out.reserve(s.size());
  std::size_t kept = 0;  // s[kept, i) is copied as it is
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x80) {  // printable ASCII, the common case: valid in both formats
      ++i;
      continue;
    }
    const Utf8Step step = utf8_step(s, i);
    if (!step.valid || (format == Format::xml && !is_xml_char(step.code_point))) {
      out.append(s.substr(kept, i - kept));
      out += replacement;
      kept = i + step.length;
    }
    i += step.length;
  }
  out.append(s.substr(kept));
  return out;
}

Rendered render_success(const SuccessBody& body, Format format) {
  return render_fields("RemoveInstancesResponse",
                       {{"ScalingActivityId", &body.scaling_activity_id}, {"RequestId", &body.request_id}}, format);
}

Rendered render_error(const ErrorBody& body, Format format) {
  return render_fields("Error",
                       {{"RequestId", &body.request_id},
                        {"HostId", &body.host_id},
                        {"Code", &body.code},
                        {"Message", &body.message},
                        {"Recommend", &body.recommend}},
                       format);
}

std::optional<std::string> ParsedBody::field(std::string_view name) const {
  const auto it = fields.find(std::string(name));
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

bool ParsedBody::is_error_shape() const { return fields.contains("Code"); }

ParsedBody parse_body(std::string_view body) {
  ParsedBody out;
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const std::size_t start = body.starts_with(kBom) ? kBom.size() : 0;
  std::size_t first = start;
  while (first < body.size() && is_blank(body[first])) ++first;
  if (first == body.size()) return out;  // Syntax::empty

  const char c = body[first];
  if (c == '<') {
    parse_xml(body, out);  // pugixml skips the BOM itself and counts it in offsets
  } else if (c == '{' || c == '[') {
    parse_json(body.substr(start), start, out);
  } else {
    fail(out, "neither XML nor JSON: first non-blank byte " + byte_description(static_cast<unsigned char>(c)) +
                  " at byte " + std::to_string(first));
  }
  for (const auto& [name, value] : out.fields) {
    if (!is_valid_utf8(value)) out.problems.push_back("field " + name + " is not valid UTF-8");
  }
  return out;
}

std::optional<Format> format_of_content_type(std::string_view content_type) {
  const std::string mime = ascii_lower(trim_blank(content_type.substr(0, content_type.find(';'))));
  const std::size_t slash = mime.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string_view type = std::string_view(mime).substr(0, slash);
  const std::string_view subtype = std::string_view(mime).substr(slash + 1);
  const bool plain_type = type == "application" || type == "text";
  if ((plain_type && subtype == "xml") || subtype.ends_with("+xml")) return Format::xml;
  if ((plain_type && subtype == "json") || subtype.ends_with("+json")) return Format::json;
  return std::nullopt;
}

}  // namespace essconf::wire
