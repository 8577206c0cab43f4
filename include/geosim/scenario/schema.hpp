#pragma once
// The scenario file format as data: every key with its type, unit, default,
// range and meaning. The loader reads defaults and ranges from here, `geosim
// schema` lists it, and docs/scenario-format.md's tables are generated from
// it (tools/scenario_tables.py checks they agree).
#include "geosim/config/json_schema.hpp"
#include "geosim/config/schema.hpp"

namespace geosim {

/// The keys the format itself declares (not those of registered policies and
/// actions), built once: what the loader reads its defaults and ranges from.
const config::Schema& scenario_core_schema();

/// The mappings whose keys name the scenario's things (`powers`, `targets`,
/// `events`, ...): those with a placeholder right under a top-level key.
/// Overrides never create an entry in one except by giving it whole.
const std::vector<std::string>& scenario_collections();

/// The collections a scenario must give, each with at least one entry
/// (`powers`, `targets`, `groups`): the loader requires them, and the JSON
/// Schema says so.
const std::vector<std::string>& scenario_required_collections();

/// Writes the default channels into a tree that has no `channels` when one of
/// `overrides` sets a channel's key, so that `channels.soft.decay=0.1` sets
/// one of the default channels instead of being refused as a new entry.
void write_in_default_channels(config::Node& tree, const std::vector<std::string>& overrides);

/// Every key of a scenario file, in the order of docs/scenario-format.md: the
/// core keys and those of every policy and event action registered now.
config::Schema scenario_schema();

/// The scenario format as a JSON Schema (draft-07) for editors, from
/// scenario_schema() (`geosim schema --json-schema`; docs/schema/scenario.schema.json).
config::Json scenario_json_schema();

}  // namespace geosim
