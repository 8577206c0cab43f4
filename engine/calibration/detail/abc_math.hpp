#pragma once
// Internal to the calibration: the numerics both ABC samplers share
// (abc.cpp: adaptive population Monte Carlo; abc_smc.cpp: resample-move SMC).
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "geosim/core/rng.hpp"

namespace geosim::calibration::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

/// log of the standard logistic density: the prior of one z coordinate.
inline double log_logistic_density(double z) {
  const double a = -std::abs(z);
  return a - 2.0 * std::log1p(std::exp(a));
}

/// A uniform in (0, 1) (never 0 or 1) from two words.
inline double open_uniform(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11)) & ((1ULL << 53) - 1);
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

/// Uniform `n` of particle `index` in generation `generation`: two per Philox block.
inline double draw(std::uint64_t seed, int generation, std::int64_t index, int n) {
  const std::uint64_t key = seed ^ 0x6162632D736D6321ULL;  // "abc-smc!"
  const auto w = rng::philox(key, static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(generation),
                             rng::other, static_cast<std::uint32_t>(n / 2) ^ 0x80000000U);
  return n % 2 == 0 ? open_uniform(w[0], w[1]) : open_uniform(w[2], w[3]);
}

inline double clean(double d) { return std::isnan(d) ? kInf : d; }

inline std::vector<double> normalised(const std::vector<double>& w) {
  double total = 0.0;
  for (double x : w) total += x;
  std::vector<double> out(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) out[i] = w[i] / total;
  return out;
}

inline Eigen::MatrixXd units_of(const Eigen::MatrixXd& z) {
  return z.unaryExpr([](double v) { return logistic(v); });
}

/// The lower Cholesky factor of `cov`, regularised if it is not positive
/// definite (a parameter the data pinned to one value).
inline Eigen::MatrixXd cholesky(Eigen::MatrixXd cov) {
  const auto n = cov.rows();
  double jitter = 1e-12 * std::max(1.0, cov.trace() / static_cast<double>(std::max<Eigen::Index>(n, 1)));
  for (int attempt = 0; attempt < 20; ++attempt) {
    Eigen::LLT<Eigen::MatrixXd> llt(cov);
    if (llt.info() == Eigen::Success) return llt.matrixL();
    cov += jitter * Eigen::MatrixXd::Identity(n, n);
    jitter *= 10.0;
  }
  throw std::runtime_error("the kernel covariance of the kept particles is not positive definite");
}

}  // namespace geosim::calibration::detail
