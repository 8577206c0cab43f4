// The citizen update of one block with AVX-512 intrinsics: per 16 citizens,
// Philox4x32-10, the inverse normal CDF, the update and the tallies all stay
// in registers (the portable kernel goes through scratch arrays). Every
// floating-point operation is the one kernels.hpp and citizen_kernel.cpp
// perform, in the same order and without FMA, so both kernels give the same
// bits; tests/population checks that.
//
// Compiled in every build with a function-level target attribute, and only
// called when the CPU reports AVX-512 F.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>

#include "core/detail/kernels.hpp"
#include "geosim/core/rng.hpp"
#include "model/detail/citizen_kernel.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#if !defined(__clang__)
#pragma GCC diagnostic push
// GCC 12 warns about its own _mm512_undefined_*() (self-initialised on purpose).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#define GEOSIM_HAVE_AVX512_KERNEL 1
#endif

namespace geosim::kernels {
namespace {
std::atomic<bool> portable_forced{false};
}  // namespace

void force_portable_kernel(bool force) { portable_forced.store(force); }

#if GEOSIM_HAVE_AVX512_KERNEL
namespace {

#define GEOSIM_AVX512 __attribute__((target("avx512f")))
#define GEOSIM_AVX512_INLINE __attribute__((always_inline, target("avx512f"))) inline

/// Philox keys of the 10 rounds.
struct PhiloxKeys {
  std::uint32_t k0[10], k1[10];
  explicit PhiloxKeys(std::uint64_t seed) {
    auto a = static_cast<std::uint32_t>(seed & 0xffffffffu), b = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) k0[round] = a, k1[round] = b;
  }
};

/// High and low 32 bits of the 64-bit products a * m, lane by lane.
GEOSIM_AVX512_INLINE void multiply_high_low(__m512i a, __m512i m, __m512i& high, __m512i& low) {
  const __m512i even = _mm512_mul_epu32(a, m);                        // lanes 0, 2, ...
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);  // lanes 1, 3, ...
  high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  low = _mm512_mullo_epi32(a, m);
}

/// Philox4x32-10 of kBatches x 16 counters {counter0[b] lane, tick, stream, word3}.
/// The batches advance round by round together: one batch alone is a chain
/// of dependent multiplies, several in flight keep the multipliers busy
/// (measured: 4 batches run the whole kernel 1.45x faster than 1).
template <int kBatches>
GEOSIM_AVX512_INLINE void philox(const __m512i* counter0, std::uint32_t tick, std::uint32_t stream,
                                 std::uint32_t word3, const PhiloxKeys& keys, __m512i (*out)[4]) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  // Rounds 0 and 1 by hand: only counter word 0 differs between lanes, so
  // one of the two products of each is the same scalar in every lane.
  constexpr std::uint64_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  const std::uint64_t round0_product1 = kMul1 * stream;
  const auto round1_c0 = static_cast<std::uint32_t>(round0_product1 >> 32) ^ tick ^ keys.k0[0];
  const auto round1_c1 = static_cast<std::uint32_t>(round0_product1);
  const std::uint64_t round1_product0 = kMul0 * round1_c0;
  const __m512i round1_high0 =
      _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(round1_product0 >> 32)));
  const __m512i round2_c3 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(round1_product0)));
  __m512i c0[kBatches], c1[kBatches], c2[kBatches], c3[kBatches];
  for (int b = 0; b < kBatches; ++b) {
    __m512i high, low;
    multiply_high_low(counter0[b], m0, high, low);  // round 0: c0 * M0
    const __m512i round1_c2 = _mm512_xor_si512(high, _mm512_set1_epi32(static_cast<int>(word3 ^ keys.k1[0])));
    const __m512i round1_c3 = low;
    multiply_high_low(round1_c2, m1, high, low);  // round 1: c2 * M1
    c0[b] = _mm512_ternarylogic_epi32(high, _mm512_set1_epi32(static_cast<int>(round1_c1)),
                                      _mm512_set1_epi32(static_cast<int>(keys.k0[1])), 0x96);
    c1[b] = low;
    c2[b] = _mm512_ternarylogic_epi32(round1_high0, round1_c3,
                                      _mm512_set1_epi32(static_cast<int>(keys.k1[1])), 0x96);
    c3[b] = round2_c3;
  }
