// time.spin_up (docs/model.md section 8): ticks run before row 0 without
// events, campaigns or budget growth; row 0 is the state they reach.
#include <doctest/doctest.h>

#include <cmath>

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::tiny_scenario;
using geosim::testing::use_policy;

TEST_CASE(
    "spin-up: row 0 holds the stocks n ticks of the stock equation reach, S* + (S0 - S*)(1 - delta)^n") {
  Scenario s = tiny_scenario(1, 1, 1, 12);
  const double delta = 0.05, allocation = 2.0, s0 = 3.0;
  s.channels[economic].decay = delta;
  s.powers[0].budget = {allocation, 0.0, 0.0};
  s.powers[0].growth = 0.1;  // held during the spin-up, applied after row 0
  use_policy(s, 0, "fixed");
  s.targets[0].initial_stock[0][economic] = s0;
  s.spin_up_ticks = 30;
  World world(s, 1);
  const double s_star = allocation / delta;
  CHECK(world.tick() == 0);
  CHECK(world.state().stock[economic](0, 0) ==
        doctest::Approx(s_star + (s0 - s_star) * std::pow(1.0 - delta, 30)).epsilon(1e-12));
  CHECK(world.state().budget(0, economic) == allocation);       // no growth during the spin-up
  CHECK(std::isnan(world.state().allocation[economic](0, 0)));  // nothing spent before row 0's first tick
  // Then the run goes on from there: one more tick of the same equation (budget grows after it).
  world.step();
  CHECK(world.state().stock[economic](0, 0) ==
        doctest::Approx(s_star + (s0 - s_star) * std::pow(1.0 - delta, 31)).epsilon(1e-12));
  CHECK(world.state().budget(0, economic) == doctest::Approx(allocation * 1.1));
}

TEST_CASE("spin-up: alignment starts at the level the model implies, not at the file's value") {
  Scenario s = tiny_scenario(2, 1, 1, 12);
  s.targets[0].initial_stock[0] = {3.0, 1.0, 2.0};
  s.targets[0].initial_stock[1] = {1.0, 1.0, 0.5};
  s.targets[0].autonomy = {1.0, 2.0, 0.5};
  s.targets[0].responsiveness = 0.1;
  s.targets[0].initial_alignment = {0.1, 0.2, 0.7};
  const World plain(s, 1);
  s.spin_up_ticks = 600;  // 50 years of monthly ticks: (0.9)^600 is below 1e-27
  const World spun(s, 1);
  // Constant influence (no budgets, no decay): the alignment's target q.
  for (int j = 0; j < 3; ++j) {
    double q = 0.0;
    for (int c = 0; c < geosim::testing::kTinyChannels; ++c)
      q += s.targets[0].channel_weights[c] *
           (j < 2 ? plain.state().influence[c](j, 0) : plain.state().autonomy_share(c, 0));
    CHECK(spun.state().alignment(j, 0) == doctest::Approx(q).epsilon(1e-12));
    CHECK(plain.state().alignment(j, 0) == s.targets[0].initial_alignment[j]);
  }
}

TEST_CASE("spin-up: no events and no campaigns before row 0, and none of its random numbers reused") {
  Scenario s = tiny_scenario(1, 1, 1, 6, 200);
  s.groups[0].susceptibility = 0.2;
  s.groups[0].noise = 0.05;
  s.groups[0].attitude_sd[0] = 0.3;
  s.groups[0].exposure[0][economic] = 1.0;
  s.powers[0].valence = {-0.9, 0.0, 0.0};
  s.powers[0].budget = {1.0, 0.0, 0.0};
  use_policy(s, 0, "fixed");
  s.targets[0].campaign_rate = 1000.0;  // campaigns would start at once without the spin-up's exemption
  s.campaigns.threshold = 0.0;
  s.spin_up_ticks = 24;
  World world(s, 1);
  CHECK(world.state().campaigns_new(0, 0) == 0);
  CHECK(world.state().campaigns_active(0, 0) == 0);
  // The spin-up moved opinion toward the negative valence.
  Scenario plain = s;
  plain.spin_up_ticks = 0;
  const World start(plain, 1);
  CHECK(world.state().attitude_mean(0, 0) < start.state().attitude_mean(0, 0) - 0.05);
  // A spin-up is deterministic: the same scenario and seed, the same row 0.
  World again(s, 1);
  CHECK(again.state().attitude_mean(0, 0) == world.state().attitude_mean(0, 0));
  world.step();
  CHECK(world.state().campaigns_new(0, 0) > 0);  // campaigns from the first recorded tick on
}
