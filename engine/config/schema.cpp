// Schemas as data: declaration, lookup and the readers that take a key's
// range and default from its declaration.
#include "geosim/config/schema.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace geosim::config {

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::number: return "number";
    case ValueType::integer: return "integer";
    case ValueType::boolean: return "boolean";
    case ValueType::text: return "string";
    case ValueType::date: return "date";
    case ValueType::choice: return "choice";
    case ValueType::name: return "name";
    case ValueType::names: return "list of names";
    case ValueType::mapping: return "mapping";
    case ValueType::list: return "list";
  }
  return "?";
}

std::string_view KeySpec::key() const {
  const std::string_view p = path;
  const auto dot = p.rfind('.');
  return dot == std::string_view::npos ? p : p.substr(dot + 1);
}

double KeySpec::default_number() const {
  double v = 0.0;
  const auto [end, ec] = std::from_chars(default_text.data(), default_text.data() + default_text.size(), v);
  if (default_text.empty() || ec != std::errc() || end != default_text.data() + default_text.size())
    throw std::logic_error("schema key " + path + ": default '" + default_text + "' is not a number");
  return v;
}

std::string KeySpec::expected() const {
  switch (type) {
    case ValueType::number: return expected_number(range);
    case ValueType::integer: {
      const std::string r = range.str();
      return r.empty() ? "an integer" : "an integer " + r;
    }
    case ValueType::boolean: return "true or false";
    case ValueType::choice: return "one of " + list_names(choices);
    case ValueType::date: return "a date YYYY-MM or YYYY-MM-DD";
    case ValueType::text: return "a string";
    case ValueType::name: return "a name";
    case ValueType::names: return "a list of names";
    case ValueType::mapping: return "a mapping";
    case ValueType::list: return "a list";
  }
  return "?";
}

Schema& Schema::add(KeySpec key) {
  if (find(key.path)) throw std::logic_error("schema: key " + key.path + " declared twice");
  if (key.type == ValueType::number && !key.default_text.empty()) {
    const double v = key.default_number();  // throws if not a number
    if (!key.range.contains(v))
      throw std::logic_error("schema: default of " + key.path + " is outside its range " + key.range.str());
  }
  keys_.push_back(std::move(key));
  return *this;
}

Schema& Schema::add(const Schema& other) {
  for (const KeySpec& k : other.keys()) add(k);
  return *this;
}

const KeySpec* Schema::find(std::string_view path) const {
  const auto it = std::find_if(keys_.begin(), keys_.end(), [&](const KeySpec& k) { return k.path == path; });
  return it == keys_.end() ? nullptr : &*it;
}

const KeySpec& Schema::at(std::string_view path) const {
  if (const KeySpec* k = find(path)) return *k;
  throw std::logic_error("schema: no key " + std::string(path));
}

std::vector<std::string> Schema::children(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const KeySpec& k : keys_) {
    std::string_view p = k.path;
    if (!prefix.empty()) {
      if (p.size() <= prefix.size() + 1 || p.substr(0, prefix.size()) != prefix || p[prefix.size()] != '.')
        continue;
      p.remove_prefix(prefix.size() + 1);
    }
    const std::string child(p.substr(0, p.find('.')));
    if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
  }
  return out;
}