#pragma GCC unroll 8
  for (int round = 2; round < 10; ++round) {
    const __m512i k0 = _mm512_set1_epi32(static_cast<int>(keys.k0[round]));
    const __m512i k1 = _mm512_set1_epi32(static_cast<int>(keys.k1[round]));
#pragma GCC unroll 4
    for (int b = 0; b < kBatches; ++b) {
      __m512i high0, low0, high1, low1;
      multiply_high_low(c0[b], m0, high0, low0);
      multiply_high_low(c2[b], m1, high1, low1);
      c0[b] = _mm512_ternarylogic_epi32(high1, c1[b], k0, 0x96);  // 0x96: three-way exclusive or
      c2[b] = _mm512_ternarylogic_epi32(high0, c3[b], k1, 0x96);
      c1[b] = low1;
      c3[b] = low0;
    }
  }
  for (int b = 0; b < kBatches; ++b) {
    out[b][0] = c0[b];
    out[b][1] = c1[b];
    out[b][2] = c2[b];
    out[b][3] = c3[b];
  }
}

/// Philox of the first `batches` (1 to 4) of kBatches x 16 counters.
GEOSIM_AVX512_INLINE void philox_batches(int batches, const __m512i* counter0, std::uint32_t tick,
                                         std::uint32_t stream, std::uint32_t word3, const PhiloxKeys& keys,
                                         __m512i (*out)[4]) {
  switch (batches) {
    case 1: philox<1>(counter0, tick, stream, word3, keys, out); break;
    case 2: philox<2>(counter0, tick, stream, word3, keys, out); break;
    case 3: philox<3>(counter0, tick, stream, word3, keys, out); break;
    default: philox<4>(counter0, tick, stream, word3, keys, out); break;
  }
}

/// The coefficient table of kernels::normal_from_word, octaves 0-15 and 16-31
/// of each power of x in two registers: a lookup is one in-register permute.
struct InverseNormalTable {
  __m512 low[kInverseNormalDegree + 1], high[kInverseNormalDegree + 1];
};

GEOSIM_AVX512_INLINE InverseNormalTable load_inverse_normal_table() {
  InverseNormalTable table;
  for (int j = 0; j <= kInverseNormalDegree; ++j) {
    table.low[j] = _mm512_load_ps(&kInverseNormal[j][0]);
    table.high[j] = _mm512_load_ps(&kInverseNormal[j][16]);
  }
  return table;
}

/// kernels::normal_from_word on 16 words, operation for operation.
GEOSIM_AVX512_INLINE __m512 normal16(__m512i w, const InverseNormalTable& table) {
  static_assert(kInverseNormalDegree == 7, "the Estrin scheme below is written for degree 7");
  const __m512i sign_bit = _mm512_set1_epi32(static_cast<int>(kSignBit));
  const __m512i upper_half = _mm512_srai_epi32(w, 31);
  const __m512i tail = _mm512_andnot_si512(sign_bit, _mm512_xor_si512(w, upper_half));
  __m512 scaled = _mm512_add_ps(_mm512_cvtepi32_ps(tail), _mm512_set1_ps(0.5f));
  scaled = _mm512_min_ps(scaled, _mm512_set1_ps(kLargestTailScaled));
  const __m512i bits = _mm512_castps_si512(scaled);
  const __m512i octave = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(126));
  const __m512 x =
      _mm512_sub_ps(_mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)),
                                                        _mm512_set1_epi32(0x3f800000))),
                    _mm512_set1_ps(1.5f));
  __m512 c[kInverseNormalDegree + 1];
  for (int j = 0; j <= kInverseNormalDegree; ++j)
    c[j] = _mm512_permutex2var_ps(table.low[j], octave, table.high[j]);
  const __m512 x2 = _mm512_mul_ps(x, x);
  const __m512 x4 = _mm512_mul_ps(x2, x2);
  const __m512 c01 = _mm512_add_ps(c[0], _mm512_mul_ps(c[1], x));
  const __m512 c23 = _mm512_add_ps(c[2], _mm512_mul_ps(c[3], x));
  const __m512 c45 = _mm512_add_ps(c[4], _mm512_mul_ps(c[5], x));
  const __m512 c67 = _mm512_add_ps(c[6], _mm512_mul_ps(c[7], x));
  const __m512 c03 = _mm512_add_ps(c01, _mm512_mul_ps(c23, x2));
  const __m512 c47 = _mm512_add_ps(c45, _mm512_mul_ps(c67, x2));
  const __m512 quantile = _mm512_add_ps(c03, _mm512_mul_ps(c47, x4));
  return _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(quantile), _mm512_andnot_si512(w, sign_bit)));
}

/// Powers 4 * word .. 4 * word + kPowers - 1 of one block, whose noise is the
/// Philox block with word3 = word. Branch-free: a power without noise keeps
/// v unchanged through a masked add (bit for bit the portable kernel's
/// "no noise term"). Sums stay in lanes; counts are integers, so they are
/// popcounts of the comparison masks, on the scalar units.
template <int kPowers>
struct WordUpdate {
  const CitizenBlock& block;
  const int word;
  const InverseNormalTable& table;
  float* x[kPowers];
  const float* x0[kPowers];
  __m512 offset[kPowers], slope[kPowers], anchor[kPowers], noise[kPowers];
  __mmask16 noise_lanes[kPowers];  // all lanes if the power has noise, none otherwise
  __m512 sum[kPowers], sum_sq[kPowers];
  std::int64_t negative[kPowers], positive[kPowers];

