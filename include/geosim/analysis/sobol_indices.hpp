#pragma once
// First-order and total Sobol indices from the outputs of a Saltelli sample
// (the `saltelli` sweep design, docs/sweeps.md), with bootstrap intervals.
//
// Estimators (Saltelli et al. 2010, Table 2, as SALib's sobol.analyze without
// second-order terms), over the N base points j:
//   m, V   = mean and variance of f(A) and f(B) together (the 2N values; divisor 2N)
//   S_i    = mean_j (f(B)_j - m) (f(AB_i)_j - f(A)_j) / V  (Saltelli 2010)
//   ST_i   = mean_j (f(A)_j - f(AB_i)_j)^2 / (2 V)         (Jansen 1999)
// f(B) is centred on m: the same estimate in expectation (f(AB_i) - f(A) has
// mean 0), but without a variance that grows with m^2 / V, which made S_i
// useless for outputs far from 0 (an alignment of 0.5 that varies by 0.01).
// SALib does not centre; OpenTURNS does.
// Intervals: the percentile bootstrap over base points (each resample draws
// N base points with replacement and recomputes V, S and ST).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace geosim::analysis {

/// An estimate and its bootstrap interval [lo, hi].
struct Interval {
  double estimate = 0.0;
  double lo = 0.0;
  double hi = 0.0;
};

struct BootstrapSettings {
  int resamples = 1000;      // 0: no intervals (lo = hi = estimate)
  double confidence = 0.95;  // the interval's coverage, in (0, 1)
  std::uint64_t seed = 0;    // the resamples' random numbers (Philox: the same on every platform)
};

struct SobolIndices {
  std::vector<Interval> first;   // S_i, by parameter
  std::vector<Interval> total;   // ST_i, by parameter
  double variance = 0.0;         // V; 0 for a constant output (the indices are then NaN)
  std::int64_t base_points = 0;  // base points used
  std::int64_t left_out = 0;     // base points left out: one of their k + 2 outputs was not finite
};

/// The indices of `k` parameters from outputs in the Saltelli design's order:
/// N blocks of k + 2 values (f(A_j), f(AB_1,j) .. f(AB_k,j), f(B_j)). A block
/// with a non-finite value (a failed run) is left out and counted. Throws
/// std::invalid_argument if y.size() is not a multiple of k + 2 or k == 0.
SobolIndices sobol_indices(std::span<const double> y, std::size_t k, const BootstrapSettings& bootstrap = {});

/// The percentile interval of `values` (sorted in place): the (1 - c) / 2 and
/// (1 + c) / 2 quantiles, interpolated linearly between order statistics.
Interval percentile_interval(double estimate, std::vector<double>& values, double confidence);

/// Base point `i` of bootstrap resample `b`: uniform in 0 .. n - 1.
std::size_t bootstrap_draw(std::uint64_t seed, int b, std::size_t i, std::size_t n);

}  // namespace geosim::analysis
