// `geosim analyse` as a library call (analysis/sweep_sensitivity.hpp): a
// saltelli and a morris sweep of the minimal scenario, analysed from their
// results files, the report written and read back, and what is refused.
#include "geosim/analysis/sweep_sensitivity.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::analysis;
using geosim::testing::sweep_of;
using geosim::testing::thrown;

namespace {

/// Runs a sweep of the minimal scenario over two parameters; returns its results file.
fs::path run(const std::string& name, const std::string& design_lines) {
  const Sweep s = sweep_of(name,
                           "parameters:\n"
                           "  targets.KAZ.opinion_sensitivity: {range: [0, 0.5]}\n"
                           "  powers.CHN.valence.economic: {range: [-0.5, 0.2]}\n"
                           "ticks: 6\nmetrics: [final_alignment, total_campaigns]\n" +
                               design_lines);
  return geosim::testing::run_to_file(s, "geosim_analyse_" + name + ".h5");
}

}  // namespace

TEST_CASE(
    "analyse: a saltelli sweep's Sobol indices, element by element, as sobol_indices on the file's values") {
  const fs::path file = run("saltelli", "design: saltelli\nsamples: 32\n");
  const SensitivityReport r = analyse_sweep(file, {.bootstrap = {.resamples = 50}});
  CHECK(r.method == SensitivityMethod::sobol);
  CHECK(r.parameters ==
        std::vector<std::string>{"targets.KAZ.opinion_sensitivity", "powers.CHN.valence.economic"});
  CHECK(r.runs == 32 * 4);
  CHECK(r.failed_runs == 0);
  // final_alignment (power x target, 2 x 2) then total_campaigns (2 x 2).
  REQUIRE(r.outputs.size() == 8);
  CHECK(r.outputs[0].label == "final_alignment[power=RUS, target=KAZ]");
  CHECK(r.outputs[1].label == "final_alignment[power=RUS, target=KGZ]");
  CHECK(r.outputs[4].label.rfind("total_campaigns[", 0) == 0);

  // The plumbing: output 1 (RUS, KGZ) is sobol_indices of that element's values, point by point.
  const Variable v = read_variable(file, "final_alignment");
  std::vector<double> y;
  for (std::size_t run = 0; run < 128; ++run) y.push_back(v.values[run * 4 + 1]);
  const SobolIndices direct = sobol_indices(y, 2, {.resamples = 50});
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(r.outputs[1].sobol.first[i].estimate == direct.first[i].estimate);
    CHECK(r.outputs[1].sobol.total[i].hi == direct.total[i].hi);
  }
  // Kazakhstan's alignment depends on Kazakhstan's opinion sensitivity.
  CHECK(r.outputs[0].sobol.total[0].estimate > 0.05);

  const fs::path report = testing::temp_dir("analyse") / "geosim_analyse_saltelli.sensitivity.h5";
  write_report(report, r);
  const Variable first = read_variable(report, "first_order");
  CHECK(first.dims == std::vector<std::string>{"output", "parameter"});
  CHECK(first.shape == std::vector<std::size_t>{8, 2});
  CHECK(first.values[2] == r.outputs[1].sobol.first[0].estimate);
  CHECK(read_labels(report, "output")[1] == "final_alignment[power=RUS, target=KGZ]");
  CHECK(read_string_attribute(report, "method") == "sobol");
  const std::string text = format_report(r);
  CHECK(text.find("Sobol indices of 8 outputs (saltelli design, 128 points x 1 replicates") !=
        std::string::npos);
  CHECK(text.find("rank parameter") != std::string::npos);
  fs::remove(report);
  fs::remove(file);
}

