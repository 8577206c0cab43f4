#pragma once
// The citizen update of one block (one target, one group, up to kBlockSize
// citizens): draw the noise, update every power's attitudes, tally them.
// Two implementations compute the same bits: a portable one that g++
// vectorises (with runtime dispatch to AVX2 / AVX-512 in the portable build),
// and one written with AVX-512 intrinsics that fuses Philox, the inverse
// normal CDF, the update and the tallies in registers. Population::update
// picks the second when the CPU has AVX-512.
#include <cstddef>
#include <cstdint>

#include "geosim/model/population.hpp"

namespace geosim::kernels {

/// Lane-wise partial sums in a fixed order: vectorisable without reassociating
/// floating-point additions, and identical whatever the vector width. Citizen
/// i of a block adds into lane i % kLanes.
inline constexpr int kLanes = 16;

struct LaneTally {
  float sum[kLanes] = {};
  float sum_sq[kLanes] = {};  // squared attitudes, summed like `sum`
  std::int32_t negative[kLanes] = {};
  std::int32_t positive[kLanes] = {};

  GroupTally total(std::int64_t count) const {
    GroupTally t;
    for (int l = 0; l < kLanes; ++l) {
      t.sum += sum[l];
      t.sum_sq += sum_sq[l];
      t.negative += negative[l];
      t.positive += positive[l];
    }
    t.count = count;
    return t;
  }
};

struct CitizenBlock {
  std::uint64_t seed;
  std::uint32_t first_citizen;  // global index of the block's first citizen
  std::uint32_t tick;
  int size;  // citizens in the block, <= Population::kBlockSize
  int powers;
  const UpdateCoefficients* coefficients;  // [power], for the block's (target, group)
  float* x;                                // power p of citizen i at x[p * power_stride + i]
  const float* x0;
  std::size_t power_stride;
  float negative_threshold;
  GroupTally* tallies;  // [power], overwritten
};

/// Scratch for the portable kernel, per thread: noise [4][kBlockSize] and
/// Philox words [4][kBlockSize].
struct BlockScratch {
  float* noise;
  std::uint32_t* words;
};

void update_block_portable(const CitizenBlock& block, BlockScratch scratch);

/// kernels::normals_block (core/detail/kernels.hpp), compiled like the
/// portable kernel for AVX-512, AVX2 and baseline x86-64 and picked at run
/// time: the same bits, drawn faster (the initial attitudes of a world).
void normals_block_dispatched(std::uint64_t seed, std::uint32_t first, std::uint32_t tick,
                              std::uint32_t stream, std::uint32_t word3, int n, int lanes, float* z,
                              int stride, std::uint32_t* words);

/// True when this CPU runs update_block_avx512 (AVX-512 F) and the portable
/// kernel is not forced.
bool avx512_available();
void update_block_avx512(const CitizenBlock& block);
/// kernels::normals_block's normals (not its words) with AVX-512: the same bits.
void normals_block_avx512(std::uint64_t seed, std::uint32_t first, std::uint32_t tick, std::uint32_t stream,
                          std::uint32_t word3, int n, int lanes, float* z, int stride);

/// Makes Population::update use the portable kernel even on an AVX-512 CPU
/// (tests compare the two; both must give the same bits).
void force_portable_kernel(bool force);

}  // namespace geosim::kernels
