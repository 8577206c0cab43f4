// The sweep-file format as a JSON Schema: sweep_file_schema() written by
// config::json_schema, with the shapes its KeySpecs do not give (a parameter
// as a list or a mapping, metrics as names or declarations) and each
// design's keys required and allowed only with that design.
#include <algorithm>

#include "geosim/sweep/sweep.hpp"

namespace geosim {

namespace {

using config::Json;

Json type(const char* name) { return Json::object().set("type", Json::string(name)); }

/// Any YAML scalar (the loader reads a value's text).
Json scalar() { return Json::object().set("type", Json::strings({"string", "number", "boolean"})); }

Json list_of(Json items, int min_items) {
  return type("array").set("minItems", Json::number(min_items)).set("items", std::move(items));
}

/// A list of names from `names`, or all / none (also true / false).
Json names_or_all(Json item) {
  Json all = Json::object().set("enum", Json::array({Json::string("all"), Json::string("none"),
                                                     Json::boolean(true), Json::boolean(false)}));
  return Json::object().set("anyOf", Json::array({std::move(all), list_of(std::move(item), 0)}));
}

/// For each design: its required keys when chosen, and no key only other designs read.
Json design_conditions(const std::string& default_design) {
  const std::vector<std::string> designs = design_names();
  Json all = Json::array();
  for (const std::string& name : designs) {
    const config::Schema own = find_design(name)->keys();
    Json chosen = Json::object().set(
        "properties", Json::object().set("design", Json::object().set("const", Json::string(name))));
    if (name != default_design) chosen.set("required", Json::strings({"design"}));
    std::vector<std::string> required;
    Json refused = Json::object();
    for (const config::KeySpec& k : own.keys())
      if (k.required) required.push_back(k.path);
    for (const std::string& other : designs) {
      const config::Schema theirs = find_design(other)->keys();
      for (const config::KeySpec& k : theirs.keys())
        if (!own.find(k.path) && !refused.find(k.path)) refused.set(k.path, Json::boolean(false));
    }
    Json then = Json::object();
    if (!required.empty()) then.set("required", Json::strings(required));
    if (!refused.members().empty()) then.set("properties", std::move(refused));
    if (then.members().empty()) continue;
    all.push(Json::object().set("if", std::move(chosen)).set("then", std::move(then)));
  }
  return all;
}

}  // namespace

Json sweep_json_schema() {
  // A design's required keys are required with that design only (design_conditions).
  const config::Schema declared = sweep_file_schema();
  std::vector<std::string> design_keys;
  for (const std::string& name : design_names()) {
    const config::Schema keys = find_design(name)->keys();
    for (const config::KeySpec& k : keys.keys()) design_keys.push_back(k.path);
  }
  config::Schema schema;
  for (config::KeySpec k : declared.keys()) {
    if (std::find(design_keys.begin(), design_keys.end(), k.path) != design_keys.end()) k.required = false;
    schema.add(std::move(k));
  }

  config::JsonSchemaOptions o;
  o.title = "geosim sweep file";
  o.description =
      "A geosim sweep file (docs/sweeps.md). Generated from the loader's schema by `geosim schema --sweep "
      "--json-schema`; do not edit.";
  o.free_placeholders = {"<path>"};  // scenario key paths
  const Json declared_metric =
      type("object")
          .set("properties",
               Json::object().set("name", type("string").set("pattern", Json::string("^[a-z][a-z0-9_]*$"))))
          .set("required", Json::strings({"name", "variable"}));
  o.replace = {
      {"scenarios", list_of(scalar(), 1)},
      {"set", type("object")},
      {"metrics", names_or_all(Json::object().set(
                      "anyOf", Json::array({Json::object().set("enum", Json::strings(metric_names())),
                                            declared_metric})))},
      {"time_series", names_or_all(Json::object().set("enum", Json::strings(time_series_names())))},
      {"parameters.<path>.values", list_of(scalar(), 1)},
      {"parameters.<path>.range", list_of(type("number"), 2).set("maxItems", Json::number(2))},
      {"parameters.<path>.also", list_of(type("string"), 1)},
      {"parameters.<path>.weights", list_of(type("number").set("minimum", Json::number(0)), 1)},
  };
  // A parameter: a list of values, or a mapping with values or range.
  o.alternatives = {{"parameters.<path>", list_of(scalar(), 1)}};
  Json one_of = Json::array({Json::object().set("required", Json::strings({"base"})),
                             Json::object().set("required", Json::strings({"scenarios"}))});
  o.root = {{"oneOf", std::move(one_of)}, {"allOf", design_conditions(schema.at("design").default_text)}};
  return config::json_schema(schema, o);
}

}  // namespace geosim
