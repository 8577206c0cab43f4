// `set_stock: {power, target, channel, value}`: S = value
// (power `self`: the target's autonomy stock; target or channel `all`: each).
#include <algorithm>

#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct SetStock final : Action {
  int power, target, channel;
  double value;
  SetStock(int p, int t, int c, double v) : power(p), target(t), channel(c), value(v) {}
  void apply(const Scenario& scenario, WorldState& s) const override {
    for_each_index(channel, scenario.num_channels(), [&](int c) {
      for_each_index(target, scenario.num_targets(), [&](int t) {
        double& stock = power == kSelf ? s.autonomy(c, t) : s.stock[c](power, t);
        stock = std::max(0.0, value);
      });
    });
  }
};

}  // namespace

std::unique_ptr<const ActionType> set_stock() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(true))
      .add(target_argument(true))
      .add(channel_argument())
      .add({.path = "value",
            .type = ValueType::number,
            .unit = "stock units",
            .required = true,
            .range = config::kNonNeg,
            .doc = "the new S"});
  return make_action_type("set_stock", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<SetStock>(SetStock{in.power(keys.at("power")), in.target(keys.at("target")),
                                               in.channel(keys.at("channel")), in.number(keys.at("value"))});
  });
}

}  // namespace geosim::actions_builtin
