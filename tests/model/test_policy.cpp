// Allocation policies of model.md section 3.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "geosim/model/policy.hpp"
#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::action;
using geosim::testing::tiny_scenario;
using geosim::testing::use_policy;

namespace {
/// Power 0's split of a budget of 10 by the registered policy `name` with its keys from `yaml`.
std::vector<double> allocate_once(const Scenario& s, std::string_view name, const std::string& yaml = "{}",
                                  int channel = economic) {
  World world(s, 1);
  std::vector<double> out(s.num_targets());
  const PolicyUse use = make_policy_use(s, 0, name, config::parse_text(yaml, "test"));
  const AllocationContext ctx{s, world.state(), 0, channel, 10.0, use.settings.get()};
  use.policy->allocate(ctx, out);
  return out;
}
}  // namespace

TEST_CASE("policies: the built-in policies are registered in order, value is the default") {
  CHECK(policies().names() == std::vector<std::string>{"fixed", "value", "contest", "richardson"});
  CHECK(default_policy().name() == "value");
  const config::Schema keys = policy_keys();
  CHECK(keys.at("powers.<power>.temperature").default_text == "0.05");
  CHECK(keys.at("powers.<power>.richardson.reaction").range.lo == 0.0);
  CHECK(keys.find("powers.<power>.fixed_weights.<target>.<channel>") != nullptr);
}

TEST_CASE("policies: a code-built power without a policy gets value with its defaults") {
  const Scenario s = tiny_scenario(2, 2);
  const PolicyUse use = resolve_policy_use(s, 0, s.powers[0].policy[soft]);
  CHECK(use.policy == &default_policy());
  const PolicyUse contest =
      resolve_policy_use(s, 1, make_policy_use(s, 1, "contest", config::parse_text("{}", "t")));
  CHECK(contest.policy->name() == "contest");
  CHECK(contest.settings != nullptr);
}

TEST_CASE("fixed policy splits the budget by normalised weights") {
  Scenario s = tiny_scenario(1, 3);
  const auto a = allocate_once(s, "fixed",
                               "fixed_weights: {T0: {economic: 1, security: 0, soft: 0},"
                               " T1: {economic: 3}, T2: {economic: 0}}");
  CHECK(a[0] == doctest::Approx(2.5));
  CHECK(a[1] == doctest::Approx(7.5));
  CHECK(a[2] == 0.0);
}

TEST_CASE("value policy splits the budget by strategic value") {
  Scenario s = tiny_scenario(1, 2);
  s.powers[0].strategic_value = {4.0, 1.0};
  const auto a = allocate_once(s, "value");
  CHECK(a[0] == doctest::Approx(8.0));
  CHECK(a[1] == doctest::Approx(2.0));
}

TEST_CASE("contest policy sends more money where the share is contested") {
  Scenario s = tiny_scenario(2, 2);
  // Target 0: the rival dominates heavily (little to gain); target 1: an even contest.
  s.targets[0].initial_stock[0][economic] = 1.0;
  s.targets[0].initial_stock[1][economic] = 100.0;
  s.targets[1].initial_stock[0][economic] = 10.0;
  s.targets[1].initial_stock[1][economic] = 10.0;
  const auto a = allocate_once(s, "contest", "temperature: 0.05");
  CHECK(a[0] + a[1] == doctest::Approx(10.0));
  CHECK(a[1] > a[0]);
  CHECK(a[0] >= 0.0);
}

