// Sweep parameters: any value a scenario can hold is one (engine/sweep/plan.cpp),
// reached by the same key paths as --set, with the same rule for paths the
// base lacks: keys left at their default may be varied; entries and list
// items are never created.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "geosim/config/node.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using geosim::testing::thrown;
using geosim::testing::write_temp;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// A sweep over `parameters` (YAML lines under `parameters:`) of the named-actions fixture.
SweepSpec spec_with(const std::string& parameters) {
  const std::string text =
      "base: " + (kData / "named_actions.yaml").string() + "\nparameters:\n" + parameters;
  return load_sweep_spec(write_temp("sweep_parameters", "s.yaml", text));
}

const config::Node& at(const config::Node& tree, const std::string& key) {
  const config::Node* n = tree.find(key);
  REQUIRE(n != nullptr);
  return *n;
}

}  // namespace

TEST_CASE("parameters: an event action by name or index, and a key the base leaves at its default") {
  const Sweep sweep(
      spec_with("  events.sanctions.actions[rus_economy].scale_budget.factor: [0.5, 0.9]\n"
                "  events.sanctions.actions[1].scale_budget.factor: [0.6]\n"
                "  targets.KAZ.opinion_sensitivity: [0.0, 0.4]\n"));
  REQUIRE(sweep.points() == 4);
  const RunPlan plan = sweep.plan(3);
  REQUIRE(plan.values.size() == 3);
  CHECK(plan.values[0] == "0.9");
  CHECK(plan.values[2] == "0.4");
  CHECK(plan.overrides.back() == "targets.KAZ.opinion_sensitivity=0.4");

  const Scenario run = sweep.scenario(plan);
  REQUIRE(run.events.size() == 1);
  CHECK(run.targets[0].opinion_sensitivity == 0.4);
  // The action's value is the run's: read back from the scenario it ran.
  LoadOptions options;
  options.overrides = plan.overrides;
  const Scenario alone = load_scenario(kData / "named_actions.yaml", options);
  const config::Node tree = config::parse_text(alone.resolved_yaml, "resolved");
  const config::Node& actions = at(at(at(tree, "events"), "sanctions"), "actions");
  CHECK(at(at(actions.items[0], "scale_budget"), "factor").scalar == "0.9");
  CHECK(at(at(actions.items[1], "scale_budget"), "factor").scalar == "0.6");
  CHECK(sweep.repeat_command(plan).find(
            "--set 'events.sanctions.actions[rus_economy].scale_budget.factor=0.9'") != std::string::npos);
}

TEST_CASE("parameters: a path the base cannot hold is refused at the parameter, saying why") {
  const auto refused = [](const std::string& parameter) {
    return thrown<UnknownKeyError>([&] { Sweep s(spec_with("  " + parameter + ": [0.5, 0.9]\n")); });
  };
  std::string what = refused("powers.CHN.budgt.soft");
  CHECK(what.find("s.yaml:3:3: parameters.powers.CHN.budgt.soft: unknown key 'budgt' in 'powers.CHN' "
                  "(did you mean 'budget'?)") != std::string::npos);
  what = refused("powers.CNH.growth");
  CHECK(what.find("there is no 'CNH' in powers (did you mean 'CHN'?)") != std::string::npos);
  CHECK(what.find("(in the base scenario named_actions)") != std::string::npos);
  what = refused("events.sanctions.actions[2].scale_budget.factor");
  CHECK(what.find("has 2 items (indices 0 to 1), so there is no [2]") != std::string::npos);
  what = refused("events.sanctions.actions[rus_econmy].scale_budget.factor");
  CHECK(what.find("is named 'rus_econmy' (did you mean 'rus_economy'?)") != std::string::npos);
  what = refused("events.sanctions.actions[0].scale_budget.factr");
  CHECK(what.find(
            "unknown key 'factr' in 'events.sanctions.actions[0].scale_budget' (did you mean 'factor'?)") !=
        std::string::npos);
  // A name the scenario does not declare where the format allows any name.
  what = refused("powers.CHN.budget.sfot");
  CHECK(what.find("unknown channel 'sfot' (did you mean 'soft'?)") != std::string::npos);

  what = thrown<TypeError>([] { Sweep s(spec_with("  events.sanctions.actions: [0.5]\n")); });
  CHECK(what.find("is a list; a parameter is a single value (give a longer path, or an item: "
                  "events.sanctions.actions[0])") != std::string::npos);
  what = thrown<TypeError>([] { Sweep s(spec_with("  powers.CHN.budget: [0.5]\n")); });
  CHECK(what.find("is a mapping; a parameter is a single value") != std::string::npos);
  // A valid path with a value out of domain is a RangeError at the values.
  what = thrown<RangeError>(
      [] { Sweep s(spec_with("  events.sanctions.actions[rus_economy].scale_budget.factor: [0.5, -1]\n")); });
  CHECK(what.find("value -1 is outside the parameter's domain") != std::string::npos);
}

