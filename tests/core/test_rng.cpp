// Random-number layout of model.md section 9 and the distributions drawn from it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

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
