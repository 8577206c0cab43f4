#pragma once
// Toy problems for the ABC samplers' tests (test_abc.cpp, test_abc_smc.cpp):
// independent noise, posterior moments, a loop that runs a sampler, and the
// binomial problem both samplers must solve exactly.
#include <doctest/doctest.h>

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

/// The binomial problem: p ~ U(0, 1) and 7 successes observed in 20 trials;
/// the distance |k - 7| of a simulated count k. Being an integer, it reaches
/// 0, and the kept particles are then exact draws of the posterior Beta(8, 14).
inline double binomial_distance(const Eigen::MatrixXd& u, Eigen::Index i, int gen) {
  int k = 0;
  for (std::uint32_t t = 0; t < 20; ++t) {
    const auto w = geosim::rng::philox(99, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(gen),
                                       geosim::rng::other, t);
    k += (static_cast<double>(w[0]) + 0.5) / 4294967296.0 < u(i, 0) ? 1 : 0;
  }
  return std::abs(k - 7.0);
}

/// Checks a sampler's posterior of the binomial problem against Beta(8, 14):
/// mean 0.3636, sd 0.1003, 5% and 95% quantiles 0.2078 and 0.5339.
inline Moments check_beta_8_14(const AbcSampler& s) {
  const Moments m = weighted_moments(s, 0, identity);
  CHECK(s.posterior().tolerance == 0.0);
  CHECK(std::abs(m.mean - 8.0 / 22.0) < 0.012);
  CHECK(std::abs(m.sd / std::sqrt(8.0 * 14.0 / (22.0 * 22.0 * 23.0)) - 1.0) < 0.1);
  const auto& g = s.posterior();
  std::vector<double> v(g.weights.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = g.units(static_cast<Eigen::Index>(i), 0);
  CHECK(std::abs(geosim::calibration::weighted_quantile(v, g.weights, 0.05) - 0.2078) < 0.02);
  CHECK(std::abs(geosim::calibration::weighted_quantile(v, g.weights, 0.95) - 0.5339) < 0.02);
  return m;
}

}  // namespace geosim::testing::abc
