// Sweep metrics over the survey variables (model.md section 13): a metric may
// select one survey by name like any other axis label, and its value is the
// same reduction of the run's kept survey_favourable series.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"

using namespace geosim;
using geosim::testing::sweep_of;

namespace {

// Two surveys declared through the sweep's `set:` (as --set would: a new
// entry is given whole), and attitudes that move so that the shares change.
const char* kSurveySweep = R"(
set:
  surveys.pew: {favourable_above: 0.05, unfavourable_below: -0.05, response_sd: 0.2}
  surveys.barometer: {favourable_above: 0.3, unfavourable_below: -0.3}
  groups.public.susceptibility: 0.3
parameters:
  groups.public.noise: [0.02, 0.05, 0.08]
metrics:
  - {name: pew_chn_kaz, variable: survey_favourable, select: {survey: pew, power: CHN, target: KAZ},
     reduce: mean}
  - {name: unfavourable_final, variable: survey_unfavourable, select: {survey: [barometer, pew]},
     reduce: final}
time_series: [survey_favourable, survey_unfavourable]
)";

}  // namespace

TEST_CASE("sweep metrics select a survey and reduce survey_favourable like any series") {
  const Sweep s = sweep_of("survey_metrics", kSurveySweep);
  const std::filesystem::path out = geosim::testing::run_to_file(s, "geosim_survey_metrics.h5");
  const Variable series = read_variable(out, "survey_favourable");
  REQUIRE(series.dims == std::vector<std::string>{"run", "time", "survey", "power", "target"});
  CHECK(read_labels(out, "survey") == std::vector<std::string>{"pew", "barometer"});
  const std::size_t runs = series.shape[0], rows = series.shape[1];
  REQUIRE(runs == 3);
  // [run][time][survey][power][target]: pew = 0, CHN = 1, KAZ = 0 (minimal.yaml's order).
  const auto at = [&](const Variable& v, std::size_t run, std::size_t row, std::size_t q, std::size_t p,
                      std::size_t t) {
    return v.values[(((run * v.shape[1] + row) * v.shape[2] + q) * v.shape[3] + p) * v.shape[4] + t];
  };
  const Variable mean = read_variable(out, "pew_chn_kaz");
  CHECK(mean.dims == std::vector<std::string>{"run"});
  const Variable unfavourable = read_variable(out, "survey_unfavourable");
  const Variable last = read_variable(out, "unfavourable_final");
  CHECK(last.dims == std::vector<std::string>{"run", "unfavourable_final_survey", "power", "target"});
  CHECK(read_labels(out, "unfavourable_final_survey") == std::vector<std::string>{"barometer", "pew"});
  bool moved = false;
  for (std::size_t run = 0; run < runs; ++run) {
    CAPTURE(run);
    double sum = 0;
    for (std::size_t row = 0; row < rows; ++row) sum += at(series, run, row, 0, 1, 0);
    CHECK(mean.values[run] == doctest::Approx(sum / static_cast<double>(rows)).epsilon(1e-12));
    moved = moved || at(series, run, rows - 1, 0, 1, 0) != at(series, run, 0, 0, 1, 0);
    // Kept in the selection's order: barometer (survey 1) first.
    for (std::size_t k = 0; k < 2; ++k)
      for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t t = 0; t < 2; ++t)
          CHECK(last.values[((run * 2 + k) * 2 + p) * 2 + t] ==
                at(unfavourable, run, rows - 1, k == 0 ? 1 : 0, p, t));
  }
  CHECK(moved);
}
