#pragma once
// The scenario validator: a merged, overridden configuration tree -> Scenario.
#include "geosim/config/node.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Checks every key of `tree` against the scenario schema and fills `s`
/// (names resolved to indices, defaults applied). Throws an InputError
/// subclass naming file:line:col and the key on the first problem.
void validate_scenario(const config::Node& tree, Scenario& s);

}  // namespace geosim
