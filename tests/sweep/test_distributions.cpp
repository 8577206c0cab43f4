// Parameter distributions of sampling designs (ParameterSpec::at_unit and
// the sweep file's distribution, mean, sd, mode and weights keys). Reference
// quantiles from scipy.stats (truncnorm.ppf, triang.ppf), computed once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"
#include "support/thrown.hpp"

using namespace geosim;
using geosim::testing::sweep_of;
using geosim::testing::thrown;

namespace {

ParameterSpec range(double lo, double hi) {
  ParameterSpec p;
  p.path = "x";
  p.lo = lo;
  p.hi = hi;
  return p;
}

double at(const ParameterSpec& p, double u) { return std::stod(p.at_unit(u)); }

}  // namespace

TEST_CASE("distributions: truncated normal and triangular quantiles equal scipy's") {
  ParameterSpec normal = range(-1.0, 2.0);
  normal.distribution = ParameterSpec::Distribution::normal;
  normal.mean = 0.0;
  normal.sd = 1.0;
  CHECK(at(normal, 0.1) == doctest::Approx(-0.7046478210947453).epsilon(1e-12));
  CHECK(at(normal, 0.5) == doctest::Approx(0.17116391801782455).epsilon(1e-12));
  CHECK(at(normal, 0.9) == doctest::Approx(1.2557153641502148).epsilon(1e-12));
  CHECK(at(normal, 0.0) == -1.0);
  CHECK(at(normal, 1.0) == 2.0);
  ParameterSpec narrow = range(0.0, 0.5);
  narrow.distribution = ParameterSpec::Distribution::normal;
  narrow.mean = 0.2;
  narrow.sd = 0.05;
  CHECK(at(narrow, 0.3) == doctest::Approx(0.17378316241084696).epsilon(1e-12));

  ParameterSpec tri = range(-0.5, 0.2);
  tri.distribution = ParameterSpec::Distribution::triangular;
  tri.mode = 0.2;  // at the upper end
  CHECK(at(tri, 0.1) == doctest::Approx(-0.27864056378821345).epsilon(1e-12));
  CHECK(at(tri, 0.5) == doctest::Approx(-0.00502525316941671).epsilon(1e-12));
  CHECK(at(tri, 0.9) == doctest::Approx(0.16407830863535955).epsilon(1e-12));
  tri.mode = -0.1;
  CHECK(at(tri, 4.0 / 7.0) == doctest::Approx(-0.1));  // F(mode) = (mode - lo) / (hi - lo)
}

TEST_CASE("distributions: weighted values take shares of the unit interval in proportion") {
  ParameterSpec p;
  p.values = {"month", "quarter", "year"};
  p.weights = {1.0, 2.0, 1.0};
  CHECK(p.at_unit(0.0) == "month");
  CHECK(p.at_unit(0.2499) == "month");
  CHECK(p.at_unit(0.25) == "quarter");
  CHECK(p.at_unit(0.7499) == "quarter");
  CHECK(p.at_unit(0.75) == "year");
  CHECK(p.at_unit(1.0) == "year");
}

TEST_CASE("distributions: from a sweep file, LHS strata follow the distribution") {
  const Sweep s = sweep_of("dist_lhs", R"(
parameters:
  targets.KGZ.responsiveness: {range: [0, 0.5], distribution: normal, mean: 0.2, sd: 0.05}
  powers.CHN.valence.economic: {range: [-0.5, 0.2], distribution: triangular, mode: -0.1}
  time.step: {values: [month, quarter], weights: [3, 1]}
design: lhs
samples: 400
)");
  int near_mean = 0, months = 0;
  for (std::int64_t r = 0; r < s.points(); ++r) {
    const RunPlan plan = s.plan(r);
    const double x = std::stod(plan.values[0]);
    near_mean += x > 0.2 - 0.05 && x < 0.2 + 0.05 ? 1 : 0;
    months += plan.values[2] == "month" ? 1 : 0;
  }
  // LHS: exactly the distribution's share of strata, up to one stratum at each edge.
  CHECK(near_mean >= 271);  // 68.27% of 400 is 273
  CHECK(near_mean <= 275);
  CHECK(months == 300);
}

TEST_CASE("distributions: inconsistent keys are refused where they are written") {
  const auto refused = [](const std::string& parameter) {
    try {
      sweep_of("dist_bad",
               "parameters:\n  targets.KGZ.responsiveness: " + parameter + "\ndesign: lhs\nsamples: 4\n");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refused("{range: [0, 0.5], distribution: normal, mean: 0.2}").find("needs 'sd'") !=
        std::string::npos);
  CHECK(refused("{range: [0, 0.5], distribution: triangular, mode: 0.7}").find("a mode within the range") !=
        std::string::npos);
  CHECK(refused("{range: [0.1, 0.5], scale: log, distribution: triangular, mode: 0.2}")
            .find("not with scale: log") != std::string::npos);
  CHECK(refused("{range: [0, 0.5], mode: 0.2}").find("'mode' applies to a triangular distribution") !=
        std::string::npos);
  CHECK(refused("{range: [0, 0.5], distribution: normal, mean: 5, sd: 0.1}")
            .find("almost none of the normal") != std::string::npos);
  CHECK(refused("{values: [0.1, 0.2], weights: [1]}").find("a list of 2 numbers") != std::string::npos);
  CHECK(refused("{values: [0.1, 0.2], weights: [0, 0]}").find("positive sum") != std::string::npos);
  CHECK(refused("{range: [0, 0.5], weights: [1, 2]}").find("'weights' apply to listed values") !=
        std::string::npos);
  const std::string grid = thrown<TypeError>([] {
    sweep_of("dist_grid",
             "parameters:\n  targets.KGZ.responsiveness: {values: [0.1, 0.2], weights: [1, 2]}\n");
  });
  CHECK(grid.find("a grid takes every level once") != std::string::npos);
}

TEST_CASE("distributions: each is described in words for results files") {
  ParameterSpec p = range(0.5, 2.0);
  CHECK(p.describe() == "uniform on [0.5, 2]");
  p.log = true;
  CHECK(p.describe() == "log-uniform on [0.5, 2]");
  p.log = false;
  p.distribution = ParameterSpec::Distribution::normal;
  p.mean = 1.0;
  p.sd = 0.25;
  CHECK(p.describe() == "normal (mean 1, sd 0.25) truncated to [0.5, 2]");
  p.distribution = ParameterSpec::Distribution::triangular;
  p.mode = 0.75;
  CHECK(p.describe() == "triangular on [0.5, 2], mode 0.75");
  ParameterSpec stepped = range(0.0, 2.0);
  stepped.step = 0.5;
  CHECK(stepped.describe() == "steps of 0.5 on [0, 2]");
  ParameterSpec listed;
  listed.values = {"month", "quarter"};
  CHECK(listed.describe() == "one of month, quarter");
  listed.weights = {1.0, 3.0};
  CHECK(listed.describe() == "one of month, quarter (weights 1, 3)");
}
