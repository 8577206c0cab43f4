#pragma once
// The scenario validator: a merged, overridden configuration tree -> Scenario.
#include <string>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Checks every key of `tree` against the scenario schema and fills `s`
/// (names resolved to indices, defaults applied). Throws an InputError
/// subclass naming file:line:col and the key on the first problem.
void validate_scenario(const config::Node& tree, Scenario& s);

namespace detail {

/// A target's `migration` mapping `n` at `path` (engine/scenario/migration.cpp):
/// the host among `powers`, the channel among `channels` (the schema's
/// default if not given, ReferenceError if that is not declared).
MigrationSpec read_migration(const config::Node& n, const std::string& path,
                             const std::vector<std::string>& powers,
                             const std::vector<std::string>& channels);

/// A survey's mapping `n` at `path` (engine/scenario/surveys.cpp); RangeError
/// if unfavourable_below exceeds favourable_above.
SurveySpec read_survey(const std::string& name, const config::Node& n, const std::string& path);

}  // namespace detail
}  // namespace geosim
