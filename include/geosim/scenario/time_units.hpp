#pragma once
// Budgets, rates and durations are given per period (time.rates_per) and
// converted to the tick, so that changing time.step keeps a scenario's
// meaning: a quarter's budget is three months' budget, a yearly decay of 20%
// is 1.8% a month. Which keys convert, and how, is declared in the schema
// (KeySpec::per_time).
#include "geosim/config/node.hpp"
#include "geosim/config/schema.hpp"

namespace geosim {

/// `value` per period as the same quantity per tick, a tick being `r` periods
/// (config::TimeScaling says how). r == 1 returns `value` unchanged.
double per_tick(config::TimeScaling scaling, double value, double r);

/// time.step and time.rates_per of an unvalidated tree, in months; 0 for
/// either if absent or not one of month, quarter, year (the validator says so).
struct TimeUnits {
  int step_months = 0;
  int period_months = 0;
  bool converts() const { return step_months > 0 && period_months > 0 && step_months != period_months; }
};
TimeUnits time_units(const config::Node& tree);

/// Rewrites every value of a key with a TimeScaling in `tree` (a scenario tree
/// with its defaults written in) from per period to per tick. Values the
/// validator would refuse are left as written, so that it reports them as the
/// user wrote them. RangeError at a duration that is not a whole number of ticks.
void convert_to_step(config::Node& tree, const TimeUnits& units);

}  // namespace geosim
