// Scenarios loaded through their layers: extends chains, --set, --ticks and
// --seed, and the checks made on the whole loaded scenario (stability).
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

// ------------------------------------------------------------- extends ----

TEST_CASE("scenario: a child changing one key differs from its base only at that path") {
  const Scenario base = load_scenario(kData / "minimal.yaml");
  const Scenario child = load_scenario(kData / "extends" / "child.yaml");
  // The trees: the base with that one value set equals the child.
  config::Node expected = config::parse_text(base.resolved_yaml, "base");
  config::set_path(expected, "powers.CHN.budget.soft", "2.5", {"test", 0, 0});
  CHECK(config::to_yaml(expected) == child.resolved_yaml);
  CHECK(base.resolved_yaml != child.resolved_yaml);
  // The scenarios: the same but for that value.
  CHECK(child.powers[1].budget[soft] == 2.5);
  Scenario patched = child;
  patched.powers[1].budget[soft] = base.powers[1].budget[soft];
  CHECK(patched.powers[1].budget == base.powers[1].budget);
  CHECK(patched.powers[0].budget == base.powers[0].budget);
  CHECK(child.name == base.name);
  CHECK(child.ticks == base.ticks);
  CHECK(child.seed == base.seed);
  CHECK(child.targets[0].initial_stock == base.targets[0].initial_stock);
  CHECK(child.groups[0].exposure == base.groups[0].exposure);
  CHECK(child.source_text == read(kData / "extends" / "child.yaml"));
  CHECK_FALSE(contains(child.resolved_yaml, "extends"));
}

TEST_CASE("scenario: input_files lists the file and its extends chain, canonical") {
  const Scenario child = load_scenario(kData / "extends" / "child.yaml");
  REQUIRE(child.input_files.size() == 2);
  CHECK(child.input_files[0] == fs::canonical(kData / "extends" / "child.yaml"));
  CHECK(child.input_files[1] == fs::canonical(kData / "minimal.yaml"));
}

TEST_CASE("scenario: a counterfactual disables an event by id") {
  const Scenario s = load_scenario(kData / "extends" / "no_sanctions.yaml");
  REQUIRE(s.events.size() == 2);
  CHECK(s.events[0].id == "accession");
  CHECK(s.events[1].id == "base");
}

TEST_CASE("scenario: an extends cycle is a ReferenceError at the extends key") {
  const std::string what = load_error<ReferenceError>(bad("cycle_a.yaml"));
  check_where(what, "cycle_b.yaml:3", "extends");
  CHECK(contains(what, "cycle"));
}

TEST_CASE("scenario: an extends to a missing file is a FileError at the extends key") {
  check_where(load_error<FileError>(bad("missing_base.yaml")), "missing_base.yaml:3", "extends");
}

TEST_CASE("scenario: an error in a base file names the base file") {
  write_temp("base_bad.yaml", scenario_with("seed: -3\n"));
  const std::string what =
      load_error<RangeError>(write_temp("child_of_bad.yaml", "extends: base_bad.yaml\nname: c\n"));
  check_where(what, "base_bad.yaml:6", "seed");
}

// --------------------------------------------------- --set, --ticks, --seed ----

TEST_CASE("scenario: --set overrides a scalar and shows in resolved_yaml") {
  LoadOptions o;
  o.overrides = {"powers.CHN.budget.soft=2.5", "seed=7", "time.step=quarter"};
  const Scenario s = load_scenario(kData / "minimal.yaml", o);
  CHECK(s.powers[1].budget[soft] == 7.5);  // 2.5 per month (rates_per), 7.5 per quarter tick
  CHECK(s.seed == 7);
  CHECK(s.step_months == 3);
  CHECK(contains(s.resolved_yaml, "soft: 2.5"));
  CHECK(s.source_text == read(kData / "minimal.yaml"));  // the file, not the overrides
}

TEST_CASE("scenario: a bad --set value is rejected naming --set") {
  LoadOptions o;
  o.overrides = {"powers.CHN.budget.soft=-1"};
  const std::string what = load_error<RangeError>(kData / "minimal.yaml", o);
  CHECK(what == "--set: powers.CHN.budget.soft: expected a number >= 0, got -1");
}

