// The policy registry and the list of the engine's own policies. Each policy
// lives in its own file in engine/model/policies/.
#include "geosim/model/policy.hpp"

#include <numeric>
#include <stdexcept>

namespace geosim {

// The built-in policies, one file each in engine/model/policies/.
namespace policies_builtin {
std::unique_ptr<const AllocationPolicy> fixed();
std::unique_ptr<const AllocationPolicy> value();
std::unique_ptr<const AllocationPolicy> contest();
std::unique_ptr<const AllocationPolicy> richardson();
}  // namespace policies_builtin

void register_builtin_policies(PolicyRegistry& registry) {
  registry.add(policies_builtin::fixed());
  registry.add(policies_builtin::value());
  registry.add(policies_builtin::contest());
  registry.add(policies_builtin::richardson());
}

PolicyRegistry& policies() {
  static PolicyRegistry registry = [] {
    PolicyRegistry r;
    register_builtin_policies(r);
    return r;
  }();
  return registry;
}

const AllocationPolicy& default_policy() {
  static const AllocationPolicy& value = []() -> const AllocationPolicy& {
    const AllocationPolicy* p = policies().find("value");
    if (!p) throw std::logic_error("policies: the default policy 'value' is not registered");
    return *p;
  }();
  return value;
}

config::Schema policy_keys() {
  config::Schema out;
  for (const auto& policy : policies())
    for (config::KeySpec key : policy->keys().keys()) {
      key.path = "powers.<power>." + key.path;
      out.add(std::move(key));
    }
  return out;
}

const config::Schema& AllocationPolicy::keys() const {
  static const config::Schema none;
  return none;
}

std::shared_ptr<const PolicySettings> AllocationPolicy::parse(const PolicyInput&) const { return nullptr; }

void AllocationPolicy::check(const Scenario&, int, int, const SourceLocation&, const std::string&) const {}

double AllocationPolicy::next_budget(const AllocationContext& ctx) const {
  return ctx.budget * (1.0 + ctx.state.growth[ctx.power]);
}

namespace {
std::vector<std::string> power_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& p : s.powers) out.push_back(p.code);
  return out;
}
std::vector<std::string> target_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& t : s.targets) out.push_back(t.code);
  return out;
}

/// What a policy's parser reads for power `power` of `scenario` from `settings`.
std::shared_ptr<const PolicySettings> parse_for(const AllocationPolicy& policy, const Scenario& scenario,
                                                int power, const config::Node& settings) {
  const std::vector<std::string> powers = power_names(scenario), targets = target_names(scenario),
                                 channels = scenario.channel_names();
  const std::string path = config::join("powers", scenario.powers.at(power).code);
  return policy.parse(PolicyInput{settings, path, power, powers, targets, channels});
}
}  // namespace

PolicyUse make_policy_use(const Scenario& scenario, int power, std::string_view name,
                          const config::Node& power_settings) {
  const AllocationPolicy* policy = policies().find(name);
  if (!policy) throw std::logic_error("no policy '" + std::string(name) + "' is registered");
  return {policy, parse_for(*policy, scenario, power, power_settings)};
}

PolicyUse resolve_policy_use(const Scenario& scenario, int power, const PolicyUse& use) {
  PolicyUse out = use;
  if (!out.policy) out.policy = &default_policy();
  if (!out.settings) {
    config::Node empty;
    empty.kind = config::Node::Kind::map;
    out.settings = parse_for(*out.policy, scenario, power, empty);
  }
  return out;
}

void split_proportionally(double budget, std::span<double> weights_then_out) {
  const double total = std::accumulate(weights_then_out.begin(), weights_then_out.end(), 0.0);
  const double even = 1.0 / static_cast<double>(weights_then_out.size());
  for (double& w : weights_then_out) w = budget * (total > 0.0 ? w / total : even);
}

}  // namespace geosim
