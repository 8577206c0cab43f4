// The scenario schema: well formed, and its defaults are what the loader applies.
#include "geosim/scenario/schema.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "geosim/model/policy.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

using namespace geosim;
using config::ValueType;

namespace {
double number_default(const char* path) { return scenario_core_schema().at(path).default_number(); }

// Only what is required: everything else takes its default.
const char* kBare = R"(name: bare
time: {start: 2020-01, end: 2020-12, rates_per: month}
powers: {P: ~, Q: ~}
targets: {T: ~}
groups: {G: ~}
institutions: {I: {leaders: [P]}}
events:
  e:
    date: 2020-03
    note: n
    actions: [{set_growth: {power: P, value: 0.1}}]
)";
}  // namespace

TEST_CASE("scenario schema: every key has a doc line and a default, a rule or is required") {
  const config::Schema schema = scenario_schema();  // core keys and every registered policy's and action's
  for (const config::KeySpec& k : schema.keys()) {
    INFO(k.path);
    CHECK(!k.doc.empty());
    CHECK((k.required || !k.default_text.empty() || !k.default_rule.empty()));
    if (k.type == ValueType::choice) CHECK(!k.choices.empty());
  }
}

TEST_CASE("scenario schema: a bare scenario gets exactly the schema's defaults") {
  const auto path = geosim::testing::write_temp("schema_defaults", "bare.yaml", kBare);
  const Scenario s = load_scenario(path);
  CHECK(s.seed == static_cast<std::uint64_t>(number_default("seed")));
  CHECK(s.step_months == 1);
  CHECK(scenario_core_schema().at("time.step").default_text == "month");
  // Without `channels:`, the schema's default set, in its order.
  CHECK(scenario_core_schema().at("channels").default_text == "{economic: {}, security: {}, soft: {}}");
  CHECK(s.channel_names() == std::vector<std::string>{"economic", "security", "soft"});
  for (const ChannelSpec& c : s.channels) {
    CHECK(c.decay == number_default("channels.<channel>.decay"));
    CHECK(c.exponent == number_default("channels.<channel>.exponent"));
  }
  CHECK(s.negative_threshold == number_default("opinion.negative_threshold"));
  CHECK(s.campaigns.threshold == number_default("campaigns.threshold"));
  CHECK(s.campaigns.duration == number_default("campaigns.duration"));
  CHECK(s.campaigns.penalty == number_default("campaigns.penalty"));
  CHECK(scenario_core_schema().at("campaigns.channels").default_text == "[economic]");
  CHECK(s.campaigns.channels == std::vector<int>{0});
  CHECK(s.output.agents == OutputSpec::Agents::none);
  CHECK(s.output.agents_every == 0);

  const PowerSpec& p = s.powers[0];
  CHECK(p.name == "P");
  for (int c = 0; c < s.num_channels(); ++c) {
    CHECK(p.budget[c] == number_default("powers.<power>.budget.<channel>"));
    CHECK(p.valence[c] == number_default("powers.<power>.valence.<channel>"));
    // No policy named: the default one (its own settings' defaults are the policy's tests' business).
    CHECK((p.policy[c].policy == nullptr || p.policy[c].policy == &default_policy()));
  }
  CHECK(p.growth == number_default("powers.<power>.growth"));
  CHECK(p.labour_demand == number_default("powers.<power>.labour_demand"));
  CHECK(p.labour_growth == number_default("powers.<power>.labour_growth"));
  CHECK(p.strategic_value[0] == number_default("powers.<power>.strategic_value.<target>"));

  const TargetSpec& t = s.targets[0];
  CHECK(t.name == "T");
  CHECK(t.citizens == static_cast<std::int64_t>(number_default("targets.<target>.citizens")));
  CHECK(t.group_share == std::vector<double>{1.0});  // the only group
  CHECK(t.responsiveness == number_default("targets.<target>.responsiveness"));
  CHECK(t.opinion_sensitivity == number_default("targets.<target>.opinion_sensitivity"));
  CHECK(t.campaign_rate == number_default("targets.<target>.campaign_rate"));
  CHECK_FALSE(t.migration.active());  // no `migration:`, no migration
  CHECK_FALSE(s.has_migration());
  for (int c = 0; c < s.num_channels(); ++c) {
    CHECK(t.channel_weights[c] == doctest::Approx(1.0 / s.num_channels()));
    CHECK(t.autonomy[c] == number_default("targets.<target>.autonomy.<channel>"));
    CHECK(t.initial_stock[0][c] == number_default("targets.<target>.stocks.<power>.<channel>"));
  }
  CHECK(t.initial_alignment == std::vector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3});

  const GroupSpec& g = s.groups[0];
  CHECK(g.susceptibility == number_default("groups.<group>.susceptibility"));
  CHECK(g.anchoring == number_default("groups.<group>.anchoring"));
  CHECK(g.peer_weight == number_default("groups.<group>.peer_weight"));
  CHECK(g.noise == number_default("groups.<group>.noise"));
  CHECK(g.exposure[0][0] == number_default("groups.<group>.exposure.<power>.<channel>"));
  CHECK(g.attitude_mean[0] == number_default("groups.<group>.attitude.<power>.mean"));
  CHECK(g.attitude_sd[0] == number_default("groups.<group>.attitude.<power>.sd"));

  CHECK(s.institutions[0].members.empty());
  for (int c = 0; c < s.num_channels(); ++c)
    CHECK(s.institutions[0].bonus[c] == number_default("institutions.<institution>.bonus.<channel>"));
  CHECK(s.events.size() == 1);  // enabled by default
}

