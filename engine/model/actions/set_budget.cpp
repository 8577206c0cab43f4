// `set_budget: {power, channel, value}`: b[p,c] = value.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct SetBudget final : Action {
  int power, channel;
  double value;
  SetBudget(int p, int c, double v) : power(p), channel(c), value(v) {}
  void apply(const Scenario& scenario, WorldState& s) const override {
    for_each_index(channel, scenario.num_channels(), [&](int c) { s.budget(power, c) = value; });
  }
};

}  // namespace

std::unique_ptr<const ActionType> set_budget() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(false))
      .add(channel_argument())
      .add({.path = "value",
            .type = ValueType::number,
            .unit = "budget units per period",
            .per_time = config::TimeScaling::flow,
            .required = true,
            .range = config::kNonNeg,
            .doc = "the new b[p,c]"});
  return make_action_type("set_budget", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<SetBudget>(
        SetBudget{in.power(keys.at("power")), in.channel(keys.at("channel")), in.number(keys.at("value"))});
  });
}

}  // namespace geosim::actions_builtin
