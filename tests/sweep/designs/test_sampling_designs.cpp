// The built-in sampling designs end to end through a sweep file: the grid's
// size and order, LHS and Sobol strata, log and integer ranges, the random
// design's reproducibility, and the design coordinates behind every value.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/sweep_files.hpp"

using namespace geosim;
using geosim::testing::sweep_of;
using geosim::testing::value;

TEST_CASE("grid: one point per combination, first parameter slowest, endpoints included") {
  const Sweep s = sweep_of("grid", R"(
set: {campaigns.duration: 3}
parameters:
  powers.CHN.budget.soft: {range: [0.5, 2.0], levels: 4}
  campaigns.duration: {range: [2, 6], step: 2}
  powers.RUS.policy: [value, contest]
replicates: 2
)");
  CHECK(s.points() == 4 * 3 * 2);
  CHECK(s.runs() == 48);
  const RunPlan first = s.plan(0), second_point = s.plan(2), last = s.plan(47);
  CHECK(first.values == std::vector<std::string>{"0.5", "2", "value"});
  CHECK(second_point.values == std::vector<std::string>{"0.5", "2", "contest"});
  CHECK(second_point.point == 1);
  CHECK(last.values == std::vector<std::string>{"2", "6", "contest"});
  CHECK(last.replicate == 1);
  CHECK(s.plan(1).values == first.values);  // replicates share the point
  // Design coordinates: level i of n is i / (n - 1).
  CHECK(first.units == std::vector<double>{0.0, 0.0, 0.0});
  CHECK(s.plan(10).units == std::vector<double>{0.0, 1.0, 1.0});
  CHECK(last.units == std::vector<double>{1.0, 1.0, 1.0});
  std::set<std::vector<std::string>> distinct;
  for (std::int64_t r = 0; r < s.runs(); r += 2) distinct.insert(s.plan(r).values);
  CHECK(distinct.size() == 24);
}

TEST_CASE("lhs: exactly one point in each of the n strata of every parameter") {
  const int n = 37;
  const char* design = R"(
set: {targets.KAZ.responsiveness: 0.1}
parameters:
  targets.KGZ.responsiveness: {range: [0, 1]}
  targets.KAZ.responsiveness: {range: [0, 1]}
design: lhs
samples: 37
seed: 99
)";
  const Sweep s = sweep_of("lhs", design);
  REQUIRE(s.points() == n);
  for (std::size_t j = 0; j < 2; ++j) {
    std::vector<int> hits(n, 0);
    for (std::int64_t p = 0; p < n; ++p) {
      const double u = value(s, p, j);
      REQUIRE(u >= 0.0);
      REQUIRE(u < 1.0);
      ++hits[static_cast<std::size_t>(std::floor(u * n))];
    }
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
  // The same seed gives the same design.
  const Sweep again = sweep_of("lhs2", design);
  CHECK(again.plan(5).values == s.plan(5).values);
}

TEST_CASE("sobol: 2^m points put one point in each 1/2^m interval, log and integer ranges respected") {
  const int n = 64;
  const Sweep s = sweep_of("sobol", R"(
set: {campaigns.duration: 3}
parameters:
  targets.KGZ.responsiveness: {range: [0, 1]}
  powers.CHN.budget.soft: {range: [0.01, 100], scale: log}
  campaigns.duration: {range: [1, 16], step: 1}
design: sobol
samples: 64
)");
  REQUIRE(s.points() == n);
  std::vector<int> lin(n, 0), logs(n, 0);
  std::map<int, int> durations;
  for (std::int64_t p = 0; p < n; ++p) {
    const double u = value(s, p, 0);
    ++lin[static_cast<std::size_t>(std::floor(u * n))];
    const double v = value(s, p, 1);
    CHECK(v >= 0.01);
    CHECK(v <= 100.0);
    const double w = (std::log10(v) + 2.0) / 4.0 * n;  // position on the log scale
    ++logs[static_cast<std::size_t>(std::floor(w + 1e-9))];
    const std::string d = s.plan(p).values[2];
    CHECK(d.find_first_not_of("0123456789") == std::string::npos);  // written as an integer
    ++durations[std::stoi(d)];
  }
  CHECK(std::all_of(lin.begin(), lin.end(), [](int h) { return h == 1; }));
  CHECK(std::all_of(logs.begin(), logs.end(), [](int h) { return h == 1; }));
  CHECK(durations.size() == 16);  // 1..16, each in 64/16 points
  for (const auto& [d, count] : durations) {
    CHECK(d >= 1);
    CHECK(d <= 16);
    CHECK(count == 4);
  }
}

TEST_CASE("random design: values inside the ranges, reproducible from the seed") {
  const std::string text = R"(
parameters:
  powers.CHN.budget.soft: {range: [0.2, 0.4]}
  powers.RUS.policy: {values: [value, contest, fixed]}
design: random
samples: 50
seed: 5
)";
  const Sweep a = sweep_of("random", text), b = sweep_of("random_again", text);
  for (std::int64_t p = 0; p < 50; ++p) {
    CHECK(value(a, p, 0) >= 0.2);
    CHECK(value(a, p, 0) <= 0.4);
    CHECK(a.plan(p).values == b.plan(p).values);
  }
}
