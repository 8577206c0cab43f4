// A scenario's policies and event actions, read through the registries
// (model/policy.hpp, model/action.hpp): names resolved to entries here, once.
#include "scenario/detail/registered.hpp"

#include <algorithm>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/readers.hpp"

namespace geosim::detail {

using namespace config;

namespace {

/// "the security channel", "the economic and soft channels".
std::string allowed_channels(const AllocationPolicy& policy) {
  std::vector<std::string> names;
  for (int c = 0; c < kChannels; ++c)
    if (policy.allowed(c)) names.emplace_back(kChannelNames[c]);
  std::string out = "the ";
  for (std::size_t k = 0; k < names.size(); ++k)
    out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  return out + (names.size() == 1 ? " channel" : " channels");
}

bool allowed_everywhere(const AllocationPolicy& policy) {
  for (int c = 0; c < kChannels; ++c)
    if (!policy.allowed(c)) return false;
  return true;
}

}  // namespace

std::vector<std::string> power_keys(std::vector<std::string> own) {
  for (const auto& policy : policies())
    for (const std::string& key : policy->keys().children(""))
      if (std::find(own.begin(), own.end(), key) == own.end()) own.push_back(key);
  return own;
}

std::array<const AllocationPolicy*, kChannels> read_policy_names(const Node& power, const std::string& path) {
  std::array<const AllocationPolicy*, kChannels> out;
  out.fill(&default_policy());
  const Node* pol = opt(power, "policy");
  if (!pol) return out;
  const std::string pp = join(path, "policy");
  const std::vector<std::string> all = policies().names();
  if (pol->is_scalar()) {
    const AllocationPolicy& policy = *policies().find(all[choice(*pol, pp, all)]);
    if (!allowed_everywhere(policy)) {
      std::string hint;  // e.g. "security: richardson"
      for (int c = 0; c < kChannels; ++c)
        if (policy.allowed(c))
          hint +=
              (hint.empty() ? "" : ", ") + std::string(kChannelNames[c]) + ": " + std::string(policy.name());
      throw RangeError(pol->where, pp,
                       std::string(policy.name()) + " is allowed for " + allowed_channels(policy) +
                           " only (write policy: {" + hint + "})");
    }
    out.fill(&policy);
    return out;
  }
  std::vector<std::string> everywhere;  // the policies every channel may use
  for (const auto& policy : policies())
    if (allowed_everywhere(*policy)) everywhere.emplace_back(policy->name());
  expect_map(*pol, pp, "one of " + list_names(everywhere) + " or a mapping of channels to policies");
  check_keys(*pol, pp, channel_names());
  for (int c = 0; c < kChannels; ++c) {
    const Node* v = opt(*pol, kChannelNames[c]);
    if (!v) continue;
    const std::string cp = join(pp, kChannelNames[c]);
    const AllocationPolicy& policy = *policies().find(all[choice(*v, cp, all)]);
    if (!policy.allowed(c))
      throw RangeError(v->where, cp,
                       std::string(policy.name()) + " is allowed for " + allowed_channels(policy) + " only");
    out[c] = &policy;
  }
  return out;
}

std::array<PolicyUse, kChannels> read_policy_settings(
    const PolicyInput& input, const std::array<const AllocationPolicy*, kChannels>& chosen) {
  // A bad `temperature` is an error whatever the power's policies.
  std::array<PolicyUse, kChannels> out{};
  for (const auto& policy : policies()) {
    std::shared_ptr<const PolicySettings> settings = policy->parse(input);
    for (int c = 0; c < kChannels; ++c)
      if (chosen[c] == policy.get()) out[c] = PolicyUse{policy.get(), settings};
  }
  return out;
}

EventAction read_action(const Node& item, const std::string& path, const std::vector<std::string>& powers,
                        const std::vector<std::string>& targets,
                        const std::vector<std::string>& institutions) {
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
  return {type, type->parse(ActionInput{body, bp, powers, targets, institutions})};
}

}  // namespace geosim::detail
