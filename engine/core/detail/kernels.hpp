#pragma once
// Hot-loop building blocks for the citizen update, written so g++ vectorises
// them: Philox4x32-10 over arrays of counters, and a table-driven inverse
// normal CDF (no libm calls, no branches, no division). The scalar draws of
// rng.hpp and the AVX-512 kernel compute the same operations in the same
// order, so a value does not depend on how it was drawn.
#include <cstdint>
#include <cstring>

#include "core/detail/normal_table.hpp"

namespace geosim::kernels {

inline float bits_to_float(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
inline std::uint32_t float_to_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

inline constexpr std::uint32_t kSignBit = 0x80000000u;
/// The largest float below 2^31: v = q * 2^32 stays inside the top octave.
inline constexpr float kLargestTailScaled = 2147483520.0f;

/// Inverse normal CDF of one 32-bit word: the standard normal quantile of
/// u = (w + 0.5) / 2^32, to within 5e-7 * max(1, |z|). Branch-free and
/// division-free: the tail probability's float exponent picks one of 32
/// octaves and a degree-7 polynomial in its mantissa gives the quantile
/// (normal_table.hpp, fitted by tools/gen_normal_table.py). Symmetric by
/// construction: normal_from_word(~w) == -normal_from_word(w).
inline float normal_from_word(std::uint32_t w) {
  const std::uint32_t upper_half = 0u - (w >> 31);          // all ones when u > 1/2
  const std::uint32_t tail = (w ^ upper_half) & ~kSignBit;  // q * 2^32 - 0.5, in [0, 2^31)
  float scaled = static_cast<float>(static_cast<std::int32_t>(tail)) + 0.5f;
  scaled = scaled < kLargestTailScaled ? scaled : kLargestTailScaled;  // rounding may reach 2^31
  const std::uint32_t bits = float_to_bits(scaled);
  const std::uint32_t octave = (bits >> 23) - 126u;  // 0 .. 31
  const float x = bits_to_float((bits & 0x007fffffu) | 0x3f800000u) - 1.5f;
  // Estrin's scheme (shorter dependency chains than Horner's), degree 7.
  static_assert(kInverseNormalDegree == 7, "the Estrin scheme below is written for degree 7");
  float c[kInverseNormalDegree + 1];
  for (int j = 0; j <= kInverseNormalDegree; ++j) c[j] = kInverseNormal[j][octave];
  const float x2 = x * x, x4 = x2 * x2;
  const float c03 = (c[0] + c[1] * x) + (c[2] + c[3] * x) * x2;
  const float c47 = (c[4] + c[5] * x) + (c[6] + c[7] * x) * x2;
  const float quantile = c03 + c47 * x4;
  // Q is the upper quantile of q: negative below the median, positive above.
  return bits_to_float(float_to_bits(quantile) ^ (~w & kSignBit));
}

/// Philox4x32-10 (Salmon et al. 2011; Random123's constants and round order).
inline void philox4x32_10(std::uint32_t c0, std::uint32_t c1, std::uint32_t c2, std::uint32_t c3,
                          std::uint32_t k0, std::uint32_t k1, std::uint32_t out[4]) {
  constexpr std::uint64_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = kMul0 * c0;
    const std::uint64_t p1 = kMul1 * c2;
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/// Standard normals from the counters {first + i, tick, stream, word3} for
/// i in [0, n): word `lane` of each block gives z[lane * stride + i], for
/// lanes 0 .. lanes-1 (at most 4). Two simple loops (Philox into `words`,
/// 4 * stride of scratch; then the inverse CDF) that g++ vectorises.
inline void normals_block(std::uint64_t seed, std::uint32_t first, std::uint32_t tick, std::uint32_t stream,
                          std::uint32_t word3, int n, int lanes, float* z, int stride, std::uint32_t* words) {
  const auto k0 = static_cast<std::uint32_t>(seed & 0xffffffffu);
  const auto k1 = static_cast<std::uint32_t>(seed >> 32);
  std::uint32_t* __restrict w0 = words;
  std::uint32_t* __restrict w1 = words + stride;
  std::uint32_t* __restrict w2 = words + 2 * stride;
  std::uint32_t* __restrict w3 = words + 3 * stride;
  for (int i = 0; i < n; ++i) {
    std::uint32_t w[4];
    philox4x32_10(first + static_cast<std::uint32_t>(i), tick, stream, word3, k0, k1, w);
    w0[i] = w[0];
    w1[i] = w[1];
    w2[i] = w[2];
    w3[i] = w[3];
  }
  for (int lane = 0; lane < lanes; ++lane) {
    const std::uint32_t* __restrict in = words + lane * stride;
    float* __restrict out = z + lane * stride;
    for (int i = 0; i < n; ++i) out[i] = normal_from_word(in[i]);
  }
}

}  // namespace geosim::kernels
