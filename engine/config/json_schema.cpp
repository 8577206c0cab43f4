// A Schema as a JSON Schema (draft-07): the KeySpecs' dotted paths become a
// tree of mappings, each written as an object schema.
#include "geosim/config/json_schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "geosim/config/node.hpp"

namespace geosim::config {

// ------------------------------------------------------------------ Json ---

Json Json::boolean(bool v) {
  Json j;
  j.kind_ = Kind::boolean;
  j.bool_ = v;
  return j;
}

Json Json::number(double v) {
  if (!std::isfinite(v)) throw std::logic_error("json: a number must be finite");
  Json j;
  j.kind_ = Kind::number;
  j.number_ = v;
  return j;
}

Json Json::string(std::string v) {
  Json j;
  j.kind_ = Kind::string;
  j.text_ = std::move(v);
  return j;
}

Json Json::array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::array;
  j.items_ = std::move(items);
  return j;
}

Json Json::object() {
  Json j;
  j.kind_ = Kind::object;
  return j;
}

Json Json::strings(const std::vector<std::string>& items) {
  Json j = array();
  for (const std::string& s : items) j.push(string(s));
  return j;
}

Json& Json::set(std::string_view key, Json value) {
  if (kind_ != Kind::object) throw std::logic_error("json: set on a non-object");
  if (Json* existing = find(key)) *existing = std::move(value);
  else members_.emplace_back(std::string(key), std::move(value));
  return *this;
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

Json* Json::find(std::string_view key) {
  for (auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

void Json::erase(std::string_view key) {
  std::erase_if(members_, [&](const auto& m) { return m.first == key; });
}

Json& Json::push(Json value) {
  if (kind_ != Kind::array) throw std::logic_error("json: push on a non-array");
  items_.push_back(std::move(value));
  return *this;
}

namespace {

void write_string(std::string& out, std::string_view s) {
  static const char* const kHex = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

void write_number(std::string& out, double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<std::int64_t>(v));
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  out.append(buf, end);
}

}  // namespace

void Json::write(std::string& out, int depth) const {
  const std::string indent(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  const std::string close(static_cast<std::size_t>(2 * depth), ' ');
  switch (kind_) {
    case Kind::null: out += "null"; return;
    case Kind::boolean: out += bool_ ? "true" : "false"; return;
    case Kind::number: write_number(out, number_); return;
    case Kind::string: write_string(out, text_); return;
    case Kind::array: {
      // Arrays of scalars on one line ("required", "enum", "type").
      const bool flat = std::all_of(items_.begin(), items_.end(), [](const Json& j) {
        return j.kind_ != Kind::array && j.kind_ != Kind::object;
      });
      out += '[';
      for (std::size_t i = 0; i < items_.size(); ++i) {
        out += i ? (flat ? ", " : ",\n") : (flat ? "" : "\n");
        if (!flat) out += indent;
        items_[i].write(out, depth + 1);
      }
      if (!flat && !items_.empty()) out += "\n" + close;
      out += ']';
      return;
    }
    case Kind::object: {
      if (members_.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (std::size_t i = 0; i < members_.size(); ++i) {
        out += indent;
        write_string(out, members_[i].first);
        out += ": ";
        members_[i].second.write(out, depth + 1);
        out += i + 1 < members_.size() ? ",\n" : "\n";
      }
      out += close + "}";
      return;
    }
  }
}

std::string Json::dump() const {
  std::string out;
  write(out, 0);
  return out + "\n";
}

// --------------------------------------------------------------- defaults ---

namespace {

/// A YAML scalar as JSON as a YAML 1.2 reader takes it: a number, true, false or a string.
Json scalar(const Node& n) {
  if (!n.quoted) {
    if (n.scalar == "true" || n.scalar == "false") return Json::boolean(n.scalar == "true");
    double v = 0.0;
    const char* end = n.scalar.data() + n.scalar.size();
    const auto [p, ec] = std::from_chars(n.scalar.data(), end, v);
    if (!n.scalar.empty() && ec == std::errc() && p == end && std::isfinite(v)) return Json::number(v);
  }
  return Json::string(n.scalar);
}

Json to_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null: return {};
    case Node::Kind::scalar: return scalar(n);
    case Node::Kind::sequence: {
      Json out = Json::array();
      for (const Node& item : n.items) out.push(to_json(item));
      return out;
    }
    case Node::Kind::map: {
      Json out = Json::object();
      for (const auto& [key, value] : n.entries) out.set(key, to_json(value));
      return out;
    }
  }
  return {};
}

}  // namespace

Json default_value(const KeySpec& key) {
  if (key.default_text.empty()) return {};
  switch (key.type) {
    case ValueType::number:
    case ValueType::integer: return Json::number(key.default_number());
    case ValueType::boolean: return Json::boolean(key.default_text == "true");
    case ValueType::choice:
    case ValueType::date:
    case ValueType::name: return Json::string(key.default_text);
    default: return to_json(parse_text(key.default_text, "the default of " + key.path));
  }
}

// ------------------------------------------------------------ the schema ---

namespace {

constexpr std::string_view kList = "[]";  // the items of a list, a step of its own in the tree
constexpr const char* kNamePattern = "^[A-Za-z][A-Za-z0-9_]*$";
constexpr const char* kDatePattern = "^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$";

/// The schema's paths as a tree: one node per mapping key, placeholder or list.
struct Tree {
  std::string name;  // the step: a key, a <placeholder> or []
  std::string path;  // the schema path up to here, as KeySpecs and options write it
  const KeySpec* spec = nullptr;
  std::vector<Tree> kids;

  bool placeholder() const { return name.front() == '<'; }
  const Tree* list_items() const {
    for (const Tree& k : kids)
      if (k.name == kList) return &k;
    return nullptr;
  }
};

Tree build_tree(const Schema& schema) {
  Tree root;
  root.name = "(root)";
  for (const KeySpec& k : schema.keys()) {
    Tree* at = &root;
    std::string_view rest = k.path;
    while (!rest.empty()) {
      const std::size_t dot = rest.find('.');
      std::string_view step = rest.substr(0, dot);
      rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
      std::vector<std::string_view> steps{step};
      if (step.ends_with(kList)) steps = {step.substr(0, step.size() - kList.size()), kList};
      for (const std::string_view s : steps) {
        auto it = std::find_if(at->kids.begin(), at->kids.end(), [&](const Tree& t) { return t.name == s; });
        if (it == at->kids.end()) {
          Tree t;
          t.name = std::string(s);
          t.path = s == kList ? at->path + "[]" : (at->path.empty() ? "" : at->path + ".") + t.name;
          at->kids.push_back(std::move(t));
          it = at->kids.end() - 1;
        }
        at = &*it;
      }
    }
    at->spec = &k;
  }
  return root;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const Json* option(const std::vector<std::pair<std::string, Json>>& list, std::string_view path) {
  for (const auto& [p, j] : list)
    if (p == path) return &j;
  return nullptr;
}

class Writer {
 public:
  explicit Writer(const JsonSchemaOptions& o) : o_(o), partial_(!o.partial_if_present.empty()) {}

  /// The object schema of a mapping node; `in_item`: inside a list item, whose
  /// required keys hold in every file (an `extends` replaces lists whole).
  Json mapping(const Tree& t, bool in_item) const {
    Json out = Json::object().set("type", Json::string("object"));
    Json props = Json::object();
    Json required = Json::array();
    const bool one_of = contains(o_.exactly_one_of, t.path);
    const Tree* placeholder = nullptr;
    for (const Tree& k : t.kids) {
      if (k.placeholder()) {
        placeholder = &k;
        continue;
      }
      const bool kind = one_of && !k.spec;  // one of the alternatives: not required, not null
      const bool req = !kind && is_required(k);
      props.set(k.name, value(k, in_item, !req && !kind));
      if (req && (in_item || !partial_)) required.push(Json::string(k.name));
    }
    if (!props.members().empty()) out.set("properties", std::move(props));
    if (placeholder) {
      if (!contains(o_.free_placeholders, placeholder->name))
        out.set("propertyNames", Json::object().set("pattern", Json::string(kNamePattern)));
      out.set("additionalProperties", value(*placeholder, in_item, true));
    } else {
      out.set("additionalProperties", Json::boolean(false));
    }
    if (!required.items().empty()) out.set("required", std::move(required));
    if (contains(o_.required_mappings, t.path) && (in_item || !partial_))
      out.set("minProperties", Json::number(1));
    if (one_of) {
      Json alternatives = Json::array();
      for (const Tree& k : t.kids)
        if (!k.placeholder() && !k.spec)
          alternatives.push(Json::object().set("required", Json::strings({k.name})));
      out.set("oneOf", std::move(alternatives));
    }
    return out;
  }

  /// The requirements of a complete file only (no `extends`): `required`
  /// along the paths that hold required keys, nothing else; null if none.
  Json complete_only(const Tree& t) const {
    Json out = Json::object();
    Json props = Json::object();
    Json required = Json::array();
    const bool one_of = contains(o_.exactly_one_of, t.path);
    for (const Tree& k : t.kids) {
      if (k.name == kList) continue;  // list items: required keys inline
      Json below = complete_only(k);
      if (k.placeholder()) {
        if (below.kind() != Json::Kind::null) out.set("additionalProperties", std::move(below));
        continue;
      }
      if (!(one_of && !k.spec) && is_required(k)) required.push(Json::string(k.name));
      if (below.kind() != Json::Kind::null) props.set(k.name, std::move(below));
    }
    if (!props.members().empty()) out.set("properties", std::move(props));
    if (!required.items().empty()) out.set("required", std::move(required));
    if (contains(o_.required_mappings, t.path)) out.set("minProperties", Json::number(1));
    if (out.members().empty()) return {};
    return out;
  }

 private:
  /// A key is required if its KeySpec says so; a mapping the schema declares
  /// only through its keys, if the options name it or it has a required key
  /// (`time`, for `time.start`).
  bool is_required(const Tree& t) const {
    if (t.spec) return t.spec->required;
    if (contains(o_.required_mappings, t.path)) return true;
    if (t.name == kList || contains(o_.exactly_one_of, t.path)) return false;
    return std::any_of(t.kids.begin(), t.kids.end(),
                       [&](const Tree& k) { return !k.placeholder() && is_required(k); });
  }

  static void bounds(Json& out, const Bounds& b) {
    if (b.lo != -kInf) out.set(b.lo_open ? "exclusiveMinimum" : "minimum", Json::number(b.lo));
    if (b.hi != kInf) out.set(b.hi_open ? "exclusiveMaximum" : "maximum", Json::number(b.hi));
  }

  /// The value schema of a key without keys below it.
  static Json leaf(const KeySpec& k) {
    Json out = Json::object();
    const auto type = [&](const char* name) { out.set("type", Json::string(name)); };
    switch (k.type) {
      case ValueType::number:
        type("number");
        bounds(out, k.range);
        break;
      case ValueType::integer:
        type("integer");
        bounds(out, k.range);
        break;
      case ValueType::boolean: type("boolean"); break;
      case ValueType::text:  // any scalar: the loaders read its text
        out.set("type", Json::strings({"string", "number", "boolean"}));
        break;
      case ValueType::date:
        type("string");
        out.set("pattern", Json::string(kDatePattern));
        break;
      case ValueType::choice: out.set("enum", Json::strings(k.choices)); break;
      case ValueType::name: type("string"); break;
      case ValueType::names:
        type("array");
        out.set("items", Json::object().set("type", Json::string("string")));
        break;
      case ValueType::mapping: type("object"); break;
      case ValueType::list: type("array"); break;
    }
    return out;
  }

  static void allow_null(Json& out) {
    if (Json* any = out.find("anyOf")) {
      any->push(Json::object().set("type", Json::string("null")));
    } else if (Json* type = out.find("type")) {
      if (type->kind() == Json::Kind::string) *type = Json::strings({type->text()});
      type->push(Json::string("null"));
    } else if (Json* choices = out.find("enum")) {
      choices->push(Json());
    }
  }

  static std::string description(const KeySpec& k) {
    std::string d = k.doc;
    if (!k.unit.empty()) d += " [" + k.unit + "]";
    if (k.default_text.empty() && !k.default_rule.empty() && !k.required)
      d += " (default: " + k.default_rule + ")";
    return d;
  }

  Json value(const Tree& t, bool in_item, bool nullable) const {
    Json out;
    if (const Json* r = option(o_.replace, t.path)) {
      out = *r;
    } else if (const Tree* items = t.list_items()) {
      out = Json::object().set("type", Json::string("array")).set("items", value(*items, true, false));
    } else if (!t.kids.empty()) {
      out = mapping(t, in_item);
    } else if (t.spec) {
      out = leaf(*t.spec);
    } else {
      out = Json::object().set("type", Json::string("object"));
    }
    if (const Json* alt = option(o_.alternatives, t.path))
      out = Json::object().set("anyOf", Json::array({*alt, std::move(out)}));
    if (nullable) allow_null(out);
    if (t.spec) {
      Json annotated = Json::object().set("description", Json::string(description(*t.spec)));
      Json def = default_value(*t.spec);
      if (def.kind() != Json::Kind::null) annotated.set("default", std::move(def));
      for (const auto& [key, v] : out.members()) annotated.set(key, v);
      out = std::move(annotated);
    }
    return out;
  }

  const JsonSchemaOptions& o_;
  bool partial_;
};

}  // namespace

Json json_schema(const Schema& schema, const JsonSchemaOptions& options) {
  const Tree tree = build_tree(schema);
  const Writer writer(options);
  Json root = Json::object();
  root.set("$schema", Json::string("http://json-schema.org/draft-07/schema#"));
  if (!options.id.empty()) root.set("$id", Json::string(options.id));
  if (!options.title.empty()) root.set("title", Json::string(options.title));
  if (!options.description.empty()) root.set("description", Json::string(options.description));
  const Json top = writer.mapping(tree, false);
  for (const auto& [key, v] : top.members()) root.set(key, v);
  if (!options.partial_if_present.empty()) {
    Json complete = writer.complete_only(tree);
    if (complete.kind() != Json::Kind::null) {
      const std::string& key = options.partial_if_present;
      root.set("if", Json::object()
                         .set("properties",
                              Json::object().set(key, Json::object().set("type", Json::string("string"))))
                         .set("required", Json::strings({key})));
      root.set("else", std::move(complete));
    }
  }
  for (const auto& [key, v] : options.root) root.set(key, v);
  return root;
}

}  // namespace geosim::config
