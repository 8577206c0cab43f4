// Sobol indices (analysis/sobol_indices.hpp) on functions whose indices are
// known in closed form, sampled by the engine's own `saltelli` design.
#include "geosim/analysis/sobol_indices.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"

using namespace geosim;
using namespace geosim::analysis;

namespace {

/// f at every point of a `saltelli` design of k unit parameters, N base points.
std::vector<double> saltelli_outputs(std::size_t k, std::int64_t n,
                                     const std::function<double(const std::vector<double>&)>& f) {
  const auto points = testing::unit_design("saltelli", k, 2024, {{"samples", static_cast<double>(n)}});
  std::vector<double> y, x(k);
  for (std::int64_t p = 0; p < points->count(); ++p) {
    for (std::size_t i = 0; i < k; ++i) x[i] = std::stod(points->value(p, i));
    y.push_back(f(x));
  }
  return y;
}

double ishigami(const std::vector<double>& u) {
  constexpr double a = 7.0, b = 0.1, pi = std::numbers::pi;
  const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

}  // namespace

TEST_CASE(
    "sobol_indices: Ishigami (a = 7, b = 0.1) within 0.02 of the analytic indices, inside the intervals") {
  // Analytic: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
  // V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50), V3 = 0.
  constexpr double a = 7.0, b = 0.1,
                   pi4 = std::numbers::pi * std::numbers::pi * std::numbers::pi * std::numbers::pi;
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi4 * pi4 / 18 + 0.5;
  const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5), v2 = a * a / 8,
               v13 = b * b * pi4 * pi4 * (1.0 / 18 - 1.0 / 50);
  const std::vector<double> first{v1 / v, v2 / v, 0.0}, total{(v1 + v13) / v, v2 / v, v13 / v};

  const SobolIndices s = sobol_indices(saltelli_outputs(3, 8192, ishigami), 3, {.resamples = 300, .seed = 9});
  CHECK(s.base_points == 8192);
  CHECK(s.left_out == 0);
  CHECK(s.variance == doctest::Approx(v).epsilon(0.03));
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(std::abs(s.first[i].estimate - first[i]) < 0.02);
    CHECK(std::abs(s.total[i].estimate - total[i]) < 0.02);
    CHECK(s.first[i].lo <= first[i]);
    CHECK(first[i] <= s.first[i].hi);
    CHECK(s.total[i].lo <= total[i]);
    CHECK(total[i] <= s.total[i].hi);
    CHECK(s.first[i].hi - s.first[i].lo < 0.1);
  }
}

TEST_CASE("sobol_indices: the Sobol G function (a = 0, 1, 4.5, 9, 99, 99) within 0.02 of its indices") {
  const std::vector<double> coef{0, 1, 4.5, 9, 99, 99};
  const auto g = [&](const std::vector<double>& u) {
    double prod = 1.0;
    for (std::size_t i = 0; i < coef.size(); ++i) prod *= (std::abs(4 * u[i] - 2) + coef[i]) / (1 + coef[i]);
    return prod;
  };
  // V_i = 1 / (3 (1 + a_i)^2); V = prod (1 + V_i) - 1; ST_i = V_i prod_{j != i} (1 + V_j) / V.
  std::vector<double> vi;
  double all = 1.0;
  for (double c : coef) vi.push_back(1.0 / (3.0 * (1 + c) * (1 + c))), all *= 1 + vi.back();
  const double v = all - 1.0;
  const SobolIndices s = sobol_indices(saltelli_outputs(6, 8192, g), 6, {.resamples = 200, .seed = 3});
  for (std::size_t i = 0; i < coef.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(s.first[i].estimate - vi[i] / v) < 0.02);
    CHECK(std::abs(s.total[i].estimate - vi[i] * all / (1 + vi[i]) / v) < 0.02);
  }
  // The ranking: x0 first, x4 and x5 last (the order people read the indices for).
  CHECK(s.total[0].estimate > s.total[1].estimate);
  CHECK(s.total[1].estimate > s.total[2].estimate);
  CHECK(s.total[4].estimate < 0.01);
}

TEST_CASE("sobol_indices: blocks with a non-finite output are left out and counted, bad shapes refused") {
  std::vector<double> y = saltelli_outputs(3, 64, ishigami);
  const SobolIndices all = sobol_indices(y, 3, {.resamples = 0});
  y[5 * 7 + 2] = std::numeric_limits<double>::quiet_NaN();  // block 7, AB_2 (a failed run)
  y[5 * 9] = std::numeric_limits<double>::infinity();
  const SobolIndices some = sobol_indices(y, 3, {.resamples = 0});
  CHECK(some.base_points == 62);
  CHECK(some.left_out == 2);
  CHECK(std::isfinite(some.first[0].estimate));
  CHECK(some.first[0].estimate != all.first[0].estimate);
  // Without resamples the interval is the estimate.
  CHECK(all.first[1].lo == all.first[1].estimate);
  // A constant output has no indices.
  const SobolIndices flat = sobol_indices(std::vector<double>(50, 2.0), 3, {.resamples = 10});
  CHECK(flat.variance == 0.0);
  CHECK(std::isnan(flat.first[0].estimate));
  CHECK_THROWS_AS(sobol_indices(std::vector<double>(7, 1.0), 3), std::invalid_argument);
  CHECK_THROWS_AS(sobol_indices(std::vector<double>(5, 1.0), 3, {.confidence = 1.0}), std::invalid_argument);
}
