// The survey measurement model (model.md section 13): the tallied per-group
// attitude variance, and survey_favourable / survey_unfavourable as the
// normal mixture over groups (engine/model/stages/surveys.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "geosim/model/world.hpp"
#include "geosim/run/resources.hpp"
#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;

namespace {

double phi(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

/// Two powers, two targets of `citizens` each, two groups (30% / 70%) with
/// initial attitudes N(0.3, 0.2) and N(-0.2, 0.25) toward P0 (0.1, 0.3 and
/// -0.4, 0.15 toward P1). Frozen unless `moving`: susceptibility, anchoring,
/// peer weight and noise 0 make x_new = x.
Scenario two_groups(std::int64_t citizens, bool moving) {
  Scenario s = tiny_scenario(2, 2, 2, 6, citizens);
  s.groups[0].attitude_mean = {0.3, 0.1};
  s.groups[0].attitude_sd = {0.2, 0.3};
  s.groups[1].attitude_mean = {-0.2, -0.4};
  s.groups[1].attitude_sd = {0.25, 0.15};
  for (auto& t : s.targets) t.group_share = {0.3, 0.7};
  if (moving)
    for (auto& g : s.groups) {
      g.susceptibility = 0.2;
      g.peer_weight = 0.5;
      g.anchoring = 0.05;
      g.noise = 0.1;
    }
  s.surveys.push_back(
      {.name = "poll", .doc = "", .favourable_above = 0.1, .unfavourable_below = -0.2, .response_sd = 0.15});
  return s;
}

/// The mixture of model.md section 13 from the state's own group means and variances.
double mixture(const World& w, int p, int t, double cut, double sd, bool favourable) {
  const Scenario& s = w.scenario();
  const Population& pop = w.population();
  double share = 0;
  for (int g = 0; g < s.num_groups(); ++g) {
    const double weight = static_cast<double>(pop.group_begin(t, g + 1) - pop.group_begin(t, g)) /
                          static_cast<double>(pop.target_size(t));
    const double m = w.state().group_mean[g](p, t), v = w.state().group_variance[g](p, t);
    const double z = (favourable ? m - cut : cut - m) / std::sqrt(v + sd * sd);
    share += weight * phi(z);
  }
  return share;
}

bool same_bits(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

}  // namespace

TEST_CASE("surveys: group variances and survey shares are identical at 1 and 2 threads") {
  // Above Population::kParallelThreshold, so the update really runs on two threads.
  const Scenario s = two_groups(40000, true);
  set_thread_count(1);
  World one(s, 11);
  for (int k = 0; k < 4; ++k) one.step();
  set_thread_count(2);
  World two(s, 11);
  for (int k = 0; k < 4; ++k) two.step();
  set_thread_count(0);
  for (int g = 0; g < 2; ++g) CHECK(same_bits(one.state().group_variance[g], two.state().group_variance[g]));
  CHECK(same_bits(one.state().survey_favourable[0], two.state().survey_favourable[0]));
  CHECK(same_bits(one.state().survey_unfavourable[0], two.state().survey_unfavourable[0]));
}

TEST_CASE("surveys: with frozen attitudes the shares are the normal mixture over groups") {
  const Scenario s = two_groups(20000, false);
  World w(s, 5);
  for (int k = 0; k < 3; ++k) w.step();
  const SurveySpec& poll = s.surveys[0];
  const double mu[2][2] = {{0.3, 0.1}, {-0.2, -0.4}},
               sd[2][2] = {{0.2, 0.3}, {0.25, 0.15}};  // [group][power]
  double worst = 0;
  for (int t = 0; t < 2; ++t)
    for (int p = 0; p < 2; ++p) {
      CAPTURE(t);
      CAPTURE(p);
      const double favourable = w.state().survey_favourable[0](p, t);
      const double unfavourable = w.state().survey_unfavourable[0](p, t);
      // Exact: the same mixture from the recorded group means and variances.
      CHECK(favourable ==
            doctest::Approx(mixture(w, p, t, poll.favourable_above, poll.response_sd, true)).epsilon(1e-14));
      CHECK(
          unfavourable ==
          doctest::Approx(mixture(w, p, t, poll.unfavourable_below, poll.response_sd, false)).epsilon(1e-14));
      // Within sampling error of the population's mixture (clipping at +-1 is negligible here).
      double f = 0, u = 0;
      for (int g = 0; g < 2; ++g) {
        const double w_g = g == 0 ? 0.3 : 0.7, spread = std::sqrt(sd[g][p] * sd[g][p] + 0.15 * 0.15);
        f += w_g * phi((mu[g][p] - poll.favourable_above) / spread);
        u += w_g * phi((poll.unfavourable_below - mu[g][p]) / spread);
      }
      CHECK(std::fabs(favourable - f) < 0.01);
      CHECK(std::fabs(unfavourable - u) < 0.01);
      worst = std::max({worst, std::fabs(favourable - f), std::fabs(unfavourable - u)});
    }
  MESSAGE("largest |share - population mixture| with 20,000 citizens: ", worst);
}

TEST_CASE("surveys: without response noise one normal group's shares are close to the counted shares") {
  Scenario s = tiny_scenario(1, 1, 1, 2, 20000);
  s.groups[0].attitude_mean = {0.1};
  s.groups[0].attitude_sd = {0.3};
  s.negative_threshold = 0.2;
  s.surveys.push_back(
      {.name = "exact", .doc = "", .favourable_above = 0.2, .unfavourable_below = -0.2, .response_sd = 0.0});
  World w(s, 3);
  w.step();
  const double counted_f = w.state().positive_share(0, 0), counted_u = w.state().negative_share(0, 0);
  const double f = w.state().survey_favourable[0](0, 0), u = w.state().survey_unfavourable[0](0, 0);
  // The normal approximation and the count estimate the same probability;
  // allow three binomial standard deviations.
  CHECK(std::fabs(f - counted_f) < 3 * std::sqrt(counted_f * (1 - counted_f) / 20000));
  CHECK(std::fabs(u - counted_u) < 3 * std::sqrt(counted_u * (1 - counted_u) / 20000));
  MESSAGE("favourable ", f, " (counted ", counted_f, "), unfavourable ", u, " (counted ", counted_u, ")");
}

TEST_CASE("surveys: without spread the category is a step, and a target without citizens reads 0") {
  Scenario s = tiny_scenario(2, 2, 1, 2, 100);
  s.groups[0].attitude_mean = {0.5, -0.5};  // sd 0: every citizen exactly at the mean
  s.targets[1].citizens = 0;
  s.surveys.push_back(
      {.name = "step", .doc = "", .favourable_above = 0.5, .unfavourable_below = -0.25, .response_sd = 0.0});
  s.surveys.push_back(
      {.name = "low", .doc = "", .favourable_above = 0.25, .unfavourable_below = -0.5, .response_sd = 0.0});
  World w(s, 1);
  w.step();
  const WorldState& st = w.state();
  CHECK(st.group_variance[0](0, 0) == 0.0);
  CHECK(st.survey_favourable[0](0, 0) == 0.0);  // 0.5 is not above the cut 0.5
  CHECK(st.survey_favourable[1](0, 0) == 1.0);
  CHECK(st.survey_unfavourable[0](1, 0) == 1.0);
  CHECK(st.survey_unfavourable[1](1, 0) == 0.0);  // -0.5 is not below the cut -0.5
  CHECK(std::isnan(st.group_variance[0](0, 1)));
  for (int q = 0; q < 2; ++q)
    for (int p = 0; p < 2; ++p) {
      CHECK(st.survey_favourable[q](p, 1) == 0.0);
      CHECK(st.survey_unfavourable[q](p, 1) == 0.0);
    }
}
