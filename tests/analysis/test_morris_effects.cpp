// Morris elementary effects (analysis/morris_effects.hpp) on functions whose
// effects are known exactly, sampled by the engine's own `morris` design.
#include "geosim/analysis/morris_effects.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"

using namespace geosim;
using namespace geosim::analysis;

namespace {

struct Sample {
  std::vector<double> units, y;
};

/// f at every point of a `morris` design of k unit parameters (p = 4).
Sample morris_sample(std::size_t k, std::int64_t r,
                     const std::function<double(const std::vector<double>&)>& f) {
  const auto points = testing::unit_design(
      "morris", k, 11, {{"trajectories", static_cast<double>(r)}, {"morris_levels", 4.0}});
  Sample s;
  std::vector<double> x(k);
  for (std::int64_t p = 0; p < points->count(); ++p) {
    for (std::size_t i = 0; i < k; ++i) x[i] = std::stod(points->value(p, i));
    s.units.insert(s.units.end(), x.begin(), x.end());
    s.y.push_back(f(x));
  }
  return s;
}

}  // namespace

TEST_CASE("morris_effects: a linear function's effects are its coefficients, with no spread") {
  const std::vector<double> c{3.0, -2.0, 0.0, 0.5};
  const Sample s = morris_sample(4, 30, [&](const std::vector<double>& x) {
    return 1.0 + c[0] * x[0] + c[1] * x[1] + c[2] * x[2] + c[3] * x[3];
  });
  const MorrisEffects e = morris_effects(s.units, s.y, 4, {.resamples = 100});
  CHECK(e.trajectories == 30);
  for (std::size_t i = 0; i < c.size(); ++i) {
    CAPTURE(i);
    CHECK(e.mu[i] == doctest::Approx(c[i]).epsilon(1e-9));
    CHECK(e.mu_star[i].estimate == doctest::Approx(std::abs(c[i])).epsilon(1e-9));
    CHECK(e.sigma[i] < 1e-9);
    CHECK(e.mu_star[i].lo == doctest::Approx(std::abs(c[i])).epsilon(1e-9));
  }
}

TEST_CASE("morris_effects: additive and interacting terms, known exactly on the p = 4 grid") {
  // x0^2: a step of 2/3 up from 0 gives 2/3, from 1/3 gives 4/3 (down: the same
  // pairs), so mu = mu* lies in [2/3, 4/3] and sigma > 0. x1 x2: the effect of
  // x1 is x2's value at the time, in [0, 1], never negative: mu = mu*.
  const Sample s =
      morris_sample(3, 200, [](const std::vector<double>& x) { return x[0] * x[0] + x[1] * x[2]; });
  const MorrisEffects e = morris_effects(s.units, s.y, 3, {.resamples = 200});
  CHECK(e.mu[0] == doctest::Approx(e.mu_star[0].estimate));
  CHECK(e.mu[0] > 2.0 / 3.0 - 1e-12);
  CHECK(e.mu[0] < 4.0 / 3.0 + 1e-12);
  CHECK(e.mu[0] == doctest::Approx(1.0).epsilon(0.1));  // base levels 0 and 1 equally likely
  CHECK(e.sigma[0] == doctest::Approx(std::sqrt(1.0 / 9.0)).epsilon(0.1));  // +-1/3 around 1
  CHECK(e.mu[1] == doctest::Approx(0.5).epsilon(0.15));
  CHECK(e.mu[1] == doctest::Approx(e.mu_star[1].estimate));  // the mean of x2 over the grid
  CHECK(e.sigma[1] > 0.2);
  CHECK(e.mu_star[0].lo < e.mu_star[0].estimate);
  CHECK(e.mu_star[0].estimate < e.mu_star[0].hi);
}

TEST_CASE("morris_effects: failed runs leave their trajectory out, a non-Morris design is refused") {
  Sample s = morris_sample(2, 10, [](const std::vector<double>& x) { return x[0] + 2 * x[1]; });
  s.y[4] = std::numeric_limits<double>::quiet_NaN();  // trajectory 1 (points 3..5)
  const MorrisEffects e = morris_effects(s.units, s.y, 2, {.resamples = 0});
  CHECK(e.trajectories == 9);
  CHECK(e.left_out == 1);
  CHECK(e.mu[1] == doctest::Approx(2.0));
  Sample twice = s;
  twice.units[2 * 1 + 0] += 0.1;  // point 1 moves both coordinates
  CHECK_THROWS_AS(morris_effects(twice.units, twice.y, 2), std::invalid_argument);
  CHECK_THROWS_AS(morris_effects(s.units, std::span<const double>(s.y).first(7), 2), std::invalid_argument);
}