TEST_CASE("scenario: a --set to an unknown key is an UnknownKeyError naming --set") {
  LoadOptions o;
  o.overrides = {"powers.CHN.budjet.soft=1"};
  const std::string what = load_error<UnknownKeyError>(kData / "minimal.yaml", o);
  CHECK(contains(what, "--set: powers.CHN.budjet: "));
  CHECK(contains(what, "did you mean 'budget'?"));
}

TEST_CASE("scenario: --set reaches an event action by index or by its name") {
  const std::string text =
      read(kData / "minimal.yaml") +
      "events:\n  sanctions:\n    date: 2014-03\n    note: x\n    actions:\n"
      "      - {name: rus_economy, scale_budget: {power: RUS, channel: economic, factor: 0.7}}\n"
      "      - scale_budget: {power: RUS, channel: soft, factor: 0.8}\n";
  const fs::path file = write_temp("named_actions", "s.yaml", text);
  const Scenario plain = load_scenario(file);
  REQUIRE(plain.events.size() == 1);
  CHECK(plain.events[0].actions[0].name == "rus_economy");
  CHECK(plain.events[0].actions[1].name.empty());
  LoadOptions by_name, by_index;
  by_name.overrides = {"events.sanctions.actions[rus_economy].scale_budget.factor=0.5"};
  by_index.overrides = {"events.sanctions.actions[0].scale_budget.factor=0.5"};
  const Scenario named = load_scenario(file, by_name);
  CHECK(named.resolved_yaml == load_scenario(file, by_index).resolved_yaml);
  CHECK(named.resolved_yaml != plain.resolved_yaml);
  const config::Node tree = config::parse_text(named.resolved_yaml, "resolved");
  const config::Node& actions = *tree.find("events")->find("sanctions")->find("actions");
  CHECK(actions.items[0].find("scale_budget")->find("factor")->scalar == "0.5");
  CHECK(actions.items[1].find("scale_budget")->find("factor")->scalar == "0.8");
  // A value out of range is refused where it is set, like any other.
  LoadOptions negative;
  negative.overrides = {"events.sanctions.actions[1].scale_budget.factor=-1"};
  CHECK(load_error<RangeError>(file, negative) ==
        "--set: events.sanctions.actions[1].scale_budget.factor: expected a number >= 0, got -1");
}

TEST_CASE("scenario: --set without '=' is a UsageError") {
  LoadOptions o;
  o.overrides = {"powers.CHN.budget.soft"};
  CHECK(contains(load_error<UsageError>(kData / "minimal.yaml", o), "PATH=VALUE"));
}

TEST_CASE("scenario: --ticks truncates the run and keeps scenario_ticks") {
  LoadOptions o;
  o.ticks = 4;
  const Scenario s = load_scenario(kData / "extends" / "with_events.yaml", o);
  CHECK(s.ticks == 4);
  CHECK(s.scenario_ticks == 12);
  // Events beyond the horizon stay listed (the results mark them as skipped).
  REQUIRE(s.events.size() == 3);
  CHECK(s.events[0].tick < 4);
  CHECK(s.events[1].tick >= 4);
  LoadOptions zero;
  zero.ticks = 0;
  load_error<UsageError>(kData / "minimal.yaml", zero);
}

TEST_CASE("scenario: --ticks beyond the scenario's ticks is refused, not an extension") {
  LoadOptions o;
  o.ticks = 12;  // exactly the scenario's: allowed
  CHECK(load_scenario(kData / "minimal.yaml", o).ticks == 12);
  o.ticks = 13;
  const std::string what = load_error<UsageError>(kData / "minimal.yaml", o);
  CHECK(contains(what, "--ticks: the scenario has 12 ticks and --ticks runs only the first N, got 13"));
}

TEST_CASE("scenario: --seed overrides the scenario seed") {
  LoadOptions o;
  o.has_seed = true;
  o.seed = 18446744073709551615ull;
  CHECK(load_scenario(kData / "minimal.yaml", o).seed == 18446744073709551615ull);
}

