#pragma once
// Hot-loop building blocks for the citizen update, written so g++ vectorises
// them: Philox4x32-10 over arrays of counters, and a Box-Muller transform
// with branch-free polynomial log and sincos (no libm calls in the loop).
// The scalar draws of rng.hpp use the same functions, so a value does not
// depend on whether it was drawn alone or in a block.
#include <cstdint>
#include <cstring>

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

/// Natural log of u in (0, 1], relative error below 2e-7. u = 2^e * m with m
/// in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172.
inline float log_unit(float u) {
  const std::uint32_t bits = float_to_bits(u);
  // Shift the mantissa range to [sqrt(1/2), sqrt(2)) by borrowing from the exponent.
  const std::uint32_t shifted = bits + (0x3f800000u - 0x3f3504f3u);
  const int exponent = static_cast<int>(shifted >> 23) - 127;
  const float m = bits_to_float((shifted & 0x007fffffu) + 0x3f3504f3u);
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  const float series = 2.0f + s2 * (0.666666667f + s2 * (0.4f + s2 * (0.285714286f + s2 * 0.222222222f)));
  return static_cast<float>(exponent) * 0.693147181f + s * series;
}

/// sin and cos of 2*pi*f for f in [0, 1], absolute error below 3e-7.
inline void sincos_turns(float f, float& sine, float& cosine) {
  // Reduce to r in [-1/8, 1/8] turn and a quadrant q, then rotate.
  const float quarter_turns = f * 4.0f;
  const float q = static_cast<float>(static_cast<int>(quarter_turns + 0.5f));  // f >= 0: round half up
  const float x = (quarter_turns - q) * 1.57079633f;                          // radians, |x| <= pi/4
  const float x2 = x * x;
  const float s = x * (1.0f + x2 * (-0.166666667f + x2 * (0.00833333333f + x2 * (-0.000198412698f + x2 * 2.75573192e-6f))));
  const float c = 1.0f + x2 * (-0.5f + x2 * (0.0416666667f + x2 * (-0.00138888889f + x2 * 2.48015873e-5f)));
  // Rotate by the quadrant with bit operations (no branches, so the loop vectorises):
  // quadrant 0: (s, c); 1: (c, -s); 2: (-s, -c); 3: (-c, s).
  const auto quadrant = static_cast<std::uint32_t>(static_cast<int>(q)) & 3u;
  const std::uint32_t swap = 0u - (quadrant & 1u);  // all ones for odd quadrants
  const std::uint32_t s_bits = float_to_bits(s), c_bits = float_to_bits(c);
  const std::uint32_t sine_bits = (c_bits & swap) | (s_bits & ~swap);
  const std::uint32_t cosine_bits = (s_bits & swap) | (c_bits & ~swap);
  sine = bits_to_float(sine_bits ^ ((quadrant & 2u) << 30));
  cosine = bits_to_float(cosine_bits ^ (((quadrant + 1u) & 2u) << 30));
}

/// 32-bit word -> uniform in (0, 1] with 24 random bits (exact in float).
inline float unit_open0(std::uint32_t word) {
  return static_cast<float>((word >> 8) + 1u) * (1.0f / 16777216.0f);
}
/// 32-bit word -> uniform in [0, 1) with 24 random bits.
inline float unit_closed0(std::uint32_t word) {
  return static_cast<float>(word >> 8) * (1.0f / 16777216.0f);
}

/// Box-Muller: two words -> two standard normals.
inline void box_muller(std::uint32_t w_radius, std::uint32_t w_angle, float& z0, float& z1) {
  float radius_squared = -2.0f * log_unit(unit_open0(w_radius));
  const float radius = __builtin_sqrtf(radius_squared);
  float sine, cosine;
  sincos_turns(unit_closed0(w_angle), sine, cosine);
  z0 = radius * cosine;
  z1 = radius * sine;
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

/// Four standard normals per counter {first + i, tick, stream, word3} for
/// i in [0, n): z[lane * stride + i], lanes 0..3. Two simple loops (Philox
/// into `words`, 4 * stride of scratch; then Box-Muller) that g++ vectorises.
inline void normals_block(std::uint64_t seed, std::uint32_t first, std::uint32_t tick,
                          std::uint32_t stream, std::uint32_t word3, int n, float* z, int stride,
                          std::uint32_t* words) {
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
  float* __restrict z0 = z;
  float* __restrict z1 = z + stride;
  float* __restrict z2 = z + 2 * stride;
  float* __restrict z3 = z + 3 * stride;
  for (int i = 0; i < n; ++i) {
    box_muller(w0[i], w1[i], z0[i], z1[i]);
    box_muller(w2[i], w3[i], z2[i], z3[i]);
  }
}

}  // namespace geosim::kernels
