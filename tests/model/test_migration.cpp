// Labour migration and remittances (model.md section 12): the migration
// stage (engine/model/stages/migration.cpp), the scale_labour_demand action,
// the `migration:` keys and their errors (engine/scenario/migration.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "geosim/io/variables.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "support/scenario_files.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::tiny_scenario;

namespace {

constexpr double kShare = 0.15, kElasticity = 1.3, kAttitudeEffect = 0.7, kAdjustment = 0.08;
constexpr double kRemittance = 2.5, kLeverage = 0.6, kDemand = 1.4;

/// Two powers, two targets of 50 citizens whose attitudes never move
/// (susceptibility 0, no noise) and whose means are exact in float (0.5 and
/// -0.25): o[t,p] is constant. T0 sends migrants to P0; T1 sends none.
Scenario migrating(int ticks) {
  Scenario s = tiny_scenario(2, 2, 1, ticks, 50);
  s.groups[0].attitude_mean = {0.5, -0.25};
  s.powers[0].labour_demand = kDemand;
  s.targets[0].migration = {.host = 0,
                            .channel = economic,
                            .share = kShare,
                            .elasticity = kElasticity,
                            .attitude_effect = kAttitudeEffect,
                            .adjustment = kAdjustment,
                            .remittance = kRemittance,
                            .leverage = kLeverage};
  return s;
}

RunRecord record_of(const Scenario& s) {
  World world(s, 3);
  Recorder recorder;
  world.run({&recorder});
  return recorder.release();
}

/// Equal bit for bit (NaN fills included).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof a[0]) == 0);
}

/// stock[row][channel][power][target] of a record.
double at(const std::vector<double>& v, const Scenario& s, int row, int c, int p, int t) {
  const auto C = static_cast<std::size_t>(s.num_channels()), P = static_cast<std::size_t>(s.num_powers()),
             T = static_cast<std::size_t>(s.num_targets());
  const auto index =
      ((static_cast<std::size_t>(row) * C + static_cast<std::size_t>(c)) * P + static_cast<std::size_t>(p)) *
          T +
      static_cast<std::size_t>(t);
  return v[index];
}

}  // namespace

TEST_CASE("migration: constant demand and attitude give m(k) = m* + (m0 - m*)(1 - lambda)^k and R = r m L") {
  const Scenario s = migrating(60);
  World world(s, 3);
  const double o = world.state().attitude_mean(0, 0);  // toward the host, constant
  REQUIRE(o == 0.5);
  const double m_star = kShare * std::pow(kDemand, kElasticity) * std::exp(kAttitudeEffect * o);
  REQUIRE(m_star < 1.0);  // the clamp does not bind
  CHECK(world.state().migrant_share[0] == kShare);
  CHECK(std::isnan(world.state().remittances[0]));  // row 0: nothing sent yet
  double m = kShare, worst = 0.0;
  for (int k = 1; k <= 60; ++k) {
    world.step();
    m = m_star + (kShare - m_star) * std::pow(1.0 - kAdjustment, k);
    worst = std::max(worst, std::fabs(world.state().migrant_share[0] - m));
    CHECK(world.state().attitude_mean(0, 0) == o);
    CHECK(world.state().migrant_share[0] == doctest::Approx(m).epsilon(1e-12));
    CHECK(world.state().remittances[0] == doctest::Approx(kRemittance * m * kDemand).epsilon(1e-12));
    CHECK(std::isnan(world.state().migrant_share[1]));  // no migration: the fill value
    CHECK(std::isnan(world.state().remittances[1]));
    CHECK(world.state().labour_demand[0] == kDemand);
  }
  MESSAGE("o = ", o, ", m* = ", m_star, "; m(60) = ", world.state().migrant_share[0], " (closed form ", m,
          "), R(60) = ", world.state().remittances[0], " (r m L = ", kRemittance * m * kDemand,
          "); largest |m - closed form| over 60 ticks ", worst);

  // The clamp: a target share above 1 is 1.
  Scenario full = migrating(3);
  full.targets[0].migration.share = 0.9;
  full.targets[0].migration.adjustment = 1.0;
  full.powers[0].labour_demand = 3.0;
  World clamped(full, 3);
  clamped.step();
  CHECK(clamped.state().migrant_share[0] == 1.0);
  CHECK(clamped.state().remittances[0] == kRemittance * 1.0 * 3.0);
}