TEST_CASE("scenario: alignment shares short of 1 without self say that self is missing") {
  const std::string what = load_error<RangeError>(geosim::testing::write_temp(
      "alignment_self", "no_self.yaml",
      "name: t\ntime: {start: 2013-09, end: 2014-08, rates_per: month}\npowers: {RUS: {}, CHN: {}}\n"
      "targets:\n  KAZ: {alignment: {RUS: 0.5, CHN: 0.3}}\ngroups: {g: {}}\n"));
  CHECK(contains(what, "no_self.yaml:5:"));
  CHECK(contains(what,
                 "targets.KAZ.alignment: alignment shares sum to 0.8, expected 1; 'self' (the target's "
                 "own, non-aligned share) is not given: add self: 0.2 if that is the rest"));
}

TEST_CASE("scenario: a group whose citizen update can overshoot is refused, naming the keys and the bound") {
  LoadOptions o;
  o.overrides = {"groups.public.susceptibility=1", "groups.public.peer_weight=3"};
  const std::string what = load_error<RangeError>(kData / "minimal.yaml", o);
  CHECK(contains(what, "minimal.yaml:"));
  CHECK(contains(what,
                 ": groups.public: susceptibility 1, peer_weight 3, anchoring 0 and exposure to RUS "
                 "summing to 2 make the citizen update unstable: (1 - anchoring) * (susceptibility * "
                 "(exposure + peer_weight) - 1) is 4, expected at most 1"));
}

TEST_CASE("scenario: a citizen update at the stability bound is accepted, one just above it refused") {
  LoadOptions o;
  // RUS's exposures sum to 2: (1 - 0) * (1 * (2 + 0) - 1) = 1, the bound itself.
  o.overrides = {"groups.public.susceptibility=1"};
  CHECK(load_scenario(kData / "minimal.yaml", o).groups[0].susceptibility == 1.0);
  o.overrides = {"groups.public.susceptibility=1", "groups.public.peer_weight=0.01"};
  CHECK(contains(load_error<RangeError>(kData / "minimal.yaml", o), "expected at most 1"));
  // Anchoring damps the update: (1 - 0.5) * (1 * (2 + 3) - 1) = 2 > 1, (1 - 0.8) * 4 = 0.8 <= 1.
  o.overrides = {"groups.public.susceptibility=1", "groups.public.peer_weight=3",
                 "groups.public.anchoring=0.5"};
  CHECK(contains(load_error<RangeError>(kData / "minimal.yaml", o), "is 2, expected at most 1"));
  o.overrides = {"groups.public.susceptibility=1", "groups.public.peer_weight=3",
                 "groups.public.anchoring=0.8"};
  CHECK(load_scenario(kData / "minimal.yaml", o).groups[0].anchoring == 0.8);
}

TEST_CASE("scenario: a Richardson pair without an equilibrium is refused, one with an equilibrium accepted") {
  LoadOptions o;
  const std::vector<std::string> pair = {
      "powers.RUS.policy=richardson", "powers.CHN.policy.security=richardson",
      "powers.RUS.richardson.reaction=0.5", "powers.CHN.richardson.reaction=0.5"};
  o.overrides = pair;
  o.overrides.insert(o.overrides.end(),
                     {"powers.RUS.richardson.fatigue=0.5", "powers.CHN.richardson.fatigue=0.25"});
  const std::string what = load_error<RangeError>(kData / "minimal.yaml", o);
  CHECK(contains(what,
                 ": powers.RUS.richardson: the arms race of RUS and CHN on security has no equilibrium: "
                 "the product of their reactions 0.25 exceeds the product of their fatigues 0.125"));
  o.overrides = pair;
  o.overrides.insert(o.overrides.end(),
                     {"powers.RUS.richardson.fatigue=0.6", "powers.CHN.richardson.fatigue=0.6"});
  CHECK(load_scenario(kData / "minimal.yaml", o).powers.size() == 2);
  // One-sided reaction (CHN does not react to RUS) is not a pair: accepted.
  o.overrides = {"powers.RUS.policy=richardson", "powers.RUS.richardson.reaction=5"};
  CHECK(load_scenario(kData / "minimal.yaml", o).powers.size() == 2);
}
