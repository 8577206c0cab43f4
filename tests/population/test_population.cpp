// The citizen update (model.md section 7) as vectorised in population.cpp
// against a plain scalar reference, and its random draws.
#include <doctest/doctest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../../engine/kernels.hpp"
#include "../support/tiny_scenario.hpp"
#include "geosim/population.hpp"
#include "geosim/rng.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;

TEST_CASE("the vectorisable Philox equals Random123's on many counters and keys") {
  r123::Philox4x32 reference;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const std::uint32_t k0 = i * 2654435761u, k1 = ~i;
    const r123::Philox4x32::ctr_type ctr = {{i, i * 7u, 1u, i % 3u}};
    const auto expected = reference(ctr, {{k0, k1}});
    std::uint32_t got[4];
    kernels::philox4x32_10(ctr[0], ctr[1], ctr[2], ctr[3], k0, k1, got);
    for (int w = 0; w < 4; ++w) REQUIRE(got[w] == expected[w]);
  }
}

TEST_CASE("polynomial log and sincos match libm to float precision") {
  for (std::uint32_t w = 0; w < (1u << 24); w += 997) {
    const float u = kernels::unit_open0(w << 8);
    CHECK(std::abs(kernels::log_unit(u) - std::log(static_cast<double>(u))) <=
          2e-7 * std::max(1.0, std::abs(std::log(static_cast<double>(u)))));
    float s, c;
    kernels::sincos_turns(kernels::unit_closed0(w << 8), s, c);
    const double angle = 2.0 * M_PI * kernels::unit_closed0(w << 8);
    CHECK(std::abs(s - std::sin(angle)) < 5e-7);
    CHECK(std::abs(c - std::cos(angle)) < 5e-7);
  }
}

TEST_CASE("block normals equal the scalar draws of rng::normals4 bit for bit") {
  constexpr int n = 1000, stride = 1024;
  std::vector<float> z(4 * stride);
  std::vector<std::uint32_t> words(4 * stride);
  kernels::normals_block(0xfeedbeefcafeULL, 500, 9, rng::citizen_noise, 1, n, z.data(), stride, words.data());
  for (int i = 0; i < n; ++i) {
    const auto expected = rng::normals4(rng::philox(0xfeedbeefcafeULL, 500 + i, 9, rng::citizen_noise, 1));
    for (int lane = 0; lane < 4; ++lane) REQUIRE(z[lane * stride + i] == expected[lane]);
  }
}

namespace {
/// model.md section 7 for one citizen, written plainly in double.
double reference_update(double x, double x0, double pull, double exposure, double xbar, double alpha,
                        double mu, double gamma, double sigma, double eps) {
  const double drift = pull - exposure * x + gamma * (xbar - x);
  const double updated = (1.0 - mu) * (x + alpha * drift) + mu * x0 + sigma * eps;
  return std::clamp(updated, -1.0, 1.0);
}
}  // namespace

