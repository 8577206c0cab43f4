// Stage 3 of a tick: stocks decay and take in this tick's allocation times
// the efficiency eta (model.md section 4).
#include <algorithm>
#include <cmath>

#include "model/detail/tick.hpp"

namespace geosim::detail {
namespace {

/// eta of model.md section 4: institution bonuses of leaders inside members,
/// times (1 - phi)^n for n active campaigns on the channels campaigns penalise,
/// times the access the government's alignment grants.
double efficiency(const Tick& k, int c, int p, int t) {
  double eta = 1.0;
  for (std::size_t i = 0; i < k.scenario.institutions.size(); ++i) {
    if (!k.state.member[i][t]) continue;
    const auto& leaders = k.scenario.institutions[i].leaders;
    if (std::find(leaders.begin(), leaders.end(), p) != leaders.end())
      eta *= k.scenario.institutions[i].bonus[c];
  }
  if (k.campaign_penalised[c] && k.state.campaigns_active(p, t) > 0)
    eta *= std::pow(1.0 - k.scenario.campaigns.penalty, k.state.campaigns_active(p, t));
  // Access follows alignment (model.md section 6): the government's alignment at the tick's start.
  if (const double kappa = k.scenario.targets[t].alignment_access; kappa != 0.0)
    eta *= std::exp(kappa * (k.state.alignment(p, t) - 1.0 / (k.scenario.num_powers() + 1)));
  return eta;
}

}  // namespace

void update_stocks(Tick& k) {
  const int P = k.scenario.num_powers(), T = k.scenario.num_targets(), C = k.scenario.num_channels();
  for (int c = 0; c < C; ++c) {
    const double keep = 1.0 - k.scenario.channels[c].decay;
    for (int t = 0; t < T; ++t)
      for (int p = 0; p < P; ++p) {
        double& stock = k.state.stock[c](p, t);
        stock = std::max(0.0, keep * stock + efficiency(k, c, p, t) * k.state.allocation[c](p, t));
      }
  }
}

}  // namespace geosim::detail
