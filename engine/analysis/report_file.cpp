// The netCDF file of `geosim analyse` (analysis/sweep_sensitivity.hpp;
// docs/sweeps.md): dimensions output x parameter, one variable per estimate
// and interval bound, per-output counts, and where the numbers came from.
#include <cmath>

#include "analysis/detail/report_output.hpp"
#include "geosim/analysis/sweep_sensitivity.hpp"
#include "geosim/core/errors.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim::analysis {

namespace {

namespace fs = std::filesystem;
using namespace hdf5;

void write_contents(hid_t file, const SensitivityReport& r) {
  Writer w(file);
  std::vector<std::string> labels, metrics;
  for (const auto& o : r.outputs) labels.push_back(o.label), metrics.push_back(o.metric);
  const Dim& output = w.label_coordinate("output", labels, "metric and element: the quantity analysed");
  const Dim& parameter =
      w.label_coordinate("parameter", r.parameters, "varied parameter (scenario key path)");
  w.string_variable("output_metric", output, metrics, "the metric of each output");
  const Storage plain{false, {}, true};
  const std::string ci = std::to_string(static_cast<int>(std::lround(r.bootstrap.confidence * 100))) + "%";
  // One (output, parameter) variable of a field of every output's estimate.
  const auto by_parameter = [&](const std::string& name, const std::string& long_name, auto field) {
    std::vector<double> values;
    for (const auto& o : r.outputs)
      for (std::size_t i = 0; i < r.parameters.size(); ++i) values.push_back(field(o, i));
    w.variable<double>(name, {&output, &parameter}, values, "1", long_name, plain);
  };
  const auto by_output = [&](const std::string& name, const std::string& units, const std::string& long_name,
                             auto field) {
    std::vector<double> values;
    for (const auto& o : r.outputs) values.push_back(static_cast<double>(field(o)));
    w.variable<double>(name, {&output}, values, units, long_name, plain);
  };
  if (r.method == SensitivityMethod::sobol) {
    by_parameter("first_order", "first-order Sobol index S_i (Saltelli 2010)",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.first[i].estimate; });
    by_parameter("first_order_lo", "lower bound of S_i's " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.first[i].lo; });
    by_parameter("first_order_hi", "upper bound of S_i's " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.first[i].hi; });
    by_parameter("total_order", "total Sobol index ST_i (Jansen 1999)",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.total[i].estimate; });
    by_parameter("total_order_lo", "lower bound of ST_i's " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.total[i].lo; });
    by_parameter("total_order_hi", "upper bound of ST_i's " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.sobol.total[i].hi; });
    by_output("output_variance", "",
              "variance of the output over the A and B points (the indices' denominator)",
              [](const OutputSensitivity& o) { return o.sobol.variance; });
    by_output("base_points", "1", "Saltelli base points used",
              [](const OutputSensitivity& o) { return o.sobol.base_points; });
    by_output("left_out", "1", "base points left out: one of their runs failed",
              [](const OutputSensitivity& o) { return o.sobol.left_out; });
  } else {
    by_parameter("mu_star",
                 "mean absolute elementary effect mu* (Campolongo 2007), per unit of the design coordinate",
                 [](const OutputSensitivity& o, std::size_t i) { return o.morris.mu_star[i].estimate; });
    by_parameter("mu_star_lo", "lower bound of mu*'s " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.morris.mu_star[i].lo; });
    by_parameter("mu_star_hi", "upper bound of mu*'s " + ci + " bootstrap interval",
                 [](const OutputSensitivity& o, std::size_t i) { return o.morris.mu_star[i].hi; });
    by_parameter("mu", "mean elementary effect mu (Morris 1991)",
                 [](const OutputSensitivity& o, std::size_t i) { return o.morris.mu[i]; });
    by_parameter("sigma", "standard deviation of the elementary effects",
                 [](const OutputSensitivity& o, std::size_t i) { return o.morris.sigma[i]; });
    by_output("trajectories", "1", "Morris trajectories used",
              [](const OutputSensitivity& o) { return o.morris.trajectories; });
    by_output("left_out", "1", "trajectories left out: one of their runs failed",
              [](const OutputSensitivity& o) { return o.morris.left_out; });
  }
  text_attribute(file, "Conventions", "CF-1.8", "/");
  text_attribute(file, "title", "geosim sensitivity analysis of " + r.source.filename().string(), "/");
  provenance_attributes(file);
  text_attribute(file, "method", r.method == SensitivityMethod::sobol ? "sobol" : "morris", "/");
  utf8_attribute(file, "source_file", r.source.string(), "/");
  text_attribute(file, "sweep_id", r.sweep_id, "/");
  text_attribute(file, "design", r.design, "/");
  if (!r.scenario.empty()) utf8_attribute(file, "scenario", r.scenario, "/");
  number_attribute<std::int64_t>(file, "runs", r.runs, "/");
  number_attribute<std::int64_t>(file, "failed_runs", r.failed_runs, "/");
  number_attribute<std::int64_t>(file, "points", r.points, "/");
  number_attribute<std::int64_t>(file, "replicates", r.replicates, "/");
  number_attribute<std::int64_t>(file, "bootstrap_resamples", r.bootstrap.resamples, "/");
  number_attribute<double>(file, "bootstrap_confidence", r.bootstrap.confidence, "/");
  number_attribute<std::uint64_t>(file, "bootstrap_seed", r.bootstrap.seed, "/");
  text_attribute(file, "replicates_rule",
                 "each output at a design point is the mean over its replicates; a point with a failed "
                 "replicate leaves its Saltelli block or Morris trajectory out",
                 "/");
}

}  // namespace

void write_report(const fs::path& path, const SensitivityReport& report) {
  detail::write_report_file(path, [&](hid_t file) { write_contents(file, report); });
}

}  // namespace geosim::analysis
