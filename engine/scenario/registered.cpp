// A scenario's policies and event actions, read through the registries
// (model/policy.hpp, model/action.hpp): names resolved to entries here, once.
#include "scenario/detail/registered.hpp"

#include <algorithm>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/readers.hpp"

namespace geosim::detail {

using namespace config;

std::vector<std::string> power_keys(std::vector<std::string> own) {
  for (const auto& policy : policies())
    for (const std::string& key : policy->keys().children(""))
      if (std::find(own.begin(), own.end(), key) == own.end()) own.push_back(key);
  return own;
}

std::vector<const AllocationPolicy*> read_policy_names(const Node& power, const std::string& path,
                                                       const std::vector<std::string>& channels) {
  std::vector<const AllocationPolicy*> out(channels.size(), &default_policy());
  const Node* pol = opt(power, "policy");
  if (!pol) return out;
  const std::string pp = join(path, "policy");
  const std::vector<std::string> all = policies().names();
  if (pol->is_scalar()) {
    std::fill(out.begin(), out.end(), policies().find(all[choice(*pol, pp, all)]));
    return out;
  }
  expect_map(*pol, pp, "one of " + list_names(all) + " or a mapping of channels to policies");
  check_channels(*pol, pp, channels);
  for (std::size_t c = 0; c < channels.size(); ++c)
    if (const Node* v = opt(*pol, channels[c]))
      out[c] = policies().find(all[choice(*v, join(pp, channels[c]), all)]);
  return out;
}

std::vector<PolicyUse> read_policy_settings(const PolicyInput& input,
                                            const std::vector<const AllocationPolicy*>& chosen) {
  // A bad `temperature` is an error whatever the power's policies.
  std::vector<PolicyUse> out(chosen.size());
  for (const auto& policy : policies()) {
    std::shared_ptr<const PolicySettings> settings = policy->parse(input);
    for (std::size_t c = 0; c < chosen.size(); ++c)
      if (chosen[c] == policy.get()) out[c] = PolicyUse{policy.get(), settings};
  }
  return out;
}

EventAction read_action(const Node& item, const std::string& path, const std::vector<std::string>& powers,
                        const std::vector<std::string>& targets, const std::vector<std::string>& institutions,
                        const std::vector<std::string>& channels) {
  const std::vector<std::string> kinds = actions().names();
  if (!item.is_map() || item.entries.size() != 1)
    throw TypeError(place(item), path,
                    "expected an action: a mapping with exactly one of " + list_names(kinds) + ", got " +
                        (item.is_map() ? "a mapping with " + std::to_string(item.entries.size()) + " keys"
                                       : describe(item)));
  const std::string& kind_name = item.entries.front().key;
  const ActionType* type = actions().find(kind_name);
  if (!type)
    throw UnknownKeyError(item.entries.front().value.key_where, join(path, kind_name),
                          "unknown action '" + kind_name + "'" + did_you_mean(kind_name, kinds) +
                              "; expected one of: " + list_names(kinds));
  const Node& body = item.entries.front().value;
  const std::string bp = join(path, kind_name);
  expect_map(body, bp, "a mapping of action arguments");
  check_keys(body, bp, type->keys(), "");
  return {type, type->parse(ActionInput{body, bp, powers, targets, institutions, channels})};
}

}  // namespace geosim::detail
