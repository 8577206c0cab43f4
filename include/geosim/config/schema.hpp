#pragma once
// A file format described as data: every key with its type, unit, default,
// range and a one-line doc. Loaders read values through it (so a default or a
// range is written once, where the key is declared); `geosim schema` lists it;
// docs and exported JSON Schemas are generated from or checked against it.
//
// Paths are dotted; a placeholder in angle brackets stands for any name of
// that kind (`powers.<power>.growth`, `events.<event>.actions[].scale_budget.factor`).
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/key_path.hpp"
#include "geosim/config/reader.hpp"

namespace geosim::config {

/// What a key holds.
enum class ValueType { number, integer, boolean, text, date, choice, name, names, mapping, list };
std::string_view value_type_name(ValueType type);

/// How a quantity given per period of time becomes a quantity per tick when
/// the tick is r periods long (r = step / period; r = 1 changes nothing):
/// `flow` (an amount per period, budgets) x r; `compound` (growth per period)
/// (1 + v)^r - 1; `fraction` (a share lost or closed per period: decay,
/// relaxation gains) 1 - (1 - v)^r; `spread` (the SD of one period's random
/// step) v sqrt(r); `duration` (a whole number of periods) v / r, which must
/// be a whole number of ticks.
enum class TimeScaling { none, flow, compound, fraction, spread, duration };

/// One key of a file format.
struct KeySpec {
  std::string path;
  ValueType type = ValueType::number;
  std::string unit;                          // "" if dimensionless or not a quantity
  TimeScaling per_time = TimeScaling::none;  // for a quantity per period of time (time.rates_per)
  std::string default_text;  // the default as YAML text; "" when required or when there is none
  std::string default_rule;  // a default that is not a constant ("the code", "every other power")
  bool required = false;
  Bounds range{};                    // number and integer keys
  std::vector<std::string> choices;  // choice keys
  std::string doc;                   // one line

  /// The last path component: the key as written in its mapping.
  std::string_view key() const;
  /// default_text as a number (LogicError-free: only call on number keys with a default).
  double default_number() const;
  /// "a number in [0, 1]", "true or false", "one of a, b", ...
  std::string expected() const;
};

/// The declared key a concrete key path stands for (Schema::match).
struct KeyMatch {
  const KeySpec* key = nullptr;  // nullptr: no key matches, see `problem`
  bool list_item = false;        // the path selects one item of a list of names (`campaigns.channels[0]`)
  bool mapping =
      false;  // no key: the path ends at a mapping declared only by its keys (`powers.<power>.budget`)
  std::string problem;  // why no key matches, e.g. "unknown key 'budgt' (did you mean 'budget'?)"
};

class Schema {
 public:
  /// Adds a key; a second key with the same path is a programming error (std::logic_error).
  Schema& add(KeySpec key);
  /// Adds every key of `other`.
  Schema& add(const Schema& other);
  const KeySpec* find(std::string_view path) const;
  /// The key at `path`; std::logic_error if the schema has none (a loader asking for an undeclared key).
  const KeySpec& at(std::string_view path) const;
  const std::vector<KeySpec>& keys() const { return keys_; }
  /// The keys directly under `prefix` ("" for the top level), in declaration order.
  std::vector<std::string> children(std::string_view prefix) const;
  /// The key a concrete path stands for: names in place of placeholders
  /// (`powers.CHN.growth` is `powers.<power>.growth`), list items selected
  /// by index or name (`events.e.actions[0].scale_budget.factor` is
  /// `events.<event>.actions[].scale_budget.factor`). Whether the names
  /// exist is the tree's business, not the format's. The result points into
  /// this schema: keep the schema alive while it is used.
  KeyMatch match(const std::vector<PathStep>& steps) const;

 private:
  std::vector<KeySpec> keys_;
};

// Readers that take range and default from the key's declaration. `map` is
// the mapping holding the key, `path` the mapping's dotted path in the file.

/// The number at spec.key() in `map`, or the declared default if absent or null.
double read_number(const Node& map, const KeySpec& spec, const std::string& path);
/// The same for integer keys (range from spec.range, default from default_text).
std::int64_t read_integer(const Node& map, const KeySpec& spec, const std::string& path);
bool read_boolean(const Node& map, const KeySpec& spec, const std::string& path);
/// The index of the choice (declared default if absent).
int read_choice(const Node& map, const KeySpec& spec, const std::string& path);
/// UnknownKeyError for a key of `map` that the schema does not declare under `schema_prefix`.
void check_keys(const Node& map, const std::string& path, const Schema& schema,
                std::string_view schema_prefix);

/// The schema as text: one line per key (path, type, unit, default, range, doc), tab-separated.
std::string to_table(const Schema& schema);

}  // namespace geosim::config
