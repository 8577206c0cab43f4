#include "geosim/core/rng.hpp"

#include <Random123/philox.h>

#include <cmath>

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

int poisson(double lambda, double uniform) {
  // Inversion: the smallest k with CDF(k) > u. Exact for the small rates of
  // campaign counts; a cap guards against runaway loops at extreme rates.
  if (!(lambda > 0.0)) return 0;
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
