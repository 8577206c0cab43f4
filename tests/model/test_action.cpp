// The event actions of model/action.hpp: the built-in ones by name, their
// argument keys, what each changes and the errors of their arguments.
#include "geosim/model/action.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::action;
using geosim::testing::tiny_scenario;

namespace {
Scenario two_by_two() {
  Scenario s = tiny_scenario(2, 2);
  for (auto& p : s.powers) p.budget = {1.0, 2.0, 3.0};
  s.targets[1].initial_stock[0] = {4.0, 4.0, 4.0};
  s.institutions.push_back({"SCO", {1}, {0}, {1.0, 1.0, 1.0}});
  return s;
}

/// The state after applying `a` to the initial state of `s`.
WorldState applied(const Scenario& s, const EventAction& a) {
  const World world(s, 1);
  WorldState state = world.state();
  a.action->apply(s, state);
  return state;
}
}  // namespace

TEST_CASE("actions: the built-in actions are registered in order with their argument keys") {
  CHECK(actions().names() == std::vector<std::string>{"scale_budget", "set_budget", "set_growth", "add_stock",
                                                      "set_stock", "join", "leave", "shift_attitudes",
                                                      "scale_labour_demand"});
  CHECK(actions().find("scale_budget")->keys().children("") ==
        std::vector<std::string>{"power", "channel", "factor"});
  CHECK(actions().find("join")->keys().children("") == std::vector<std::string>{"institution", "target"});
  const config::Schema keys = action_keys();
  CHECK(keys.at("events.<event>.actions[].set_growth.value").range.lo == -1.0);
  CHECK(keys.at("events.<event>.actions[].add_stock.power").choices == std::vector<std::string>{"self"});
  CHECK(keys.at("events.<event>.actions[].scale_budget.channel").choices == std::vector<std::string>{"all"});
  CHECK(actions().find("shift_attitudes")->keys().children("") ==
        std::vector<std::string>{"power", "target", "group", "amount", "persistent"});
  CHECK(keys.at("events.<event>.actions[].shift_attitudes.group").choices == std::vector<std::string>{"all"});
  CHECK(keys.at("events.<event>.actions[].shift_attitudes.persistent").default_text == "false");
}

TEST_CASE("actions: budgets and growth") {
  const Scenario s = two_by_two();
  WorldState st = applied(s, action(s, "scale_budget", "{power: P1, channel: soft, factor: 0.5}"));
  CHECK(st.budget(1, soft) == 1.5);
  CHECK(st.budget(1, economic) == 1.0);
  CHECK(st.budget(0, soft) == 3.0);
  st = applied(s, action(s, "scale_budget", "{power: P0, channel: all, factor: 2}"));
  CHECK(st.budget(0, economic) == 2.0);
  CHECK(st.budget(0, soft) == 6.0);
  st = applied(s, action(s, "set_budget", "{power: P0, channel: security, value: 7}"));
  CHECK(st.budget(0, security) == 7.0);
  CHECK(st.budget(0, economic) == 1.0);
  st = applied(s, action(s, "set_growth", "{power: P1, value: -0.5}"));
  CHECK(st.growth[1] == -0.5);
  CHECK(st.growth[0] == 0.0);
}

TEST_CASE("actions: stocks of a power or of self, one or every target and channel, floored at 0") {
  const Scenario s = two_by_two();
  WorldState st =
      applied(s, action(s, "add_stock", "{power: P0, target: T1, channel: economic, amount: -10}"));
  CHECK(st.stock[economic](0, 1) == 0.0);  // floored
  CHECK(st.stock[soft](0, 1) == 4.0);
  st = applied(s, action(s, "add_stock", "{power: self, target: all, channel: all, amount: 0.5}"));
  for (int c = 0; c < geosim::testing::kTinyChannels; ++c) CHECK((st.autonomy.row(c) == 0.5).all());
  st = applied(s, action(s, "set_stock", "{power: P1, target: all, channel: soft, value: 3}"));
  CHECK((st.stock[soft].row(1) == 3.0).all());
  CHECK((st.stock[soft].row(0) == Eigen::ArrayXXd(st.stock[soft].row(0))).all());
  CHECK(st.stock[economic](1, 0) == 0.0);
}

TEST_CASE("actions: join and leave change membership") {
  const Scenario s = two_by_two();
  WorldState st = applied(s, action(s, "join", "{institution: SCO, target: T1}"));
  CHECK(st.member[0][1] == 1);
  st = applied(s, action(s, "leave", "{institution: SCO, target: T0}"));
  CHECK(st.member[0][0] == 0);
}

