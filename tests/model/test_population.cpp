// The citizen update (model.md section 7) as vectorised in population.cpp
// against a plain scalar reference, and its random draws.
#include <doctest/doctest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/detail/kernels.hpp"
#include "geosim/core/rng.hpp"
#include "geosim/model/population.hpp"
#include "model/detail/citizen_kernel.hpp"
#include "support/tiny_scenario.hpp"

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
    const double error =
        std::abs(z - reference_quantile(w, z)) / std::max(1.0, std::abs(static_cast<double>(z)));
    if (!(error <= worst)) worst = error;  // a NaN draw makes the result NaN, which fails the check
  }
  return worst;
}
}  // namespace

TEST_CASE("the inverse normal CDF is accurate to float precision across the whole range") {
  CHECK(worst_relative_error(0, 1u << 20, 4093) < 5e-7);                   // every octave, sampled
  CHECK(worst_relative_error(0, 1u << 16, 1) < 5e-7);                      // far lower tail, every word
  CHECK(worst_relative_error(0xffffffffu - 0xffffu, 1u << 16, 1) < 5e-7);  // far upper tail
  CHECK(worst_relative_error(0x80000000u - 0x8000u, 1u << 16, 1) < 5e-7);  // around the median
}

TEST_CASE("the inverse normal CDF is symmetric and reaches the tails a 32-bit word allows") {
  for (std::uint32_t w = 0; w < (1u << 22); w += 101)
    CHECK(kernels::normal_from_word(~w) == -kernels::normal_from_word(w));
  // u = 0.5 / 2^32 gives z = -6.33795; the two words either side of the median give ~0.
  CHECK(kernels::normal_from_word(0) == doctest::Approx(-6.33795).epsilon(1e-5));
  CHECK(kernels::normal_from_word(0xffffffffu) == doctest::Approx(6.33795).epsilon(1e-5));
  CHECK(std::abs(kernels::normal_from_word(0x80000000u)) < 3e-7f);
}