TEST_CASE("parameters: also sets further paths to the parameter's value at every point") {
  const Sweep sweep(
      spec_with("  targets.KAZ.opinion_sensitivity:\n"
                "    values: [0.1, 0.3]\n"
                "    also: [targets.KGZ.opinion_sensitivity]\n"
                "  powers.CHN.growth: {range: [0.0, 0.01], levels: 2, also: [powers.RUS.growth]}\n"));
  REQUIRE(sweep.points() == 4);
  for (std::int64_t run = 0; run < sweep.runs(); ++run) {
    const RunPlan plan = sweep.plan(run);
    const Scenario s = sweep.scenario(plan);
    REQUIRE(s.targets.size() == 2);
    CHECK(s.targets[0].opinion_sensitivity == std::stod(plan.values[0]));
    CHECK(s.targets[1].opinion_sensitivity == s.targets[0].opinion_sensitivity);
    CHECK(s.powers[0].growth == s.powers[1].growth);
    // The repeat command holds every override, so the run can be made alone.
    CHECK(sweep.repeat_command(plan).find("--set targets.KGZ.opinion_sensitivity=" + plan.values[0] + " ") !=
          std::string::npos);
  }
  CHECK(sweep.scenario(sweep.plan(3)).powers[1].growth > 0.0);
  // Tying changes what a run is: the identity says so (resume refuses a changed file).
  const Sweep untied(
      spec_with("  targets.KAZ.opinion_sensitivity: [0.1, 0.3]\n"
                "  powers.CHN.growth: {range: [0.0, 0.01], levels: 2}\n"));
  CHECK(untied.identity_hash() != sweep.identity_hash());
}

TEST_CASE("parameters: a tied path is checked like the parameter's own, and set by one parameter only") {
  std::string what = thrown<UnknownKeyError>([] {
    Sweep s(spec_with("  powers.CHN.growth: {range: [0.0, 0.01], levels: 2, also: [powers.RUS.grwoth]}\n"));
  });
  CHECK(what.find("s.yaml:3:61: parameters.powers.CHN.growth.also: unknown key 'grwoth'") !=
        std::string::npos);
  what = thrown<ReferenceError>([] {
    Sweep s(spec_with("  powers.CHN.growth: {range: [0.0, 0.01], levels: 2, also: [powers.CHN.growth]}\n"));
  });
  CHECK(what.find("'powers.CHN.growth' is already set by this parameter") != std::string::npos);
  what = thrown<ReferenceError>([] {
    Sweep s(
        spec_with("  powers.CHN.growth: {range: [0.0, 0.01], levels: 2, also: [powers.RUS.growth]}\n"
                  "  powers.RUS.growth: [0.0]\n"));
  });
  CHECK(what.find("'powers.RUS.growth' is also set by the parameter powers.RUS.growth") != std::string::npos);
  what = thrown<TypeError>(
      [] { Sweep s(spec_with("  powers.CHN.growth: {range: [0.0, 0.01], levels: 2, also: []}\n")); });
  CHECK(what.find("expected a non-empty list of scenario key paths") != std::string::npos);
  // A value out of the tied path's domain is refused at the parameter's values.
  what = thrown<RangeError>([] {
    Sweep s(spec_with("  targets.KAZ.citizens: {values: [1, 20], also: [targets.KGZ.responsiveness]}\n"));
  });
  CHECK(what.find("value 20 is outside the parameter's domain") != std::string::npos);
}
