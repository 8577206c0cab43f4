#pragma once
// Toy problems for the ABC samplers' tests (test_abc.cpp, test_abc_smc.cpp):
// independent noise, posterior moments, and a loop that runs a sampler.
#include <cmath>
#include <cstdint>
#include <vector>

#include "geosim/calibration/abc.hpp"
#include "geosim/core/rng.hpp"

namespace geosim::testing::abc {

using geosim::calibration::AbcSampler;

/// A standard normal for (row, generation, salt), independent of the sampler's draws.
inline double noise(std::int64_t row, int generation, std::uint32_t salt) {
  const auto w = geosim::rng::philox(0x5eed, static_cast<std::uint32_t>(row),
                                     static_cast<std::uint32_t>(generation), geosim::rng::other, salt);
  return geosim::rng::normal_quantile((static_cast<double>(w[0]) + 0.5) / 4294967296.0);
}

struct Moments {
  double mean = 0.0, sd = 0.0;
};

inline Moments weighted_moments(const AbcSampler& s, int column, double (*to_value)(double)) {
  const auto& g = s.posterior();
  double m = 0.0, m2 = 0.0;
  for (Eigen::Index i = 0; i < g.units.rows(); ++i) {
    const double v = to_value(g.units(i, column));
    m += g.weights[static_cast<std::size_t>(i)] * v;
    m2 += g.weights[static_cast<std::size_t>(i)] * v * v;
  }
  return {m, std::sqrt(m2 - m * m)};
}

inline double standard_normal(double u) { return geosim::rng::normal_quantile(u); }
inline double identity(double u) { return u; }

/// Runs the sampler with a simulator of distances given the proposals.
template <class Simulate>
void run(AbcSampler& s, Simulate simulate) {
  while (!s.done()) {
    const Eigen::MatrixXd units = s.proposals();
    std::vector<double> d(static_cast<std::size_t>(units.rows()));
    for (Eigen::Index i = 0; i < units.rows(); ++i)
      d[static_cast<std::size_t>(i)] = simulate(units, i, s.generation());
    s.observe(d);
  }
}

}  // namespace geosim::testing::abc
