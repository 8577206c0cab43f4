// The defaults a scenario takes are listed, and writing them in changes nothing.
#include "geosim/scenario/defaults.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <variant>

#include "geosim/io/variables.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

using namespace geosim;

namespace {

const AppliedDefault* find(const std::vector<AppliedDefault>& all, const std::string& path) {
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const AppliedDefault& d) { return d.path == path; });
  return it == all.end() ? nullptr : &*it;
}

const char* const kTwoPowers = R"(name: t
time: {start: 2020-01, end: 2020-12, rates_per: month}
powers:
  A: {budget: {economic: 1}, policy: {security: richardson}, richardson: {reaction: 0.1, fatigue: 0.5}}
  B: {name: Bee, growth: 0.01}
targets:
  X: {citizens: 10, alignment: {A: 0.5, self: 0.5}, migration: {host: A, share: 0.1, remittance: 0.5}}
  Y: {citizens: 10}
groups:
  g: {attitude: {A: {mean: 0.1}}}
)";

/// Equal bit for bit (the unallocated row 0 is NaN, which == would call unequal).
bool same_bits(const SeriesValues& a, const SeriesValues& b) {
  return a.index() == b.index() &&
         std::visit(
             [&](const auto& va) {
               const auto& vb = std::get<std::decay_t<decltype(va)>>(b);
               // memcmp of an empty vector's null data is undefined (UBSan says so).
               return va.size() == vb.size() &&
                      (va.empty() || std::memcmp(va.data(), vb.data(), va.size() * sizeof va[0]) == 0);
             },
             a);
}

}  // namespace

TEST_CASE("defaults: every value the tree does not give is listed, with its value or rule") {
  const config::Node tree = config::parse_text(kTwoPowers, "t.yaml");
  const std::vector<AppliedDefault> all = applied_defaults(tree);
  auto value_of = [&](const std::string& path) {
    const AppliedDefault* d = find(all, path);
    REQUIRE_MESSAGE(d, path << " not listed");
    return d->value;
  };
  // Constants, from the schema.
  CHECK(value_of("seed") == "1");
  CHECK(value_of("time.step") == "month");
  CHECK(value_of("channels") == "{economic: {}, security: {}, soft: {}}");
  CHECK(value_of("channels.soft.decay") == "0.02");
  CHECK(value_of("powers.A.budget.security") == "0");
  CHECK(value_of("powers.B.budget.economic") == "0");
  CHECK(value_of("powers.A.strategic_value.Y") == "1");
  CHECK(value_of("targets.Y.stocks.B.soft") == "0");
  CHECK(value_of("groups.g.attitude.A.sd") == "0");
  CHECK(value_of("groups.g.attitude.B.mean") == "0");
  CHECK(value_of("groups.g.exposure.B.economic") == "0");
  CHECK(value_of("powers.A.richardson.grievance") == "0");
  CHECK(value_of("powers.B.labour_demand") == "1");
  // A mapping whose absence means none (migration): its keys' defaults only where it is given.
  CHECK(value_of("targets.X.migration.elasticity") == "1");
  CHECK(value_of("targets.X.migration.channel") == "economic");
  for (const char* none :
       {"targets.Y.migration", "targets.Y.migration.elasticity", "targets.Y.migration.channel",
        "targets.X.migration", "targets.X.migration.host", "targets.X.migration.share"})
    CHECK_MESSAGE(find(all, none) == nullptr, none << " is listed");
  // Rules with a value.
  CHECK(value_of("powers.A.name") == "A");
  CHECK(value_of("targets.X.groups.g") == "1");
  CHECK(value_of("targets.Y.alignment.self") == "0.3333333333333333");
  CHECK(value_of("targets.X.alignment.B") == "0");
  CHECK(value_of("targets.X.channel_weights.soft") == "0.3333333333333333");
  // A rule without one value is listed by its rule.
  const AppliedDefault* rivals = find(all, "powers.A.richardson.rivals");
  REQUIRE(rivals);
  CHECK(rivals->value.empty());
  CHECK(rivals->rule == "every other power");
  // Not defaults: what the tree gives, keys of policies nobody uses, absences that mean none.
  for (const char* given : {"powers.A.budget.economic", "powers.B.name", "powers.B.growth",
                            "targets.X.alignment.A", "targets.X.alignment.self", "groups.g.attitude.A.mean",
                            "powers.A.policy.security", "powers.B.richardson.reaction",
                            "powers.A.temperature", "extends", "output.agents_every", "name", "time.start"})
    CHECK_MESSAGE(find(all, given) == nullptr, given << " is listed");
  CHECK(find(all, "powers.A.policy.economic") != nullptr);
}

TEST_CASE("defaults: campaigns.channels lists only the declared channels of its default") {
  const config::Node standard = config::parse_text(kTwoPowers, "t.yaml");
  const std::vector<AppliedDefault> standard_defaults = applied_defaults(standard);
  const AppliedDefault* d = find(standard_defaults, "campaigns.channels");
  REQUIRE(d);
  CHECK(d->value == "[economic]");
  // Without an economic channel the loader penalises none; the record says so.
  const config::Node own =
      config::parse_text(std::string(kTwoPowers) + "channels: {trade: {}, arms: {}}\n", "t.yaml");
  const std::vector<AppliedDefault> own_defaults = applied_defaults(own);
  d = find(own_defaults, "campaigns.channels");
  REQUIRE(d);
  CHECK(d->value == "[]");
}

TEST_CASE("defaults: the resolved scenario, defaults written in, runs identically and has none left") {
  const auto path = geosim::testing::write_temp("defaults", "t.yaml", kTwoPowers);
  const Scenario original = load_scenario(path);
  CHECK(original.defaults_applied.find("powers.A.strategic_value.X: 1\n") != std::string::npos);
  const auto resolved_path = geosim::testing::write_temp("defaults", "resolved.yaml", original.resolved_yaml);
  const Scenario resolved = load_scenario(resolved_path);
  // Only the rule without a value is still a default.
  CHECK(resolved.defaults_applied == "powers.A.richardson.rivals: (every other power)\n");
  CHECK(resolved.resolved_yaml == original.resolved_yaml);
  const RunRecord a = run(original).record, b = run(resolved).record;
  REQUIRE(a.series.size() == b.series.size());
  for (std::size_t i = 0; i < a.series.size(); ++i)
    CHECK_MESSAGE(same_bits(a.series[i], b.series[i]), results_variables()[i].name);
}

TEST_CASE("defaults: the shipped baseline, defaults written in, gives the same results") {
  const Scenario original =
      load_scenario(GEOSIM_SOURCE_DIR "/scenarios/central_asia_2013.yaml", {.ticks = 24});
  CHECK(!original.defaults_applied.empty());
  const auto path = geosim::testing::write_temp("defaults", "baseline_resolved.yaml", original.resolved_yaml);
  const Scenario resolved = load_scenario(path, {.ticks = 24});
  CHECK(resolved.defaults_applied.find(": 0\n") == std::string::npos);
  const RunRecord a = run(original).record, b = run(resolved).record;
  for (std::size_t i = 0; i < a.series.size(); ++i)
    CHECK_MESSAGE(same_bits(a.series[i], b.series[i]), results_variables()[i].name);
}
