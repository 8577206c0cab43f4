// Metrics declared in a sweep file (MetricSpec; docs/sweeps.md, "Metrics"):
// each equals the same reduction of the run's kept time series, selections
// drop or keep axes, and every mistake is refused where it is written.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using geosim::testing::sweep_of;

namespace {

const char* kDeclared = R"(
parameters:
  targets.KAZ.opinion_sensitivity: [0.0, 0.4]
replicates: 2
metrics:
  - total_campaigns
  - {name: neg_kaz_chn_mean, variable: negative_share, select: {target: KAZ, power: CHN}, reduce: mean,
     window: [2014-01, 2014-06]}
  - {name: alignment_kaz_peak_month, variable: alignment, select: {target: KAZ, power: [RUS, CHN]},
     reduce: time_of_peak}
  - {name: neg_q90, variable: negative_share, reduce: quantile, quantile: 0.9}
time_series: [negative_share, alignment]
)";

std::string error_of(const std::string& metric) {
  try {
    sweep_of("metric_bad", "parameters:\n  seed: [1, 2]\nmetrics:\n  - " + metric + "\n");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("declared metrics equal the same reduction of the kept time series") {
  const Sweep s = sweep_of("declared", kDeclared);
  const fs::path out = geosim::testing::run_to_file(s, "geosim_declared_metrics.h5");

  const Variable neg = read_variable(out, "negative_share");  // run, time, power, target
  const Variable align = read_variable(out, "alignment");     // run, time, power, target
  REQUIRE(neg.dims == std::vector<std::string>{"run", "time", "power", "target"});
  const std::size_t runs = 4, rows = neg.shape[1];
  const auto at = [](const Variable& v, std::size_t run, std::size_t row, std::size_t p, std::size_t t) {
    return v.values[((run * v.shape[1] + row) * v.shape[2] + p) * v.shape[3] + t];
  };
  // minimal: powers RUS, CHN; targets KAZ, KGZ; monthly from 2013-09, so 2014-01..06 are rows 4..9.
  const Variable mean = read_variable(out, "neg_kaz_chn_mean");
  CHECK(mean.dims == std::vector<std::string>{"run"});
  const Variable peak = read_variable(out, "alignment_kaz_peak_month");
  CHECK(peak.dims == std::vector<std::string>{"run", "alignment_kaz_peak_month_power"});
  CHECK(read_labels(out, "alignment_kaz_peak_month_power") == std::vector<std::string>{"RUS", "CHN"});
  const Variable q90 = read_variable(out, "neg_q90");
  CHECK(q90.dims == std::vector<std::string>{"run", "power", "target"});
  for (std::size_t run = 0; run < runs; ++run) {
    CAPTURE(run);
    double sum = 0;
    for (std::size_t row = 4; row <= 9; ++row) sum += at(neg, run, row, 1, 0);
    CHECK(mean.values[run] == doctest::Approx(sum / 6).epsilon(1e-12));
    for (std::size_t p = 0; p < 2; ++p) {
      std::size_t best = 0;
      for (std::size_t row = 1; row < rows; ++row)
        if (at(align, run, row, p, 0) > at(align, run, best, p, 0)) best = row;
      CHECK(peak.values[run * 2 + p] == static_cast<double>(best));
    }
    std::vector<double> series;
    for (std::size_t row = 0; row < rows; ++row) series.push_back(at(neg, run, row, 0, 1));
    std::sort(series.begin(), series.end());
    const double h = 0.9 * static_cast<double>(rows - 1);
    const auto lo = static_cast<std::size_t>(h);
    CHECK(q90.values[(run * 2 + 0) * 2 + 1] ==
          doctest::Approx(series[lo] + (h - static_cast<double>(lo)) * (series[lo + 1] - series[lo])));
  }
  CHECK(read_string_attribute(out, "metrics") ==
        "total_campaigns neg_kaz_chn_mean alignment_kaz_peak_month neg_q90");
  CHECK(s.identity().find("metric: neg_kaz_chn_mean = mean of negative_share target=KAZ power=CHN from "
                          "2014-01-01 to 2014-06-01") != std::string::npos);
  fs::remove(out);
}

TEST_CASE("declared metrics: mistakes are refused where they are written") {
  CHECK(error_of("{name: x, variable: negative_shar, reduce: mean}")
            .find("unknown time series 'negative_shar' (did you mean 'negative_share'?)") !=
        std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: mean, select: {channel: soft}}")
            .find("negative_share has no axis 'channel'; its axes are power, target") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: mean, select: {target: KZA}}")
            .find("no target 'KZA' in minimal (did you mean 'KAZ'?)") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: mean, window: [2020-01, 2020-12]}")
            .find("the window holds no row of minimal (2013-09-01 to 2014-09-01)") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: mean, window: [2014-06, 2014-01]}")
            .find("expected FROM not after TO") != std::string::npos);
  CHECK(error_of("{name: total_campaigns, variable: campaigns_new, reduce: sum}")
            .find("'total_campaigns' is a built-in metric") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: mean, quantile: 0.5}")
            .find("'quantile' applies to reduce: quantile") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: quantile}")
            .find("missing required key 'quantile'") != std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share, reduce: average}")
            .find("expected one of final, mean, sum, min, max, time_of_peak, quantile, got average") !=
        std::string::npos);
  CHECK(error_of("{name: X-1, variable: negative_share, reduce: mean}").find("lower-case letters") !=
        std::string::npos);
  CHECK(error_of("{name: x, variable: negative_share}").find("missing required key 'reduce'") !=
        std::string::npos);
}
