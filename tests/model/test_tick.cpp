// The tick as a list of stages (engine/model/detail/tick.hpp, world.cpp):
// the order of model.md section 8, and stages as units over the state.
#include "model/detail/tick.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "geosim/core/errors.hpp"
#include "geosim/core/rng.hpp"

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::tiny_scenario;

TEST_CASE("tick: the stages run in the order of model.md section 8") {
  CHECK(World::stage_names() == std::vector<std::string_view>{"events", "allocation", "stocks", "migration",
                                                              "influence", "citizens", "alignment",
                                                              "campaigns", "budgets"});
}

TEST_CASE("tick: a stage is a unit over the state (allocation, then stocks)") {
  Scenario s = tiny_scenario(1, 2, 1, 3);
  s.powers[0].budget = {4.0, 0.0, 0.0};
  s.powers[0].strategic_value = {3.0, 1.0};
  s.channels[economic].decay = 0.5;
  s.targets[0].initial_stock[0][economic] = 2.0;
  WorldState state;
  Population population(s, 1);
  {
    const World world(s, 1);
    state = world.state();
  }
  detail::Tick tick(s, 1, state, population);
  REQUIRE(tick.policies.size() == static_cast<std::size_t>(geosim::testing::kTinyChannels));
  CHECK(tick.policies[economic].policy == &default_policy());
  detail::allocate(tick);
  CHECK(state.allocation[economic](0, 0) == 3.0);
  CHECK(state.allocation[economic](0, 1) == 1.0);
  CHECK(state.stock[economic](0, 0) == 2.0);  // stocks are the next stage's
  detail::update_stocks(tick);
  CHECK(state.stock[economic](0, 0) == 0.5 * 2.0 + 3.0);
  CHECK(state.stock[economic](0, 1) == 1.0);
  detail::grow_budgets(tick);
  CHECK(state.budget(0, economic) == 4.0);  // growth 0
}

namespace {
/// What World::step() throws, as text, or "" if the run finishes.
std::string non_finite_after(const Scenario& s) {
  World world(s, s.seed);
  try {
    world.run();
  } catch (const NonFiniteError& e) {
    return e.what();
  }
  return "";
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// One power, one target of 200 citizens all at `attitude`, campaigns at `rate` per year.
Scenario protesting(double attitude, double rate) {
  Scenario s = tiny_scenario(1, 1, 1, 4, 200);
  s.groups[0].attitude_mean = {attitude};
  s.targets[0].campaign_rate = rate;
  return s;
}
}  // namespace

TEST_CASE("tick: a budget that overflows stops the run at that tick, naming the budget") {
  Scenario s = tiny_scenario(2, 1, 1, 6);
  s.powers[1].budget = {1e308, 0.0, 0.0};
  s.powers[1].growth = 0.5;
  CHECK(
      non_finite_after(s) ==
      "budget[P1, economic] became inf at tick 1 (2020-02): the run was stopped and no results were written");
}

TEST_CASE("tick: ordinary growth over a long horizon ends in a NonFiniteError, not in inf") {
  Scenario s = tiny_scenario(1, 1, 1, 12000);
  s.powers[0].budget = {2.2, 0.0, 0.0};
  s.powers[0].growth = 0.1;
  const std::string what = non_finite_after(s);
  CHECK((contains(what, "budget[P0, economic] became inf at tick ") ||
         contains(what, "stock[P0, T0, economic] became inf at tick ")));
}

TEST_CASE("tick: NaN attitudes (an enormous peer weight) stop the run, naming the attitude mean") {
  Scenario s = tiny_scenario(1, 1, 1, 4, 100);
  s.groups[0].susceptibility = 0.5;
  s.groups[0].peer_weight = 1e40;
  s.groups[0].attitude_mean = {0.1};
  s.groups[0].attitude_sd = {0.3};
  CHECK(contains(non_finite_after(s), "attitude_mean[P0, T0] became NaN at tick 0 (2020-01)"));
}

TEST_CASE("tick: an enormous opinion sensitivity stops the run, naming the alignment") {
  Scenario s = tiny_scenario(2, 1, 1, 4, 100);
  s.groups[0].attitude_mean = {0.5, -0.5};
  s.targets[0].opinion_sensitivity = 1e300;
  s.targets[0].responsiveness = 0.5;
  CHECK(contains(non_finite_after(s), "alignment[P0, T0] became NaN at tick 0 (2020-01)"));
}

TEST_CASE("tick: a Richardson race without equilibrium, built in code, stops at the overflow") {
  Scenario s = tiny_scenario(2, 1, 1, 100000);
  for (int p = 0; p < 2; ++p) {
    s.powers[p].budget = {0.0, 1.0, 0.0};
    geosim::testing::use_policy(s, p, "richardson", "richardson: {reaction: 30, fatigue: 0.1}", {security});
  }
  CHECK(contains(non_finite_after(s), "budget[P0, security] became inf at tick "));
}

TEST_CASE("tick: campaign counts of an enormous rate saturate at the counters' maximum") {
  const Scenario s = protesting(-0.9, 1e300);
  World world(s, s.seed);
  for (int k = 0; k < 4; ++k) {
    world.step();
    CHECK(world.state().campaigns_new(0, 0) == rng::kPoissonMaxCount);
    CHECK(world.state().campaigns_active(0, 0) == rng::kPoissonMaxCount);
  }
}

TEST_CASE("tick: a rate of 1e10 campaigns a year draws in constant time about its mean") {
  const Scenario s = protesting(-0.9, 1.2e10);  // 1e9 a month
  World world(s, s.seed);
  world.step();
  const int drawn = world.state().campaigns_new(0, 0);
  CHECK(std::abs(drawn - 1e9) < 8.3 * std::sqrt(1e9));
  world.step();
  CHECK(world.state().campaigns_active(0, 0) > 1'900'000'000);  // two draws of about 1e9, summed in 64 bits
  world.step();
  CHECK(world.state().campaigns_active(0, 0) == rng::kPoissonMaxCount);  // three saturate
}
