// Stage 7 of a tick: every budget for the next tick, by its policy (growth
// by default, model.md section 3), computed from this tick's budgets of all
// powers, then all set together.
#include "model/detail/tick.hpp"

namespace geosim::detail {

void grow_budgets(Tick& k) {
  const int P = k.scenario.num_powers(), C = k.scenario.num_channels();
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < C; ++c) {
      const PolicySlot& slot = k.policies[p * C + c];
      const AllocationContext ctx{k.scenario, k.state, p, c, k.state.budget(p, c), slot.settings};
      k.next_budget(p, c) = slot.policy->next_budget(ctx);
    }
  k.state.budget = k.next_budget;
  // Labour demand (model.md section 12) compounds like a budget's growth.
  for (int p = 0; p < P; ++p) k.state.labour_demand[p] *= 1.0 + k.scenario.powers[p].labour_growth;
}

}  // namespace geosim::detail