TEST_CASE("migration: scale_labour_demand by f at tick k changes m* by f^eps from that tick on") {
  // adjustment 1: the share is its target every tick, m(k+1) = m*(k).
  Scenario base = migrating(24);
  base.targets[0].migration.adjustment = 1.0;
  base.powers[0].labour_growth = 0.01;
  const int tick = 6;
  const double f = 1.5;
  Scenario scaled = base;
  EventSpec e{"shortage", base.start.plus_months(tick), tick, "labour shortage", {}};
  e.actions.push_back(testing::action(base, "scale_labour_demand", "{power: P0, factor: 1.5}"));
  scaled.events.push_back(e);
  const RunRecord a = record_of(base), b = record_of(scaled);
  const auto &share_a = a.values<double>("migrant_share"), &share_b = b.values<double>("migrant_share");
  const auto &sent_a = a.values<double>("remittances"), &sent_b = b.values<double>("remittances");
  const auto &demand_a = a.values<double>("labour_demand"), &demand_b = b.values<double>("labour_demand");
  const std::size_t T = 2, P = 2;
  const double o = a.values<double>("attitude_mean")[0];  // [row][power][target]: P0, T0
  double worst = 0.0;                                     // of the ratio m*_scaled / m* against f^eps
  for (int k = 0; k < base.ticks; ++k) {
    INFO("tick " << k);
    const std::size_t row = static_cast<std::size_t>(k);
    // L grows 1% a tick; the event multiplies it by f from its tick on.
    const double demand = kDemand * std::pow(1.01, k);
    CHECK(demand_a[row * P] == doctest::Approx(demand).epsilon(1e-12));
    CHECK(share_a[(row + 1) * T] ==
          doctest::Approx(kShare * std::pow(demand, kElasticity) * std::exp(kAttitudeEffect * o))
              .epsilon(1e-12));
    if (k < tick) {
      CHECK(share_b[(row + 1) * T] == share_a[(row + 1) * T]);
      CHECK(demand_b[row * P] == demand_a[row * P]);
    } else {
      const double ratio = share_b[(row + 1) * T] / share_a[(row + 1) * T];
      worst = std::max(worst, std::fabs(ratio - std::pow(f, kElasticity)));
      CHECK(ratio == doctest::Approx(std::pow(f, kElasticity)).epsilon(1e-12));
      // Wages follow demand too: remittances by f^(eps + 1).
      CHECK(sent_b[(row + 1) * T] / sent_a[(row + 1) * T] ==
            doctest::Approx(std::pow(f, kElasticity + 1.0)).epsilon(1e-12));
      CHECK(share_b[(row + 1) * T] < 1.0);
    }
    if (k > tick) CHECK(demand_b[row * P] / demand_a[row * P] == doctest::Approx(f).epsilon(1e-12));
  }
  const std::size_t last = static_cast<std::size_t>(base.ticks) * T;
  MESSAGE("m*(", tick - 1, ") = ", share_a[tick * T], " in both runs; m*(", tick,
          ") = ", share_b[(tick + 1) * T], " / ", share_a[(tick + 1) * T], " = ",
          share_b[(tick + 1) * T] / share_a[(tick + 1) * T], " (f^eps = ", std::pow(f, kElasticity),
          "); R at the end ", sent_b[last], " / ", sent_a[last], " = ", sent_b[last] / sent_a[last],
          " (f^(eps+1) = ", std::pow(f, kElasticity + 1.0), "); largest |ratio - f^eps| from tick ", tick,
          " on ", worst);
}

