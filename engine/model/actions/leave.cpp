// `leave: {institution, target}`: the target stops being a member.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct Leave final : Action {
  int institution, target;
  Leave(int i, int t) : institution(i), target(t) {}
  void apply(const Scenario&, WorldState& s) const override { s.member[institution][target] = 0; }
};

}  // namespace

std::unique_ptr<const ActionType> leave() {
  config::Schema keys;
  keys.add(institution_argument()).add(target_argument(false));
  return make_action_type("leave", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<Leave>(
        Leave{in.institution(keys.at("institution")), in.target(keys.at("target"))});
  });
}

}  // namespace geosim::actions_builtin
