#pragma once
// The scenario file format as data: every key with its type, unit, default,
// range and meaning. The loader reads defaults and ranges from here, `geosim
// schema` lists it, and docs/scenario-format.md's tables are generated from
// it (tools/scenario_tables.py checks they agree).
#include "geosim/config/schema.hpp"

namespace geosim {

/// Every key of a scenario file, in the order of docs/scenario-format.md.
const config::Schema& scenario_schema();

}  // namespace geosim
