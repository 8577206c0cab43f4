#include "geosim/config/json_schema.hpp"

#include <doctest/doctest.h>

#include <string>

#include "geosim/scenario/schema.hpp"
#include "geosim/sweep/sweep.hpp"

using namespace geosim;
using namespace geosim::config;

namespace {

Schema small_schema() {
  Schema s;
  s.add({.path = "extends", .type = ValueType::text, .doc = "base"});
  s.add({.path = "name", .type = ValueType::text, .required = true, .doc = "the name"});
  s.add({.path = "time.start", .type = ValueType::date, .required = true, .doc = "start"});
  s.add({.path = "time.step",
         .type = ValueType::choice,
         .default_text = "month",
         .choices = {"month", "year"},
         .doc = "step"});
  s.add({.path = "things.<thing>.size",
         .type = ValueType::number,
         .unit = "m",
         .default_text = "1",
         .range = Bounds{0.0, 10.0, true, false},
         .doc = "size"});
  s.add({.path = "things.<thing>.count",
         .type = ValueType::integer,
         .default_text = "3",
         .range = Bounds{1.0, 1e6},
         .doc = "count"});
  s.add({.path = "things.<thing>.tags", .type = ValueType::names, .default_text = "[a, b]", .doc = "tags"});
  s.add({.path = "events.<event>.actions", .type = ValueType::list, .required = true, .doc = "actions"});
  s.add({.path = "events.<event>.actions[].name", .type = ValueType::text, .doc = "name"});
  s.add(
      {.path = "events.<event>.actions[].grow.by", .type = ValueType::number, .required = true, .doc = "by"});
  s.add({.path = "events.<event>.actions[].stop.when", .type = ValueType::date, .doc = "when"});
  return s;
}

/// The member at a path of object keys ("properties", "time", ...); nullptr if absent.
const Json* at(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* at = &j;
  for (const std::string_view k : keys)
    if (!(at = at->find(k))) return nullptr;
  return at;
}

}  // namespace

TEST_CASE("json schema: Json writes stable, escaped, indented text") {
  Json j = Json::object();
  j.set("b", Json::number(1)).set("a", Json::string("x \"y\"\n")).set("c", Json::strings({"p", "q"}));
  j.set("d", Json::array({Json::object().set("e", Json::boolean(false))})).set("f", Json());
  j.set("g", Json::number(0.25)).set("b", Json::number(2));  // replaces b in place
  CHECK(j.dump() ==
        "{\n  \"b\": 2,\n  \"a\": \"x \\\"y\\\"\\n\",\n  \"c\": [\"p\", \"q\"],\n"
        "  \"d\": [\n    {\n      \"e\": false\n    }\n  ],\n  \"f\": null,\n  \"g\": 0.25\n}\n");
  j.erase("d");
  CHECK(j.find("d") == nullptr);
  CHECK(Json::object().dump() == "{}\n");
}

TEST_CASE("json schema: dotted paths nest, placeholders take any name, unknown keys are refused") {
  const Json s = json_schema(small_schema(), {});
  CHECK(at(s, {"$schema"})->text() == "http://json-schema.org/draft-07/schema#");
  CHECK(at(s, {"additionalProperties"})->dump() == "false\n");
  const Json* thing = at(s, {"properties", "things", "additionalProperties"});
  REQUIRE(thing);
  CHECK(at(s, {"properties", "things", "propertyNames", "pattern"})->text() == "^[A-Za-z][A-Za-z0-9_]*$");
  const Json* size = at(*thing, {"properties", "size"});
  REQUIRE(size);
  CHECK(at(*size, {"type"})->dump() == "[\"number\", \"null\"]\n");
  CHECK(at(*size, {"exclusiveMinimum"})->dump() == "0\n");
  CHECK(at(*size, {"maximum"})->dump() == "10\n");
  CHECK(at(*size, {"default"})->dump() == "1\n");
  CHECK(at(*size, {"description"})->text() == "size [m]");
  CHECK(at(*thing, {"properties", "count", "minimum"})->dump() == "1\n");
  CHECK(at(*thing, {"properties", "tags", "default"})->dump() == "[\"a\", \"b\"]\n");
  CHECK(at(*thing, {"additionalProperties"})->dump() == "false\n");
  CHECK(at(s, {"properties", "time", "properties", "step", "enum"})->dump() ==
        "[\"month\", \"year\", null]\n");
  CHECK(at(s, {"properties", "time", "properties", "start", "pattern"}));
}

