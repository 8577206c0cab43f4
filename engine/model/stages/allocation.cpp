// Stage 2 of a tick: each power splits each channel's budget over targets by
// its policy (model.md section 3), using the current stocks.
#include "model/detail/tick.hpp"

namespace geosim::detail {

void allocate(Tick& k) {
  const int P = k.scenario.num_powers(), T = k.scenario.num_targets(), C = k.scenario.num_channels();
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < C; ++c) {
      const PolicySlot& slot = k.policies[p * C + c];
      const AllocationContext ctx{k.scenario, k.state, p, c, k.state.budget(p, c), slot.settings};
      slot.policy->allocate(ctx, k.weights);
      for (int t = 0; t < T; ++t) k.state.allocation[c](p, t) = k.weights[t];
    }
}

}  // namespace geosim::detail
