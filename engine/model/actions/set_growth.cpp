// `set_growth: {power, value}`: g[p] = value.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct SetGrowth final : Action {
  int power;
  double value;
  SetGrowth(int p, double v) : power(p), value(v) {}
  void apply(const Scenario&, WorldState& s) const override { s.growth[power] = value; }
};

}  // namespace

std::unique_ptr<const ActionType> set_growth() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(false))
      .add({.path = "value",
            .type = ValueType::number,
            .unit = "per period",
            .per_time = config::TimeScaling::compound,
            .required = true,
            .range = config::kAboveMinusOne,
            .doc = "the new g[p]"});
  return make_action_type("set_growth", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<SetGrowth>(SetGrowth{in.power(keys.at("power")), in.number(keys.at("value"))});
  });
}

}  // namespace geosim::actions_builtin
