// The citizen update of one block with AVX-512 intrinsics: per 16 citizens,
// Philox4x32-10, the inverse normal CDF, the update and the tallies all stay
// in registers (the portable kernel goes through scratch arrays). Every
// floating-point operation is the one kernels.hpp and citizen_kernel.cpp
// perform, in the same order and without FMA, so both kernels give the same
// bits; tests/population checks that.
//
// Compiled in every build with a function-level target attribute, and only
// called when the CPU reports AVX-512 F.
#include <atomic>

#include "citizen_kernel.hpp"
#include "geosim/rng.hpp"
#include "kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12 warns about its own _mm512_undefined_*() (self-initialised on purpose).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
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

/// Philox4x32-10 of 16 counters {first + lane, tick, stream, word3}.
struct PhiloxKeys {
  std::uint32_t k0[10], k1[10];
  explicit PhiloxKeys(std::uint64_t seed) {
    auto a = static_cast<std::uint32_t>(seed & 0xffffffffu), b = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round, a += 0x9E3779B9u, b += 0xBB67AE85u) k0[round] = a, k1[round] = b;
  }
};

/// High and low 32 bits of the 64-bit products a * m, lane by lane.
GEOSIM_AVX512 inline void multiply_high_low(__m512i a, __m512i m, __m512i& high, __m512i& low) {
  const __m512i even = _mm512_mul_epu32(a, m);                         // lanes 0, 2, ...
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);  // lanes 1, 3, ...
  high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  low = _mm512_mullo_epi32(a, m);
}

GEOSIM_AVX512 inline void philox16(__m512i counter0, std::uint32_t tick, std::uint32_t stream,
                                   std::uint32_t word3, const PhiloxKeys& keys, __m512i out[4]) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  __m512i c0 = counter0, c1 = _mm512_set1_epi32(static_cast<int>(tick)),
          c2 = _mm512_set1_epi32(static_cast<int>(stream)), c3 = _mm512_set1_epi32(static_cast<int>(word3));
  for (int round = 0; round < 10; ++round) {
    __m512i high0, low0, high1, low1;
    multiply_high_low(c0, m0, high0, low0);
    multiply_high_low(c2, m1, high1, low1);
    // 0x96: three-way exclusive or.
    c0 = _mm512_ternarylogic_epi32(high1, c1, _mm512_set1_epi32(static_cast<int>(keys.k0[round])), 0x96);
    c2 = _mm512_ternarylogic_epi32(high0, c3, _mm512_set1_epi32(static_cast<int>(keys.k1[round])), 0x96);
    c1 = low1;
    c3 = low0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/// kernels::normal_from_word on 16 words; the table lookups are in-register permutes.
struct InverseNormalTable {
  __m512 low[kInverseNormalDegree + 1], high[kInverseNormalDegree + 1];  // octaves 0-15, 16-31
};

GEOSIM_AVX512 inline InverseNormalTable load_inverse_normal_table() {
  InverseNormalTable table;
  for (int j = 0; j <= kInverseNormalDegree; ++j) {
    table.low[j] = _mm512_load_ps(&kInverseNormal[j][0]);
    table.high[j] = _mm512_load_ps(&kInverseNormal[j][16]);
  }
  return table;
}

GEOSIM_AVX512 inline __m512 normal16(__m512i w, const InverseNormalTable& table) {
  const __m512i sign_bit = _mm512_set1_epi32(static_cast<int>(kSignBit));
  const __m512i upper_half = _mm512_srai_epi32(w, 31);
  const __m512i tail = _mm512_andnot_si512(sign_bit, _mm512_xor_si512(w, upper_half));
  __m512 scaled = _mm512_add_ps(_mm512_cvtepi32_ps(tail), _mm512_set1_ps(0.5f));
  scaled = _mm512_min_ps(scaled, _mm512_set1_ps(kLargestTailScaled));
  const __m512i bits = _mm512_castps_si512(scaled);
  const __m512i octave = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(126));
  const __m512 x = _mm512_sub_ps(
      _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)),
                                          _mm512_set1_epi32(0x3f800000))),
      _mm512_set1_ps(1.5f));
  __m512 quantile = _mm512_permutex2var_ps(table.low[kInverseNormalDegree], octave, table.high[kInverseNormalDegree]);
  for (int j = kInverseNormalDegree - 1; j >= 0; --j)
    quantile = _mm512_add_ps(_mm512_mul_ps(quantile, x), _mm512_permutex2var_ps(table.low[j], octave, table.high[j]));
  return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(quantile), _mm512_andnot_si512(w, sign_bit)));
}

