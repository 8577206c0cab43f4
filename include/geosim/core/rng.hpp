#pragma once
// Counter-based random numbers (model.md section 9): Philox4x32-10 keyed by
// the run's seed, counter {index, tick, stream, word3}. Any draw can be
// recomputed from its coordinates alone, so results do not depend on how the
// work is split between threads or processes.
#include <array>
#include <cstdint>

namespace geosim::rng {

enum Stream : std::uint32_t {
  initial_attitudes = 0,  // index = global citizen index, word3 = power / 4
  citizen_noise = 1,      // index = global citizen index, tick, word3 = power / 4
  campaigns = 2,          // index = t * |P| + p, tick
  other = 3,
};

using Words = std::array<std::uint32_t, 4>;

/// One Philox4x32-10 block.
Words philox(std::uint64_t seed, std::uint32_t index, std::uint32_t tick, std::uint32_t stream,
             std::uint32_t word3);

/// Two 32-bit words -> uniform double in [0, 1) with 53 random bits.
inline double uniform_double(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);
  return static_cast<double>(bits & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0);
}

/// Four words -> four standard normals, word k -> normal k by the inverse CDF
/// of u = (w + 0.5) / 2^32 (kernels.hpp, docs/model.md).
std::array<float, 4> normals4(const Words& w);

/// Rates up to this are drawn exactly by inversion of the CDF (the draws of
/// every shipped scenario); above it, by the normal approximation with
/// continuity correction, in constant time (model.md section 11, "Poisson").
inline constexpr double kPoissonInversionMax = 1000.0;
/// The largest count a draw returns: the largest value of the int counters.
inline constexpr int kPoissonMaxCount = 2147483647;

/// Poisson(lambda) from one uniform in [0,1): inversion of the CDF up to
/// kPoissonInversionMax, the normal approximation above, clamped to
/// [0, kPoissonMaxCount]. 0 for lambda <= 0; RuntimeFailure for a NaN or
/// infinite lambda. Bounded time for every rate.
int poisson(double lambda, double uniform);

/// The standard normal quantile Phi^-1(u) in double precision for u in (0,1)
/// (Acklam's rational approximation, relative error below 1.2e-9).
double normal_quantile(double u);

}  // namespace geosim::rng
