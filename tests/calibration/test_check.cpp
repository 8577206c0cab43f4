// The predictive check on its own (run_check, `geosim calibrate --check`):
// its draws come from the posterior file's last generation, or are the base
// scenario's replicates, and the population the runs had is recorded.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "geosim/calibration/calibration.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/io/results.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::calibration;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// The command-line tests' calibration (one prior), at 30 citizens per target.
struct SmallCalibration {
  testing::ScopedTempDir dir{"calibration_check"};
  fs::path file = dir.path / "cli.yaml";
  SmallCalibration() {
    fs::copy_file(kData / "other_powers.yaml", dir.path / "other_powers.yaml");
    fs::copy_file(kData / "calibration" / "cli.csv", dir.path / "cli.csv");
    std::string text = config::read_file(kData / "calibration" / "cli.yaml");
    const std::string base = "base: ../other_powers.yaml";
    REQUIRE(text.find(base) != std::string::npos);
    text.replace(text.find(base), base.size(), "base: other_powers.yaml\nset:\n  targets.KAZ.citizens: 30");
    std::ofstream(file, std::ios::binary) << text;
  }
  CalibrationSpec spec(bool full_population = false) const {
    CalibrationSpec s = load_calibration_spec(file);
    if (full_population) s.sweep.set.clear(), s.sweep.set_where.clear();
    return s;
  }
};

}  // namespace

TEST_CASE("check: draws from the posterior's last generation, at the population asked for") {
  const SmallCalibration small;
  const Calibration calibration(small.spec());
  CalibrateOptions options;
  options.output = small.dir.path / "post.h5";
  options.jobs = 2;
  options.quiet = true;
  (void)run_calibration(calibration, options);
  const Variable particles = read_variable(options.output, "powers.CHN.valence.economic");
  const Variable weights = read_variable(options.output, "posterior_weight");

  const Calibration full(small.spec(true));
  CheckOptions check;
  check.posterior = options.output;
  check.output = small.dir.path / "check.h5";
  check.draws = 25;
  check.jobs = 2;
  const CheckSummary s = run_check(full, check);
  CHECK(s.draws == 25);
  CHECK(s.failed == 0);
  CHECK(s.fitted == 2);
  CHECK(read_string_attribute(check.output, "set").empty());
  CHECK(read_string_attribute(options.output, "set") == "targets.KAZ.citizens=30");
  // Every draw is a particle of positive weight.
  const Variable drawn = read_variable(check.output, "draw_value");
  REQUIRE(drawn.shape == std::vector<std::size_t>{25, 1});
  for (double v : drawn.values) {
    const auto at = std::find(particles.values.begin(), particles.values.end(), v);
    REQUIRE(at != particles.values.end());
    CHECK(weights.values[static_cast<std::size_t>(at - particles.values.begin())] > 0.0);
  }
  // The fitted rows are measured in every draw.
  const Variable predicted = read_variable(check.output, "predicted");
  const Variable median = read_variable(check.output, "model_median");
  REQUIRE(predicted.shape[0] == 25);
  std::size_t measured = 0;
  for (double m : median.values) measured += std::isfinite(m);
  CHECK(measured == 2);

  // A second check to the same file is refused; one with --resume rewrites it the same.
  CHECK(testing::thrown<OutputError>([&] { (void)run_check(full, check); }).find("the file exists") !=
        std::string::npos);
}

TEST_CASE("check: the base scenario as it is, and a posterior of other priors refused") {
  const SmallCalibration small;
  const Calibration calibration(small.spec());
  CheckOptions check;
  check.output = small.dir.path / "base.h5";
  check.draws = 6;
  check.jobs = 1;
  const CheckSummary s = run_check(calibration, check);
  CHECK(s.draws == 6);
  CHECK(read_string_attribute(check.output, "draws_from").find("base scenario") != std::string::npos);
  CHECK_FALSE(has_variable(check.output, "draw_value"));
  // Replicates with their own seeds: the draws differ (30 citizens, noise).
  const Variable predicted = read_variable(check.output, "predicted");
  REQUIRE(predicted.shape == std::vector<std::size_t>{6, predicted.shape[1]});
  const std::size_t n = predicted.shape[1];
  std::size_t row = 0;
  while (row < n && !std::isfinite(predicted.values[row])) ++row;
  REQUIRE(row < n);
  CHECK(predicted.values[row] != predicted.values[n + row]);

  // The base check's file is not a posterior: refused as one, at the file.
  CheckOptions wrong;
  wrong.posterior = check.output;
  wrong.output = small.dir.path / "wrong.h5";
  const std::string what = testing::thrown<FileError>([&] { (void)run_check(calibration, wrong); });
  CHECK(what.find("base.h5: --check: not a posterior file of geosim calibrate") != std::string::npos);
}