KeyMatch Schema::match(const std::vector<PathStep>& steps) const {
  KeyMatch out;
  std::string pattern;  // the declared path so far
  std::string walked;   // the concrete path so far
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& step = steps[i];
    if (step.kind != PathStep::Kind::key) {
      const KeySpec* list = find(pattern);
      if (!list || (list->type != ValueType::list && list->type != ValueType::names)) {
        out.problem = "'" + walked + "' is not a list, so [" + step.text + "] selects nothing in it";
        return out;
      }
      if (list->type == ValueType::names) {
        if (i + 1 != steps.size()) {
          out.problem = "an item of '" + walked + "' is a name, which has no keys or items";
          return out;
        }
        out.key = list;
        out.list_item = true;
        return out;
      }
      pattern += "[]";
      walked += "[" + step.text + "]";
      continue;
    }
    const std::vector<std::string> kids = children(pattern);
    std::string next;
    std::vector<std::string> literal;
    for (const std::string& kid : kids) {
      if (kid == step.text) next = kid;
      if (kid.front() != '<') literal.push_back(kid);
    }
    if (next.empty()) {
      const auto placeholder =
          std::find_if(kids.begin(), kids.end(), [](const std::string& k) { return k.front() == '<'; });
      if (placeholder != kids.end()) next = *placeholder;
    }
    if (next.empty()) {
      out.problem = kids.empty()
                        ? "'" + walked + "' holds a single value, so it has no key '" + step.text + "'"
                        : "unknown key '" + step.text + "'" + (walked.empty() ? "" : " in '" + walked + "'") +
                              did_you_mean(step.text, literal);
      return out;
    }
    pattern += (pattern.empty() ? "" : ".") + next;
    walked += (walked.empty() ? "" : ".") + step.text;
  }
  out.key = find(pattern);
  if (!out.key) {
    out.mapping = true;
    out.problem =
        "'" + walked + "' is a mapping (its keys: " + list_names(children(pattern)) + "), not a single value";
  }
  return out;
}

double read_number(const Node& map, const KeySpec& spec, const std::string& path) {
  const Node* n = opt(map, spec.key());
  if (!n) {
    if (spec.required) req(map, spec.key(), path, spec.expected());  // throws
    return spec.default_number();
  }
  return number(*n, join(path, spec.key()), spec.range);
}

std::int64_t read_integer(const Node& map, const KeySpec& spec, const std::string& path) {
  const Node* n = opt(map, spec.key());
  if (!n) {
    if (spec.required) req(map, spec.key(), path, spec.expected());
    return static_cast<std::int64_t>(spec.default_number());
  }
  const std::string p = join(path, spec.key());
  const auto lo = static_cast<std::int64_t>(std::max(spec.range.lo, -9.0e15));
  std::int64_t v = 0;
  try {
    v = integer(*n, p, lo);
  } catch (const RangeError&) {
    // Below lo: report the whole declared range below ("an integer in [1, 1000000]");
    // other range errors (.nan, too large) are thrown again here.
    v = integer(*n, p, std::numeric_limits<std::int64_t>::min());
  }
  if (!spec.range.contains(static_cast<double>(v)))
    throw RangeError(n->where, p, "expected " + spec.expected() + ", got " + n->scalar);
  return v;
}

bool read_boolean(const Node& map, const KeySpec& spec, const std::string& path) {
  const Node* n = opt(map, spec.key());
  if (!n) {
    if (spec.required) req(map, spec.key(), path, spec.expected());
    return spec.default_text == "true";
  }
  return boolean(*n, join(path, spec.key()));
}

int read_choice(const Node& map, const KeySpec& spec, const std::string& path) {
  const Node* n = opt(map, spec.key());
  if (!n) {
    if (spec.required) req(map, spec.key(), path, spec.expected());
    const auto it = std::find(spec.choices.begin(), spec.choices.end(), spec.default_text);
    if (it == spec.choices.end())
      throw std::logic_error("schema: default of " + spec.path + " is not a choice");
    return static_cast<int>(it - spec.choices.begin());
  }
  return choice(*n, join(path, spec.key()), spec.choices);
}

void check_keys(const Node& map, const std::string& path, const Schema& schema,
                std::string_view schema_prefix) {
  check_keys(map, path, schema.children(schema_prefix));
}

std::string to_table(const Schema& schema) {
  std::ostringstream out;
  out << "path\ttype\tunit\tdefault\trange\tdoc\n";
  for (const KeySpec& k : schema.keys()) {
    std::string range = k.type == ValueType::choice ? list_names(k.choices) : k.range.str();
    out << k.path << '\t' << value_type_name(k.type) << '\t' << k.unit << '\t'
        << (k.required               ? "(required)"
            : k.default_text.empty() ? k.default_rule
                                     : k.default_text)
        << '\t' << range << '\t' << k.doc << '\n';
  }
  return out.str();
}

}  // namespace geosim::config
