// Stage 4 (continued): the survey measurement model (model.md section 13).
// Each survey's favourable and unfavourable shares, from the groups' means
// and variances that reduce_tallies has just written: within each group the
// attitudes are taken as normal, and the instrument adds its response noise.
#include <cmath>
#include <numbers>

#include "model/detail/tick.hpp"

namespace geosim::detail {
namespace {

/// P(mean + sd Z > cut) for Z standard normal; the step function when sd is 0
/// (a respondent exactly at the cut is not above it).
double share_above(double mean, double sd, double cut) {
  if (sd == 0.0) return mean > cut ? 1.0 : 0.0;
  return 0.5 * std::erfc((cut - mean) / (sd * std::numbers::sqrt2));
}

}  // namespace

void reduce_surveys(Tick& k) {
  const Scenario& sc = k.scenario;
  WorldState& s = k.state;
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups();
  for (std::size_t q = 0; q < sc.surveys.size(); ++q) {
    const SurveySpec& survey = sc.surveys[q];
    const double noise = survey.response_sd * survey.response_sd;
    for (int t = 0; t < T; ++t)
      for (int p = 0; p < P; ++p) {
        std::int64_t n = 0;
        for (int g = 0; g < G; ++g) n += k.tallies[(t * G + g) * P + p].count;
        double favourable = 0.0, unfavourable = 0.0;  // a target without citizens: no shares
        for (int g = 0; g < G && n > 0; ++g) {
          const std::int64_t count = k.tallies[(t * G + g) * P + p].count;
          if (count == 0) continue;  // its mean and variance are NaN, its weight 0
          const double w = static_cast<double>(count) / static_cast<double>(n);
          const double m = s.group_mean[g](p, t), sd = std::sqrt(s.group_variance[g](p, t) + noise);
          favourable += w * share_above(m, sd, survey.favourable_above);
          unfavourable += w * share_above(-m, sd, -survey.unfavourable_below);  // P(x < c_u)
        }
        s.survey_favourable[q](p, t) = favourable;
        s.survey_unfavourable[q](p, t) = unfavourable;
      }
  }
}

}  // namespace geosim::detail