TEST_CASE("block normals equal the scalar draws of rng::normals4 bit for bit") {
  constexpr int n = 1000, stride = 1024;
  std::vector<float> z(4 * stride);
  std::vector<std::uint32_t> words(4 * stride);
  kernels::normals_block(0xfeedbeefcafeULL, 500, 9, rng::citizen_noise, 1, n, 4, z.data(), stride,
                         words.data());
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
  const std::uint64_t seed = 0x9e3779b97f4a7c15ULL;  // both key words non-zero
  Population population(s, seed);
  const Population before = population;

  const int P = 5, T = 2, G = 2;
  std::vector<UpdateCoefficients> coeffs(T * G * P);
  struct Params {
    double pull, exposure, xbar, alpha, mu, gamma, sigma;
  };
  std::vector<Params> params(coeffs.size());
  for (std::size_t k = 0; k < coeffs.size(); ++k) {
    // Arbitrary but varied parameters; float-representable so both sides agree on them.
    const double f = static_cast<double>(k) / coeffs.size();
    Params& q = params[k];
    q = {0.25 * std::sin(7 * f),
         0.4 + 0.5 * f,
         0.2 - 0.3 * f,
         0.05 + 0.2 * f,
         0.1 * f,
         0.3 * (1 - f),
         k % 3 == 0 ? 0.0 : 0.02 + 0.1 * f};
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
/// Selects the portable kernel for its lifetime, restoring the default even if a check throws.
struct PortableKernelOnly {
  PortableKernelOnly() { kernels::force_portable_kernel(true); }
  ~PortableKernelOnly() { kernels::force_portable_kernel(false); }
  PortableKernelOnly(const PortableKernelOnly&) = delete;
  PortableKernelOnly& operator=(const PortableKernelOnly&) = delete;
};

/// Attitudes and tallies after `ticks` updates with whichever kernel is selected.
struct UpdateResult {
  std::vector<float> attitudes;
  std::vector<GroupTally> tallies;
};
UpdateResult run_updates(const Scenario& s, std::uint64_t seed, int ticks) {
  Population population(s, seed);
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
  return result;
}

Scenario ragged_scenario(int powers) {
  // 2 targets x 2 groups with sizes that are not multiples of 16 or of a block.
  Scenario s = tiny_scenario(powers, 2, 2, 1, 2600 + 7 * powers);
  s.targets[1].group_share = {0.3, 0.7};
  for (auto& group : s.groups) group.attitude_sd.assign(static_cast<std::size_t>(powers), 0.6);
  return s;
}
}  // namespace

TEST_CASE("the update equals a float reference with the same operations in the same order, bit for bit") {
  // Runs whichever kernel this CPU selects, so it holds the portable kernel
  // (and its AVX2 or baseline clone) to exact bits on machines without AVX-512.
  for (int powers : {3, 5}) {
    CAPTURE(powers);
    const Scenario s = ragged_scenario(powers);
    const std::uint64_t seed = 0xfedcba9876543210ULL;
    Population population(s, seed);
    const Population before = population;
    const int P = powers, T = 2, G = 2, tick = 7;
    std::vector<UpdateCoefficients> coeffs(T * G * P);
    for (std::size_t k = 0; k < coeffs.size(); ++k)
      coeffs[k] = {0.013f * static_cast<float>(k % 7) - 0.03f, 0.93f, 0.04f, k % 3 == 2 ? 0.0f : 0.25f};
    std::vector<GroupTally> tallies(coeffs.size());
    population.update(coeffs, tick, 0.2f, tallies);
    for (int t = 0; t < T; ++t)
      for (int g = 0; g < G; ++g)
        for (int p = 0; p < P; ++p) {
          const UpdateCoefficients& c = coeffs[(t * G + g) * P + p];
          std::int64_t negative = 0, positive = 0;
          for (std::int64_t i = population.group_begin(t, g); i < population.group_begin(t, g + 1); ++i) {
            const auto citizen = static_cast<std::uint32_t>(population.target_begin(t) + i);
            const float z = rng::normals4(rng::philox(seed, citizen, tick, rng::citizen_noise, p / 4))[p % 4];
            float v =
                c.offset + c.slope * before.attitudes(t, p)[i] + c.anchor * before.initial_attitudes(t, p)[i];
            if (c.noise != 0.0f) v += c.noise * z;
            v = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
            REQUIRE(population.attitudes(t, p)[i] == v);
            negative += v < -0.2f;
            positive += v > 0.2f;
          }
          CHECK(tallies[(t * G + g) * P + p].negative == negative);
          CHECK(tallies[(t * G + g) * P + p].positive == positive);
        }
  }
}

TEST_CASE("the fused AVX-512 kernel and the portable kernel give the same bits") {
  if (!kernels::avx512_available()) {
    WARN_MESSAGE(false, "this CPU has no AVX-512: the fused kernel is not compared here");
    return;
  }
  // Seeds with both key words non-zero; powers over one, two and three Philox words.
  for (int powers : {1, 3, 4, 6, 9}) {
    CAPTURE(powers);
    const Scenario s = ragged_scenario(powers);
    for (std::uint64_t seed : {4242ULL, 0x0123456789abcdefULL}) {
      CAPTURE(seed);
      const UpdateResult fused = run_updates(s, seed, 3);
      UpdateResult portable;
      {
        PortableKernelOnly guard;
        portable = run_updates(s, seed, 3);
      }
      REQUIRE(fused.attitudes.size() == portable.attitudes.size());
      CHECK(std::memcmp(fused.attitudes.data(), portable.attitudes.data(),
                        fused.attitudes.size() * sizeof(float)) == 0);
      for (std::size_t k = 0; k < fused.tallies.size(); ++k) {
        CHECK(fused.tallies[k].sum == portable.tallies[k].sum);
        CHECK(fused.tallies[k].negative == portable.tallies[k].negative);
        CHECK(fused.tallies[k].positive == portable.tallies[k].positive);
        CHECK(fused.tallies[k].count == portable.tallies[k].count);
      }
    }
  }
}

TEST_CASE(
    "the two block kernels agree on random blocks: 64-bit seeds, counters that wrap, any size, zero and NaN "
    "noise") {
  if (!kernels::avx512_available()) {
    WARN_MESSAGE(false, "this CPU has no AVX-512: the fused kernel is not compared here");
    return;
  }
  std::mt19937_64 random(12345);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (int iteration = 0; iteration < 400; ++iteration) {
    CAPTURE(iteration);
    const int size =
        iteration % 5 == 0 ? 1 + static_cast<int>(random() % 70) : 1 + static_cast<int>(random() % 1024);
    const int powers = 1 + static_cast<int>(random() % 9);
    std::vector<UpdateCoefficients> coeffs(static_cast<std::size_t>(powers));
    for (auto& c : coeffs) {
      c = {0.3f * unit(random), 0.8f + 0.2f * unit(random), 0.1f + 0.1f * unit(random), 0.5f * unit(random)};
      switch (random() % 6) {
        case 0: c.noise = 0.0f; break;
        case 1: c.noise = -0.0f; break;
        case 2:
          if (iteration % 7 == 0) c.noise = std::numeric_limits<float>::quiet_NaN();
          break;
        default: break;
      }
    }
    const std::size_t stride = static_cast<std::size_t>(size) + random() % 17;
    std::vector<float> x_fused(static_cast<std::size_t>(powers) * stride), x0(x_fused.size());
    for (std::size_t k = 0; k < x_fused.size(); ++k) x_fused[k] = unit(random), x0[k] = unit(random);
    std::vector<float> x_portable = x_fused;
    std::vector<GroupTally> tallies_fused(static_cast<std::size_t>(powers)),
        tallies_portable(tallies_fused.size());
    const auto first =
        static_cast<std::uint32_t>(iteration % 4 == 0 ? 0xffffffffu - random() % 2000 : random());
    const kernels::CitizenBlock fused{random(),
                                      first,
                                      static_cast<std::uint32_t>(random()),
                                      size,
                                      powers,
                                      coeffs.data(),
                                      x_fused.data(),
                                      x0.data(),
                                      stride,
                                      0.05f + 0.3f * std::abs(unit(random)),
                                      tallies_fused.data()};
    kernels::CitizenBlock portable = fused;
    portable.x = x_portable.data();
    portable.tallies = tallies_portable.data();
    std::vector<float> noise(4 * Population::kBlockSize);
    std::vector<std::uint32_t> words(4 * Population::kBlockSize);
    kernels::update_block_avx512(fused);
    kernels::update_block_portable(portable, {noise.data(), words.data()});
    REQUIRE(std::memcmp(x_fused.data(), x_portable.data(), x_fused.size() * sizeof(float)) == 0);
    for (int p = 0; p < powers; ++p) {
      CHECK(std::bit_cast<std::uint64_t>(tallies_fused[p].sum) ==
            std::bit_cast<std::uint64_t>(tallies_portable[p].sum));
      CHECK(tallies_fused[p].negative == tallies_portable[p].negative);
      CHECK(tallies_fused[p].positive == tallies_portable[p].positive);
      CHECK(tallies_fused[p].count == tallies_portable[p].count);
    }
  }
}

TEST_CASE("initial attitudes are stream 0's draws, citizen by citizen, bit for bit") {
  Scenario s = ragged_scenario(5);  // 5 powers: two Philox words per citizen
  for (int g = 0; g < 2; ++g) s.groups[g].attitude_mean = {0.3, -0.2, 0.0, 0.9, -0.7};
  const std::uint64_t seed = 0x1234567890abcdefULL;
  const Population population(s, seed);
  for (int t = 0; t < 2; ++t)
    for (int g = 0; g < 2; ++g)
      for (std::int64_t i = population.group_begin(t, g); i < population.group_begin(t, g + 1); ++i) {
        const auto citizen = static_cast<std::uint32_t>(population.target_begin(t) + i);
        for (int p = 0; p < 5; ++p) {
          const float z = rng::normals4(rng::philox(seed, citizen, 0, rng::initial_attitudes, p / 4))[p % 4];
          const double drawn = s.groups[g].attitude_mean[p] + s.groups[g].attitude_sd[p] * z;
          const auto expected = static_cast<float>(std::clamp(drawn, -1.0, 1.0));
          REQUIRE(population.attitudes(t, p)[i] == expected);
          REQUIRE(population.initial_attitudes(t, p)[i] == expected);
        }
      }
}