TEST_CASE("migration: the host's economic stock gains eta_m R each tick on top of the stock update") {
  Scenario with = migrating(36);
  with.channels[economic].decay = 0.05;
  with.targets[0].autonomy[economic] = 1.0;
  with.powers[0].budget[economic] = 2.0;
  with.powers[1].budget[economic] = 1.0;
  for (int p = 0; p < 2; ++p) testing::use_policy(with, p, "fixed");  // allocations do not follow stocks
  Scenario without = with;
  without.targets[0].migration = {};
  const RunRecord a = record_of(with), b = record_of(without);
  const auto &stock_a = a.values<double>("stock"), &stock_b = b.values<double>("stock");
  const auto& allocation = a.values<double>("allocation");
  const auto& influence = a.values<double>("influence");
  const auto& sent = a.values<double>("remittances");
  CHECK(same_bits(allocation, b.values<double>("allocation")));
  const double keep = 1.0 - with.channels[economic].decay;
  double total = 0.0, worst = 0.0;
  for (int k = 0; k < with.ticks; ++k) {
    INFO("tick " << k);
    const double r = sent[static_cast<std::size_t>(k + 1) * 2];  // row k+1, T0
    total += kLeverage * r;
    // Section 4's update, then the remittances' inflow, in the run with migration...
    const double stocks =
        keep * at(stock_a, with, k, economic, 0, 0) + at(allocation, with, k + 1, economic, 0, 0);
    CHECK(at(stock_a, with, k + 1, economic, 0, 0) == doctest::Approx(stocks + kLeverage * r).epsilon(1e-13));
    // ...so the difference from the run without decays and gains eta_m R a tick.
    const double before = at(stock_a, with, k, economic, 0, 0) - at(stock_b, with, k, economic, 0, 0);
    const double after = at(stock_a, with, k + 1, economic, 0, 0) - at(stock_b, with, k + 1, economic, 0, 0);
    CHECK(after == doctest::Approx(keep * before + kLeverage * r).epsilon(1e-12));
    worst = std::max(worst, std::fabs(after - (keep * before + kLeverage * r)));
    // The same tick's influence is the Tullock share of the stock with the inflow (exponent 1).
    const double s0 = at(stock_a, with, k + 1, economic, 0, 0), s1 = at(stock_a, with, k + 1, economic, 1, 0);
    CHECK(at(influence, with, k + 1, economic, 0, 0) == doctest::Approx(s0 / (1.0 + s0 + s1)).epsilon(1e-13));
    // Nothing else gains: the other power, target and channels.
    CHECK(at(stock_a, with, k + 1, economic, 1, 0) == at(stock_b, with, k + 1, economic, 1, 0));
    CHECK(at(stock_a, with, k + 1, economic, 0, 1) == at(stock_b, with, k + 1, economic, 0, 1));
    CHECK(at(stock_a, with, k + 1, soft, 0, 0) == at(stock_b, with, k + 1, soft, 0, 0));
  }
  const int K = with.ticks;
  MESSAGE("after ", K, " ticks: stock with migration ", at(stock_a, with, K, economic, 0, 0), ", without ",
          at(stock_b, with, K, economic, 0, 0), "; eta_m R summed ", total, ", the last tick's eta_m R ",
          kLeverage * sent[static_cast<std::size_t>(K) * 2],
          "; largest |D(k+1) - (1 - delta) D(k) - eta_m R(k)| ", worst);
}

TEST_CASE("migration: without it, or with leverage 0, every other result is the same bit for bit") {
  Scenario none = migrating(24);
  for (auto& p : none.powers) p.budget = {1.0, 0.5, 0.5};
  none.groups[0].susceptibility = 0.2;  // attitudes move with influence
  none.groups[0].noise = 0.02;
  none.groups[0].exposure.assign(2, PerChannel{1.0, 0.5, 0.5});
  none.targets[0].migration = {};
  REQUIRE_FALSE(none.has_migration());
  Scenario idle = migrating(24);
  idle.powers = none.powers;
  idle.groups = none.groups;
  idle.targets[0].migration.leverage = 0.0;  // migrants, but their money buys no presence
  const RunRecord a = record_of(none), b = record_of(idle);
  int compared = 0, migration_only = 0;
  for (const ResultsVariable& v : results_variables()) {
    INFO("variable " << v.name);
    if (!v.in_file(none)) {
      migration_only += v.in_file(idle);  // the others belong to another mechanism (surveys)
      continue;
    }
    CHECK(same_bits(a.as_doubles(v.name), b.as_doubles(v.name)));
    ++compared;
  }
  CHECK(migration_only == 3);
  CHECK(compared == static_cast<int>(results_variables().size()) - 5);
  // Without migration the stage changes nothing but labour demand, which nothing else reads.
  const auto& fill = a.values<double>("migrant_share");
  CHECK(std::all_of(fill.begin(), fill.end(), [](double x) { return std::isnan(x); }));
}

namespace {

const char* const kMigrating = R"(name: t
time: {start: 2013-09, end: 2014-08, step: quarter, rates_per: month}
powers:
  RUS: {labour_growth: 0.002}
  CHN: {}
targets:
  KAZ: {}
  KGZ:
    migration: {host: RUS, share: 0.3, adjustment: 0.05, remittance: 2.0, leverage: 0.4}
groups: {public: {}}
)";

std::string with_migration(const std::string& mapping) {
  std::string text = kMigrating;
  const std::string old = "{host: RUS, share: 0.3, adjustment: 0.05, remittance: 2.0, leverage: 0.4}";
  text.replace(text.find(old), old.size(), mapping);
  return text;
}

}  // namespace