/// Powers 4 * word .. 4 * word + kPowers - 1, whose noise is the Philox block
/// with word3 = word.
template <int kPowers>
GEOSIM_AVX512 void update_word(const CitizenBlock& block, int word, const PhiloxKeys& keys,
                               const InverseNormalTable& table) {
  const UpdateCoefficients* c = block.coefficients + 4 * word;
  float* x[kPowers];
  const float* x0[kPowers];
  __m512 offset[kPowers], slope[kPowers], anchor[kPowers], noise[kPowers];
  __m512 sum[kPowers];
  __m512i negative[kPowers], positive[kPowers];
  bool with_noise[kPowers];
  bool any_noise = false;
  for (int k = 0; k < kPowers; ++k) {
    x[k] = block.x + (4 * word + k) * block.power_stride;
    x0[k] = block.x0 + (4 * word + k) * block.power_stride;
    offset[k] = _mm512_set1_ps(c[k].offset);
    slope[k] = _mm512_set1_ps(c[k].slope);
    anchor[k] = _mm512_set1_ps(c[k].anchor);
    noise[k] = _mm512_set1_ps(c[k].noise);
    with_noise[k] = c[k].noise != 0.0f;
    any_noise |= with_noise[k];
    sum[k] = _mm512_setzero_ps();
    negative[k] = positive[k] = _mm512_setzero_si512();
  }
  const __m512 minus_one = _mm512_set1_ps(-1.0f), one = _mm512_set1_ps(1.0f);
  const __m512 below = _mm512_set1_ps(-block.negative_threshold), above = _mm512_set1_ps(block.negative_threshold);
  const __m512i ones = _mm512_set1_epi32(1);
  const __m512i lane_index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

  for (int i = 0; i < block.size; i += kLanes) {
    const int left = block.size - i;
    const __mmask16 mask = left >= kLanes ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1u);
    __m512i words[4];
    if (any_noise)
      philox16(_mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(block.first_citizen + static_cast<std::uint32_t>(i))),
                                lane_index),
               block.tick, rng::citizen_noise, static_cast<std::uint32_t>(word), keys, words);
    for (int k = 0; k < kPowers; ++k) {
      const __m512 xk = _mm512_maskz_loadu_ps(mask, x[k] + i);
      const __m512 x0k = _mm512_maskz_loadu_ps(mask, x0[k] + i);
      // Same order as update_power: (offset + slope x) + anchor x0, then + noise eps.
      __m512 v = _mm512_add_ps(_mm512_add_ps(offset[k], _mm512_mul_ps(slope[k], xk)), _mm512_mul_ps(anchor[k], x0k));
      if (with_noise[k]) v = _mm512_add_ps(v, _mm512_mul_ps(noise[k], normal16(words[k], table)));
      // max(-1, v) then min(1, v): the portable kernel's clamp, NaN included.
      v = _mm512_min_ps(one, _mm512_max_ps(minus_one, v));
      _mm512_mask_storeu_ps(x[k] + i, mask, v);
      sum[k] = _mm512_mask_add_ps(sum[k], mask, sum[k], v);
      negative[k] = _mm512_mask_add_epi32(negative[k], _mm512_mask_cmp_ps_mask(mask, v, below, _CMP_LT_OQ),
                                          negative[k], ones);
      positive[k] = _mm512_mask_add_epi32(positive[k], _mm512_mask_cmp_ps_mask(mask, v, above, _CMP_GT_OQ),
                                          positive[k], ones);
    }
  }
  for (int k = 0; k < kPowers; ++k) {
    LaneTally lanes;
    _mm512_storeu_ps(lanes.sum, sum[k]);
    _mm512_storeu_si512(lanes.negative, negative[k]);
    _mm512_storeu_si512(lanes.positive, positive[k]);
    block.tallies[4 * word + k] = lanes.total(block.size);
  }
}

}  // namespace

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
void update_block_avx512(const CitizenBlock&) {}

#endif

}  // namespace geosim::kernels
