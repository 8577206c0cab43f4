// The registries of model/registries.hpp, and the proof that they make the
// engine extensible: a toy allocation policy and a toy event action, defined
// and registered in this file alone, are used by name (with keys of their
// own) by a scenario written here, and change what the run computes.
#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/model/action.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/model/registries.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
namespace fs = std::filesystem;

namespace {

// ---- toy policy: begin ----------------------------------------------------
// `spotlight`: a share of the budget to one favoured target, the rest evenly.
struct SpotlightSettings final : PolicySettings {
  int target = 0;
  double share = 0.5;
};

class Spotlight final : public AllocationPolicy {
 public:
  std::string_view name() const override { return "spotlight"; }
  const config::Schema& keys() const override {
    static const config::Schema keys =
        config::Schema()
            .add({.path = "spotlight.target", .type = config::ValueType::name, .doc = "the favoured target"})
            .add({.path = "spotlight.share",
                  .type = config::ValueType::number,
                  .default_text = "0.5",
                  .range = config::kUnit,
                  .doc = "its share of the budget"});
    return keys;
  }
  std::shared_ptr<const PolicySettings> parse(const PolicyInput& in) const override {
    auto s = std::make_shared<SpotlightSettings>();
    const config::Node* n = config::opt(in.power, "spotlight");
    if (!n) return s;
    const std::string path = config::join(in.path, "spotlight");
    config::expect_map(*n, path);
    config::check_keys(*n, path, keys(), "spotlight");
    if (const config::Node* t = config::opt(*n, "target"))
      s->target = config::resolve_scalar(*t, config::join(path, "target"), "target", in.targets);
    s->share = config::read_number(*n, keys().at("spotlight.share"), path);
    return s;
  }
  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& s = static_cast<const SpotlightSettings&>(*ctx.settings);
    for (double& a : out) a = ctx.budget * (1.0 - s.share) / static_cast<double>(out.size() - 1);
    out[s.target] = ctx.budget * s.share;
  }
};
// ---- toy policy: end ------------------------------------------------------

// ---- toy action: begin ----------------------------------------------------
// `tax: {power, rate}`: every budget of the power *= 1 - rate.
struct Tax final : Action {
  int power;
  double rate;
  Tax(int p, double r) : power(p), rate(r) {}
  void apply(const Scenario&, WorldState& s) const override {
    for (int c = 0; c < geosim::testing::kTinyChannels; ++c) s.budget(power, c) *= 1.0 - rate;
  }
};

std::unique_ptr<const ActionType> tax() {
  config::Schema keys;
  keys.add({.path = "power", .type = config::ValueType::name, .required = true, .doc = "who pays"})
      .add({.path = "rate",
            .type = config::ValueType::number,
            .required = true,
            .range = config::kUnit,
            .doc = "the share of each budget taken"});
  return make_action_type("tax", keys, [keys](const ActionInput& in) {
    return std::make_shared<Tax>(Tax{in.power(keys.at("power")), in.number(keys.at("rate"))});
  });
}
// ---- toy action: end ------------------------------------------------------

/// A scenario using both toys; `policy` and `extra` vary it.
std::string toy_scenario(const std::string& policy = "{economic: spotlight, soft: spotlight}",
                         const std::string& spotlight = "{target: KGZ, share: 0.8}",
                         const std::string& action = "tax: {power: RUS, rate: 0.25}") {
  return "name: toys\n"
         "time: {start: 2020-01, end: 2020-06, rates_per: month}\n"
         "powers:\n"
         "  RUS:\n"
         "    budget: {economic: 10, security: 3, soft: 4}\n"
         "    policy: " +
         policy +
         "\n"
         "    spotlight: " +
         spotlight +
         "\n"
         "  CHN:\n"
         "    budget: {economic: 1, security: 1, soft: 1}\n"
         "targets: {KAZ: {citizens: 10}, KGZ: {citizens: 10}, UZB: {citizens: 10}}\n"
         "groups: {public: {}}\n"
         "events:\n"
         "  levy:\n"
         "    date: 2020-03\n"
         "    note: a toy action\n"
         "    actions:\n"
         "      - " +
         action + "\n";
}

Scenario load_text(const std::string& name, const std::string& text) {
  return load_scenario(testing::write_temp("registries", name, text));
}

