// `scale_labour_demand: {power, factor}`: L[p] *= factor (model.md section 12).
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct ScaleLabourDemand final : Action {
  int power;
  double factor;
  ScaleLabourDemand(int p, double f) : power(p), factor(f) {}
  void apply(const Scenario&, WorldState& s) const override { s.labour_demand[power] *= factor; }
};

}  // namespace

std::unique_ptr<const ActionType> scale_labour_demand() {
  using config::ValueType;
  config::Schema keys;
  keys.add(power_argument(false))
      .add({.path = "factor",
            .type = ValueType::number,
            .required = true,
            .range = config::kNonNeg,
            .doc = "L[p] *= factor"});
  return make_action_type("scale_labour_demand", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<ScaleLabourDemand>(
        ScaleLabourDemand{in.power(keys.at("power")), in.number(keys.at("factor"))});
  });
}

}  // namespace geosim::actions_builtin
