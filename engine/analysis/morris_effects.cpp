// Morris elementary effects (analysis/morris_effects.hpp).
#include "geosim/analysis/morris_effects.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace geosim::analysis {

MorrisEffects morris_effects(std::span<const double> units, std::span<const double> y, std::size_t k,
                             const BootstrapSettings& bootstrap) {
  const std::size_t width = k + 1;
  if (k == 0 || y.size() % width != 0 || units.size() != y.size() * k)
    throw std::invalid_argument(
        "morris_effects: expected trajectories of k + 1 points with k coordinates each (k = " +
        std::to_string(k) + ", " + std::to_string(y.size()) + " outputs, " + std::to_string(units.size()) +
        " coordinates)");
  if (!(bootstrap.confidence > 0.0 && bootstrap.confidence < 1.0) || bootstrap.resamples < 0)
    throw std::invalid_argument("morris_effects: confidence must be in (0, 1) and resamples >= 0");
  const std::size_t r = y.size() / width;

  // Elementary effects of the complete trajectories: ee[t * k + i].
  std::vector<double> ee;
  MorrisEffects out;
  for (std::size_t t = 0; t < r; ++t) {
    const auto outputs = y.subspan(t * width, width);
    const bool complete =
        std::all_of(outputs.begin(), outputs.end(), [](double v) { return std::isfinite(v); });
    std::vector<double> effects(k, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t m = 1; m < width; ++m) {
      const auto before = units.subspan((t * width + m - 1) * k, k),
                 after = units.subspan((t * width + m) * k, k);
      std::size_t moved = k;
      for (std::size_t i = 0; i < k; ++i)
        if (before[i] != after[i]) {
          if (moved != k || !std::isnan(effects[i]))
            throw std::invalid_argument("morris_effects: step " + std::to_string(m) + " of trajectory " +
                                        std::to_string(t) + " moves more than one parameter, or one twice");
          moved = i;
        }
      if (moved == k)
        throw std::invalid_argument("morris_effects: step " + std::to_string(m) + " of trajectory " +
                                    std::to_string(t) + " moves no parameter");
      effects[moved] = (outputs[m] - outputs[m - 1]) / (after[moved] - before[moved]);
    }
    if (!complete) {
      ++out.left_out;
      continue;
    }
    ee.insert(ee.end(), effects.begin(), effects.end());
  }
  const std::size_t used = ee.size() / k;
  out.trajectories = static_cast<std::int64_t>(used);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto mean_abs = [&](std::size_t i, const auto& pick) {
    double sum = 0.0;
    for (std::size_t t = 0; t < used; ++t) sum += std::abs(ee[pick(t) * k + i]);
    return used > 0 ? sum / static_cast<double>(used) : nan;
  };
  std::vector<double> resampled;
  for (std::size_t i = 0; i < k; ++i) {
    double sum = 0.0;
    for (std::size_t t = 0; t < used; ++t) sum += ee[t * k + i];
    const double mu = used > 0 ? sum / static_cast<double>(used) : nan;
    double ss = 0.0;
    for (std::size_t t = 0; t < used; ++t) ss += (ee[t * k + i] - mu) * (ee[t * k + i] - mu);
    out.mu.push_back(mu);
    out.sigma.push_back(used > 1 ? std::sqrt(ss / static_cast<double>(used - 1)) : nan);
    const double mu_star = mean_abs(i, [](std::size_t t) { return t; });
    resampled.clear();
    for (int b = 0; b < bootstrap.resamples && used > 0; ++b)
      resampled.push_back(
          mean_abs(i, [&](std::size_t t) { return bootstrap_draw(bootstrap.seed, b, t, used); }));
    out.mu_star.push_back(percentile_interval(mu_star, resampled, bootstrap.confidence));
  }
  return out;
}

}  // namespace geosim::analysis
