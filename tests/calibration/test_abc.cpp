// The ABC sampler against posteriors known in closed form (conjugate toy
// problems), its bookkeeping and its determinism.
#include "geosim/calibration/abc.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "geosim/core/rng.hpp"

using geosim::calibration::AbcSampler;
using geosim::calibration::AbcSettings;
using geosim::calibration::weighted_quantile;

#include "abc_problems.hpp"

using namespace geosim::testing::abc;

TEST_CASE("abc: a normal mean with a normal prior gives the conjugate posterior") {
  // theta ~ N(0, 1); the mean of n = 20 draws from N(theta, 1) is 0.8.
  // Posterior: N(n ybar / (n + 1), 1 / (n + 1)) = N(0.7619, 0.2182^2).
  const double ybar = 0.8, n = 20;
  AbcSettings settings;
  settings.particles = 4000;
  settings.keep = 0.5;
  settings.min_acceptance = 0.05;
  settings.seed = 7;
  AbcSampler s(settings, 1);
  run(s, [&](const Eigen::MatrixXd& u, Eigen::Index i, int gen) {
    const double theta = standard_normal(u(i, 0));
    return std::abs(theta + noise(i, gen, 1) / std::sqrt(n) - ybar);
  });
  const Moments m = weighted_moments(s, 0, standard_normal);
  const double mean = n * ybar / (n + 1), sd = 1.0 / std::sqrt(n + 1);
  MESSAGE("generations ", s.history().size(), ", simulations ", s.simulations(), ", tolerance ",
          s.posterior().tolerance, ", mean ", m.mean, " (", mean, "), sd ", m.sd, " (", sd, ")");
  CHECK(s.stop() == AbcSampler::Stop::acceptance);
  CHECK(s.posterior().tolerance < 0.05);
  CHECK(std::abs(m.mean - mean) < 0.03);
  CHECK(std::abs(m.sd / sd - 1.0) < 0.12);
  // The tolerance shrinks from one generation to the next.
  for (std::size_t g = 1; g < s.history().size(); ++g)
    CHECK(s.history()[g].tolerance <= s.history()[g - 1].tolerance);
}

TEST_CASE("abc: a binomial share with a uniform prior reaches the exact Beta posterior") {
  // p ~ U(0, 1), 7 successes in 20 trials: Beta(8, 14), mean 0.3636, sd 0.1003.
  // The distance |k - 7| is an integer, so the tolerance reaches 0 and the
  // kept particles are exact posterior draws.
  AbcSettings settings;
  settings.particles = 3000;
  settings.seed = 11;
  AbcSampler s(settings, 1);
  run(s, binomial_distance);
  const Moments m = check_beta_8_14(s);
  MESSAGE("simulations ", s.simulations(), ", mean ", m.mean, ", sd ", m.sd);
}

TEST_CASE("abc: two correlated parameters, one identified only through their sum") {
  // y1 = a + b + noise/10 observed 1.0, y2 = a - b + noise observed 0: the sum
  // is pinned, the difference loose; the kernel must follow the ridge.
  AbcSettings settings;
  settings.particles = 3000;
  settings.min_acceptance = 0.05;
  settings.seed = 3;
  AbcSampler s(settings, 2);
  run(s, [&](const Eigen::MatrixXd& u, Eigen::Index i, int gen) {
    const double a = standard_normal(u(i, 0)), b = standard_normal(u(i, 1));
    const double y1 = a + b + 0.1 * noise(i, gen, 1), y2 = a - b + noise(i, gen, 2);
    return std::hypot((y1 - 1.0) / 0.1, y2);
  });
  // Posterior (a, b) Gaussian: precision = I + [1 1;1 1]/0.01 + [1 -1;-1 1].
  // Sum s = a + b: var 1 / (1/2 + 100) ... computed in the rotated basis:
  // s = a + b has prior var 2, data var 0.01: posterior mean 2/(2.01) = 0.995,
  // var 2 * 0.01 / 2.01 = 0.00995; d = a - b: prior var 2, data var 1: mean 0, var 2/3.
  const auto& g = s.posterior();
  double ms = 0, ms2 = 0, md = 0, md2 = 0;
  for (Eigen::Index i = 0; i < g.units.rows(); ++i) {
    const double w = g.weights[static_cast<std::size_t>(i)];
    const double a = standard_normal(g.units(i, 0)), b = standard_normal(g.units(i, 1));
    ms += w * (a + b), ms2 += w * (a + b) * (a + b), md += w * (a - b), md2 += w * (a - b) * (a - b);
  }
  const double sd_s = std::sqrt(ms2 - ms * ms), sd_d = std::sqrt(md2 - md * md);
  MESSAGE("simulations ", s.simulations(), " sum ", ms, " +- ", sd_s, ", difference ", md, " +- ", sd_d);
  CHECK(std::abs(ms - 0.995) < 0.03);
  CHECK(std::abs(md) < 0.1);
  CHECK(sd_s < 0.2);  // 0.0998 at tolerance 0; the ABC tolerance widens it
  CHECK(std::abs(sd_d / std::sqrt(2.0 / 3.0) - 1.0) < 0.15);
  // The kernel follows the ridge: a and b are negatively correlated.
  const Eigen::MatrixXd cov = s.kernel_covariance();
  CHECK(cov(0, 1) / std::sqrt(cov(0, 0) * cov(1, 1)) < -0.5);
}

