// `join: {institution, target}`: the target becomes a member.
#include "geosim/model/action.hpp"

namespace geosim::actions_builtin {
namespace {

struct Join final : Action {
  int institution, target;
  Join(int i, int t) : institution(i), target(t) {}
  void apply(const Scenario&, WorldState& s) const override { s.member[institution][target] = 1; }
};

}  // namespace

std::unique_ptr<const ActionType> join() {
  config::Schema keys;
  keys.add(institution_argument()).add(target_argument(false));
  return make_action_type("join", keys, [keys](const ActionInput& in) {
    // Braced: the arguments are read, and their errors reported, in key order.
    return std::make_shared<Join>(Join{in.institution(keys.at("institution")), in.target(keys.at("target"))});
  });
}

}  // namespace geosim::actions_builtin
