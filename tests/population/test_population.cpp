// The citizen update (model.md section 7) as vectorised in population.cpp
// against a plain scalar reference, and its random draws.
#include <doctest/doctest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../../engine/citizen_kernel.hpp"
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

namespace {
/// The standard normal quantile of u = (w + 0.5) / 2^32 in double precision:
/// Newton's method on erfc, started from the float approximation under test
/// (which only needs to be close for Newton to converge).
double reference_quantile(std::uint32_t w, double start) {
  const double q = (static_cast<double>(w) + 0.5) / 4294967296.0;
  double z = start;
  for (int step = 0; step < 4; ++step) {
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
    z -= (cdf - q) / density;
  }
  return z;
}

/// Largest error of normal_from_word over words, in units of max(1, |z|).
double worst_relative_error(std::uint32_t first, std::uint32_t count, std::uint32_t step) {
  double worst = 0;
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint32_t w = first + k * step;
    const float z = kernels::normal_from_word(w);
    const double error = std::abs(z - reference_quantile(w, z));
    worst = std::max(worst, error / std::max(1.0, std::abs(static_cast<double>(z))));
  }
  return worst;
}
}  // namespace

TEST_CASE("the inverse normal CDF is accurate to float precision across the whole range") {
  CHECK(worst_relative_error(0, 1u << 20, 4093) < 5e-7);           // every octave, sampled
  CHECK(worst_relative_error(0, 1u << 16, 1) < 5e-7);              // far lower tail, every word
  CHECK(worst_relative_error(0xffffffffu - 0xffffu, 1u << 16, 1) < 5e-7);  // far upper tail
  CHECK(worst_relative_error(0x80000000u - 0x8000u, 1u << 16, 1) < 5e-7);  // around the median
}

TEST_CASE("the inverse normal CDF is symmetric and reaches the tails a 32-bit word allows") {
  for (std::uint32_t w = 0; w < (1u << 22); w += 101) CHECK(kernels::normal_from_word(~w) == -kernels::normal_from_word(w));
  // u = 0.5 / 2^32 gives z = -6.33795; the two words either side of the median give ~0.
  CHECK(kernels::normal_from_word(0) == doctest::Approx(-6.33795).epsilon(1e-5));
  CHECK(kernels::normal_from_word(0xffffffffu) == doctest::Approx(6.33795).epsilon(1e-5));
  CHECK(std::abs(kernels::normal_from_word(0x80000000u)) < 3e-7f);
}

TEST_CASE("block normals equal the scalar draws of rng::normals4 bit for bit") {
  constexpr int n = 1000, stride = 1024;
  std::vector<float> z(4 * stride);
  std::vector<std::uint32_t> words(4 * stride);
  kernels::normals_block(0xfeedbeefcafeULL, 500, 9, rng::citizen_noise, 1, n, 4, z.data(), stride, words.data());
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

namespace {
/// Attitudes and tallies after `ticks` updates, with the fused AVX-512 kernel or the portable one.
struct UpdateResult {
  std::vector<float> attitudes;
  std::vector<GroupTally> tallies;
};
UpdateResult run_updates(const Scenario& s, bool portable, int ticks) {
  kernels::force_portable_kernel(portable);
  Population population(s, 4242);
  const int P = population.num_powers(), T = population.num_targets(), G = population.num_groups();
  std::vector<UpdateCoefficients> coeffs(static_cast<std::size_t>(T * G * P));
  for (std::size_t k = 0; k < coeffs.size(); ++k)  // some powers without noise, some clamped hard
    coeffs[k] = {0.02f * static_cast<float>(k % 5) - 0.04f, 0.9f + 0.01f * static_cast<float>(k % 3), 0.05f,
                 k % 4 == 1 ? 0.0f : 0.3f + 0.1f * static_cast<float>(k % 2)};
  UpdateResult result;
  result.tallies.resize(coeffs.size());
  for (int tick = 1; tick <= ticks; ++tick) population.update(coeffs, tick, 0.2f, result.tallies);
  for (int t = 0; t < T; ++t)
    for (int p = 0; p < P; ++p)
      for (float x : population.attitudes(t, p)) result.attitudes.push_back(x);
  kernels::force_portable_kernel(false);
  return result;
}
}  // namespace

TEST_CASE("the fused AVX-512 kernel and the portable kernel give the same bits") {
  if (!kernels::avx512_available()) {
    MESSAGE("this CPU has no AVX-512: only the portable kernel runs here");
    return;
  }
  for (int powers : {1, 3, 4, 6}) {
    CAPTURE(powers);
    // 2 targets x 2 groups with sizes that are not multiples of 16 or of a block.
    Scenario s = tiny_scenario(powers, 2, 2, 1, 2600 + 7 * powers);
    s.targets[1].group_share = {0.3, 0.7};
    for (auto& group : s.groups) group.attitude_sd.assign(static_cast<std::size_t>(powers), 0.6);
    const UpdateResult fused = run_updates(s, false, 3), portable = run_updates(s, true, 3);
    REQUIRE(fused.attitudes.size() == portable.attitudes.size());
    CHECK(std::memcmp(fused.attitudes.data(), portable.attitudes.data(), fused.attitudes.size() * sizeof(float)) == 0);
    for (std::size_t k = 0; k < fused.tallies.size(); ++k) {
      CHECK(fused.tallies[k].sum == portable.tallies[k].sum);
      CHECK(fused.tallies[k].negative == portable.tallies[k].negative);
      CHECK(fused.tallies[k].positive == portable.tallies[k].positive);
      CHECK(fused.tallies[k].count == portable.tallies[k].count);
    }
  }
}
