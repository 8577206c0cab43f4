// geosim calibrate end to end: observations the model produced at known
// parameter values are fitted, the posterior finds the values, held-out rows
// are reported apart, and the result does not depend on threads or on being
// interrupted.
#include "geosim/calibration/calibration.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "geosim/config/node.hpp"
#include "geosim/io/results.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::calibration;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// The rows the test observes: (id, quantity, state, partner, period).
struct Row {
  const char *id, *quantity, *state, *partner, *period;
};
const Row kRows[] = {
    {"kaz_chn_2013", "attitude_mean", "KAZ", "CHN", "2013-09..2013-12"},
    {"kaz_usa_2013", "attitude_mean", "KAZ", "USA", "2013-09..2013-12"},
    {"uzb_chn_2013", "attitude_mean", "UZB", "CHN", "2013-09..2013-12"},
    {"uzb_usa_2013", "attitude_mean", "UZB", "USA", "2013-09..2013-12"},
    {"region_neg_chn_2013", "negative_share", "REGION", "CHN", "2013-10..2013-12"},
    {"kaz_chn_2014", "attitude_mean", "KAZ", "CHN", "2014-01..2014-08"},
    {"uzb_chn_2014", "attitude_mean", "UZB", "CHN", "2014-01..2014-08"},
    {"kaz_eu_2014", "attitude_mean", "KAZ", "EU", "2014"},
};

void write_observations(const fs::path& path, const std::vector<double>& values) {
  std::ofstream out(path);
  out << "id,quantity,instrument,state,partner,period,value,sd,lower,upper,unit,source,publisher,source_year,"
         "url,"
         "note\n";
  for (std::size_t i = 0; i < std::size(kRows); ++i)
    out << kRows[i].id << "," << kRows[i].quantity << ",model," << kRows[i].state << "," << kRows[i].partner
        << "," << kRows[i].period << "," << (i < values.size() && std::isfinite(values[i]) ? values[i] : 0.0)
        << ",0.01,,,share,\"the model at known values\",geosim tests,2026,,\n";
}

/// A folder with the scenario, the calibration file and the table of what
/// the model gives at the true values (valence -0.2, susceptibility 0.2).
struct Recovery {
  testing::ScopedTempDir dir{"calibration_recovery"};
  fs::path file = dir.path / "recovery.yaml";
  Recovery() {
    fs::copy_file(kData / "other_powers.yaml", dir.path / "other_powers.yaml");
    fs::copy_file(kData / "calibration" / "recovery.yaml", file);
    write_observations(dir.path / "recovery.csv", {});
    const Calibration c(load_calibration_spec(file));
    Eigen::MatrixXd truth(1, 2);
    truth << (-0.2 + 1.0) / 2.0, (0.2 - 0.02) / 0.48;
    SweepOptions so;
    so.output = dir.path / "truth.h5";
    so.jobs = 1;
    const Sweep sweep = c.generation_sweep(999, truth);
    run_sweep(sweep, so);
    std::vector<Variable> vars;
    for (const MetricSpec& m : c.metrics()) vars.push_back(read_variable(so.output, m.name));
    write_observations(dir.path / "recovery.csv", c.measure(vars, 0));
  }
};

std::vector<double> numbers(const fs::path& file, const char* name) {
  return read_variable(file, name).values;
}

/// The 90% posterior intervals of the recovery problem's two parameters.
struct Intervals {
  double v_lo, v_hi, s_lo, s_hi;
};

Intervals recovery_intervals(const fs::path& posterior) {
  const auto weight = numbers(posterior, "posterior_weight");
  const auto interval = [&](const char* name) {
    const auto v = numbers(posterior, name);
    return std::pair{weighted_quantile(v, weight, 0.05), weighted_quantile(v, weight, 0.95)};
  };
  const auto [v_lo, v_hi] = interval("powers.CHN.valence.economic");
  const auto [s_lo, s_hi] = interval("groups.public.susceptibility");
  return {v_lo, v_hi, s_lo, s_hi};
}