template <class E>
std::string load_error(const std::string& name, const std::string& text) {
  try {
    load_text(name, text);
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an error loading " << name);
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct Named {
  std::string label;
  std::string_view name() const { return label; }
};

}  // namespace

TEST_CASE("registries: entries are kept in registration order and found by name") {
  Registry<Named> r;
  r.add(std::make_unique<Named>(Named{"b"}));
  const Named& a = r.add(std::make_unique<Named>(Named{"a"}));
  CHECK(r.names() == std::vector<std::string>{"b", "a"});
  CHECK(r.find("a") == &a);
  CHECK(r.find("c") == nullptr);
  CHECK_THROWS_AS(r.add(std::make_unique<Named>(Named{"a"})), std::logic_error);
  CHECK_THROWS_AS(r.add(nullptr), std::logic_error);
  {
    const ScopedRegistration<Named> scoped(r, std::make_unique<Named>(Named{"c"}));
    CHECK(r.size() == 3);
    CHECK(r.find("c") != nullptr);
  }
  CHECK(r.find("c") == nullptr);
  CHECK(r.remove("b"));
  CHECK_FALSE(r.remove("b"));
  CHECK(r.names() == std::vector<std::string>{"a"});
}

TEST_CASE("registries: a toy policy and a toy action registered by a test run by name") {
  const ScopedRegistration<AllocationPolicy> policy(policies(), std::make_unique<Spotlight>());
  const ScopedRegistration<ActionType> action(actions(), tax());
  CHECK(policy_keys().find("powers.<power>.spotlight.share") != nullptr);
  CHECK(action_keys().at("events.<event>.actions[].tax.rate").required);

  const Scenario s = load_text("toys.yaml", toy_scenario());
  REQUIRE(s.events.size() == 1);
  CHECK(s.events[0].tick == 2);
  CHECK(s.events[0].actions[0].type == actions().find("tax"));
  CHECK(s.powers[0].policy[economic].policy == policies().find("spotlight"));
  CHECK(s.powers[0].policy[security].policy == &default_policy());

  const RunRecord r = run(s, {.seed = 7}).record;
  REQUIRE(r.rows == 7);
  const std::vector<double>& allocations = r.values<double>("allocation");
  const std::vector<double>& budgets = r.values<double>("budget");
  const int P = 2, T = 3;
  const auto allocation = [&](int row, int c, int p, int t) {
    return allocations[((row * geosim::testing::kTinyChannels + c) * P + p) * T + t];
  };
  const auto budget = [&](int row, int p, int c) {
    return budgets[(row * P + p) * geosim::testing::kTinyChannels + c];
  };
  const int kaz = 0, kgz = 1, uzb = 2, rus = 0, chn = 1;
  // Row k holds what tick k-1 spent. Ticks 0 and 1: 80% of 10 to KGZ, 1 each to the others.
  for (int row : {1, 2}) {
    CHECK(allocation(row, economic, rus, kgz) == doctest::Approx(8.0));
    CHECK(allocation(row, economic, rus, kaz) == doctest::Approx(1.0));
    CHECK(allocation(row, economic, rus, uzb) == doctest::Approx(1.0));
    CHECK(allocation(row, soft, rus, kgz) == doctest::Approx(3.2));
    CHECK(allocation(row, security, rus, kaz) == doctest::Approx(1.0));  // value: 3 / 3
    CHECK(budget(row, rus, economic) == 10.0);
  }
  // The tax applies at the start of tick 2 (2020-03): a quarter of each budget goes.
  for (int row = 3; row <= 6; ++row) {
    CHECK(budget(row, rus, economic) == 7.5);
    CHECK(budget(row, rus, security) == 2.25);
    CHECK(budget(row, chn, economic) == 1.0);  // CHN does not pay
    CHECK(allocation(row, economic, rus, kgz) == doctest::Approx(6.0));
    CHECK(allocation(row, economic, rus, uzb) == doctest::Approx(0.75));
    CHECK(allocation(row, soft, rus, kgz) == doctest::Approx(2.4));
    CHECK(allocation(row, economic, chn, kgz) == doctest::Approx(1.0 / 3));
  }
  CHECK(budget(r.rows - 1, rus, soft) == 3.0);  // the budget after the last tick
}

TEST_CASE("registries: the toys' own keys are checked like the engine's") {
  const ScopedRegistration<AllocationPolicy> policy(policies(), std::make_unique<Spotlight>());
  const ScopedRegistration<ActionType> action(actions(), tax());

  std::string what = load_error<RangeError>(
      "share.yaml", toy_scenario("{economic: spotlight}", "{target: KGZ, share: 1.5}"));
  CHECK(contains(what, "powers.RUS.spotlight.share: expected a number in [0, 1], got 1.5"));

  what = load_error<ReferenceError>("target.yaml", toy_scenario("{economic: spotlight}", "{target: KGX}"));
  CHECK(contains(what,
                 "powers.RUS.spotlight.target: undefined target 'KGX' (did you mean 'KGZ'?); "
                 "defined targets: KAZ, KGZ, UZB"));

  what = load_error<UnknownKeyError>("key.yaml", toy_scenario("{economic: spotlight}", "{shares: 1}"));
  CHECK(contains(what, "powers.RUS.spotlight.shares: unknown key 'shares' (did you mean 'share'?)"));

  what = load_error<RangeError>("rate.yaml", toy_scenario("value", "{}", "tax: {power: RUS, rate: -1}"));
  CHECK(contains(what, "events.levy.actions[0].tax.rate: expected a number in [0, 1], got -1"));
  what = load_error<TypeError>("missing.yaml", toy_scenario("value", "{}", "tax: {power: RUS}"));
  CHECK(contains(what, "events.levy.actions[0].tax.rate: missing required key 'rate' (a number in [0, 1])"));
}

TEST_CASE("registries: a misspelt policy or action name lists the registered names") {
  const ScopedRegistration<AllocationPolicy> policy(policies(), std::make_unique<Spotlight>());
  const ScopedRegistration<ActionType> action(actions(), tax());

  std::string what = load_error<RangeError>("policy.yaml", toy_scenario("{economic: spotlihgt}"));
  CHECK(contains(what,
                 "powers.RUS.policy.economic: expected one of fixed, value, contest, "
                 "richardson, spotlight, got spotlihgt (did you mean 'spotlight'?)"));

  what = load_error<UnknownKeyError>("action.yaml",
                                     toy_scenario("value", "{}", "taks: {power: RUS, rate: 0.1}"));
  CHECK(contains(what,
                 "events.levy.actions[0].taks: unknown action 'taks' (did you mean 'tax'?); "
                 "expected one of: scale_budget, set_budget, set_growth, add_stock, "
                 "set_stock, join, leave, shift_attitudes, scale_labour_demand, tax"));
}

TEST_CASE("registries: a toy unregistered is unknown again") {
  {
    const ScopedRegistration<AllocationPolicy> policy(policies(), std::make_unique<Spotlight>());
    CHECK(policies().find("spotlight") != nullptr);
  }
  CHECK(policies().find("spotlight") == nullptr);
  CHECK(policies().names() == std::vector<std::string>{"fixed", "value", "contest", "richardson"});
  const std::string what = load_error<UnknownKeyError>("gone.yaml", toy_scenario("value"));
  CHECK(contains(what, "powers.RUS.spotlight: unknown key 'spotlight'"));
}

TEST_CASE("registries: the toy policy and action run through a sweep over the toy policy's own key") {
  const ScopedRegistration<AllocationPolicy> policy(policies(), std::make_unique<Spotlight>());
  const ScopedRegistration<ActionType> action(actions(), tax());
  const fs::path base = testing::write_temp("registries", "sweep_base.yaml", toy_scenario());
  const fs::path file = testing::write_temp("registries", "toys_sweep.yaml",
                                            "name: toys_sweep\nbase: " + base.string() +
                                                "\nparameters:\n  powers.RUS.spotlight.share: [0.2, 0.8]\n"
                                                "design: grid\nticks: 4\nmetrics: [final_alignment]\n"
                                                "time_series: [allocation, budget]\n");
  const Sweep sweep(load_sweep_spec(file));
  REQUIRE(sweep.runs() == 2);
  const fs::path out = testing::temp_dir("registries") / "toys_sweep.h5";
  fs::remove(out);
  SweepOptions options;
  options.output = out;
  options.jobs = 2;
  CHECK(run_sweep(sweep, options).ran == 2);

  // allocation(run, time, channel, power, target); budget(run, time, power, channel).
  const Variable allocation = read_variable(out, "allocation");
  const Variable budget = read_variable(out, "budget");
  const std::size_t rows = 5, P = 2, T = 3;
  REQUIRE(allocation.shape == std::vector<std::size_t>{2, rows, geosim::testing::kTinyChannels, P, T});
  const auto spent = [&](std::size_t run, std::size_t row, int c, std::size_t p, std::size_t t) {
    return allocation.values[(((run * rows + row) * geosim::testing::kTinyChannels + c) * P + p) * T + t];
  };
  const auto budget_of = [&](std::size_t run, std::size_t row, std::size_t p, int c) {
    return budget.values[((run * rows + row) * P + p) * geosim::testing::kTinyChannels + c];
  };
  const std::size_t rus = 0, kaz = 0, kgz = 1;
  for (std::size_t run = 0; run < 2; ++run) {
    const double share = run == 0 ? 0.2 : 0.8;  // the grid's points, in order
    CAPTURE(run);
    // Tick 0: the favoured target gets the share of 10, the other two the rest evenly.
    CHECK(spent(run, 1, economic, rus, kgz) == doctest::Approx(10 * share));
    CHECK(spent(run, 1, economic, rus, kaz) == doctest::Approx(10 * (1 - share) / 2));
    // The levy at tick 2 takes a quarter of every RUS budget, whatever the point.
    CHECK(budget_of(run, 2, rus, economic) == 10.0);
    CHECK(budget_of(run, 3, rus, economic) == 7.5);
    CHECK(spent(run, 3, economic, rus, kgz) == doctest::Approx(7.5 * share));
  }
  fs::remove(out);
}
