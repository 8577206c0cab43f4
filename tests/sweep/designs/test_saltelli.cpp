// The Saltelli design (engine/sweep/designs/saltelli.cpp): the A, AB_i, B
// structure per base point, balanced strata for a power-of-two N, the seed's
// digital shift, and base points that do not depend on N.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// A Saltelli sweep of three unit-range parameters of the minimal scenario.
Sweep saltelli(int samples, int seed) {
  const std::string text = "base: " + (kData / "minimal.yaml").string() +
                           "\nparameters:\n"
                           "  targets.KGZ.responsiveness: {range: [0, 1]}\n"
                           "  targets.KAZ.opinion_sensitivity: {range: [0, 1]}\n"
                           "  campaigns.threshold: {range: [0, 1]}\n"
                           "design: saltelli\nsamples: " +
                           std::to_string(samples) + "\nseed: " + std::to_string(seed) + "\n";
  const std::string name = "saltelli_" + std::to_string(samples) + "_" + std::to_string(seed) + ".yaml";
  return Sweep(load_sweep_spec(testing::write_temp("saltelli", name, text)));
}

/// The points' values as numbers: [point][parameter].
std::vector<std::vector<double>> values(const Sweep& s) {
  std::vector<std::vector<double>> out;
  for (std::int64_t p = 0; p < s.points(); ++p) {
    std::vector<double> row;
    for (const auto& v : s.plan(p).values) row.push_back(std::stod(v));
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("saltelli: each base point is A, then AB_i (A with parameter i from B), then B") {
  const int n = 8;
  const std::size_t k = 3;
  const Sweep s = saltelli(n, 7);
  REQUIRE(s.points() == n * static_cast<std::int64_t>(k + 2));
  const auto v = values(s);
  for (int b = 0; b < n; ++b) {
    const auto& a = v[static_cast<std::size_t>(b) * (k + 2)];
    const auto& bb = v[static_cast<std::size_t>(b) * (k + 2) + k + 1];
    for (std::size_t j = 0; j < k; ++j) CHECK(a[j] != bb[j]);  // A and B differ in every coordinate
    for (std::size_t i = 0; i < k; ++i) {
      const auto& ab = v[static_cast<std::size_t>(b) * (k + 2) + 1 + i];
      for (std::size_t j = 0; j < k; ++j) CHECK(ab[j] == (j == i ? bb[j] : a[j]));
    }
  }
}

TEST_CASE("saltelli: with N a power of two, A and B put one point in each of N strata of every parameter") {
  const int n = 16;
  const std::size_t k = 3;
  const auto v = values(saltelli(n, 3));
  for (std::size_t offset : {std::size_t{0}, k + 1}) {  // A, then B
    for (std::size_t j = 0; j < k; ++j) {
      std::vector<int> strata(n, 0);
      for (int b = 0; b < n; ++b)
        ++strata[static_cast<std::size_t>(
            std::floor(v[static_cast<std::size_t>(b) * (k + 2) + offset][j] * n))];
      CHECK(std::all_of(strata.begin(), strata.end(), [](int c) { return c == 1; }));
    }
  }
}

TEST_CASE("saltelli: the seed shifts the sequence, a larger N keeps the first N base points") {
  const auto eight = values(saltelli(8, 7));
  const auto again = values(saltelli(8, 7));
  const auto sixteen = values(saltelli(16, 7));
  const auto other_seed = values(saltelli(8, 8));
  CHECK(eight == again);
  CHECK(std::equal(eight.begin(), eight.end(), sixteen.begin()));
  CHECK(eight != other_seed);
  // No base point at the origin (there A and B would be the same point).
  CHECK(eight[0] != eight[4]);
}
