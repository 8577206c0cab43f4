// `shift_attitudes: {power, target, group, amount, persistent}`: an opinion
// shock (model.md section 7, "Opinion shocks"). Every citizen of the group
// (or of every group, `all`) in the target (or every target, `all`) has its
// attitude toward the power moved by `amount`, clamped to [-1, 1]; with
// `persistent: true` its anchor x0 moves likewise, so anchoring no longer
// pulls the shock back.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct ShiftAttitudes final : Action {
  int power, target, group;
  double amount;
  bool persistent;
  ShiftAttitudes(int p, int t, int g, double a, bool keep)
      : power(p), target(t), group(g), amount(a), persistent(keep) {}
  void apply(const Scenario&, WorldState&) const override {}  // it changes citizens only
  bool apply_to_citizens(const Scenario& scenario, Population& citizens) const override {
    for_each_index(target, scenario.num_targets(), [&](int t) {
      for_each_index(group, scenario.num_groups(),
                     [&](int g) { citizens.shift_attitudes(t, g, power, amount, persistent); });
    });
    return true;
  }
};

}  // namespace

std::unique_ptr<const ActionType> shift_attitudes() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(false))
      .add(target_argument(true))
      .add(group_argument())
      .add({.path = "amount",
            .type = ValueType::number,
            .unit = "attitude units",
            .required = true,
            .range = config::Bounds{-2.0, 2.0},
            .doc = "x[i,p] += amount for every citizen of the group in the target, clamped to [-1, 1]"})
      .add({.path = "persistent",
            .type = ValueType::boolean,
            .default_text = "false",
            .doc = "true: the anchor x0[i,p] moves by the same amount (clamped), so anchoring keeps the "
                   "shock; false: anchoring pulls it back"});
  return make_action_type("shift_attitudes", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<ShiftAttitudes>(
        ShiftAttitudes{in.power(keys.at("power")), in.target(keys.at("target")), in.group(keys.at("group")),
                       in.number(keys.at("amount")), in.boolean(keys.at("persistent"))});
  });
}

}  // namespace geosim::actions_builtin