TEST_CASE("actions: arguments are checked against their keys") {
  const Scenario s = two_by_two();
  const auto error = [&](const char* name, const char* args) -> std::string {
    try {
      action(s, name, args);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  const auto says = [&](const char* name, const char* args, const std::string& part) {
    INFO(error(name, args));
    return error(name, args).find(part) != std::string::npos;
  };
  CHECK(says("scale_budget", "{power: P0, channel: all}",
             "action.factor: missing required key 'factor' (a number >= 0)"));
  CHECK(says("scale_budget", "{power: P0, channel: all, factor: 1, value: 2}", "unknown key 'value'"));
  CHECK(says("set_budget", "{power: self, channel: all, value: 1}", "undefined power 'self'"));
  CHECK(says("set_stock", "{power: self, target: T0, channel: cultural, value: 1}",
             "undefined channel 'cultural'; defined channels: economic, security, soft (or all)"));
  CHECK(says("join", "{institution: NATO, target: T0}", "undefined institution 'NATO'"));
  CHECK(says("set_growth", "{power: P0, value: -1}", "expected a number > -1"));
  CHECK(says("shift_attitudes", "{power: P0, target: T0, group: G7, amount: 0.1}",
             "action.group: undefined group 'G7' (did you mean 'G0'?)"));
  CHECK(says("shift_attitudes", "{power: P0, target: all, group: all, amount: 2.5}",
             "action.amount: expected a number in [-2, 2], got 2.5"));
  CHECK(says("shift_attitudes", "{power: P0, target: all, group: all, amount: 1, persistent: yes}",
             "action.persistent"));
  CHECK(says("shift_attitudes", "{power: all, target: all, group: all, amount: 1}", "undefined power 'all'"));
  CHECK_THROWS_AS(action(s, "no_such_action", "{}"), std::logic_error);
}

namespace {
/// The mean of one group's attitudes (or initial attitudes) toward one power in one target.
double group_mean(const Population& citizens, int t, int g, int p, bool initial = false) {
  const std::span<const float> x = initial ? citizens.initial_attitudes(t, p) : citizens.attitudes(t, p);
  double sum = 0.0;
  for (auto i = citizens.group_begin(t, g); i < citizens.group_begin(t, g + 1); ++i) sum += x[i];
  return sum / static_cast<double>(citizens.group_begin(t, g + 1) - citizens.group_begin(t, g));
}
}  // namespace

TEST_CASE("actions: shift_attitudes moves one group's attitudes toward one power by the amount") {
  Scenario s = tiny_scenario(2, 2, 2, 12, 2000);
  for (GroupSpec& g : s.groups) {
    g.attitude_mean = {0.1, -0.2};
    g.attitude_sd = {0.1, 0.1};  // within [-0.45, 0.45]: no clamp binds for an amount of 0.3
  }
  for (const bool persistent : {false, true}) {
    const Population before(s, 9);
    Population after(s, 9);
    const EventAction a = action(s, "shift_attitudes",
                                 std::string("{power: P1, target: T1, group: G0, amount: 0.3, persistent: ") +
                                     (persistent ? "true}" : "false}"));
    CHECK(a.action->apply_to_citizens(s, after));
    for (int t = 0; t < 2; ++t)
      for (int g = 0; g < 2; ++g)
        for (int p = 0; p < 2; ++p) {
          const bool shifted = t == 1 && g == 0 && p == 1;
          const double moved = group_mean(after, t, g, p) - group_mean(before, t, g, p);
          const double anchor_moved = group_mean(after, t, g, p, true) - group_mean(before, t, g, p, true);
          INFO("target " << t << ", group " << g << ", power " << p << ": moved " << moved);
          CHECK(moved == doctest::Approx(shifted ? 0.3 : 0.0).epsilon(1e-6));
          CHECK(anchor_moved == doctest::Approx(shifted && persistent ? 0.3 : 0.0).epsilon(1e-6));
          if (!shifted) {  // untouched, bit for bit
            const std::span<const float> x = after.attitudes(t, p), y = before.attitudes(t, p);
            const auto range = [&](std::span<const float> v) {
              return std::vector<float>(v.begin() + after.group_begin(t, g),
                                        v.begin() + after.group_begin(t, g + 1));
            };
            CHECK(range(x) == range(y));
          }
        }
    MESSAGE("shift_attitudes (persistent "
            << persistent << "): group mean moved by "
            << group_mean(after, 1, 0, 1) - group_mean(before, 1, 0, 1) << ", the amount 0.3 to within "
            << std::abs(group_mean(after, 1, 0, 1) - group_mean(before, 1, 0, 1) - 0.3));
  }
  // `all` targets and groups; the clamp binds at 1 and at -1.
  Population citizens(s, 9);
  action(s, "shift_attitudes", "{power: P0, target: all, group: all, amount: 2}")
      .action->apply_to_citizens(s, citizens);
  action(s, "shift_attitudes", "{power: P1, target: all, group: all, amount: -2, persistent: true}")
      .action->apply_to_citizens(s, citizens);
  for (int t = 0; t < 2; ++t) {
    for (float x : citizens.attitudes(t, 0)) CHECK(x == 1.0f);
    for (float x : citizens.attitudes(t, 1)) CHECK(x == -1.0f);
    for (float x0 : citizens.initial_attitudes(t, 1)) CHECK(x0 == -1.0f);
    CHECK(group_mean(citizens, t, 0, 0, true) == doctest::Approx(0.1).epsilon(0.05));  // not persistent
  }
  // It changes the citizens only: apply() leaves the state as it was.
  const World world(s, 1);
  WorldState state = world.state();
  action(s, "shift_attitudes", "{power: P0, target: all, group: all, amount: 1}").action->apply(s, state);
  CHECK((state.attitude_mean == world.state().attitude_mean).all());
}
