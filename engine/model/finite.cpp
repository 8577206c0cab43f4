// Finite or refused (model.md section 11): after every tick, the aggregates
// of the state (budgets, stocks, influence, alignment, attitude means and
// shares, labour demand, migrant shares and remittances) are checked for inf
// and NaN. A citizen's attitude is clamped to [-1,1] but a NaN passes through
// the clamp and into the means, so checking the means covers every citizen.
// The check reads (P + 1) * T * (3C + 4) + P + 2T doubles and allocates
// nothing unless it fails.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "geosim/core/errors.hpp"
#include "model/detail/tick.hpp"

namespace geosim::detail {
namespace {

std::string value_text(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "inf" : "-inf";
}

[[noreturn]] void fail(const Tick& k, const std::string& variable, const std::string& indices, double v) {
  const Scenario& sc = k.scenario;
  const int tick = k.state.tick;  // the tick that just ran
  const std::string date = sc.row_date(tick).str().substr(0, 7);
  throw NonFiniteError(variable + "[" + indices + "] became " + value_text(v) + " at tick " +
                       std::to_string(tick) + " (" + date +
                       "): the run was stopped and no results were written");
}

// The name of power p, or "self" for the last row of alignment.
const std::string& power_name(const Scenario& sc, int p) {
  static const std::string kSelf = "self";
  return p < sc.num_powers() ? sc.powers[p].code : kSelf;
}

/// Whether every value of `a` is finite: no exponent field all ones. A
/// branch-free pass g++ vectorises (Eigen's isFinite().all() tests value by
/// value, and the check runs every tick).
bool all_finite(const Eigen::ArrayXXd& a) {
  constexpr std::uint64_t kExponent = 0x7ff0000000000000ULL;
  const double* values = a.data();
  std::uint64_t bad = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    bad |= static_cast<std::uint64_t>((std::bit_cast<std::uint64_t>(values[i]) & kExponent) == kExponent);
  return bad == 0;
}

// Checks a (power x target) array; rows past the powers are "self".
void check_power_target(const Tick& k, const Eigen::ArrayXXd& a, const char* variable,
                        const std::string* channel) {
  if (all_finite(a)) return;
  for (Eigen::Index t = 0; t < a.cols(); ++t)
    for (Eigen::Index p = 0; p < a.rows(); ++p)
      if (!std::isfinite(a(p, t))) {
        std::string indices = power_name(k.scenario, static_cast<int>(p)) + ", " +
                              k.scenario.targets[static_cast<std::size_t>(t)].code;
        if (channel) indices += ", " + *channel;
        fail(k, variable, indices, a(p, t));
      }
}

}  // namespace

void check_finite(const Tick& k) {
  const Scenario& sc = k.scenario;
  const WorldState& s = k.state;
  const int C = sc.num_channels();
  if (!all_finite(s.budget))
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < sc.num_powers(); ++p)
        if (!std::isfinite(s.budget(p, c)))
          fail(k, "budget", sc.powers[p].code + ", " + sc.channels[c].name, s.budget(p, c));
  for (int c = 0; c < C; ++c) check_power_target(k, s.stock[c], "stock", &sc.channels[c].name);
  for (int c = 0; c < C; ++c) check_power_target(k, s.influence[c], "influence", &sc.channels[c].name);
  if (!all_finite(s.autonomy_share))
    for (int t = 0; t < sc.num_targets(); ++t)
      for (int c = 0; c < C; ++c)
        if (!std::isfinite(s.autonomy_share(c, t)))
          fail(k, "autonomy_share", sc.targets[t].code + ", " + sc.channels[c].name, s.autonomy_share(c, t));
  check_power_target(k, s.alignment, "alignment", nullptr);
  check_power_target(k, s.attitude_mean, "attitude_mean", nullptr);
  check_power_target(k, s.negative_share, "negative_share", nullptr);
  check_power_target(k, s.positive_share, "positive_share", nullptr);
  for (int p = 0; p < sc.num_powers(); ++p)
    if (!std::isfinite(s.labour_demand[p])) fail(k, "labour_demand", sc.powers[p].code, s.labour_demand[p]);
  // Targets without migration hold NaN by design (the results' fill value).
  for (int t = 0; t < sc.num_targets(); ++t) {
    if (!sc.targets[t].migration.active()) continue;
    if (!std::isfinite(s.migrant_share[t])) fail(k, "migrant_share", sc.targets[t].code, s.migrant_share[t]);
    if (!std::isfinite(s.remittances[t])) fail(k, "remittances", sc.targets[t].code, s.remittances[t]);
  }
}

}  // namespace geosim::detail