/// Both intervals hold the truth the data came from (valence -0.2, susceptibility
/// 0.2) and are much narrower than the priors ([-1, 1] and [0.02, 0.5]).
void check_recovered(const Intervals& ci) {
  CHECK(ci.v_lo <= -0.2);
  CHECK(-0.2 <= ci.v_hi);
  CHECK(ci.s_lo <= 0.2);
  CHECK(0.2 <= ci.s_hi);
  CHECK(ci.v_hi - ci.v_lo <
        0.2 * 2.0);  // a tenth of the prior's 90% width (1.8) would be 0.18; well inside it
  CHECK(ci.s_hi - ci.s_lo < 0.5 * 0.48);
}

}  // namespace

TEST_CASE("calibration: rows are matched to operators, held out by year, and refused when unmeasurable") {
  Recovery r;
  const Calibration c(load_calibration_spec(r.file));
  REQUIRE(c.targets().size() == std::size(kRows));
  CHECK(c.targets()[0].use == Target::Use::fitted);
  CHECK(c.targets()[4].use == Target::Use::fitted);  // REGION, combined by the operator's mean
  CHECK(c.targets()[5].use == Target::Use::held_out);
  CHECK(c.targets()[7].use == Target::Use::outside_period);
  CHECK(c.targets()[7].reason == "the scenario has no power EU");
  CHECK(c.fitted() == 5);
  CHECK(c.held_out() == 2);
  // The distance of the observations from themselves is 0; one sd off in one of five rows: sqrt(1/5).
  std::vector<double> measured(c.targets().size());
  for (std::size_t i = 0; i < measured.size(); ++i) measured[i] = c.targets()[i].row->value;
  CHECK(c.distance(measured) == 0.0);
  measured[1] += 0.01;
  CHECK(c.distance(measured) == doctest::Approx(std::sqrt(0.2)));
  measured[2] = std::nan("");
  CHECK(std::isinf(c.distance(measured)));
  measured[2] = c.targets()[2].row->value, measured[1] = c.targets()[1].row->value;
  measured[5] = 99.0;  // held out: never in the distance
  CHECK(c.distance(measured) == 0.0);
}

TEST_CASE("calibration: bad input names the file, line and key") {
  Recovery r;
  std::ofstream(r.dir.path / "bad.csv")
      << "id,quantity,instrument,state,partner,period,value,sd,lower,upper,unit,"
         "source,publisher,source_year,url,note\n"
         "a,attitude_mean,model,KAZ,CHN,2013,0.1,,,,share,,x,2020,,\n";
  const std::string text = geosim::config::read_file(r.file);
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    std::ofstream(r.dir.path / "bad.yaml") << t;
    return r.dir.path / "bad.yaml";
  };
  CHECK(testing::thrown<TypeError>([&] {
          Calibration(load_calibration_spec(with("file: recovery.csv", "file: bad.csv")));
        }).find("bad.csv:2:") != std::string::npos);
  CHECK(testing::thrown<TypeError>([&] {
          Calibration(load_calibration_spec(with("file: recovery.csv", "file: bad.csv")));
        }).find("every figure is cited") != std::string::npos);
  CHECK(testing::thrown<RangeError>([&] {
          Calibration(load_calibration_spec(
              with("select: {power: \"{partner}\", target: \"{state}\"}, reduce: mean}\n"
                   "    error: 0.0\n  negative",
                   "select: {power: \"{partner}\"}, reduce: mean}\n"
                   "    error: 0.0\n  negative")));
        }).find("attitude_mean has the axis target") != std::string::npos);
  CHECK(testing::thrown<UnknownKeyError>([&] {
          load_calibration_spec(with("held_out_from", "held_out_form"));
        }).find("held_out_form") != std::string::npos);
}

