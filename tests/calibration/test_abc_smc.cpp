// The resample-move ABC-SMC sampler (abc.hpp, method smc) against posteriors
// known in closed form, in one dimension and in twelve, where importance
// weights degenerate and equal weights must not.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "abc_problems.hpp"
#include "geosim/calibration/abc.hpp"

using geosim::calibration::AbcSampler;
using geosim::calibration::AbcSettings;
using geosim::calibration::weighted_quantile;
using namespace geosim::testing::abc;

namespace {

AbcSettings smc(std::int64_t particles, std::uint64_t seed) {
  AbcSettings s;
  s.method = AbcSettings::Method::smc;
  s.particles = particles;
  s.keep = 0.5;
  s.seed = seed;
  s.max_generations = 10000;
  return s;
}

}  // namespace

TEST_CASE("abc smc: a normal mean with a normal prior gives the conjugate posterior") {
  const double ybar = 0.8, n = 20;  // posterior N(0.7619, 0.2182^2), as in test_abc.cpp
  AbcSettings settings = smc(2000, 7);
  settings.min_acceptance = 0.05;
  settings.max_simulations = 200000;
  AbcSampler s(settings, 1);
  run(s, [&](const Eigen::MatrixXd& u, Eigen::Index i, int gen) {
    return std::abs(standard_normal(u(i, 0)) + noise(i, gen, 1) / std::sqrt(n) - ybar);
  });
  const Moments m = weighted_moments(s, 0, standard_normal);
  const double mean = n * ybar / (n + 1), sd = 1.0 / std::sqrt(n + 1);
  MESSAGE("steps ", s.history().size(), ", simulations ", s.simulations(), ", tolerance ",
          s.posterior().tolerance, ", mean ", m.mean, " (", mean, "), sd ", m.sd, " (", sd, "), ESS ",
          s.posterior().effective_sample_size);
  CHECK(s.posterior().tolerance < 0.05);
  CHECK(std::abs(m.mean - mean) < 0.03);
  CHECK(std::abs(m.sd / sd - 1.0) < 0.12);
  CHECK(s.posterior().effective_sample_size > 0.3 * 2000);
  for (std::size_t g = 1; g < s.history().size(); ++g)
    CHECK(s.history()[g].tolerance <= s.history()[g - 1].tolerance);
}

TEST_CASE("abc smc: a binomial share reaches the exact Beta posterior at tolerance 0") {
  AbcSettings settings = smc(2000, 11);
  settings.max_simulations = 60000;
  AbcSampler s(settings, 1);
  run(s, binomial_distance);
  const Moments m = check_beta_8_14(s);
  MESSAGE("simulations ", s.simulations(), ", mean ", m.mean, ", sd ", m.sd, ", ESS ",
          s.posterior().effective_sample_size);
}

TEST_CASE("abc smc: in twelve dimensions the sample stays spread where importance weights collapse") {
  // theta_k ~ N(0, 1) and the distance max_k |theta_k - 0.5|: the ABC
  // posterior at tolerance eps is the prior on the box of half-width eps
  // around 0.5: each coordinate a normal truncated to [0.5 - eps, 0.5 + eps].
  constexpr int dims = 12;
  const auto simulate = [](const Eigen::MatrixXd& u, Eigen::Index i, int) {
    double worst = 0.0;
    for (int k = 0; k < dims; ++k) worst = std::max(worst, std::abs(standard_normal(u(i, k)) - 0.5));
    return worst;
  };
  AbcSettings settings = smc(1000, 5);
  settings.max_simulations = 100000;
  AbcSampler s(settings, dims);
  run(s, simulate);
  const double eps = s.posterior().tolerance, ess = s.posterior().effective_sample_size;
  const auto pdf = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); };
  const auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double lo = 0.5 - eps, hi = 0.5 + eps, mass = cdf(hi) - cdf(lo);
  const double mean = (pdf(lo) - pdf(hi)) / mass;
  const double sd = std::sqrt(1.0 + (lo * pdf(lo) - hi * pdf(hi)) / mass - mean * mean);
  double worst_mean = 0.0, worst_sd = 0.0;
  for (int k = 0; k < dims; ++k) {
    const Moments m = weighted_moments(s, k, standard_normal);
    worst_mean = std::max(worst_mean, std::abs(m.mean - mean) / sd);
    worst_sd = std::max(worst_sd, std::abs(m.sd / sd - 1.0));
  }
  AbcSettings apmc = settings;
  apmc.method = AbcSettings::Method::apmc;
  AbcSampler a(apmc, dims);
  run(a, simulate);
  MESSAGE("smc: ", s.simulations(), " simulations, tolerance ", eps, ", ESS ", ess,
          " of 1000, truncated normal mean ", mean, " sd ", sd, ", worst mean error ", worst_mean,
          " sd, worst sd ratio error ", worst_sd, "; apmc: tolerance ", a.posterior().tolerance, ", ESS ",
          a.posterior().effective_sample_size, " of ", a.kept());
  CHECK(eps < 1.0);
  CHECK(ess > 0.3 * 1000);
  CHECK(worst_mean < 0.15);
  CHECK(worst_sd < 0.15);
}

TEST_CASE("abc smc: the same distances give the same particles") {
  const auto once = [](std::uint64_t seed) {
    AbcSettings settings = smc(100, seed);
    settings.max_simulations = 2000;
    AbcSampler s(settings, 3);
    run(s,
        [](const Eigen::MatrixXd& u, Eigen::Index i, int) { return std::abs(u(i, 0) - u(i, 1)) + u(i, 2); });
    return s.posterior().units;
  };
  CHECK(once(4) == once(4));
  CHECK(once(4) != once(5));
}