  GEOSIM_AVX512_INLINE WordUpdate(const CitizenBlock& b, int w, const InverseNormalTable& t)
      : block(b), word(w), table(t) {
    const UpdateCoefficients* c = block.coefficients + 4 * word;
    for (int k = 0; k < kPowers; ++k) {
      x[k] = block.x + (4 * word + k) * block.power_stride;
      x0[k] = block.x0 + (4 * word + k) * block.power_stride;
      offset[k] = _mm512_set1_ps(c[k].offset);
      slope[k] = _mm512_set1_ps(c[k].slope);
      anchor[k] = _mm512_set1_ps(c[k].anchor);
      noise[k] = _mm512_set1_ps(c[k].noise);
      noise_lanes[k] = static_cast<__mmask16>(c[k].noise != 0.0f ? 0xffffu : 0u);
      sum[k] = sum_sq[k] = _mm512_setzero_ps();
      negative[k] = positive[k] = 0;
    }
  }

  bool any_noise() const {
    bool any = false;
    for (int k = 0; k < kPowers; ++k) any |= noise_lanes[k] != 0;
    return any;
  }

  /// Citizens i .. i+15 (those in `mask`), with this word's Philox output
  /// (unused when no power of the word has noise: kDraw false).
  template <bool kDraw>
  GEOSIM_AVX512_INLINE void apply(int i, __mmask16 mask, const __m512i* words) {
    const __m512 minus_one = _mm512_set1_ps(-1.0f), one = _mm512_set1_ps(1.0f);
    const __m512 below = _mm512_set1_ps(-block.negative_threshold);
    const __m512 above = _mm512_set1_ps(block.negative_threshold);
#pragma GCC unroll 4
    for (int k = 0; k < kPowers; ++k) {
      const __m512 xk = _mm512_maskz_loadu_ps(mask, x[k] + i);
      const __m512 x0k = _mm512_maskz_loadu_ps(mask, x0[k] + i);
      // Same order as the portable kernel: (offset + slope x) + anchor x0, then + noise eps.
      __m512 v =
          _mm512_add_ps(_mm512_add_ps(offset[k], _mm512_mul_ps(slope[k], xk)), _mm512_mul_ps(anchor[k], x0k));
      if constexpr (kDraw)
        v = _mm512_mask_add_ps(v, noise_lanes[k], v, _mm512_mul_ps(noise[k], normal16(words[k], table)));
      // max(-1, v) then min(1, v): the portable kernel's clamp, NaN included.
      v = _mm512_min_ps(one, _mm512_max_ps(minus_one, v));
      _mm512_mask_storeu_ps(x[k] + i, mask, v);
      sum[k] = _mm512_mask_add_ps(sum[k], mask, sum[k], v);
      sum_sq[k] = _mm512_mask_add_ps(sum_sq[k], mask, sum_sq[k], _mm512_mul_ps(v, v));
      negative[k] += __builtin_popcount(_mm512_mask_cmp_ps_mask(mask, v, below, _CMP_LT_OQ));
      positive[k] += __builtin_popcount(_mm512_mask_cmp_ps_mask(mask, v, above, _CMP_GT_OQ));
    }
  }

  GEOSIM_AVX512_INLINE void store_tallies() const {
    for (int k = 0; k < kPowers; ++k) {
      // LaneTally::total's sums, in its order (counts come from above).
      alignas(64) float lanes[kLanes], squares[kLanes];
      _mm512_store_ps(lanes, sum[k]);
      _mm512_store_ps(squares, sum_sq[k]);
      GroupTally tally;
      for (int l = 0; l < kLanes; ++l) {  // two independent chains, interleaved
        tally.sum += lanes[l];
        tally.sum_sq += squares[l];
      }
      tally.negative = negative[k];
      tally.positive = positive[k];
      tally.count = block.size;
      block.tallies[4 * word + k] = tally;
    }
  }
};

