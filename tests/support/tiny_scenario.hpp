#pragma once
// A scenario built in code (no YAML) for unit tests of the model: every
// parameter neutral unless a test sets it (set here explicitly: the specs'
// own initialisers are the schema's defaults, which are not neutral). Policies and event actions are
// given by name with their keys as YAML text, through the registries.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/model/action.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim::testing {

/// The channels a tiny scenario has unless given others (the default set of
/// a scenario file), by index.
enum TinyChannel : int { economic = 0, security = 1, soft = 2 };
inline constexpr int kTinyChannels = 3;

inline Scenario tiny_scenario(int powers, int targets, int groups = 1, int ticks = 12,
                              std::int64_t citizens_per_target = 0,
                              const std::vector<std::string>& channels = {"economic", "security", "soft"}) {
  const std::size_t C = channels.size();
  Scenario s;
  s.name = "tiny";
  s.start = Date{2020, 1, 1};
  s.end = s.start.plus_months(ticks - 1);
  s.ticks = s.scenario_ticks = ticks;
  s.seed = 42;
  s.campaigns = {.threshold = 0.0, .duration = 3, .penalty = 0.0, .channels = {}};
  for (const auto& name : channels) s.channels.push_back({.name = name, .decay = 0.0, .exponent = 1.0});
  for (int p = 0; p < powers; ++p) {
    PowerSpec power;
    power.code = power.name = "P" + std::to_string(p);
    power.growth = 0.0;
    power.budget.assign(C, 0.0);
    power.valence.assign(C, 0.0);
    power.policy.resize(C);
    power.strategic_value.assign(targets, 1.0);
    s.powers.push_back(power);
  }
  for (int g = 0; g < groups; ++g) {
    GroupSpec group;
    group.name = "G" + std::to_string(g);
    group.susceptibility = group.anchoring = group.peer_weight = group.noise = 0.0;
    group.exposure.assign(powers, PerChannel(C, 0.0));
    group.attitude_mean.assign(powers, 0.0);
    group.attitude_sd.assign(powers, 0.0);
    s.groups.push_back(group);
  }
  for (int t = 0; t < targets; ++t) {
    TargetSpec target;
    target.code = target.name = "T" + std::to_string(t);
    target.citizens = citizens_per_target;
    target.responsiveness = target.opinion_sensitivity = target.campaign_rate = 0.0;
    target.group_share.assign(groups, 1.0 / groups);
    target.channel_weights.assign(C, 1.0 / static_cast<double>(C));
    target.autonomy.assign(C, 0.0);
    target.initial_alignment.assign(powers + 1, 1.0 / (powers + 1));
    target.initial_stock.assign(powers, PerChannel(C, 0.0));
    s.targets.push_back(target);
  }
  return s;
}

/// Power p uses the policy `name` on `channels` (every channel if empty), with
/// the settings its parser reads from `power_yaml` (the power's mapping, e.g.
/// "temperature: 0.05").
inline void use_policy(Scenario& s, int p, std::string_view name, const std::string& power_yaml = "{}",
                       const std::vector<int>& channels = {}) {
  const PolicyUse use = make_policy_use(s, p, name, config::parse_text(power_yaml, "test"));
  if (channels.empty()) std::fill(s.powers[p].policy.begin(), s.powers[p].policy.end(), use);
  for (int c : channels) s.powers[p].policy[c] = use;
}

/// The action `name` with its arguments as YAML (e.g. "{power: P0, channel: all, factor: 2}").
inline EventAction action(const Scenario& s, std::string_view name, const std::string& args_yaml) {
  return make_event_action(s, name, config::parse_text(args_yaml, "test"));
}

}  // namespace geosim::testing
