// Allocation policies of model.md section 3.
#include <doctest/doctest.h>

#include <numeric>

#include "support/tiny_scenario.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/model/world.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;

namespace {
std::vector<double> allocate_once(const Scenario& s, PolicyKind kind, int channel = economic) {
  World world(s, 1);
  std::vector<double> out(s.num_targets());
  const AllocationContext ctx{s, world.state(), 0, channel, 10.0};
  policy_for(kind).allocate(ctx, out);
  return out;
}
}  // namespace

TEST_CASE("fixed policy splits the budget by normalised weights") {
  Scenario s = tiny_scenario(1, 3);
  s.powers[0].fixed_weights = {{1, 0, 0}, {3, 0, 0}, {0, 0, 0}};
  const auto a = allocate_once(s, PolicyKind::fixed);
  CHECK(a[0] == doctest::Approx(2.5));
  CHECK(a[1] == doctest::Approx(7.5));
  CHECK(a[2] == 0.0);
}

TEST_CASE("value policy splits the budget by strategic value") {
  Scenario s = tiny_scenario(1, 2);
  s.powers[0].strategic_value = {4.0, 1.0};
  const auto a = allocate_once(s, PolicyKind::value);
  CHECK(a[0] == doctest::Approx(8.0));
  CHECK(a[1] == doctest::Approx(2.0));
}

TEST_CASE("contest policy sends more money where the share is contested") {
  Scenario s = tiny_scenario(2, 2);
  s.powers[0].temperature = 0.05;
  // Target 0: the rival dominates heavily (little to gain); target 1: an even contest.
  s.targets[0].initial_stock[0][economic] = 1.0;
  s.targets[0].initial_stock[1][economic] = 100.0;
  s.targets[1].initial_stock[0][economic] = 10.0;
  s.targets[1].initial_stock[1][economic] = 10.0;
  const auto a = allocate_once(s, PolicyKind::contest);
  CHECK(a[0] + a[1] == doctest::Approx(10.0));
  CHECK(a[1] > a[0]);
  CHECK(a[0] >= 0.0);
}

TEST_CASE("contest policy is defined at zero stock and splits evenly by symmetry") {
  Scenario s = tiny_scenario(2, 3);
  const auto a = allocate_once(s, PolicyKind::contest);
  for (double x : a) CHECK(x == doctest::Approx(10.0 / 3));
}

TEST_CASE("budgets grow by (1 + g) per tick") {
  Scenario s = tiny_scenario(1, 1, 1, 10);
  s.powers[0].budget = {2.0, 1.0, 0.5};
  s.powers[0].growth = 0.01;
  World world(s, 1);
  world.run();
  CHECK(world.state().budget(0, economic) == doctest::Approx(2.0 * std::pow(1.01, 10)));
  CHECK(world.state().budget(0, soft) == doctest::Approx(0.5 * std::pow(1.01, 10)));
}

TEST_CASE("events scale budgets, set stocks and change membership at their tick") {
  Scenario s = tiny_scenario(2, 2, 1, 6);
  s.powers[0].budget = {1.0, 1.0, 1.0};
  s.institutions.push_back({"SCO", {1}, {}, {1.0, 2.0, 1.0}});
  EventSpec sanctions{"sanctions", Date{2020, 3, 1}, 2, "sanctions", {}};
  sanctions.actions.push_back({EventAction::Kind::scale_budget, 0, -1, economic, -1, 0.5});
  sanctions.actions.push_back({EventAction::Kind::set_stock, kSelf, 1, security, -1, 9.0});
  sanctions.actions.push_back({EventAction::Kind::join, 0, 1, -1, 0, 0.0});
  s.events.push_back(sanctions);
  World world(s, 1);
  world.step();
  world.step();
  CHECK(world.state().budget(0, economic) == doctest::Approx(1.0));
  CHECK(world.state().member[0][1] == 0);
  world.step();  // tick 2 applies the event first
  CHECK(world.state().budget(0, economic) == doctest::Approx(0.5));
  CHECK(world.state().autonomy(security, 1) == doctest::Approx(9.0));
  CHECK(world.state().member[0][1] == 1);
}

TEST_CASE("active campaigns cut the economic stock inflow by (1 - phi)^n") {
  Scenario s = tiny_scenario(1, 1, 1, 40, 200);
  s.channels[economic].decay = 0.0;
  s.powers[0].budget = {1.0, 0.0, 0.0};
  s.groups[0].attitude_mean[0] = -0.9;  // everyone negative from the start
  s.targets[0].campaign_rate = 600.0;   // campaigns per year per unit excess share
  s.campaigns = {0.1, 2, 0.25};
  World world(s, 3);
  double previous = world.state().stock[economic](0, 0);
  int ticks_with_campaigns = 0;
  for (int k = 0; k < 40; ++k) {
    const int active = world.state().campaigns_active(0, 0);
    world.step();
    const double inflow = world.state().stock[economic](0, 0) - previous;
    previous = world.state().stock[economic](0, 0);
    CHECK(inflow == doctest::Approx(std::pow(0.75, active)).epsilon(1e-12));
    ticks_with_campaigns += active > 0;
  }
  CHECK(ticks_with_campaigns > 30);
}
