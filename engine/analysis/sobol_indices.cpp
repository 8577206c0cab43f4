// Sobol indices from a Saltelli sample (analysis/sobol_indices.hpp).
#include "geosim/analysis/sobol_indices.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "geosim/core/rng.hpp"

namespace geosim::analysis {

namespace {

constexpr std::uint32_t kBootstrapSalt = 0x424F4F54U;  // "BOOT"

/// S_i and ST_i (and V) of the blocks listed in `use` (indices of complete blocks).
struct Estimate {
  std::vector<double> first, total;
  double variance = 0.0;
};

Estimate estimate(std::span<const double> y, std::size_t k, const std::vector<std::size_t>& use) {
  const std::size_t width = k + 2;
  const auto n = static_cast<double>(use.size());
  Estimate e;
  double mean = 0.0;
  for (std::size_t j : use) mean += y[j * width] + y[j * width + k + 1];
  mean /= 2.0 * n;
  double ss = 0.0;
  for (std::size_t j : use) {
    const double a = y[j * width] - mean, b = y[j * width + k + 1] - mean;
    ss += a * a + b * b;
  }
  e.variance = ss / (2.0 * n);
  e.first.assign(k, 0.0);
  e.total.assign(k, 0.0);
  for (std::size_t j : use) {
    const double fa = y[j * width], fb = y[j * width + k + 1] - mean;  // centred: see the header
    for (std::size_t i = 0; i < k; ++i) {
      const double fab = y[j * width + 1 + i];
      e.first[i] += fb * (fab - fa);
      e.total[i] += (fa - fab) * (fa - fab);
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < k; ++i) {
    e.first[i] = e.variance > 0.0 ? e.first[i] / n / e.variance : nan;
    e.total[i] = e.variance > 0.0 ? e.total[i] / n / (2.0 * e.variance) : nan;
  }
  return e;
}

}  // namespace

std::size_t bootstrap_draw(std::uint64_t seed, int b, std::size_t i, std::size_t n) {
  const auto w =
      rng::philox(seed, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(b), rng::other,
                  kBootstrapSalt ^ static_cast<std::uint32_t>(static_cast<std::uint64_t>(i) >> 32));
  return std::min(n - 1, static_cast<std::size_t>(rng::uniform_double(w[0], w[1]) * static_cast<double>(n)));
}

Interval percentile_interval(double estimate, std::vector<double>& values, double confidence) {
  if (values.empty()) return {estimate, estimate, estimate};
  std::sort(values.begin(), values.end());
  const auto quantile = [&](double q) {
    const double h = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  return {estimate, quantile((1.0 - confidence) / 2.0), quantile((1.0 + confidence) / 2.0)};
}

SobolIndices sobol_indices(std::span<const double> y, std::size_t k, const BootstrapSettings& bootstrap) {
  if (k == 0 || y.size() % (k + 2) != 0)
    throw std::invalid_argument("sobol_indices: expected blocks of k + 2 outputs (k >= 1), got " +
                                std::to_string(y.size()) + " values for k = " + std::to_string(k));
  if (!(bootstrap.confidence > 0.0 && bootstrap.confidence < 1.0) || bootstrap.resamples < 0)
    throw std::invalid_argument("sobol_indices: confidence must be in (0, 1) and resamples >= 0");
  const std::size_t width = k + 2, blocks = y.size() / width;
  std::vector<std::size_t> use;
  for (std::size_t j = 0; j < blocks; ++j) {
    const auto block = y.subspan(j * width, width);
    if (std::all_of(block.begin(), block.end(), [](double v) { return std::isfinite(v); })) use.push_back(j);
  }
  SobolIndices out;
  out.base_points = static_cast<std::int64_t>(use.size());
  out.left_out = static_cast<std::int64_t>(blocks - use.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (use.empty()) {
    out.variance = nan;
    out.first.assign(k, {nan, nan, nan});
    out.total.assign(k, {nan, nan, nan});
    return out;
  }
  const Estimate point = estimate(y, k, use);
  out.variance = point.variance;

  // Bootstrap: resample the complete blocks with replacement.
  std::vector<std::vector<double>> first(k), total(k);
  std::vector<std::size_t> drawn(use.size());
  for (int b = 0; b < bootstrap.resamples; ++b) {
    for (std::size_t i = 0; i < use.size(); ++i)
      drawn[i] = use[bootstrap_draw(bootstrap.seed, b, i, use.size())];
    const Estimate e = estimate(y, k, drawn);
    if (!(e.variance > 0.0)) continue;  // a resample of equal outputs says nothing about the spread
    for (std::size_t i = 0; i < k; ++i) {
      first[i].push_back(e.first[i]);
      total[i].push_back(e.total[i]);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    out.first.push_back(point.variance > 0.0
                            ? percentile_interval(point.first[i], first[i], bootstrap.confidence)
                            : Interval{nan, nan, nan});
    out.total.push_back(point.variance > 0.0
                            ? percentile_interval(point.total[i], total[i], bootstrap.confidence)
                            : Interval{nan, nan, nan});
  }
  return out;
}

}  // namespace geosim::analysis