TEST_CASE("calibration: the posterior recovers the parameters the data came from") {
  Recovery r;
  const Calibration c(load_calibration_spec(r.file));
  CalibrateOptions o;
  o.output = r.dir.path / "posterior.h5";
  o.jobs = 2;
  const CalibrationSummary s = run_calibration(c, o);
  const auto valence = numbers(o.output, "powers.CHN.valence.economic");
  const auto weight = numbers(o.output, "posterior_weight");
  const Intervals ci = recovery_intervals(o.output);
  MESSAGE(s.generations, " generations, ", s.simulations, " simulations, tolerance ", s.tolerance,
          "; valence 90% [", ci.v_lo, ", ", ci.v_hi, "] (truth -0.2, prior [-1, 1]); susceptibility [",
          ci.s_lo, ", ", ci.s_hi, "] (truth 0.2, prior [0.02, 0.5]); covered ", s.fitted_covered, "/",
          s.fitted, " fitted, ", s.held_out_covered, "/", s.held_out, " held out");
  check_recovered(ci);
  CHECK(s.fitted == 5);
  CHECK(s.held_out == 2);
  CHECK(s.fitted_covered >= 4);
  // The file: generations, tolerance falling, rows with their use.
  const auto tolerance = numbers(o.output, "tolerance");
  CHECK(static_cast<int>(tolerance.size()) == s.generations);
  CHECK(tolerance.back() < tolerance.front());
  CHECK(read_labels(o.output, "use")[5] == "held_out");
  // The priors the posterior was drawn from, by parameter.
  CHECK(read_labels(o.output, "prior") ==
        std::vector<std::string>{"uniform on [-1, 1]", "uniform on [0.02, 0.5]"});
  CHECK(numbers(o.output, "prior_min") == std::vector<double>{-1.0, 0.02});
  CHECK(numbers(o.output, "prior_max") == std::vector<double>{1.0, 0.5});
  const auto covered = numbers(o.output, "covered");
  const auto predicted = numbers(o.output, "predicted");
  CHECK(covered[7] == -127);  // not measured: the fill value

  SUBCASE("one thread, and resumed after losing a generation and the posterior, give the same posterior") {
    fs::remove(o.output);
    fs::remove(fs::path(o.output.string() + ".runs") / "generation-001.h5");
    o.jobs = 1;
    o.resume = true;
    const CalibrationSummary again = run_calibration(c, o);
    CHECK(again.recovered > 0);
    CHECK(numbers(o.output, "powers.CHN.valence.economic") == valence);
    CHECK(numbers(o.output, "posterior_weight") == weight);
    const auto predicted_again = numbers(o.output, "predicted");
    REQUIRE(predicted_again.size() == predicted.size());
    for (std::size_t i = 0; i < predicted.size(); ++i)
      CHECK((predicted_again[i] == predicted[i] ||
             (std::isnan(predicted[i]) && std::isnan(predicted_again[i]))));
  }
}

TEST_CASE("calibration: resample-move SMC recovers the parameters too, and resumes to the same posterior") {
  Recovery r;
  std::string text = geosim::config::read_file(r.file);
  const std::string abc = "abc:\n  particles: 400";
  REQUIRE(text.find(abc) != std::string::npos);
  text.replace(text.find(abc), abc.size(), "abc:\n  method: smc\n  max_generations: 1000\n  particles: 400");
  text.replace(text.find("max_simulations: 6000"), 21, "max_simulations: 30000");
  std::ofstream(r.dir.path / "smc.yaml") << text;
  const Calibration c(load_calibration_spec(r.dir.path / "smc.yaml"));
  CalibrateOptions o;
  o.output = r.dir.path / "smc.h5";
  o.jobs = 2;
  const CalibrationSummary s = run_calibration(c, o);
  const auto valence = numbers(o.output, "powers.CHN.valence.economic");
  const Intervals ci = recovery_intervals(o.output);
  const double ess = numbers(o.output, "effective_sample_size").back();
  MESSAGE(s.generations, " steps, ", s.simulations, " simulations, tolerance ", s.tolerance, ", ESS ", ess,
          "; valence 90% [", ci.v_lo, ", ", ci.v_hi, "] (truth -0.2); susceptibility [", ci.s_lo, ", ",
          ci.s_hi, "] (truth 0.2); covered ", s.fitted_covered, "/", s.fitted, " fitted, ",
          s.held_out_covered, "/", s.held_out, " held out");
  check_recovered(ci);
  CHECK(ess > 0.3 * 400);
  CHECK(s.fitted_covered >= 4);

  // Resumed on one thread after losing a step's file and the posterior: the same posterior.
  fs::remove(o.output);
  fs::remove(fs::path(o.output.string() + ".runs") / "generation-003.h5");
  o.jobs = 1;
  o.resume = true;
  const CalibrationSummary again = run_calibration(c, o);
  CHECK(again.recovered > 0);
  CHECK(numbers(o.output, "powers.CHN.valence.economic") == valence);
}