TEST_CASE("abc: the same distances give the same particles, and failures are counted") {
  AbcSettings settings;
  settings.particles = 200;
  settings.max_simulations = 1000;
  settings.seed = 5;
  const auto simulate = [](const Eigen::MatrixXd& u, Eigen::Index i, int) {
    // One proposal in ten fails.
    return i % 10 == 3 ? std::numeric_limits<double>::quiet_NaN() : std::abs(u(i, 0) - 0.3) + u(i, 1);
  };
  AbcSampler a(settings, 2), b(settings, 2);
  run(a, simulate);
  run(b, simulate);
  REQUIRE(a.history().size() == b.history().size());
  CHECK(a.stop() == AbcSampler::Stop::simulations);
  CHECK(a.simulations() <= 1000);
  CHECK(a.simulations() + (200 - a.kept()) > 1000);
  for (std::size_t g = 0; g < a.history().size(); ++g) {
    CHECK(a.history()[g].units == b.history()[g].units);
    CHECK(a.history()[g].weights == b.history()[g].weights);
    CHECK(a.history()[g].failed ==
          a.history()[g].simulations / 10 + (a.history()[g].simulations % 10 > 3 ? 1 : 0));
    for (double d : a.history()[g].distances) CHECK(std::isfinite(d));
  }
  // A different seed proposes other particles.
  const Eigen::MatrixXd first = AbcSampler(settings, 2).proposals();
  settings.seed = 6;
  CHECK((AbcSampler(settings, 2).proposals() - first).cwiseAbs().minCoeff() > 0.0);
}

TEST_CASE("abc: too few finite distances is refused with the count") {
  AbcSettings settings;
  settings.particles = 10;
  AbcSampler s(settings, 1);
  std::vector<double> d(10, std::numeric_limits<double>::infinity());
  d[0] = 1.0;
  CHECK_THROWS_WITH_AS(s.observe(d),
                       doctest::Contains("only 1 particles have a finite distance, 5 are needed"),
                       std::runtime_error);
  CHECK_THROWS_AS(AbcSampler(settings, 0), std::invalid_argument);
  settings.keep = 1.0;
  CHECK_THROWS_AS(AbcSampler(settings, 1), std::invalid_argument);
}

TEST_CASE("abc: weighted_quantile") {
  CHECK(weighted_quantile({3, 1, 2}, {1, 1, 1}, 0.5) == 2);
  CHECK(weighted_quantile({3, 1, 2}, {0, 0, 1}, 0.01) == 2);
  CHECK(weighted_quantile({3, 1, 2}, {1, 1, 1}, 1.0) == 3);
  CHECK(weighted_quantile({3, 1, 2}, {1, 1, 2}, 0.25) == 1);
  CHECK(std::isnan(weighted_quantile({}, {}, 0.5)));
}