TEST_CASE("analyse: a morris sweep's elementary effects, other designs, files and metrics refused") {
  const fs::path file = run("morris", "design: morris\ntrajectories: 6\nreplicates: 2\n");
  const SensitivityReport r =
      analyse_sweep(file, {.bootstrap = {.resamples = 20}, .metrics = {"final_alignment"}});
  CHECK(r.method == SensitivityMethod::morris);
  CHECK(r.replicates == 2);
  REQUIRE(r.outputs.size() == 4);
  CHECK(r.outputs[0].morris.trajectories == 6);
  CHECK(std::isfinite(r.outputs[0].morris.mu_star[0].estimate));
  CHECK(r.outputs[0].morris.mu_star[0].estimate >= std::abs(r.outputs[0].morris.mu[0]) - 1e-12);

  std::string what = thrown<UsageError>([&] { analyse_sweep(file, {.metrics = {"final_alignmnt"}}); });
  CHECK(what.find("unknown metric 'final_alignmnt' (did you mean 'final_alignment'?)") != std::string::npos);
  what = thrown<UsageError>([&] { analyse_sweep(file, {.metrics = {"peak_negative_share"}}); });
  CHECK(what.find("the sweep did not keep metric 'peak_negative_share'") != std::string::npos);
  fs::remove(file);

  const fs::path lhs = run("lhs", "design: lhs\nsamples: 4\n");
  what = thrown<UsageError>([&] { analyse_sweep(lhs); });
  CHECK(what.find("the sweep's design is lhs; analyse estimates Sobol indices from a saltelli design") !=
        std::string::npos);
  fs::remove(lhs);
  thrown<FileError>([] { analyse_sweep("/nonexistent/sweep.h5"); });
  thrown<FileError>([] { analyse_sweep(fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml"); });
}

TEST_CASE("analyse: one scenario of a crossed experiment is that scenario's sweep analysed alone") {
  const std::string parameters =
      "parameters:\n"
      "  targets.KAZ.opinion_sensitivity: {range: [0, 0.5]}\n"
      "  powers.CHN.valence.economic: {range: [-0.5, 0.2]}\n"
      "ticks: 6\nmetrics: [final_alignment, total_campaigns]\ndesign: saltelli\nsamples: 16\n";
  const fs::path alone =
      geosim::testing::run_to_file(sweep_of("analyse_alone", parameters), "geosim_analyse_alone.h5");
  const fs::path crossed_file = geosim::testing::sweep_file("analyse_crossed", "");
  {
    std::ofstream(crossed_file) << "scenarios: ["
                                << (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() << ", "
                                << (fs::path(GEOSIM_TEST_DATA_DIR) / "other_powers.yaml").string() << "]\n"
                                << parameters;
  }
  const fs::path crossed =
      geosim::testing::run_to_file(Sweep(load_sweep_spec(crossed_file)), "geosim_analyse_crossed.h5");
  CHECK(read_string_attribute(crossed, "design") == "saltelli");
  const std::string message = thrown<UsageError>([&] { (void)analyse_sweep(crossed, {}); });
  CHECK(message.find("--scenario") != std::string::npos);
  CHECK(message.find("minimal, other_powers") != std::string::npos);
  CHECK(thrown<UsageError>([&] {
          (void)analyse_sweep(crossed, {.scenario = "minimall"});
        }).find("did you mean 'minimal'") != std::string::npos);

  const SensitivityReport a = analyse_sweep(alone, {.bootstrap = {.resamples = 20}});
  const SensitivityReport c = analyse_sweep(crossed, {.bootstrap = {.resamples = 20}, .scenario = "minimal"});
  CHECK(c.scenario == "minimal");
  CHECK(c.runs == a.runs);
  // The union axes' elements minimal lacks (USA, UZB) are not outputs.
  REQUIRE(c.outputs.size() == a.outputs.size());
  CHECK_FALSE(std::isnan(a.outputs[0].sobol.first[0].estimate));
  for (std::size_t o = 0; o < a.outputs.size(); ++o) {
    CHECK(c.outputs[o].label == a.outputs[o].label);
    for (std::size_t i = 0; i < 2; ++i) {
      // NaN where an output does not vary (no campaign in 6 ticks): NaN in both.
      const auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
      CHECK(same(c.outputs[o].sobol.first[i].estimate, a.outputs[o].sobol.first[i].estimate));
      CHECK(same(c.outputs[o].sobol.total[i].lo, a.outputs[o].sobol.total[i].lo));
    }
  }
  const SensitivityReport other =
      analyse_sweep(crossed, {.bootstrap = {.resamples = 0}, .scenario = "other_powers"});
  CHECK(other.outputs.front().label == "final_alignment[power=CHN, target=KAZ]");
  CHECK(format_report(other).find("(scenario other_powers)") != std::string::npos);
}
