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

namespace {

EventAction read_action(const Node& item, const std::string& path, const std::vector<std::string>& powers,
                        const std::vector<std::string>& targets, const std::vector<std::string>& groups,
                        const std::vector<std::string>& institutions,
                        const std::vector<std::string>& channels) {
  const std::vector<std::string> kinds = actions().names();
  const Node* name = item.is_map() ? item.find("name") : nullptr;
  const std::size_t kind_count = item.is_map() ? item.entries.size() - (name ? 1 : 0) : 0;
  if (!item.is_map() || kind_count != 1)
    throw TypeError(place(item), path,
                    "expected an action: a mapping with exactly one of " + list_names(kinds) +
                        " (and optionally `name`), got " +
                        (item.is_map() ? "a mapping with " + std::to_string(kind_count) +
                                             (kind_count == 1 ? " action key" : " action keys")
                                       : describe(item)));
  EventAction out;
  if (name) {
    out.name = text(*name, join(path, "name"));
    const bool digits =
        std::all_of(out.name.begin(), out.name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (out.name.empty() || digits || out.name.find_first_of(".[]") != std::string::npos)
      throw RangeError(
          name->where, join(path, "name"),
          "expected a name that is not only digits and has no '.', '[' or ']' (a key path selects "
          "the action as actions[NAME]), got '" +
              out.name + "'");
  }
  const auto kind =
      std::find_if(item.entries.begin(), item.entries.end(), [](const auto& e) { return e.key != "name"; });
  const std::string& kind_name = kind->key;
  const ActionType* type = actions().find(kind_name);
  if (!type)
    throw UnknownKeyError(kind->value.key_where, join(path, kind_name),
                          "unknown action '" + kind_name + "'" + did_you_mean(kind_name, kinds) +
                              "; expected one of: " + list_names(kinds));
  const Node& body = kind->value;
  const std::string bp = join(path, kind_name);
  expect_map(body, bp, "a mapping of action arguments");
  check_keys(body, bp, type->keys(), "");
  out.type = type;
  out.action = type->parse(ActionInput{body, bp, powers, targets, groups, institutions, channels});
  return out;
}

}  // namespace

std::vector<EventAction> read_actions(const Node& list, const std::string& path,
                                      const std::vector<std::string>& powers,
                                      const std::vector<std::string>& targets,
                                      const std::vector<std::string>& groups,
                                      const std::vector<std::string>& institutions,
                                      const std::vector<std::string>& channels) {
  expect_list(list, path, "a non-empty list of actions");
  if (list.items.empty()) throw RangeError(list.where, path, "expected at least one action");
  std::vector<EventAction> out;
  for (std::size_t k = 0; k < list.items.size(); ++k) {
    out.push_back(
        read_action(list.items[k], indexed(path, k), powers, targets, groups, institutions, channels));
    const std::string& name = out.back().name;
    for (std::size_t j = 0; j < k && !name.empty(); ++j)
      if (out[j].name == name)
        throw ReferenceError(
            list.items[k].find("name")->where, indexed(path, k) + ".name",
            "the name '" + name + "' is already that of " + indexed(path, j) +
                "; a key path selects an action by its name, so names are unique in an event");
  }
  return out;
}

}  // namespace geosim::detail
