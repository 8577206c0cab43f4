#pragma once
// Which values of a scenario come from defaults rather than from its files or
// overrides: listed by `geosim validate --defaults` and recorded in results,
// so that a value nobody chose is never invisible (an extension that adds a
// target also gives every existing power a strategic value for it).
#include <string>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/config/schema.hpp"

namespace geosim {

/// One value the scenario takes from its schema's default.
struct AppliedDefault {
  std::string path;   // where it would be written in the file: powers.CHN.growth
  std::string value;  // as YAML text; "" when the default is a rule without one value
  std::string rule;   // the schema's rule ("the code", "every other power"), "" for a constant
  config::TimeScaling per_time = config::TimeScaling::none;  // the key's, for conversion to the step
};

/// Every default a scenario tree takes (after extends and overrides; the tree
/// must be valid): each key the schema declares, expanded over the tree's
/// powers, targets, groups, channels, institutions and events, that the tree
/// does not give. Keys of a policy count for the powers that use it; keys
/// whose absence means "none" (extends, snapshots) are not values and are
/// not listed. In schema order.
std::vector<AppliedDefault> applied_defaults(const config::Node& tree);

/// `tree` with every default that has a value written in (each located at
/// "default"): the resolved scenario, every value explicit.
config::Node with_defaults(config::Node tree, const std::vector<AppliedDefault>& defaults);

/// One line per default: "path: value" or "path: (rule)".
std::string defaults_text(const std::vector<AppliedDefault>& defaults);

}  // namespace geosim
