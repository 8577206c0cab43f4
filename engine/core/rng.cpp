#include "geosim/core/rng.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "geosim/core/errors.hpp"

#include "core/detail/kernels.hpp"

namespace geosim::rng {

Words philox(std::uint64_t seed, std::uint32_t index, std::uint32_t tick, std::uint32_t stream,
             std::uint32_t word3) {
  r123::Philox4x32 generator;
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed & 0xffffffffu), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type counter = {{index, tick, stream, word3}};
  const auto out = generator(counter, key);
  return {out[0], out[1], out[2], out[3]};
}

std::array<float, 4> normals4(const Words& w) {
  // The same inverse CDF as the vectorised citizen update (kernels.hpp).
  return {kernels::normal_from_word(w[0]), kernels::normal_from_word(w[1]), kernels::normal_from_word(w[2]),
          kernels::normal_from_word(w[3])};
}

double normal_quantile(double u) {
  // Acklam's rational approximations: a central one and one for each tail.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (!(u > 0.0)) return -std::numeric_limits<double>::infinity();
  if (!(u < 1.0)) return std::numeric_limits<double>::infinity();
  const auto tail = [&](double p) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  };
  if (u < kLow) return tail(u);
  if (u > 1.0 - kLow) return -tail(1.0 - u);
  const double q = u - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

int poisson(double lambda, double uniform) {
  if (!std::isfinite(lambda)) throw RuntimeFailure("a Poisson rate is not finite");
  if (!(lambda > 0.0)) return 0;
  if (lambda > kPoissonInversionMax) {
    // Normal approximation with continuity correction: the count is the
    // rounded lambda + sqrt(lambda) * z, z the normal quantile of the same
    // uniform, u = 0 read as 2^-54 (so |z| < 8.3 and counts stay monotone in
    // u), clamped to [0, max] before converting (no double -> int overflow).
    // Constant time for any rate.
    const double z = normal_quantile(std::max(uniform, 0x1p-54));
    const double k = std::floor(lambda + std::sqrt(lambda) * z + 0.5);
    if (!(k > 0.0)) return 0;
    return k >= static_cast<double>(kPoissonMaxCount) ? kPoissonMaxCount : static_cast<int>(k);
  }
  // Inversion: the smallest k with CDF(k) > u. Exact for the rates of
  // campaign counts; bounded by lambda + 40 sqrt(lambda) + 40 steps.
  if (lambda > 200.0) {
    // exp(-lambda) would underflow: evaluate each term in log space instead.
    const double log_lambda = std::log(lambda);
    double cumulative = 0.0;
    const int limit = static_cast<int>(lambda + 40.0 * std::sqrt(lambda) + 40.0);
    for (int k = 0; k < limit; ++k) {
      cumulative += std::exp(-lambda + k * log_lambda - std::lgamma(k + 1.0));
      if (uniform < cumulative) return k;
    }
    return limit;
  }
  double probability = std::exp(-lambda);
  double cumulative = probability;
  int k = 0;
  while (uniform >= cumulative && k < 10000) {
    ++k;
    probability *= lambda / k;
    cumulative += probability;
    if (probability == 0.0 && cumulative < uniform) break;  // rounding: u beyond the representable tail
  }
  return k;
}

}  // namespace geosim::rng
