#pragma once
// Morris elementary effects (the `morris` sweep design, docs/sweeps.md):
// for each trajectory and parameter i, the step that moves i gives
//   EE_i = (f(x after) - f(x before)) / (u_i after - u_i before)
// on the unit scale of the design coordinates (as SALib's morris.analyze),
// and over the r trajectories
//   mu_i = mean EE_i,  mu*_i = mean |EE_i| (Campolongo et al. 2007),
//   sigma_i = standard deviation of EE_i (divisor r - 1),
// with a percentile bootstrap interval for mu*_i over trajectories.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "geosim/analysis/sobol_indices.hpp"

namespace geosim::analysis {

struct MorrisEffects {
  std::vector<double> mu;         // by parameter
  std::vector<Interval> mu_star;  // by parameter, with its bootstrap interval
  std::vector<double> sigma;      // by parameter; NaN with fewer than 2 trajectories
  std::int64_t trajectories = 0;  // used
  std::int64_t left_out = 0;      // left out: one of their k + 1 outputs was not finite
};

/// The effects of `k` parameters from a Morris design's points: `units` holds
/// each point's k design coordinates (row-major), `y` each point's output, in
/// the design's order (r trajectories of k + 1 points). A trajectory with a
/// non-finite output (a failed run) is left out and counted. Throws
/// std::invalid_argument if the shapes disagree or a step does not move
/// exactly one coordinate (not a Morris design).
MorrisEffects morris_effects(std::span<const double> units, std::span<const double> y, std::size_t k,
                             const BootstrapSettings& bootstrap = {});

}  // namespace geosim::analysis
