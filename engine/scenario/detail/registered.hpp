#pragma once
// The parts of a scenario named through the model's registries: a power's
// policies (and every registered policy's keys) and an event's actions.
#include <string>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/model/action.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim::detail {

/// The keys a power's mapping may hold: its `own`, then every registered policy's top-level keys.
std::vector<std::string> power_keys(std::vector<std::string> own);

/// The policy of each of `channels` named by the power's `policy` key: one
/// name for every channel, or a mapping of channels to names (unlisted: the
/// default). RangeError for a name not registered.
std::vector<const AllocationPolicy*> read_policy_names(const config::Node& power, const std::string& path,
                                                       const std::vector<std::string>& channels);

/// Every registered policy reads and checks its keys from the power (used or
/// not); each channel gets its chosen policy with that policy's settings.
std::vector<PolicyUse> read_policy_settings(const PolicyInput& input,
                                            const std::vector<const AllocationPolicy*>& chosen);

/// An event's `actions` list (non-empty, at `path`): each item
/// `{KIND: {arguments}}`, optionally with a `name` unique in the list.
std::vector<EventAction> read_actions(const config::Node& list, const std::string& path,
                                      const std::vector<std::string>& powers,
                                      const std::vector<std::string>& targets,
                                      const std::vector<std::string>& groups,
                                      const std::vector<std::string>& institutions,
                                      const std::vector<std::string>& channels);

}  // namespace geosim::detail
