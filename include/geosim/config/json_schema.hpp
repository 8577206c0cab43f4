#pragma once
// A file format's Schema (schema.hpp) as a JSON Schema (draft-07), for
// editors: the YAML language server checks a file as it is typed and
// completes its keys. Generated from the same KeySpecs the loaders read, so
// the two cannot drift; what a KeySpec does not say (a key that takes
// several shapes, a choice among registered names) the format adds through
// JsonSchemaOptions.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geosim/config/schema.hpp"

namespace geosim::config {

/// A JSON value, enough to build and write a schema: objects keep their keys
/// in insertion order, so the output is stable.
class Json {
 public:
  enum class Kind { null, boolean, number, string, array, object };

  Json() = default;  // null
  static Json boolean(bool v);
  static Json number(double v);
  static Json string(std::string v);
  static Json array(std::vector<Json> items = {});
  static Json object();
  /// A JSON array of strings.
  static Json strings(const std::vector<std::string>& items);

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }

  /// Sets `key` of an object (replacing its value if present, else appended); returns *this.
  Json& set(std::string_view key, Json value);
  /// The value of `key`, or nullptr (also on a non-object).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  /// Removes `key` of an object if present.
  void erase(std::string_view key);
  /// Appends to an array; returns *this.
  Json& push(Json value);

  /// The value as JSON text, indented by two spaces per level, with a final newline at the top.
  std::string dump() const;

 private:
  void write(std::string& out, int depth) const;

  Kind kind_ = Kind::null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string text_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

/// What the format adds to its KeySpecs. Paths are schema paths
/// (`powers.<power>.policy`, `events.<event>.actions[]`).
struct JsonSchemaOptions {
  std::string id;     // $id, e.g. the file name the schema ships as
  std::string title;  // title of the root
  std::string description;
  /// A top-level key whose presence makes the file partial (a scenario's
  /// `extends`: the base supplies the rest): keys outside list items are
  /// then required only when it is absent. "" if every file is complete.
  std::string partial_if_present;
  /// Mappings the loader requires, with at least one entry, that the schema
  /// declares only through their keys (a scenario's `powers`).
  std::vector<std::string> required_mappings;
  /// Placeholders whose names are any string; every other placeholder stands
  /// for a name, [A-Za-z][A-Za-z0-9_]*.
  std::vector<std::string> free_placeholders;
  /// Mappings in which exactly one of the keys that the schema declares only
  /// through their own keys is given (an event's action: one action name).
  std::vector<std::string> exactly_one_of;
  /// A key's value schema in place of the one its type gives (description
  /// and default are still the KeySpec's): a choice among registered names,
  /// a list of a particular shape.
  std::vector<std::pair<std::string, Json>> replace;
  /// Another shape a key may take besides its own (`anyOf`): a policy given
  /// as one name instead of a mapping of channels.
  std::vector<std::pair<std::string, Json>> alternatives;
  /// Members added to the root schema (`allOf` of conditions, `oneOf`).
  std::vector<std::pair<std::string, Json>> root;
};

/// The JSON Schema (draft-07) of a file format: nested `properties` for
/// dotted paths, `additionalProperties` for placeholders (false where the
/// mapping has none: the loaders refuse unknown keys), types, ranges,
/// defaults, descriptions (doc and unit) and required keys. An optional key
/// may be null, which the loaders read as absent.
Json json_schema(const Schema& schema, const JsonSchemaOptions& options);

/// The YAML text of a KeySpec's default as JSON (a number for a number key, a
/// mapping for a mapping key, ...); null if the key has no constant default.
Json default_value(const KeySpec& key);

}  // namespace geosim::config
