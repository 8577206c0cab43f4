// The tick as a list of stages (engine/model/detail/tick.hpp, world.cpp):
// the order of model.md section 8, and stages as units over the state.
#include "model/detail/tick.hpp"

#include <doctest/doctest.h>

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::tiny_scenario;

TEST_CASE("tick: the stages run in the order of model.md section 8") {
  CHECK(World::stage_names() == std::vector<std::string_view>{"events", "allocation", "stocks", "influence",
                                                              "citizens", "alignment", "campaigns",
                                                              "budgets"});
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
