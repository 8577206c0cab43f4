// load_scenario: the schema and its errors (typed, with file:line and key).
// Bad inputs live in tests/data/bad/, each with a first line
// "# expect: ERROR FILE:LINE KEY" that tests/cli.cmake reads too.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "geosim/config/layers.hpp"
#include "geosim/config/node.hpp"
#include "geosim/model/action.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/model/world.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/scenario_files.hpp"
#include "support/temp_files.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

namespace fs = std::filesystem;
using namespace geosim;

using namespace geosim::testing;

// ------------------------------------------------------------ valid input ----

TEST_CASE("scenario: minimal.yaml loads with the documented defaults") {
  const Scenario s = load_scenario(kData / "minimal.yaml");
  CHECK(s.name == "minimal");
  CHECK(s.seed == 42);
  CHECK(s.start == Date{2013, 9, 1});
  CHECK(s.end == Date{2014, 8, 1});
  CHECK(s.step_months == 1);
  CHECK(s.dt == doctest::Approx(1.0 / 12));
  CHECK(s.ticks == 12);
  CHECK(s.scenario_ticks == 12);
  CHECK(s.row_date(12) == Date{2014, 9, 1});
  REQUIRE(s.num_powers() == 2);
  REQUIRE(s.num_targets() == 2);
  REQUIRE(s.num_groups() == 1);
  CHECK(s.powers[0].code == "RUS");
  CHECK(s.powers[1].code == "CHN");
  CHECK(s.powers[1].policy[economic].policy == policies().find("contest"));
  CHECK(s.powers[1].policy[soft].policy == policies().find("fixed"));
  CHECK(s.powers[0].policy[economic].policy == &default_policy());  // value, by default
  for (const auto& power : s.powers)
    for (const PolicyUse& use : power.policy) CHECK(use.policy != nullptr);
  CHECK(s.powers[0].strategic_value == std::vector<double>{1.0, 1.0});
  CHECK(s.channels[economic].decay == 0.02);
  CHECK(s.channels[soft].exponent == 1.0);
  CHECK(s.negative_threshold == 0.2);
  CHECK(s.campaigns.threshold == 0.2);
  CHECK(s.campaigns.duration == 6);
  CHECK(s.campaigns.penalty == 0.0);
  CHECK(s.output.agents == OutputSpec::Agents::none);
  CHECK(s.targets[0].citizens == 200);
  CHECK(s.targets[0].group_share == std::vector<double>{1.0});  // the only group
  CHECK(s.targets[0].channel_weights[security] == doctest::Approx(1.0 / 3));
  CHECK(s.targets[0].responsiveness == 0.1);
  CHECK(s.targets[1].responsiveness == 0.2);
  REQUIRE(s.targets[0].initial_alignment.size() == 3);
  CHECK(s.targets[0].initial_alignment[2] == doctest::Approx(1.0 / 3));
  CHECK(s.targets[0].initial_stock[0][soft] == 5.0);
  CHECK(s.targets[1].initial_stock[1][economic] == 0.0);
  CHECK(s.groups[0].attitude_mean[1] == -0.1);
  CHECK(s.num_citizens() == 300);
  CHECK(s.source_text == read(kData / "minimal.yaml"));
  CHECK(s.events.empty());
}

TEST_CASE("scenario: quarterly steps count ticks to the last month inclusive") {
  const Scenario s = load_scenario(
      write_temp("quarter.yaml",
                 "name: q\ntime: {start: 2013-09, end: 2014-08, step: quarter, rates_per: quarter}\n"
                 "powers: {RUS: {}}\ntargets: {KAZ: {}}\ngroups: {g: {}}\n"));
  CHECK(s.step_months == 3);
  CHECK(s.dt == 0.25);
  CHECK(s.ticks == 4);  // (11 / 3) + 1
}

TEST_CASE("scenario: events are resolved to indices and sorted by tick, then file order") {
  const Scenario s = load_scenario(kData / "extends" / "with_events.yaml");
  REQUIRE(s.events.size() == 3);
  CHECK(s.events[0].id == "accession");
  CHECK(s.events[0].tick == 2);
  CHECK(s.events[1].id == "sanctions");
  CHECK(s.events[1].tick == 6);
  CHECK(s.events[2].id == "base");  // same tick as sanctions, later in the file
  // Each action is resolved to its registered type; applied to a fresh state,
  // it changes what its arguments name.
  REQUIRE(s.events[0].actions.size() == 2);
  CHECK(s.events[0].actions[0].type == actions().find("join"));
  CHECK(s.events[0].actions[1].type == actions().find("add_stock"));
  CHECK(s.events[1].actions[0].type == actions().find("scale_budget"));
  const World world(s, 1);
  WorldState state = world.state();
  s.events[0].actions[0].action->apply(s, state);  // join: {institution: EAEU, target: KGZ}
  CHECK(state.member[0][1] == 1);
  s.events[0].actions[1].action->apply(
      s, state);  // add_stock: {power: self, target: all, channel: all, amount: 0.5}
  for (int c = 0; c < s.num_channels(); ++c)
    for (int t = 0; t < s.num_targets(); ++t)
      CHECK(state.autonomy(c, t) == world.state().autonomy(c, t) + 0.5);
  CHECK((state.stock[economic] == world.state().stock[economic]).all());
  s.events[1].actions[0].action->apply(s,
                                       state);  // scale_budget: {power: RUS, channel: economic, factor: 0.5}
  CHECK(state.budget(0, economic) == 0.5 * world.state().budget(0, economic));
  CHECK(state.budget(0, soft) == world.state().budget(0, soft));
  CHECK(state.budget(1, economic) == world.state().budget(1, economic));
  REQUIRE(s.institutions.size() == 1);
  CHECK(s.institutions[0].leaders == std::vector<int>{0});
  CHECK(s.institutions[0].bonus[economic] == 1.5);
  CHECK(s.institutions[0].bonus[soft] == 1.0);
}

