// Stage 5 of a tick: alignment moves towards the influence-weighted,
// opinion-tilted target (model.md section 6).
#include <algorithm>
#include <cmath>

#include "model/detail/tick.hpp"

namespace geosim::detail {

void update_alignment(Tick& k) {
  const int P = k.scenario.num_powers(), T = k.scenario.num_targets(), C = k.scenario.num_channels();
  WorldState& s = k.state;
  for (int t = 0; t < T; ++t) {
    const TargetSpec& target = k.scenario.targets[t];
    // Multi-vector policy: the self pull's standing preference and its hedging against dominance.
    double self_tilt = target.independence;
    if (target.balancing != 0.0) {
      double top = 0.0;
      for (int p = 0; p < P; ++p) top = std::max(top, s.alignment(p, t));
      self_tilt += target.balancing * (top - 1.0 / (P + 1));
    }
    double total = 0.0;
    for (int j = 0; j <= P; ++j) {  // j == P is self, whose public attitude is 0
      double weighted = 0.0;
      for (int c = 0; c < C; ++c)
        weighted += target.channel_weights[c] * (j < P ? s.influence[c](j, t) : s.autonomy_share(c, t));
      const double tilt = j < P ? target.opinion_sensitivity * s.attitude_mean(j, t) : self_tilt;
      k.alignment_target[j] = weighted * std::exp(tilt);
      total += k.alignment_target[j];
    }
    if (!(total > 0.0)) continue;  // no pull anywhere: alignment stays
    const double lambda = target.responsiveness;
    for (int j = 0; j <= P; ++j)
      s.alignment(j, t) = (1.0 - lambda) * s.alignment(j, t) + lambda * k.alignment_target[j] / total;
  }
}

}  // namespace geosim::detail
