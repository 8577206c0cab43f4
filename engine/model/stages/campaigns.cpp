// Stage 6 of a tick: draw new campaigns from the new negative shares; a
// campaign drawn at tick k acts during ticks k+1..k+D (model.md section 11).
#include <algorithm>
#include <cstdint>

#include "geosim/core/rng.hpp"
#include "model/detail/tick.hpp"

namespace geosim::detail {

void draw_campaigns(Tick& k) {
  const Scenario& sc = k.scenario;
  WorldState& s = k.state;
  const int P = sc.num_powers(), T = sc.num_targets();
  const int duration = sc.campaigns.duration;
  const int slot = s.tick % duration;
  for (int t = 0; t < T; ++t)
    for (int p = 0; p < P; ++p) {
      const double excess = std::max(0.0, s.negative_share(p, t) - sc.campaigns.threshold);
      const double rate = sc.targets[t].campaign_rate * excess * sc.dt;
      int drawn = 0;
      if (rate > 0.0) {
        const auto w = rng::philox(k.seed, static_cast<std::uint32_t>(t * P + p),
                                   static_cast<std::uint32_t>(s.tick), rng::campaigns, 0);
        drawn = rng::poisson(rate, rng::uniform_double(w[0], w[1]));
      }
      s.campaigns_new(p, t) = drawn;
      // The draws of the last `duration` ticks, summed as they enter and leave
      // the ring buffer (O(1) a tick whatever the duration; integers, so the
      // same sum as adding the window up). In 64 bits: each draw may be as
      // large as rng::kPoissonMaxCount; the count saturates at the counters' maximum.
      std::int64_t& active = k.campaign_active[static_cast<std::size_t>(p) * T + t];
      active += drawn - k.campaign_history(p * T + t, slot);
      k.campaign_history(p * T + t, slot) = drawn;
      s.campaigns_active(p, t) = static_cast<int>(std::min<std::int64_t>(active, rng::kPoissonMaxCount));
    }
}

}  // namespace geosim::detail
