// `add_stock: {power, target, channel, amount}`: S += amount, never below 0
// (power `self`: the target's autonomy stock; target or channel `all`: each).
#include <algorithm>

#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct AddStock final : Action {
  int power, target, channel;
  double amount;
  AddStock(int p, int t, int c, double a) : power(p), target(t), channel(c), amount(a) {}
  void apply(const Scenario& scenario, WorldState& s) const override {
    for_each_index(channel, scenario.num_channels(), [&](int c) {
      for_each_index(target, scenario.num_targets(), [&](int t) {
        double& stock = power == kSelf ? s.autonomy(c, t) : s.stock[c](power, t);
        stock = std::max(0.0, stock + amount);
      });
    });
  }
};

}  // namespace

std::unique_ptr<const ActionType> add_stock() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(true))
      .add(target_argument(true))
      .add(channel_argument())
      .add({.path = "amount",
            .type = ValueType::number,
            .unit = "stock units",
            .required = true,
            .doc = "S += amount (never below 0)"});
  return make_action_type("add_stock", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<AddStock>(AddStock{in.power(keys.at("power")), in.target(keys.at("target")),
                                               in.channel(keys.at("channel")), in.number(keys.at("amount"))});
  });
}

}  // namespace geosim::actions_builtin
