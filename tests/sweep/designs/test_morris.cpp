// The Morris design (engine/sweep/designs/morris.cpp): trajectories of k + 1
// points on the p-level grid, each step moving one parameter by delta.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// A Morris sweep of three unit-range parameters (value = unit coordinate).
Sweep morris(int trajectories, const std::string& extra) {
  const std::string text = "base: " + (kData / "minimal.yaml").string() +
                           "\nparameters:\n"
                           "  targets.KGZ.responsiveness: {range: [0, 1]}\n"
                           "  targets.KAZ.opinion_sensitivity: {range: [0, 1]}\n"
                           "  campaigns.threshold: {range: [0, 1]}\n"
                           "design: morris\ntrajectories: " +
                           std::to_string(trajectories) + "\nseed: 5\n" + extra;
  return Sweep(load_sweep_spec(testing::write_temp("morris", "m.yaml", text)));
}

std::vector<double> row(const Sweep& s, std::int64_t point) {
  std::vector<double> out;
  for (const auto& v : s.plan(point).values) out.push_back(std::stod(v));
  return out;
}

}  // namespace

TEST_CASE("morris: each trajectory moves every parameter once, by delta, on the grid of p levels") {
  const int r = 200;
  const std::size_t k = 3;
  const Sweep s = morris(r, "");
  REQUIRE(s.points() == r * static_cast<std::int64_t>(k + 1));
  const double delta = 4.0 / (2.0 * 3.0);  // p = 4 (the default)
  std::vector<int> visits(4, 0);
  for (int t = 0; t < r; ++t) {
    std::vector<int> moved(k, 0);
    std::vector<double> previous = row(s, t * static_cast<std::int64_t>(k + 1));
    for (std::size_t m = 0; m <= k; ++m) {
      const std::vector<double> x =
          row(s, t * static_cast<std::int64_t>(k + 1) + static_cast<std::int64_t>(m));
      for (double u : x) {
        const double level = u * 3.0;
        CHECK(std::abs(level - std::round(level)) < 1e-12);  // on the grid {0, 1/3, 2/3, 1}
        ++visits[static_cast<std::size_t>(std::lround(level))];
      }
      if (m == 0) continue;
      int changed = 0;
      for (std::size_t j = 0; j < k; ++j)
        if (x[j] != previous[j]) {
          ++changed, ++moved[j];
          CHECK(std::abs(std::abs(x[j] - previous[j]) - delta) < 1e-12);
        }
      CHECK(changed == 1);
      previous = x;
    }
    CHECK(moved == std::vector<int>(k, 1));
  }
  // Every level is visited equally often in expectation: 2400 values, 600 per level.
  for (int v : visits) CHECK(std::abs(v - 600) < 90);
}

TEST_CASE("morris: p levels set the step, an odd p is refused, the seed fixes the trajectories") {
  const Sweep six = morris(20, "morris_levels: 6\n");
  const std::vector<double> a = row(six, 0), b = row(six, 1);
  double moved = 0;
  for (std::size_t j = 0; j < a.size(); ++j) moved += std::abs(a[j] - b[j]);
  CHECK(std::abs(moved - 0.6) < 1e-12);  // delta = 6 / (2 * 5)
  CHECK(row(morris(20, "morris_levels: 6\n"), 7) == row(six, 7));
  const std::string what = testing::thrown<RangeError>([] { morris(4, "morris_levels: 5\n"); });
  CHECK(what.find("morris_levels: expected an even number of levels") != std::string::npos);
}
