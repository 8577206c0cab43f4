#pragma once
// Internal to the calibration: what the posterior file holds beyond the
// sampler's history, and its writer (posterior_file.cpp).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/calibration/abc.hpp"
#include "geosim/calibration/calibration.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim::calibration::detail {

/// The posterior predictive check: new runs at posterior draws.
struct PredictiveCheck {
  std::int64_t draws = 0, failed = 0;
  std::vector<std::vector<double>> model;  // [draw][target]: the model's measure (NaN: not measured, failed)
  // Per target (NaN or -1 where not measured): quantiles 5, 50, 95 of the
  // model's measure, and of the measure plus the measurement error (what an
  // observation would read); whether that 90% interval covers the data.
  std::vector<double> model_lo, model_median, model_hi;
  std::vector<double> lo, median, hi;
  std::vector<int> covered;
};

/// The check from the draws' measures: quantiles per target, the measurement
/// error drawn on each target's scale (Philox keyed by `seed`).
PredictiveCheck predictive_check(const Calibration& calibration, std::vector<std::vector<double>> model,
                                 std::int64_t failed, std::uint64_t seed);

/// Adds the fitted and held-out targets, and those `check` covers, to a
/// summary's counts (CalibrationSummary, CheckSummary).
template <class Summary>
void count_coverage(const Calibration& calibration, const PredictiveCheck& check, Summary& summary) {
  for (std::size_t i = 0; i < calibration.targets().size(); ++i) {
    const Target& t = calibration.targets()[i];
    const bool fitted = t.use == Target::Use::fitted, held = t.use == Target::Use::held_out;
    summary.fitted += fitted, summary.held_out += held;
    summary.fitted_covered += fitted && check.covered[i] == 1;
    summary.held_out_covered += held && check.covered[i] == 1;
  }
}

struct PosteriorRun {
  std::string stop;
  double seconds = 0.0;
  std::uint64_t predictive_seed = 0;
};

/// The observations and their check (dims observation, draw): the part of
/// the posterior file a check file (`--check`) shares.
void write_observations(hdf5::Writer& w, const Calibration& calibration, const PredictiveCheck& check,
                        const hdf5::Dim& observation, const hdf5::Dim& draw);
/// The calibration's `set:` overrides as recorded ("a=1; b=2"): the population the runs had.
std::string set_text(const CalibrationSpec& spec);

/// Writes the posterior file whole or not at all.
void write_posterior_file(const std::filesystem::path& path, const Calibration& calibration,
                          const AbcSampler& sampler, const PredictiveCheck& check, const PosteriorRun& run);

}  // namespace geosim::calibration::detail