TEST_CASE("json schema: required keys, inline or only in files without the partial key") {
  const Json whole = json_schema(small_schema(), {});
  CHECK(at(whole, {"required"})->dump() == "[\"name\", \"time\"]\n");  // time for time.start
  CHECK(at(whole, {"properties", "time", "required"})->dump() == "[\"start\"]\n");
  CHECK(at(whole, {"properties", "name", "type"})->dump() == "[\"string\", \"number\", \"boolean\"]\n");
  CHECK(at(whole, {"if"}) == nullptr);

  JsonSchemaOptions o;
  o.partial_if_present = "extends";
  o.required_mappings = {"things"};
  o.free_placeholders = {"<event>"};
  o.exactly_one_of = {"events.<event>.actions[]"};
  const Json partial = json_schema(small_schema(), o);
  CHECK(at(partial, {"required"}) == nullptr);
  CHECK(at(partial, {"if", "required"})->dump() == "[\"extends\"]\n");
  CHECK(at(partial, {"else", "required"})->dump() == "[\"name\", \"time\", \"things\"]\n");
  CHECK(at(partial, {"else", "properties", "time", "required"})->dump() == "[\"start\"]\n");
  CHECK(at(partial, {"else", "properties", "things", "minProperties"})->dump() == "1\n");
  CHECK(at(partial, {"else", "properties", "events", "additionalProperties", "required"})->dump() ==
        "[\"actions\"]\n");
  CHECK(at(partial, {"properties", "events", "propertyNames"}) == nullptr);
  // A list item is replaced whole by an extending file: its required keys always hold.
  const Json* item =
      at(partial, {"properties", "events", "additionalProperties", "properties", "actions", "items"});
  REQUIRE(item);
  CHECK(at(*item, {"oneOf"})->dump() ==
        "[\n  {\n    \"required\": [\"grow\"]\n  },\n  {\n    \"required\": [\"stop\"]\n  }\n]\n");
  CHECK(at(*item, {"required"}) == nullptr);  // neither kind alone is required
  CHECK(at(*item, {"properties", "grow", "required"})->dump() == "[\"by\"]\n");
  CHECK(at(*item, {"properties", "grow", "type"})->text() == "object");  // a kind is never null
}

TEST_CASE("json schema: replacements and alternatives keep the key's description and default") {
  JsonSchemaOptions o;
  o.replace = {{"time.step", Json::object().set("const", Json::string("month"))}};
  o.alternatives = {{"things.<thing>", Json::object().set("type", Json::string("number"))}};
  const Json s = json_schema(small_schema(), o);
  const Json* step = at(s, {"properties", "time", "properties", "step"});
  CHECK(at(*step, {"const"})->text() == "month");
  CHECK(at(*step, {"default"})->text() == "month");
  CHECK(at(*step, {"description"})->text() == "step");
  const Json* any = at(s, {"properties", "things", "additionalProperties", "anyOf"});
  REQUIRE(any);
  REQUIRE(any->items().size() == 3);  // the alternative, the mapping, null
  CHECK(any->items()[0].find("type")->text() == "number");
  CHECK(any->items()[1].find("properties"));
}

TEST_CASE("json schema: default_value reads the default's YAML as its type") {
  CHECK(default_value({.path = "a", .type = ValueType::number, .default_text = "0.5"}).dump() == "0.5\n");
  CHECK(default_value({.path = "a", .type = ValueType::text, .default_text = "\"\""}).dump() == "\"\"\n");
  CHECK(default_value({.path = "a", .type = ValueType::boolean, .default_text = "true"}).dump() == "true\n");
  CHECK(default_value({.path = "a", .type = ValueType::mapping, .default_text = "{x: {}, y: 2}"}).dump() ==
        "{\n  \"x\": {},\n  \"y\": 2\n}\n");
  CHECK(default_value({.path = "a", .type = ValueType::number, .default_rule = "the code"}).kind() ==
        Json::Kind::null);
}

TEST_CASE("json schema: the scenario's and the sweep file's are generated from their loaders' schemas") {
  const Json scenario = scenario_json_schema();
  // Every top-level key of the loader's schema, and the policies by name.
  for (const std::string& key : scenario_schema().children(""))
    CHECK_MESSAGE(at(scenario, {"properties", key}), key);
  const Json* policy = at(scenario, {"properties", "powers", "additionalProperties", "properties", "policy"});
  REQUIRE(policy);
  CHECK(policy->dump().find("\"value\"") != std::string::npos);
  CHECK(at(scenario, {"else", "required"})->dump() ==
        "[\"name\", \"time\", \"powers\", \"targets\", \"groups\"]\n");

  const Json sweep = sweep_json_schema();
  for (const std::string& key : sweep_file_schema().children(""))
    CHECK_MESSAGE(at(sweep, {"properties", key}), key);
  CHECK(at(sweep, {"required"}) == nullptr);  // a design's keys are required with that design only
  CHECK(at(sweep, {"allOf"})->items().size() >= 2);
  CHECK(at(sweep, {"oneOf"}));
}