// ------------------------------------------------------- one error each ----

TEST_CASE("scenario: malformed YAML is a SyntaxError at its line") {
  check_where(load_error<SyntaxError>(bad("syntax.yaml")), "syntax.yaml:6", "");
}

TEST_CASE("scenario: an unknown key suggests the nearest one") {
  const std::string what = load_error<UnknownKeyError>(bad("unknown_key.yaml"));
  check_where(what, "unknown_key.yaml:7", "powers.CHN.budjet");
  CHECK(contains(what, "did you mean 'budget'?"));
}

TEST_CASE("scenario: a duplicate key names both lines") {
  const std::string what = load_error<DuplicateKeyError>(bad("duplicate_key.yaml"));
  check_where(what, "duplicate_key.yaml:11", "targets.KAZ.citizens");
  CHECK(contains(what, "first defined at line 9"));
}

TEST_CASE("scenario: a wrong type says what was expected and what was found") {
  const std::string what = load_error<TypeError>(bad("wrong_type.yaml"));
  check_where(what, "wrong_type.yaml:10", "targets.KGZ.citizens");
  CHECK(contains(what, "expected an integer >= 0, got a list"));
}

TEST_CASE("scenario: a channel decay of 1.0 is out of range") {
  const std::string what = load_error<RangeError>(bad("decay_one.yaml"));
  check_where(what, "decay_one.yaml:14", "channels.economic.decay");
  CHECK(contains(what, "expected a number in [0, 1), got 1.0"));
}

TEST_CASE("scenario: a negative budget is out of range") {
  const std::string what = load_error<RangeError>(bad("negative_budget.yaml"));
  check_where(what, "negative_budget.yaml:9", "powers.CHN.budget.soft");
  CHECK(contains(what, "expected a number >= 0, got -1"));
}

TEST_CASE("scenario: negative citizens are out of range") {
  check_where(load_error<RangeError>(bad("negative_citizens.yaml")), "negative_citizens.yaml:10",
              "targets.KGZ.citizens");
}

TEST_CASE("scenario: group shares must sum to 1") {
  const std::string what = load_error<RangeError>(bad("shares_sum.yaml"));
  check_where(what, "shares_sum.yaml:9", "targets.KAZ.groups");
  CHECK(contains(what, "shares sum to 0.9, expected 1"));
}

TEST_CASE("scenario: .nan is refused") {
  const std::string what = load_error<RangeError>(bad("nan.yaml"));
  check_where(what, "nan.yaml:6", "powers.RUS.growth");
  CHECK(contains(what, "finite"));
}

TEST_CASE("scenario: .inf is refused") {
  check_where(load_error<RangeError>(bad("inf.yaml")), "inf.yaml:6", "powers.RUS.budget.economic");
}

TEST_CASE("scenario: a number with trailing garbage is a TypeError") {
  const std::string what = load_error<TypeError>(bad("garbage_number.yaml"));
  check_where(what, "garbage_number.yaml:12", "groups.public.susceptibility");
  CHECK(contains(what, "got 1.5x"));
}

TEST_CASE("scenario: an undefined power is a ReferenceError listing the defined ones") {
  const std::string what = load_error<ReferenceError>(bad("undefined_power.yaml"));
  check_where(what, "undefined_power.yaml:11", "targets.KAZ.stocks.USA");
  CHECK(contains(what, "defined powers: RUS, CHN"));
}

TEST_CASE("scenario: an undefined target is a ReferenceError") {
  const std::string what = load_error<ReferenceError>(bad("undefined_target.yaml"));
  check_where(what, "undefined_target.yaml:6", "powers.RUS.strategic_value.UZB");
  CHECK(contains(what, "defined targets: KAZ, KGZ"));
}

TEST_CASE("scenario: an undefined group is a ReferenceError") {
  const std::string what = load_error<ReferenceError>(bad("undefined_group.yaml"));
  check_where(what, "undefined_group.yaml:11", "targets.KGZ.groups.students");
  CHECK(contains(what, "defined groups: public"));
}

TEST_CASE("scenario: an undefined institution is a ReferenceError") {
  const std::string what = load_error<ReferenceError>(bad("undefined_institution.yaml"));
  check_where(what, "undefined_institution.yaml:19", "events.accession.actions[0].join.institution");
  CHECK(contains(what, "defined institutions: CSTO"));
}

