// The per-group attitude variance (GroupTally::sum_sq, reduced to
// WorldState::group_variance): the variance of the agents' own attitudes,
// the same bits from both kernels and at any thread count.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "geosim/model/world.hpp"
#include "geosim/run/resources.hpp"
#include "model/detail/citizen_kernel.hpp"
#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;

namespace {

/// Two powers, two targets of `citizens` each, two groups (30% / 70%) whose
/// attitudes start N(0.3, 0.2), N(-0.2, 0.25) (P0) and N(0.1, 0.3),
/// N(-0.4, 0.15) (P1) and move (influence, peers, anchoring, noise).
Scenario moving_groups(std::int64_t citizens) {
  Scenario s = tiny_scenario(2, 2, 2, 6, citizens);
  s.groups[0].attitude_mean = {0.3, 0.1};
  s.groups[0].attitude_sd = {0.2, 0.3};
  s.groups[1].attitude_mean = {-0.2, -0.4};
  s.groups[1].attitude_sd = {0.25, 0.15};
  for (auto& t : s.targets) t.group_share = {0.3, 0.7};
  for (auto& g : s.groups) {
    g.susceptibility = 0.2;
    g.peer_weight = 0.5;
    g.anchoring = 0.05;
    g.noise = 0.1;
  }
  return s;
}

/// The population variance of group g's attitudes toward p in target t, two-pass in long double.
double agents_variance(const Population& pop, int t, int g, int p) {
  const auto x = pop.attitudes(t, p);
  const std::int64_t begin = pop.group_begin(t, g), end = pop.group_begin(t, g + 1);
  long double sum = 0;
  for (std::int64_t i = begin; i < end; ++i) sum += x[static_cast<std::size_t>(i)];
  const long double n = static_cast<long double>(end - begin), mean = sum / n;
  long double squares = 0;
  for (std::int64_t i = begin; i < end; ++i) {
    const long double d = x[static_cast<std::size_t>(i)] - mean;
    squares += d * d;
  }
  return static_cast<double>(squares / n);
}

/// Largest relative difference between the tallied and the agents' variances.
double worst_variance_error(const World& w) {
  const Scenario& s = w.scenario();
  double worst = 0;
  for (int t = 0; t < s.num_targets(); ++t)
    for (int g = 0; g < s.num_groups(); ++g)
      for (int p = 0; p < s.num_powers(); ++p) {
        const double exact = agents_variance(w.population(), t, g, p);
        worst = std::max(worst, std::fabs(w.state().group_variance[g](p, t) - exact) / exact);
      }
  return worst;
}

bool same_bits(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

}  // namespace

TEST_CASE("group variance: the tallied group variance is the variance of the agents' attitudes") {
  // World keeps a reference to its scenario: the scenario must outlive it.
  const Scenario scenario = moving_groups(20000);
  World w(scenario, 7);
  // Row 0 is tallied in double: agreement to rounding.
  const double initial = worst_variance_error(w);
  CHECK(initial < 1e-12);
  // A tick's tally sums float lanes of at most 64 citizens (like the sum of
  // the mean), so agreement is to float rounding, far below n / (n - 1) - 1.
  for (int k = 0; k < 3; ++k) w.step();
  const double moved = worst_variance_error(w);
  CHECK(moved < 2e-6);
  MESSAGE("largest relative error of the group variance: row 0 ", initial, ", row 3 ", moved);

  // The portable kernel gives the same bits as the AVX-512 one.
  kernels::force_portable_kernel(true);
  World portable(scenario, 7);
  for (int k = 0; k < 3; ++k) portable.step();
  kernels::force_portable_kernel(false);
  for (int g = 0; g < 2; ++g)
    CHECK(same_bits(portable.state().group_variance[g], w.state().group_variance[g]));
}

TEST_CASE("group variance: identical at 1 and 2 threads, NaN for an empty group") {
  // Above Population::kParallelThreshold, so the update really runs on two threads.
  const Scenario s = moving_groups(40000);
  set_thread_count(1);
  World one(s, 11);
  for (int k = 0; k < 4; ++k) one.step();
  set_thread_count(2);
  World two(s, 11);
  for (int k = 0; k < 4; ++k) two.step();
  set_thread_count(0);
  for (int g = 0; g < 2; ++g) CHECK(same_bits(one.state().group_variance[g], two.state().group_variance[g]));
  // A target without citizens of a group: NaN, like the group's mean.
  Scenario empty = moving_groups(100);
  empty.targets[1].group_share = {1.0, 0.0};
  World w(empty, 1);
  w.step();
  CHECK(std::isnan(w.state().group_variance[1](0, 1)));
  CHECK(std::isnan(w.state().group_mean[1](0, 1)));
  CHECK(w.state().group_variance[0](0, 1) >= 0.0);
}
