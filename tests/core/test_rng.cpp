// Random-number layout of model.md section 9 and the distributions drawn from it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/core/rng.hpp"

using namespace geosim;

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vector") {
  // From Random123's kat_vectors: philox4x32 10 rounds, counter 0, key 0.
  const auto w = rng::philox(0, 0, 0, 0, 0);
  CHECK(w[0] == 0x6627e8d5u);
  CHECK(w[1] == 0xe169c58du);
  CHECK(w[2] == 0xbc57ac4cu);
  CHECK(w[3] == 0x9b00dbd8u);
}

TEST_CASE("the seed's high word keys the generator") {
  CHECK(rng::philox(1ULL << 32, 5, 6, 1, 0) != rng::philox(0, 5, 6, 1, 0));
  CHECK(rng::philox(1ULL << 32, 5, 6, 1, 0) != rng::philox(1, 5, 6, 1, 0));
}

TEST_CASE("inverse-CDF normals have mean 0, variance 1 and pass Kolmogorov-Smirnov on 10^6 draws") {
  const int draws = 1000000;
  std::vector<double> z;
  z.reserve(draws);
  for (std::uint32_t i = 0; z.size() < static_cast<std::size_t>(draws); ++i)
    for (float value : rng::normals4(rng::philox(2024, i, 3, rng::citizen_noise, 0))) z.push_back(value);
  double mean = 0, m2 = 0, m3 = 0, m4 = 0;
  for (double v : z) mean += v;
  mean /= draws;
  for (double v : z) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= draws;
  m3 /= draws;
  m4 /= draws;
  CHECK(std::abs(mean) < 5.0 / std::sqrt(draws));  // 5 standard errors
  CHECK(std::abs(m2 - 1.0) < 5.0 * std::sqrt(2.0 / draws));
  CHECK(std::abs(m3) < 5.0 * std::sqrt(6.0 / draws));         // skewness
  CHECK(std::abs(m4 - 3.0) < 5.0 * std::sqrt(24.0 / draws));  // kurtosis
  std::sort(z.begin(), z.end());
  double ks = 0;
  for (int i = 0; i < draws; ++i) {
    const double cdf = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    ks = std::max({ks, std::abs(cdf - static_cast<double>(i) / draws),
                   std::abs(cdf - static_cast<double>(i + 1) / draws)});
  }
  // Critical value at alpha = 0.001 is 1.95 / sqrt(n).
  CHECK(ks < 1.95 / std::sqrt(draws));
}

TEST_CASE("Poisson draws by inversion have the right mean and variance") {
  for (double lambda : {0.05, 1.5, 12.0, 350.0}) {
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const auto w = rng::philox(7, static_cast<std::uint32_t>(i), 0, rng::campaigns, 0);
      const double k = rng::poisson(lambda, rng::uniform_double(w[0], w[1]));
      sum += k;
      sum2 += k * k;
    }
    const double mean = sum / n, variance = sum2 / n - mean * mean;
    CHECK(std::abs(mean - lambda) < 5.0 * std::sqrt(lambda / n));
    CHECK(variance == doctest::Approx(lambda).epsilon(0.05));
  }
}

TEST_CASE("Poisson of a zero rate is zero") { CHECK(rng::poisson(0.0, 0.999) == 0); }

namespace {
// The Poisson inversion as it was before large rates got their own method:
// draws up to rng::kPoissonInversionMax must stay these, bit for bit.
int old_poisson(double lambda, double uniform) {
  if (!(lambda > 0.0)) return 0;
  if (lambda > 200.0) {
    const double log_lambda = std::log(lambda);
    double cumulative = 0.0;
    const int limit = static_cast<int>(lambda + 40.0 * std::sqrt(lambda) + 40.0);
    for (int k = 0; k < limit; ++k) {
      cumulative += std::exp(-lambda + k * log_lambda - std::lgamma(k + 1.0));
      if (uniform < cumulative) return k;
    }
    return limit;
  }
  double probability = std::exp(-lambda);
  double cumulative = probability;
  int k = 0;
  while (uniform >= cumulative && k < 10000) {
    ++k;
    probability *= lambda / k;
    cumulative += probability;
    if (probability == 0.0 && cumulative < uniform) break;
  }
  return k;
}
}  // namespace

TEST_CASE("Poisson draws up to the inversion threshold are the inversion's, bit for bit") {
  for (double lambda : {1e-6, 0.05, 0.7, 3.0, 7.25, 60.0, 199.9, 200.1, 350.0, rng::kPoissonInversionMax}) {
    for (int i = 0; i < 2000; ++i) {
      const auto w = rng::philox(11, static_cast<std::uint32_t>(i), 3, rng::campaigns, 0);
      const double u = rng::uniform_double(w[0], w[1]);
      REQUIRE(rng::poisson(lambda, u) == old_poisson(lambda, u));
    }
    CHECK(rng::poisson(lambda, 0.0) == old_poisson(lambda, 0.0));
    CHECK(rng::poisson(lambda, 1.0 - 0x1p-53) == old_poisson(lambda, 1.0 - 0x1p-53));
  }
}

TEST_CASE("Poisson draws of large rates have the right mean and variance") {
  for (double lambda : {1500.0, 1e5, 1e9}) {
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const auto w = rng::philox(7, static_cast<std::uint32_t>(i), 0, rng::campaigns, 0);
      const double k = rng::poisson(lambda, rng::uniform_double(w[0], w[1]));
      sum += k;
      sum2 += k * k;
    }
    const double mean = sum / n, variance = sum2 / n - mean * mean;
    CHECK(std::abs(mean - lambda) < 5.0 * std::sqrt(lambda / n) + 0.01);
    CHECK(variance == doctest::Approx(lambda).epsilon(0.05));
  }
}

TEST_CASE("Poisson counts are clamped to the counters' maximum, never negative") {
  for (double u : {0.0, 1e-12, 0.5, 1.0 - 0x1p-53}) {
    CHECK(rng::poisson(1e300, u) == rng::kPoissonMaxCount);
    CHECK(rng::poisson(std::numeric_limits<double>::max(), u) == rng::kPoissonMaxCount);
    CHECK(rng::poisson(1e10, u) >= 0);
  }
  CHECK(rng::poisson(1e10, 0.5) == rng::kPoissonMaxCount);  // 1e10 > 2^31 - 1
  CHECK(rng::poisson(2e9, 0.5) == 2000000000);
  CHECK(rng::poisson(1e9, 0.0) >= 999700000);  // the lowest uniform is about 8.3 sd below the mean
}

TEST_CASE("Poisson of a non-finite rate is an error") {
  CHECK_THROWS_AS(rng::poisson(std::numeric_limits<double>::infinity(), 0.5), RuntimeFailure);
  CHECK_THROWS_AS(rng::poisson(std::numeric_limits<double>::quiet_NaN(), 0.5), RuntimeFailure);
}

TEST_CASE("the double normal quantile matches known values") {
  CHECK(rng::normal_quantile(0.5) == doctest::Approx(0.0));
  CHECK(rng::normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-8));
  CHECK(rng::normal_quantile(0.01) == doctest::Approx(-2.326347874040841).epsilon(1e-8));
  CHECK(rng::normal_quantile(1e-10) == doctest::Approx(-6.361340902404056).epsilon(1e-8));
  CHECK(rng::normal_quantile(1.0 - 1e-10) == doctest::Approx(6.361340902404056).epsilon(1e-6));
}