/// One word of a block: 64 citizens per step (4 Philox batches in flight);
/// small groups and block tails take one more step of as many batches as
/// they need (their multiplies still in flight together), the last masked.
template <int kPowers, bool kDraw>
GEOSIM_AVX512_INLINE void update_word_steps(WordUpdate<kPowers>& update, const CitizenBlock& block, int word,
                                            const PhiloxKeys& keys) {
  constexpr int kBatches = 4;
  const auto stream = static_cast<std::uint32_t>(rng::citizen_noise),
             word3 = static_cast<std::uint32_t>(word);
  const __m512i first =
      _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(block.first_citizen)),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  __m512i counters[kBatches], words[kBatches][4];  // only the batches a step draws are read
  int i = 0;
  for (; i + kBatches * kLanes <= block.size; i += kBatches * kLanes) {
    for (int b = 0; b < kBatches; ++b)
      counters[b] = _mm512_add_epi32(first, _mm512_set1_epi32(i + b * kLanes));
    if constexpr (kDraw) philox<kBatches>(counters, block.tick, stream, word3, keys, words);
#pragma GCC unroll 4
    for (int b = 0; b < kBatches; ++b) update.template apply<kDraw>(i + b * kLanes, 0xffff, words[b]);
  }
  if (i < block.size) {  // the last 1-63 citizens: one more step, the last batch masked
    for (int b = 0; b < kBatches; ++b)
      counters[b] = _mm512_add_epi32(first, _mm512_set1_epi32(i + b * kLanes));
    // Philox only for the batches that hold citizens: tails are an eighth of
    // the draws of a world with 1,000 citizens per target in four groups.
    if constexpr (kDraw)
      philox_batches((block.size - i + kLanes - 1) / kLanes, counters, block.tick, stream, word3, keys,
                     words);
    for (int b = 0; b < kBatches && i + b * kLanes < block.size; ++b) {
      const int left = block.size - (i + b * kLanes);
      const auto mask = static_cast<__mmask16>(left >= kLanes ? 0xffffu : (1u << left) - 1u);
      update.template apply<kDraw>(i + b * kLanes, mask, words[b]);
    }
  }
}

template <int kPowers>
GEOSIM_AVX512 void update_word(const CitizenBlock& block, int word, const PhiloxKeys& keys,
                               const InverseNormalTable& table) {
  WordUpdate<kPowers> update(block, word, table);
  if (update.any_noise()) update_word_steps<kPowers, true>(update, block, word, keys);
  else update_word_steps<kPowers, false>(update, block, word, keys);
  update.store_tallies();
}

}  // namespace

GEOSIM_AVX512 void normals_block_avx512(std::uint64_t seed, std::uint32_t first, std::uint32_t tick,
                                        std::uint32_t stream, std::uint32_t word3, int n, int lanes, float* z,
                                        int stride) {
  constexpr int kBatches = 4;
  const PhiloxKeys keys(seed);
  const InverseNormalTable table = load_inverse_normal_table();
  const __m512i base =
      _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(first)),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  __m512i counters[kBatches], words[kBatches][4];  // only the batches a step draws are read
  for (int i = 0; i < n; i += kBatches * kLanes) {
    for (int b = 0; b < kBatches; ++b)
      counters[b] = _mm512_add_epi32(base, _mm512_set1_epi32(i + b * kLanes));
    philox_batches((std::min(n - i, kBatches * kLanes) + kLanes - 1) / kLanes, counters, tick, stream, word3,
                   keys, words);
    for (int b = 0; b < kBatches && i + b * kLanes < n; ++b) {
      const int left = n - (i + b * kLanes);
      const auto mask = static_cast<__mmask16>(left >= kLanes ? 0xffffu : (1u << left) - 1u);
      for (int lane = 0; lane < lanes; ++lane)
        _mm512_mask_storeu_ps(z + static_cast<std::ptrdiff_t>(lane) * stride + i + b * kLanes, mask,
                              normal16(words[b][lane], table));
    }
  }
}

bool avx512_available() {
  static const bool has_avx512 = __builtin_cpu_supports("avx512f");
  return has_avx512 && !portable_forced.load(std::memory_order_relaxed);
}

GEOSIM_AVX512 void update_block_avx512(const CitizenBlock& block) {
  const PhiloxKeys keys(block.seed);
  const InverseNormalTable table = load_inverse_normal_table();
  for (int word = 0; 4 * word < block.powers; ++word) {
    switch (block.powers - 4 * word) {
      case 1: update_word<1>(block, word, keys, table); break;
      case 2: update_word<2>(block, word, keys, table); break;
      case 3: update_word<3>(block, word, keys, table); break;
      default: update_word<4>(block, word, keys, table); break;
    }
  }
}

#else  // not x86-64: only the portable kernel exists

bool avx512_available() { return false; }
// Never called: Population asks avx512_available() first.
void update_block_avx512(const CitizenBlock&) { std::abort(); }
void normals_block_avx512(std::uint64_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, int, int,
                          float*, int) {
  std::abort();
}

#endif

}  // namespace geosim::kernels
