// The scenario format as a JSON Schema: scenario_schema() written by
// config::json_schema, with what its KeySpecs do not say about the loader.
#include "geosim/model/policy.hpp"
#include "geosim/scenario/schema.hpp"

namespace geosim {

config::Json scenario_json_schema() {
  using config::Json;
  config::JsonSchemaOptions o;
  o.title = "geosim scenario";
  o.description =
      "A geosim scenario file (docs/scenario-format.md). Generated from the loader's schema by `geosim "
      "schema "
      "--json-schema`; do not edit. A file with `extends:` may leave out the keys its base gives.";
  // A file that extends a base is merged over it: only the merged tree is complete.
  o.partial_if_present = "extends";
  o.required_mappings = scenario_required_collections();
  // Event ids are free text; every other name is checked as a name.
  o.free_placeholders = {"<event>"};
  // An action: exactly one action name (and optionally `name`).
  o.exactly_one_of = {"events.<event>.actions[]"};
  // A policy is one of the registered policies, per channel or one name for every channel.
  const Json names = Json::object().set("enum", Json::strings(policies().names()));
  o.replace = {{"powers.<power>.policy.<channel>", names}};
  o.alternatives = {{"powers.<power>.policy", names}};
  return config::json_schema(scenario_schema(), o);
}

}  // namespace geosim
