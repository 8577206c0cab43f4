// `geosim compare` as a library call (analysis/scenario_comparison.hpp): the
// summary of paired differences against hand-computed values, and a crossed
// experiment's file compared run by run.
#include "geosim/analysis/scenario_comparison.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::analysis;
using geosim::testing::thrown;

TEST_CASE("paired differences: mean, Student-t interval, quantiles and share, by hand") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Differences 1, 2, 3, 4 (a fifth pair has a missing value and is left out).
  const DifferenceSummary s = summarize_differences({11, 12, 13, 14, 15}, {10, 10, 10, 10, nan}, 0.95, 0.9);
  CHECK(s.pairs == 4);
  CHECK(s.mean == doctest::Approx(2.5));
  CHECK(s.sd == doctest::Approx(std::sqrt(5.0 / 3.0)));
  // t(3) at 0.975 is 3.182446305...; half-width t * sd / sqrt(4).
  const double half = 3.182446305284263 * std::sqrt(5.0 / 3.0) / 2.0;
  CHECK(s.mean_lo == doctest::Approx(2.5 - half).epsilon(1e-12));
  CHECK(s.mean_hi == doctest::Approx(2.5 + half).epsilon(1e-12));
  CHECK(s.median == doctest::Approx(2.5));
  CHECK(s.lo == doctest::Approx(1.15));  // type 7: 1 + 0.05 * 3 * (2 - 1)
  CHECK(s.hi == doctest::Approx(3.85));
  CHECK(s.share_positive == 1.0);
  CHECK(s.share_negative == 0.0);
  CHECK(s.scenario_mean == doctest::Approx(12.5));
  CHECK(s.reference_mean == 10.0);

  const DifferenceSummary one = summarize_differences({1}, {3}, 0.95, 0.9);
  CHECK(one.pairs == 1);
  CHECK(one.mean == -2.0);
  CHECK(one.median == -2.0);
  CHECK(std::isnan(one.sd));
  CHECK(std::isnan(one.mean_lo));
  CHECK(one.share_positive == 0.0);
  CHECK(one.share_negative == 1.0);
  const DifferenceSummary none = summarize_differences({nan}, {1}, 0.95, 0.9);
  CHECK(none.pairs == 0);
  CHECK(std::isnan(none.mean));
  CHECK(std::isnan(none.median));
}

TEST_CASE("compare: a crossed experiment's scenarios against the reference, run by run") {
  const fs::path file = testing::sweep_file("compare_crossed", "");
  std::ofstream(file) << "scenarios: [" << (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() << ", "
                      << (fs::path(GEOSIM_TEST_DATA_DIR) / "other_powers.yaml").string() << "]\n"
                      << "parameters:\n  campaigns.threshold: {range: [0.1, 0.3]}\ndesign: lhs\nsamples: 5\n"
                      << "replicates: 2\nmetrics:\n  - final_alignment\n  - final_attitude_mean\n"
                      << "  - {name: d, variable: alignment, reduce: final, difference_from: minimal}\n";
  const fs::path out = testing::run_to_file(Sweep(load_sweep_spec(file)), "geosim_compare_crossed.h5");

  const ComparisonReport r = compare_scenarios(out, {.reference = "other_powers", .confidence = 0.9});
  CHECK(r.reference == "other_powers");
  CHECK(r.scenarios == std::vector<std::string>{"minimal"});
  CHECK(r.points == 5);
  CHECK(r.replicates == 2);
  CHECK(r.skipped == std::vector<std::string>{"d"});
  // Only CHN x KAZ is in both scenarios.
  REQUIRE(r.outputs.size() == 2);
  CHECK(r.outputs[0].label == "final_alignment[power=CHN, target=KAZ]");
  CHECK(r.outputs[0].element == "power=CHN, target=KAZ");
  CHECK(r.outputs[1].metric == "final_attitude_mean");
  // The summary is summarize_differences of the file's runs, minimal's run j minus other_powers' run j.
  const Variable v =
      read_variable(out, "final_alignment");  // run, power (RUS, CHN, USA), target (KAZ, KGZ, UZB)
  std::vector<double> x, y;
  for (std::size_t j = 0; j < 10; ++j) {
    x.push_back(v.values[j * 9 + 1 * 3 + 0]);
    y.push_back(v.values[(10 + j) * 9 + 1 * 3 + 0]);
  }
  const DifferenceSummary direct = summarize_differences(x, y, 0.9, 0.9);
  const DifferenceSummary& got = r.summaries[0][0];
  CHECK(got.pairs == 10);
  CHECK(got.mean == direct.mean);
  CHECK(got.mean_hi == direct.mean_hi);
  CHECK(got.lo == direct.lo);
  CHECK(got.mean != 0.0);

  const fs::path report = testing::temp_dir("compare") / "geosim_compare_crossed.compare.h5";
  write_comparison(report, r);
  const Variable mean = read_variable(report, "mean_difference");
  CHECK(mean.dims == std::vector<std::string>{"scenario", "output"});
  CHECK(mean.values[0] == got.mean);
  CHECK(read_labels(report, "output")[1] == "final_attitude_mean[power=CHN, target=KAZ]");
  CHECK(read_string_attribute(report, "reference") == "other_powers");
  CHECK(read_variable(report, "pairs").values[0] == 10.0);
  CHECK(read_labels(report, "units")[0] == "1");
  const std::string text = format_comparison(r, 1);
  CHECK(text.find("minimal - other_powers: the 1 largest of 2 outputs") != std::string::npos);
  CHECK(text.find("already differences, not compared again: d") != std::string::npos);

  // The default reference is the first scenario; a typo gets a suggestion.
  CHECK(compare_scenarios(out).reference == "minimal");
  CHECK(thrown<UsageError>([&] {
          (void)compare_scenarios(out, {.reference = "other_power"});
        }).find("did you mean 'other_powers'") != std::string::npos);
  CHECK(thrown<UsageError>([&] {
          (void)compare_scenarios(out, {.metrics = {"final_alignmnt"}});
        }).find("did you mean 'final_alignment'") != std::string::npos);
  fs::remove(report);
}

TEST_CASE("compare: a file of one scenario is refused") {
  const Sweep s = testing::sweep_of("compare_single", "parameters:\n  campaigns.threshold: [0.1, 0.2]\n");
  const fs::path out = testing::run_to_file(s, "geosim_compare_single.h5");
  CHECK(thrown<FileError>([&] { (void)compare_scenarios(out); }).find("needs a batch") != std::string::npos);
}
