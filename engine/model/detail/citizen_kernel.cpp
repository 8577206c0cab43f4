#include "model/detail/citizen_kernel.hpp"

#include "core/detail/kernels.hpp"
#include "geosim/core/rng.hpp"

namespace geosim::kernels {
namespace {

/// x = clamp(offset + slope x + anchor x0 + noise eps) over one block, fused
/// with the tally of the new values.
template <bool kWithNoise>
GroupTally update_power(const UpdateCoefficients c, float* __restrict x, const float* __restrict x0,
                        const float* __restrict eps, std::int64_t n, float threshold) {
  LaneTally lanes;
  auto one = [&](std::int64_t i, int l) {
    float v = c.offset + c.slope * x[i] + c.anchor * x0[i];
    if constexpr (kWithNoise) v += c.noise * eps[i];
    v = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
    x[i] = v;
    lanes.sum[l] += v;
    lanes.sum_sq[l] += v * v;
    lanes.negative[l] += v < -threshold;
    lanes.positive[l] += v > threshold;
  };
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) one(i + l, l);
  for (int l = 0; i < n; ++i, ++l) one(i, l);
  return lanes.total(n);
}

}  // namespace

// Runtime dispatch in the portable build: the block kernel is compiled for
// AVX-512, AVX2 and baseline x86-64, and the loader picks the best the CPU
// has. No FMA contraction happens (-ffp-contract=off), so every variant
// computes the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__)
#define GEOSIM_DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GEOSIM_DISPATCH
#endif

GEOSIM_DISPATCH void update_block_portable(const CitizenBlock& block, BlockScratch scratch) {
  constexpr int B = static_cast<int>(Population::kBlockSize);
  const UpdateCoefficients* c = block.coefficients;
  // Noise: stream 1, counter {citizen, tick, 1, power / 4}, word power % 4.
  for (int word = 0; 4 * word < block.powers; ++word) {
    const int lanes = block.powers - 4 * word < 4 ? block.powers - 4 * word : 4;
    bool any_noise = false;
    for (int lane = 0; lane < lanes; ++lane) any_noise |= c[4 * word + lane].noise != 0.0f;
    if (any_noise)
      normals_block(block.seed, block.first_citizen, block.tick, rng::citizen_noise,
                    static_cast<std::uint32_t>(word), block.size, lanes, scratch.noise, B, scratch.words);
    for (int lane = 0; lane < lanes; ++lane) {
      const int p = 4 * word + lane;
      float* xp = block.x + p * block.power_stride;
      const float* x0p = block.x0 + p * block.power_stride;
      const float* eps = scratch.noise + static_cast<std::size_t>(lane) * B;
      block.tallies[p] = c[p].noise != 0.0f
                             ? update_power<true>(c[p], xp, x0p, eps, block.size, block.negative_threshold)
                             : update_power<false>(c[p], xp, x0p, eps, block.size, block.negative_threshold);
    }
  }
}

GEOSIM_DISPATCH void normals_block_dispatched(std::uint64_t seed, std::uint32_t first, std::uint32_t tick,
                                              std::uint32_t stream, std::uint32_t word3, int n, int lanes,
                                              float* z, int stride, std::uint32_t* words) {
  normals_block(seed, first, tick, stream, word3, n, lanes, z, stride, words);
}

}  // namespace geosim::kernels
