// Per-period quantities are converted to the tick: changing the step keeps a
// scenario's meaning.
#include "geosim/scenario/time_units.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>

#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

using namespace geosim;
using config::TimeScaling;
using geosim::testing::thrown;

TEST_CASE("time units: a tick of one period changes nothing, bit for bit") {
  for (const double v : {0.0, 0.02, 0.1234567890123, 0.999, 3.0, -0.5}) {
    for (const TimeScaling s : {TimeScaling::flow, TimeScaling::compound, TimeScaling::fraction,
                                TimeScaling::spread, TimeScaling::duration}) {
      if (s == TimeScaling::fraction && v < 0) continue;
      CHECK(per_tick(s, v, 1.0) == v);
    }
  }
}

TEST_CASE("time units: compounding the per-tick value over a period gives the per-period value") {
  // Twelve monthly ticks of a yearly decay, growth, flow and noise make the year's.
  const double r = 1.0 / 12;
  const double decay = per_tick(TimeScaling::fraction, 0.2, r);
  CHECK(1.0 - std::pow(1.0 - decay, 12) == doctest::Approx(0.2).epsilon(1e-14));
  const double growth = per_tick(TimeScaling::compound, 0.05, r);
  CHECK(std::pow(1.0 + growth, 12) - 1.0 == doctest::Approx(0.05).epsilon(1e-14));
  CHECK(per_tick(TimeScaling::flow, 12.0, r) == doctest::Approx(1.0));
  // Independent steps: variances add.
  CHECK(12 * std::pow(per_tick(TimeScaling::spread, 0.6, r), 2) == doctest::Approx(0.36));
  // A quarter of a monthly rate, and back.
  const double q = per_tick(TimeScaling::fraction, 0.02, 3.0);
  CHECK(q == doctest::Approx(1.0 - 0.98 * 0.98 * 0.98));
  CHECK(per_tick(TimeScaling::fraction, q, 1.0 / 3) == doctest::Approx(0.02).epsilon(1e-14));
  CHECK(per_tick(TimeScaling::duration, 6.0, 3.0) == 2.0);
}

namespace {

/// China's economic spending over the whole run and its final economic stock in Kazakhstan.
std::pair<double, double> china_economic(const std::vector<std::string>& sets) {
  const Scenario s = load_scenario(GEOSIM_TEST_DATA_DIR "/minimal.yaml", {.overrides = sets});
  const RunRecord rec = run(s).record;
  const auto& budget = rec.values<double>("budget");  // [row][power][channel]
  const auto& stock = rec.values<double>("stock");    // [row][channel][power][target]
  const int P = rec.powers, C = s.num_channels(), T = rec.targets;
  const int china = 1, economic = 0, kaz = 0;
  double spent = 0.0;
  for (int row = 0; row < s.ticks; ++row) spent += budget[(row * P + china) * C + economic];
  const double final_stock = stock[((s.ticks * C + economic) * P + china) * T + kaz];
  return {spent, final_stock};
}

}  // namespace

TEST_CASE("time units: a quarterly step spends what a monthly one does over the same year") {
  const auto [monthly_spent, monthly_stock] = china_economic({});
  const auto [quarterly_spent, quarterly_stock] = china_economic({"time.step=quarter"});
  // Budgets 3 per month growing 0.5% a month: 37.0 over the year by months,
  // 36.8 by quarters (a quarter's budget is fixed within it). Without the
  // conversion, a quarter spent a month's budget: a third of the total.
  CHECK(monthly_spent == doctest::Approx(3.0 * (std::pow(1.005, 12) - 1.0) / 0.005));
  CHECK(quarterly_spent == doctest::Approx(monthly_spent).epsilon(0.01));
  CHECK(quarterly_stock == doctest::Approx(monthly_stock).epsilon(0.05));
}

TEST_CASE("time units: rates_per is required, and a duration must be a whole number of ticks") {
  const std::string head = "name: t\ntime: {start: 2020-01, end: 2020-12, step: quarter";
  const std::string body = "powers: {A: {}}\ntargets: {X: {}}\ngroups: {g: {}}\n";
  const auto missing = geosim::testing::write_temp("time_units", "missing.yaml", head + "}\n" + body);
  const std::string what = thrown<TypeError>([&] { load_scenario(missing); });
  CHECK(what.find("time.rates_per: missing required key 'rates_per'") != std::string::npos);
  CHECK(what.find("add `rates_per: month`") != std::string::npos);

  const auto monthly =
      geosim::testing::write_temp("time_units", "monthly.yaml", head + ", rates_per: month}\n" + body);
  CHECK(load_scenario(monthly, {.overrides = {"campaigns.duration=6"}}).campaigns.duration == 2);
  // The default (6 months) converts too.
  CHECK(load_scenario(monthly).campaigns.duration == 2);
  const std::string odd =
      thrown<RangeError>([&] { load_scenario(monthly, {.overrides = {"campaigns.duration=4"}}); });
  CHECK(odd.find("campaigns.duration: 4 months (time.rates_per) is not a whole number of quarter ticks") !=
        std::string::npos);
  // Values the validator refuses are reported as written, not converted.
  const std::string negative =
      thrown<RangeError>([&] { load_scenario(monthly, {.overrides = {"powers.A.budget.economic=-1"}}); });
  CHECK(negative.find("got -1") != std::string::npos);
  // Converted values reach the scenario; a monthly file at a monthly step is untouched.
  const Scenario q =
      load_scenario(monthly, {.overrides = {"powers.A.budget.economic=2", "channels.economic.decay=0.1"}});
  CHECK(q.powers[0].budget[0] == 6.0);
  CHECK(q.channels[0].decay == doctest::Approx(1.0 - 0.9 * 0.9 * 0.9));
  CHECK(q.resolved_yaml.find("economic: 2\n") != std::string::npos);  // recorded as given
}