TEST_CASE("the vectorised update equals a scalar reference of model.md section 7") {
  Scenario s = tiny_scenario(5, 2, 2, 1, 2500);  // 5 powers: two Philox draws per citizen
  s.targets[1].group_share = {0.25, 0.75};
  for (int g = 0; g < 2; ++g) {
    s.groups[g].attitude_mean = {0.3, -0.2, 0.0, 0.6, -0.7};
    s.groups[g].attitude_sd.assign(5, 0.5);
  }
  const std::uint64_t seed = 77;
  Population population(s, seed);
  const Population before = population;

  const int P = 5, T = 2, G = 2;
  std::vector<UpdateCoefficients> coeffs(T * G * P);
  struct Params { double pull, exposure, xbar, alpha, mu, gamma, sigma; };
  std::vector<Params> params(coeffs.size());
  for (std::size_t k = 0; k < coeffs.size(); ++k) {
    // Arbitrary but varied parameters; float-representable so both sides agree on them.
    const double f = static_cast<double>(k) / coeffs.size();
    Params& q = params[k];
    q = {0.25 * std::sin(7 * f), 0.4 + 0.5 * f, 0.2 - 0.3 * f, 0.05 + 0.2 * f, 0.1 * f,
         0.3 * (1 - f), k % 3 == 0 ? 0.0 : 0.02 + 0.1 * f};
    coeffs[k] = {static_cast<float>((1 - q.mu) * q.alpha * (q.pull + q.gamma * q.xbar)),
                 static_cast<float>((1 - q.mu) * (1 - q.alpha * (q.exposure + q.gamma))),
                 static_cast<float>(q.mu), static_cast<float>(q.sigma)};
  }
  std::vector<GroupTally> tallies(coeffs.size());
  const int tick = 3;
  population.update(coeffs, tick, 0.2f, tallies);

  int checked = 0;
  for (int t = 0; t < T; ++t)
    for (int g = 0; g < G; ++g)
      for (std::int64_t i = population.group_begin(t, g); i < population.group_begin(t, g + 1); ++i) {
        const auto citizen = static_cast<std::uint32_t>(population.target_begin(t) + i);
        for (int p = 0; p < P; ++p) {
          const Params& q = params[(t * G + g) * P + p];
          const auto z = rng::normals4(rng::philox(seed, citizen, tick, rng::citizen_noise, p / 4));
          const double expected =
              reference_update(before.attitudes(t, p)[i], before.initial_attitudes(t, p)[i], q.pull,
                               q.exposure, q.xbar, q.alpha, q.mu, q.gamma, q.sigma, z[p % 4]);
          REQUIRE(population.attitudes(t, p)[i] == doctest::Approx(expected).epsilon(1e-5).scale(1.0));
          ++checked;
        }
      }
  CHECK(checked == 5000 * P);
}

TEST_CASE("the fused tally counts what the attitudes show") {
  Scenario s = tiny_scenario(3, 1, 1, 1, 3000);
  s.groups[0].attitude_sd.assign(3, 0.6);
  Population population(s, 5);
  std::vector<UpdateCoefficients> coeffs(3, UpdateCoefficients{0.01f, 0.97f, 0.0f, 0.1f});
  std::vector<GroupTally> tallies(3);
  population.update(coeffs, 1, 0.2f, tallies);
  for (int p = 0; p < 3; ++p) {
    double sum = 0;
    std::int64_t negative = 0, positive = 0;
    for (float x : population.attitudes(0, p)) {
      sum += x;
      negative += x < -0.2f;
      positive += x > 0.2f;
    }
    CHECK(tallies[p].count == 3000);
    CHECK(tallies[p].negative == negative);
    CHECK(tallies[p].positive == positive);
    CHECK(tallies[p].sum == doctest::Approx(sum).epsilon(1e-5));
  }
}

TEST_CASE("citizens are split over groups by largest remainder, exactly") {
  Scenario s = tiny_scenario(1, 1, 3, 1, 10);
  s.targets[0].group_share = {0.55, 0.3, 0.15};  // 5.5, 3, 1.5 -> 6, 3, 1 (ties to the lower group)
  Population population(s, 1);
  CHECK(population.group_begin(0, 1) - population.group_begin(0, 0) == 6);
  CHECK(population.group_begin(0, 2) - population.group_begin(0, 1) == 3);
  CHECK(population.group_begin(0, 3) - population.group_begin(0, 2) == 1);
}

TEST_CASE("initial attitudes follow the group's clipped normal") {
  Scenario s = tiny_scenario(1, 1, 1, 1, 200000);
  s.groups[0].attitude_mean = {0.2};
  s.groups[0].attitude_sd = {0.1};
  Population population(s, 9);
  double sum = 0, sum2 = 0;
  for (float x : population.attitudes(0, 0)) {
    sum += x;
    sum2 += static_cast<double>(x) * x;
  }
  const double mean = sum / 200000, sd = std::sqrt(sum2 / 200000 - mean * mean);
  CHECK(mean == doctest::Approx(0.2).epsilon(0.005));
  CHECK(sd == doctest::Approx(0.1).epsilon(0.01));
}
