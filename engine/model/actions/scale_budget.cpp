// `scale_budget: {power, channel, factor}`: b[p,c] *= factor.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct ScaleBudget final : Action {
  int power, channel;
  double factor;
  ScaleBudget(int p, int c, double f) : power(p), channel(c), factor(f) {}
  void apply(const Scenario& scenario, WorldState& s) const override {
    for_each_index(channel, scenario.num_channels(), [&](int c) { s.budget(power, c) *= factor; });
  }
};

}  // namespace

std::unique_ptr<const ActionType> scale_budget() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(false))
      .add(channel_argument())
      .add({.path = "factor",
            .type = ValueType::number,
            .required = true,
            .range = config::kNonNeg,
            .doc = "b[p,c] *= factor"});
  return make_action_type("scale_budget", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<ScaleBudget>(ScaleBudget{
        in.power(keys.at("power")), in.channel(keys.at("channel")), in.number(keys.at("factor"))});
  });
}

}  // namespace geosim::actions_builtin
