#pragma once
// Citizen groups as the loader reads them (the validator in scenario.cpp
// calls these): a group's own parameters (`groups.<group>`) and a target's
// overrides of them (`targets.<target>.group_parameters.<group>`), both read
// by one reader from keys declared once (the overrides' keys are the
// group's, declared again under the target from the group's declarations:
// engine/scenario/schema.cpp), and the stability check of model.md section 7
// on the values a target's citizens get.
#include <string>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim::detail {

/// The names a group's keys refer to, in file order.
struct GroupNames {
  const std::vector<std::string>& powers;
  const std::vector<std::string>& groups;
  const std::vector<std::string>& channels;
};

/// `groups.<group>` (the mapping `n` at `path`): the group's parameters, each
/// key not given at its declared default. RangeError if the update of its
/// citizens can be unstable (`powers` give the valences it does not).
GroupSpec read_group(const config::Node& n, const std::string& path, const std::string& name,
                     const GroupNames& names, const std::vector<PowerSpec>& powers);

/// `targets.<target>.group_parameters` (the mapping `n` at `path`): the
/// target's overrides by group (empty if it gives none). RangeError if the
/// values an override gives the target's citizens of a group make their
/// update unstable.
std::vector<GroupOverride> read_group_parameters(const config::Node& n, const std::string& path,
                                                 const GroupNames& names,
                                                 const std::vector<GroupSpec>& groups,
                                                 const std::vector<PowerSpec>& powers);

/// A group's parameters with a target's override (nullptr: none) over them,
/// valences resolved (Scenario::group_in).
GroupParameters resolve_group(const GroupSpec& group, const GroupOverride* override_,
                              const std::vector<PowerSpec>& powers);

}  // namespace geosim::detail