TEST_CASE("migration: the keys are read through the schema and converted to the step") {
  const Scenario s = load_scenario(testing::write_temp("migration_keys.yaml", kMigrating));
  REQUIRE(s.has_migration());
  const MigrationSpec& m = s.targets[1].migration;
  CHECK(m.host == 0);
  CHECK(m.channel == economic);  // the default, declared
  CHECK(m.share == 0.3);
  CHECK(m.elasticity == scenario_default("targets.<target>.migration.elasticity"));
  CHECK(m.attitude_effect == scenario_default("targets.<target>.migration.attitude_effect"));
  CHECK(m.leverage == 0.4);
  // Quarterly ticks of monthly rates: a relaxation gain 1 - (1 - x)^3, a flow 3x, growth (1 + g)^3 - 1.
  CHECK(m.adjustment == doctest::Approx(1.0 - std::pow(0.95, 3)).epsilon(1e-15));
  CHECK(m.remittance == doctest::Approx(6.0).epsilon(1e-15));
  CHECK(s.powers[0].labour_growth == doctest::Approx(std::pow(1.002, 3) - 1.0).epsilon(1e-12));
  CHECK_FALSE(s.targets[0].migration.active());
  // The resolved tree lists the defaults of the given mapping only.
  CHECK(testing::contains(s.defaults_applied, "targets.KGZ.migration.elasticity: 1\n"));
  CHECK_FALSE(testing::contains(s.defaults_applied, "targets.KAZ.migration"));
}

TEST_CASE("migration: an unknown host or a share outside 0..1 is refused at its line, column and key") {
  using testing::check_where;
  using testing::load_error;
  using testing::write_temp;
  // Line 9 of kMigrating: `    migration: {host: RUS, share: 0.3, ...}`: the mapping at column 16, host at
  // 23, share at 35.
  std::string what = load_error<ReferenceError>(
      write_temp("migration_host.yaml", with_migration("{host: USA, share: 0.3}")));
  check_where(what, "migration_host.yaml:9:23", "targets.KGZ.migration.host");
  CHECK(testing::contains(what, "undefined power 'USA'"));
  CHECK(testing::contains(what, "RUS, CHN"));
  MESSAGE(what);
  for (const char* share : {"1.2", "-0.1"}) {
    what = load_error<RangeError>(
        write_temp("migration_share.yaml", with_migration(std::string("{host: RUS, share: ") + share + "}")));
    check_where(what, "migration_share.yaml:9:35", "targets.KGZ.migration.share");
    CHECK(testing::contains(what, std::string("expected a number in [0, 1], got ") + share));
    MESSAGE(what);
  }
  // The share is required; the mapping says so at its place.
  what = load_error<TypeError>(write_temp("migration_no_share.yaml", with_migration("{host: RUS}")));
  check_where(what, "migration_no_share.yaml:9:16", "targets.KGZ.migration.share");
  CHECK(testing::contains(what, "share"));
  // An unknown key suggests the nearest.
  what = load_error<UnknownKeyError>(
      write_temp("migration_typo.yaml", with_migration("{host: RUS, share: 0.3, remitance: 1}")));
  check_where(what, "migration_typo.yaml:9", "targets.KGZ.migration.remitance");
  CHECK(testing::contains(what, "did you mean 'remittance'"));
  // Channels of the scenario's own: the default `economic` must be declared, or the channel named.
  std::string own = with_migration("{host: RUS, share: 0.3}");
  own.insert(own.find("powers:"), "channels: {trade: {}, arms: {}}\n");
  what = load_error<ReferenceError>(write_temp("migration_channel.yaml", own));
  check_where(what, "migration_channel.yaml:10:16", "targets.KGZ.migration.channel");
  CHECK(testing::contains(what, "default channel 'economic'"));
  MESSAGE(what);
  own.replace(own.find("share: 0.3}"), 11, "share: 0.3, channel: trade}");
  CHECK(load_scenario(write_temp("migration_trade.yaml", own)).targets[1].migration.channel == 0);
  // The action's arguments.
  std::string event = kMigrating;
  event +=
      "events:\n  e:\n    date: 2014-01\n    note: n\n    actions:\n"
      "      - scale_labour_demand: {power: RUS, factor: -1}\n";
  what = load_error<RangeError>(write_temp("migration_factor.yaml", event));
  check_where(what, "migration_factor.yaml:16", "events.e.actions[0].scale_labour_demand.factor");
}
