// Stage 3 (continued): labour migration and remittances (model.md section
// 12). After the stocks' own update and before influence, so that the
// remittances' stock shows in this tick's influence, citizens and alignment,
// and every recorded row's influence is the Tullock share of its stocks.
#include <algorithm>
#include <cmath>

#include "model/detail/tick.hpp"

namespace geosim::detail {

void migrate(Tick& k) {
  const Scenario& sc = k.scenario;
  WorldState& s = k.state;
  const int T = sc.num_targets();
  for (int t = 0; t < T; ++t) {
    const MigrationSpec& m = sc.targets[t].migration;
    if (!m.active()) continue;
    const int h = m.host;
    const double demand = s.labour_demand[h];  // L[h], after this tick's events
    // m* = m0 * L^eps * exp(zeta * o), o the mean attitude toward the host at
    // the start of the tick, clamped to [0, 1]. Every factor is >= 0; a zero
    // factor gives 0 and an infinite one 1 (the clamp), never 0 * inf.
    double pull = m.share > 0.0 ? m.share * std::pow(demand, m.elasticity) : 0.0;
    if (pull > 0.0 && std::isfinite(pull)) pull *= std::exp(m.attitude_effect * s.attitude_mean(h, t));
    const double target = std::min(1.0, pull);
    double& share = s.migrant_share[t];
    share = (1.0 - m.adjustment) * share + m.adjustment * target;  // m + lambda (m* - m)
    const double sent = m.remittance * share * demand;             // wages follow the host's demand
    s.remittances[t] = sent;
    s.stock[m.channel](h, t) += m.leverage * sent;
  }
}

}  // namespace geosim::detail