TEST_CASE("scenario schema: specs built in code start at the schema's defaults") {
  const ChannelSpec channel;
  CHECK(channel.decay == number_default("channels.<channel>.decay"));
  CHECK(channel.exponent == number_default("channels.<channel>.exponent"));
  CHECK(PowerSpec{}.growth == number_default("powers.<power>.growth"));
  CHECK(PowerSpec{}.labour_demand == number_default("powers.<power>.labour_demand"));
  CHECK(PowerSpec{}.labour_growth == number_default("powers.<power>.labour_growth"));
  const MigrationSpec m;
  CHECK_FALSE(m.active());
  CHECK(m.elasticity == number_default("targets.<target>.migration.elasticity"));
  CHECK(m.attitude_effect == number_default("targets.<target>.migration.attitude_effect"));
  CHECK(m.adjustment == number_default("targets.<target>.migration.adjustment"));
  CHECK(m.remittance == number_default("targets.<target>.migration.remittance"));
  CHECK(m.leverage == number_default("targets.<target>.migration.leverage"));
  CHECK(SurveySpec{}.response_sd == number_default("surveys.<survey>.response_sd"));
  const TargetSpec t;
  CHECK(t.citizens == static_cast<std::int64_t>(number_default("targets.<target>.citizens")));
  CHECK(t.responsiveness == number_default("targets.<target>.responsiveness"));
  CHECK(t.opinion_sensitivity == number_default("targets.<target>.opinion_sensitivity"));
  CHECK(t.campaign_rate == number_default("targets.<target>.campaign_rate"));
  const GroupSpec g;
  CHECK(g.susceptibility == number_default("groups.<group>.susceptibility"));
  CHECK(g.anchoring == number_default("groups.<group>.anchoring"));
  CHECK(g.peer_weight == number_default("groups.<group>.peer_weight"));
  CHECK(g.noise == number_default("groups.<group>.noise"));
  const Scenario s;
  CHECK(s.seed == static_cast<std::uint64_t>(number_default("seed")));
  CHECK(s.negative_threshold == number_default("opinion.negative_threshold"));
  CHECK(s.campaigns.threshold == number_default("campaigns.threshold"));
  CHECK(s.campaigns.duration == number_default("campaigns.duration"));
  CHECK(s.campaigns.penalty == number_default("campaigns.penalty"));
  CHECK_THROWS_AS(scenario_default("no.such.key"), std::logic_error);
}

TEST_CASE("scenario schema: the loader accepts exactly the schema's keys at each level") {
  const config::Schema schema = scenario_schema();
  CHECK(schema.children("time") == std::vector<std::string>{"start", "end", "step", "rates_per", "spin_up"});
  CHECK(schema.children("campaigns") ==
        std::vector<std::string>{"threshold", "duration", "penalty", "channels"});
  CHECK(schema.children("surveys.<survey>") ==
        std::vector<std::string>{"doc", "favourable_above", "unfavourable_below", "response_sd"});
  // A key the schema does not declare is refused by the loader, with a suggestion.
  std::string text = kBare;
  text.replace(text.find("time: {"), 7, "time: {stpe: month, ");
  const auto path = geosim::testing::write_temp("schema_defaults", "typo.yaml", text);
  try {
    load_scenario(path);
    FAIL("stpe must be refused");
  } catch (const UnknownKeyError& e) {
    CHECK(e.key() == "time.stpe");
    CHECK(std::string(e.what()).find("did you mean 'step'") != std::string::npos);
  }
}