TEST_CASE("scenario: a target named like a power is a ReferenceError") {
  const std::string what = load_error<ReferenceError>(bad("duplicate_name.yaml"));
  check_where(what, "duplicate_name.yaml:9", "targets.RUS");
  CHECK(contains(what, "already used by a power"));
}

TEST_CASE("scenario: reserved and malformed names are refused") {
  check_where(load_error<RangeError>(bad("reserved_name.yaml")), "reserved_name.yaml:6", "powers.self");
  const std::string what =
      load_error<RangeError>(write_temp("badname.yaml",
                                        "name: t\ntime: {start: 2013-09, end: 2014-08, rates_per: month}\n"
                                        "powers: {RUS: {}, C-N: {}}\ntargets: {KAZ: {}}\ngroups: {g: {}}\n"));
  check_where(what, "badname.yaml:3", "powers.C-N");
  CHECK(contains(what, "[A-Za-z][A-Za-z0-9_]*"));
}

TEST_CASE("scenario: an invalid date is a DateError") {
  const std::string what = load_error<DateError>(bad("invalid_date.yaml"));
  check_where(what, "invalid_date.yaml:4", "time.start");
  CHECK(contains(what, "2013-13"));
}

TEST_CASE("scenario: time.end before time.start is a DateError") {
  check_where(load_error<DateError>(bad("end_before_start.yaml")), "end_before_start.yaml:5", "time.end");
}

TEST_CASE("scenario: an event outside the simulated period is a DateError") {
  const std::string what = load_error<DateError>(bad("event_outside.yaml"));
  check_where(what, "event_outside.yaml:14", "events.late.date");
  CHECK(contains(what, "2013-09-01 .. 2014-08-31"));
}

TEST_CASE("scenario: an event on the last day of the last month is inside the period") {
  const Scenario s = load_scenario(write_temp(
      "last_day.yaml", scenario_with("events:\n  e:\n    date: 2014-08-31\n    note: last\n    actions:\n"
                                     "      - set_growth: {power: CHN, value: 0.01}\n")));
  REQUIRE(s.events.size() == 1);
  CHECK(s.events[0].tick == 11);
}

TEST_CASE("scenario: an empty (comment-only) file is a FileError") {
  const std::string what = load_error<FileError>(bad("empty.yaml"));
  CHECK(contains(what, "empty.yaml: "));
}

TEST_CASE("scenario: a missing file is a FileError") {
  const std::string what = load_error<FileError>(kData / "no_such_scenario.yaml");
  CHECK(contains(what, "no_such_scenario.yaml: no such file"));
}

TEST_CASE("scenario: a missing required key is reported at the parent mapping") {
  const std::string what = load_error<TypeError>(bad("missing_required.yaml"));
  check_where(what, "missing_required.yaml:2", "time");
  CHECK(contains(what, "missing required key 'time'"));
}

TEST_CASE("scenario: a channel the scenario does not declare is an unknown key") {
  check_where(load_error<UnknownKeyError>(bad("undeclared_channel.yaml")), "undeclared_channel.yaml:9",
              "powers.RUS.budget.soft");
  check_where(load_error<ReferenceError>(bad("campaign_channel_undeclared.yaml")),
              "campaign_channel_undeclared.yaml:8", "campaigns.channels");
  check_where(load_error<RangeError>(bad("channel_named_all.yaml")), "channel_named_all.yaml:6",
              "channels.all");
}

TEST_CASE("scenario: booleans are true or false only") {
  check_where(load_error<TypeError>(bad("bad_bool.yaml")), "bad_bool.yaml:16", "events.e1.enabled");
}

TEST_CASE("scenario: an alias bomb is refused before it is expanded") {
  // Its aliases pass kMaxAliasNodes on line 7; expanded, it would hold 10^9 nodes.
  check_where(load_error<SyntaxError>(bad("alias_bomb.yaml")), "alias_bomb.yaml:7", "");
}

TEST_CASE("scenario: a quoted number is a string, not a number") {
  const std::string what =
      load_error<TypeError>(write_temp("quoted.yaml", scenario_with("campaigns:\n  threshold: \"0.3\"\n")));
  check_where(what, "quoted.yaml:7", "campaigns.threshold");
}

TEST_CASE("scenario: every bad fixture throws what its '# expect:' line says") {
  for (const auto& entry : fs::directory_iterator(kData / "bad")) {
    if (entry.path().extension() != ".yaml") continue;
    std::string line;
    std::getline(std::ifstream(entry.path()) >> std::ws, line);
    std::istringstream in(line);
    std::string hash, tag, cls, where, key;
    in >> hash >> tag >> cls >> where >> key;
    INFO(entry.path().filename().string() << ": " << line);
    REQUIRE(tag == "expect:");
    try {
      load_scenario(entry.path());
      FAIL("no exception");
    } catch (const InputError& e) {
      const std::string what = e.what();
      INFO("what(): " << what);
      CHECK(contains(typeid(e).name(), cls));
      CHECK(contains(what, where + ":"));
      if (key != "-") CHECK(contains(what, ": " + key + ": "));
    }
  }
}
