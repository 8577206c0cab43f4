// The event actions of model/action.hpp: the built-in ones by name, their
// argument keys, what each changes and the errors of their arguments.
#include "geosim/model/action.hpp"

#include <doctest/doctest.h>

#include <string>

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
                                                      "set_stock", "join", "leave"});
  CHECK(actions().find("scale_budget")->keys().children("") ==
        std::vector<std::string>{"power", "channel", "factor"});
  CHECK(actions().find("join")->keys().children("") == std::vector<std::string>{"institution", "target"});
  const config::Schema keys = action_keys();
  CHECK(keys.at("events.<event>.actions[].set_growth.value").range.lo == -1.0);
  CHECK(keys.at("events.<event>.actions[].add_stock.power").choices == std::vector<std::string>{"self"});
  CHECK(keys.at("events.<event>.actions[].scale_budget.channel").choices == std::vector<std::string>{"all"});
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
  CHECK_THROWS_AS(action(s, "no_such_action", "{}"), std::logic_error);
}
