// Stage 4 of a tick: update every citizen (model.md section 7) with the new
// influence and the means from before the update, then reduce the tallies to
// means, variances and shares, and those to the surveys' shares.
#include <algorithm>
#include <limits>

#include "model/detail/tick.hpp"

namespace geosim::detail {

void update_citizens(Tick& k) {
  const Scenario& sc = k.scenario;
  const WorldState& s = k.state;
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups(), C = sc.num_channels();
  for (int t = 0; t < T; ++t)
    for (int g = 0; g < G; ++g) {
      // The group's parameters in this target (its overrides and the group's valences included).
      const GroupParameters& group = k.group_parameters[t * G + g];
      for (int p = 0; p < P; ++p) {
        // drift = sum_c e I (v - x) + gamma (xbar - x) = pull - (exposure + gamma) x + gamma xbar
        double exposure = 0.0, pull = 0.0;
        for (int c = 0; c < C; ++c) {
          const double weight = group.exposure[p][c] * s.influence[c](p, t);
          exposure += weight;
          pull += weight * group.valence[p][c];
        }
        const double xbar = s.attitude_mean(p, t);
        const double alpha = group.susceptibility, mu = group.anchoring, gamma = group.peer_weight;
        UpdateCoefficients& u = k.coeffs[(t * G + g) * P + p];
        u.offset = static_cast<float>((1.0 - mu) * alpha * (pull + gamma * xbar));
        u.slope = static_cast<float>((1.0 - mu) * (1.0 - alpha * (exposure + gamma)));
        u.anchor = static_cast<float>(mu);
        u.noise = static_cast<float>(group.noise);
      }
    }
  k.population.update(k.coeffs, s.tick, static_cast<float>(sc.negative_threshold), k.tallies);
  reduce_tallies(k);
}

void reduce_tallies(Tick& k) {
  const int P = k.scenario.num_powers(), T = k.scenario.num_targets(), G = k.scenario.num_groups();
  WorldState& s = k.state;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int t = 0; t < T; ++t)
    for (int p = 0; p < P; ++p) {
      GroupTally total;
      for (int g = 0; g < G; ++g) {
        const GroupTally& part = k.tallies[(t * G + g) * P + p];
        const double n = static_cast<double>(part.count);
        const double mean = part.sum / n;
        s.group_mean[g](p, t) = part.count ? mean : nan;
        // Rounding can take sum_sq / n - mean^2 just below 0 when the attitudes are (nearly) equal.
        s.group_variance[g](p, t) = part.count ? std::max(0.0, part.sum_sq / n - mean * mean) : nan;
        s.group_negative[g](p, t) = part.count ? part.negative / n : nan;
        s.group_positive[g](p, t) = part.count ? part.positive / n : nan;
        total.sum += part.sum;
        total.negative += part.negative;
        total.positive += part.positive;
        total.count += part.count;
      }
      // A target without citizens has a neutral public: mean 0, no shares.
      const double n = std::max<double>(1.0, static_cast<double>(total.count));
      s.attitude_mean(p, t) = total.sum / n;
      s.negative_share(p, t) = total.negative / n;
      s.positive_share(p, t) = total.positive / n;
    }
  reduce_surveys(k);
}

}  // namespace geosim::detail