TEST_CASE("contest policy is defined at zero stock and splits evenly by symmetry") {
  Scenario s = tiny_scenario(2, 3);
  const auto a = allocate_once(s, "contest");
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
  sanctions.actions.push_back(action(s, "scale_budget", "{power: P0, channel: economic, factor: 0.5}"));
  sanctions.actions.push_back(
      action(s, "set_stock", "{power: self, target: T1, channel: security, value: 9}"));
  sanctions.actions.push_back(action(s, "join", "{institution: SCO, target: T1}"));
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

TEST_CASE("active campaigns cut the stock inflow of the penalised channels only, by (1 - phi)^n") {
  Scenario s = tiny_scenario(1, 1, 1, 40, 200);
  s.channels[economic].decay = s.channels[security].decay = 0.0;
  s.powers[0].budget = {1.0, 1.0, 0.0};
  s.groups[0].attitude_mean[0] = -0.9;  // everyone negative from the start
  s.targets[0].campaign_rate = 600.0;   // campaigns per year per unit excess share
  s.campaigns = {0.1, 2, 0.25, {economic}};
  World world(s, 3);
  double previous = world.state().stock[economic](0, 0),
         previous_security = world.state().stock[security](0, 0);
  int ticks_with_campaigns = 0;
  for (int k = 0; k < 40; ++k) {
    const int active = world.state().campaigns_active(0, 0);
    world.step();
    const double inflow = world.state().stock[economic](0, 0) - previous;
    previous = world.state().stock[economic](0, 0);
    CHECK(inflow == doctest::Approx(std::pow(0.75, active)).epsilon(1e-12));
    CHECK(world.state().stock[security](0, 0) - previous_security == doctest::Approx(1.0).epsilon(1e-12));
    previous_security = world.state().stock[security](0, 0);
    ticks_with_campaigns += active > 0;
  }
  CHECK(ticks_with_campaigns > 30);
}

TEST_CASE("richardson: the default rivals (every other power) sum as the explicit list in index order") {
  // Budgets of very different sizes: any change in the order of the sum shows in the last bits.
  auto run = [](bool explicit_rivals) {
    Scenario s = tiny_scenario(5, 1, 1, 24);
    for (int p = 0; p < 5; ++p) s.powers[p].budget = {1.0, 1e-9 + p * 3.3e5, 1.0};
    for (int p = 0; p < 5; ++p) {
      std::string rivals;
      for (int q = 0; q < 5 && explicit_rivals; ++q)
        if (q != p) rivals += (rivals.empty() ? "" : ", ") + s.powers[q].code;
      use_policy(s, p, "richardson",
                 "richardson: {reaction: 0.01, fatigue: 0.5, grievance: 0.1" +
                     (explicit_rivals ? ", rivals: [" + rivals + "]" : std::string()) + "}",
                 {security});
    }
    World world(s, 1);
    world.run();
    std::vector<double> out;
    out.reserve(5);
    for (int p = 0; p < 5; ++p) out.push_back(world.state().budget(p, security));
    return out;
  };
  const std::vector<double> implicit = run(false), listed = run(true);
  for (int p = 0; p < 5; ++p) CHECK(implicit[p] == listed[p]);  // bit for bit
}

TEST_CASE("contest: its per-target terms, computed once, give the bits of tullock_share_of") {
  // The split as contest computed it before the terms were shared between powers.
  auto reference = [](const Scenario& s, const WorldState& state, int p, double budget) {
    const int T = s.num_targets();
    std::vector<double> out(T);
    const double extra = budget / T, exponent = s.channels[economic].exponent;
    double highest = -INFINITY;
    for (int t = 0; t < T; ++t) {
      const double* column = state.stock[economic].col(t).data();
      const double autonomy = state.autonomy(economic, t);
      const double before = tullock_share_of(column, s.num_powers(), p, autonomy, exponent, 0.0);
      const double after = tullock_share_of(column, s.num_powers(), p, autonomy, exponent, extra);
      out[t] = s.powers[p].strategic_value[t] * (after - before) / 0.05;
      highest = std::max(highest, out[t]);
    }
    for (double& score : out) score = std::exp(score - highest);
    split_proportionally(budget, out);
    return out;
  };
  // Two worlds of the same shape in turn: the terms of one must not serve the other.
  for (int variant = 0; variant < 2; ++variant) {
    Scenario s = tiny_scenario(5, 3);
    s.channels[economic].exponent = 0.7 + variant;
    for (int t = 0; t < 3; ++t)
      for (int p = 0; p < 5; ++p)
        s.targets[t].initial_stock[p][economic] =
            p == 3 ? 0.0 : 0.37 * (p + 1) * (t + 1 + variant) + 1e-3 * t;
    for (int p = 0; p < 5; ++p) s.powers[p].strategic_value = {1.0, 2.5 - p * 0.3, 0.7};
    const World world(s, 1);
    for (const double budget : {0.0, 0.9, 1e4}) {  // 1e4: the extra stock becomes the largest
      for (int p = 0; p < 5; ++p) {
        const PolicyUse use =
            make_policy_use(s, p, "contest", config::parse_text("temperature: 0.05", "test"));
        std::vector<double> out(3);
        use.policy->allocate(AllocationContext{s, world.state(), p, economic, budget, use.settings.get()},
                             out);
        const std::vector<double> expected = reference(s, world.state(), p, budget);
        for (int t = 0; t < 3; ++t) CHECK(out[t] == expected[t]);  // bit for bit
      }
    }
  }
}
