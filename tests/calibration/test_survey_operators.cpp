// Calibration operators over the survey variables (model.md section 13): an
// operator reads survey_favourable with the survey selected by name, like
// any other label, and must select one survey so that it gives one number per row.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "geosim/calibration/calibration.hpp"
#include "geosim/io/results.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::calibration;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

const char* kCalibration = R"(name: surveys
base: other_powers.yaml
seed: 3
set:
  surveys.barometer: {favourable_above: 0.0, unfavourable_below: -0.1, response_sd: 0.1}
  surveys.pew: {favourable_above: 0.2, unfavourable_below: -0.2}
parameters:
  powers.CHN.valence.economic: {range: [-1.0, 1.0]}
observations:
  file: surveys.csv
  held_out_from: 2014
operators:
  favourable:
    doc: the share the barometer reports favourable toward the partner over the period
    quantity: favourable
    value: {variable: survey_favourable, select: {SELECT}, reduce: mean}
    error: 0.02
abc:
  particles: 10
  max_simulations: 20
predictive:
  draws: 2
)";

fs::path write_calibration(const fs::path& dir, const std::string& select) {
  fs::copy_file(kData / "other_powers.yaml", dir / "other_powers.yaml", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "surveys.csv")
      << "id,quantity,instrument,state,partner,period,value,sd,lower,upper,unit,source,publisher,source_year,"
         "url,note\n"
         "kaz_chn_2013,favourable,model,KAZ,CHN,2013-09..2013-12,0.4,0.02,,,share,made up for the test,"
         "geosim tests,2026,,\n";
  std::string text = kCalibration;
  text.replace(text.find("SELECT"), 6, select);
  std::ofstream(dir / "surveys.yaml") << text;
  return dir / "surveys.yaml";
}

}  // namespace

TEST_CASE("calibration: an operator reads survey_favourable with the survey selected by name") {
  const testing::ScopedTempDir dir("calibration_surveys");
  const fs::path file =
      write_calibration(dir.path, "survey: barometer, power: \"{partner}\", target: \"{state}\"");
  const Calibration c(load_calibration_spec(file));
  REQUIRE(c.targets().size() == 1);
  CHECK(c.targets()[0].use == Target::Use::fitted);
  // The model's value of the row: the mean over the period of the barometer's share.
  Eigen::MatrixXd units(1, 1);
  units << 0.5;
  SweepOptions so;
  so.output = dir.path / "generation.h5";
  so.jobs = 1;
  run_sweep(c.generation_sweep(1, units), so);
  std::vector<Variable> vars;
  for (const MetricSpec& m : c.metrics()) vars.push_back(read_variable(so.output, m.name));
  const std::vector<double> measured = c.measure(vars, 0);
  REQUIRE(measured.size() == 1);
  CHECK(std::isfinite(measured[0]));
  CHECK(measured[0] > 0.0);
  CHECK(measured[0] < 1.0);
  MESSAGE("the barometer's favourable share of KAZ toward CHN, 2013-09..12: ", measured[0]);
}

TEST_CASE("calibration: an operator over survey_favourable must select one survey") {
  const testing::ScopedTempDir dir("calibration_surveys_unselected");
  const fs::path file = write_calibration(dir.path, "power: \"{partner}\", target: \"{state}\"");
  CHECK(testing::thrown<RangeError>([&] {
          Calibration(load_calibration_spec(file));
        }).find("survey_favourable has the axis survey") != std::string::npos);
}

TEST_CASE("calibration: an operator's factor scales the model's measure into the rows' unit") {
  const testing::ScopedTempDir dir("calibration_factor");
  const std::string select = "survey: pew, power: \"{partner}\", target: \"{state}\"";
  const fs::path plain = write_calibration(dir.path, select);
  std::string text = kCalibration;
  text.replace(text.find("SELECT"), 6, select);
  text.replace(text.find("    error: 0.02"), 15, "    error: 0.02\n    factor: 83.25");
  const fs::path scaled = dir.path / "scaled.yaml";
  std::ofstream(scaled) << text;
  const auto measure = [&](const fs::path& file, const std::string& name) {
    const Calibration c(load_calibration_spec(file));
    Eigen::MatrixXd units(1, 1);
    units << 0.3;
    SweepOptions so;
    so.output = dir.path / name;
    so.jobs = 1;
    run_sweep(c.generation_sweep(1, units), so);
    std::vector<Variable> vars;
    for (const MetricSpec& m : c.metrics()) vars.push_back(read_variable(so.output, m.name));
    return c.measure(vars, 0).at(0);
  };
  const double one = measure(plain, "plain.h5"), times = measure(scaled, "scaled.h5");
  REQUIRE(one > 0.0);
  CHECK(times == doctest::Approx(83.25 * one).epsilon(1e-15));
  text.replace(text.find("factor: 83.25"), 13, "factor: 0.0  ");
  std::ofstream(scaled) << text;
  CHECK(testing::thrown<RangeError>([&] { (void)load_calibration_spec(scaled); }).find("factor") !=
        std::string::npos);
}
