// A posterior predictive check on its own (calibration.hpp, run_check;
// docs/calibration.md, "Checking at the full population"): the draws are
// read from a posterior file's last generation, or are replicates of the
// base scenario, and run through the sweep runner like a generation.
#include <chrono>
#include <cmath>

#include "analysis/detail/report_output.hpp"
#include "calibration/detail/posterior_file.hpp"
#include "calibration/detail/runs.hpp"
#include "geosim/io/results.hpp"

namespace geosim::calibration {

namespace {

namespace fs = std::filesystem;

/// The last generation of a posterior file written for this calibration's priors.
AbcGeneration read_posterior(const fs::path& path, const CalibrationSpec& spec) {
  const SourceLocation where{path.string(), 0, 0};
  std::vector<std::string> names;
  Variable unit, weight;
  try {
    names = read_labels(path, "parameter");
    unit = read_variable(path, "unit");
    weight = read_variable(path, "weight");
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw FileError(where, "--check", std::string("not a posterior file of geosim calibrate: ") + e.what());
  }
  std::vector<std::string> wanted;
  for (const ParameterSpec& p : spec.sweep.parameters) wanted.push_back(p.path);
  if (names != wanted)
    throw ReferenceError(where, "--check",
                         "its parameters are not the calibration file's priors (in the same order): it was "
                         "written by another calibration file");
  if (unit.shape.size() != 3 || weight.shape.size() != 2 || unit.shape[0] == 0 || unit.shape[1] == 0 ||
      weight.shape[0] != unit.shape[0] || weight.shape[1] != unit.shape[1] || unit.shape[2] != names.size())
    throw FileError(where, "--check", "its unit and weight variables do not have the posterior file's shape");
  const std::size_t G = unit.shape[0], P = unit.shape[1], K = unit.shape[2];
  AbcGeneration g;
  g.units.resize(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(K));
  for (std::size_t i = 0; i < P; ++i) {
    g.weights.push_back(weight.values[(G - 1) * P + i]);
    for (std::size_t j = 0; j < K; ++j)
      g.units(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          unit.values[((G - 1) * P + i) * K + j];
  }
  for (double w : g.weights)
    if (!std::isfinite(w) || w < 0)
      throw FileError(where, "--check", "its last generation's weights are not valid");
  return g;
}

void write_check_file(const fs::path& path, const Calibration& calibration, const CheckOptions& options,
                      const detail::PredictiveCheck& check, const Eigen::MatrixXd& draws, double seconds,
                      std::uint64_t seed) {
  const CalibrationSpec& spec = calibration.spec();
  using namespace hdf5;
  analysis::detail::write_report_file(path, [&](hid_t file) {
    Writer w(file);
    std::vector<std::string> ids;
    for (const Target& t : calibration.targets()) ids.push_back(t.row->id);
    const Dim& observation = w.label_coordinate("observation", ids, "row of the observations table");
    const Dim& draw = w.plain_dimension("draw", static_cast<std::size_t>(check.draws));
    detail::write_observations(w, calibration, check, observation, draw);
    if (draws.cols() > 0) {
      std::vector<std::string> paths;
      for (const ParameterSpec& p : spec.sweep.parameters) paths.push_back(p.path);
      const Dim& parameter =
          w.label_coordinate("parameter", paths, "calibrated parameter (scenario key path)");
      std::vector<double> value;
      for (Eigen::Index d = 0; d < draws.rows(); ++d)
        for (Eigen::Index j = 0; j < draws.cols(); ++j)
          value.push_back(std::stod(spec.sweep.parameters[static_cast<std::size_t>(j)].at_unit(draws(d, j))));
      w.variable<double>("draw_value", {&draw, &parameter}, value, "", "the parameters of each draw",
                         Storage{false, {}, false});
    }
    text_attribute(file, "Conventions", "CF-1.8", "/");
    utf8_attribute(file, "title", "geosim predictive check " + spec.sweep.name, "/");
    provenance_attributes(file);
    utf8_attribute(file, "calibration_file", spec.file.string(), "/");
    utf8_attribute(file, "observations_file", spec.observations.string(), "/");
    utf8_attribute(file, "posterior_file", options.posterior.empty() ? "" : options.posterior.string(), "/");
    utf8_attribute(file, "draws_from",
                   options.posterior.empty() ? "the base scenario as it is (replicates with their own seeds)"
                                             : "the posterior file's last generation, by weight",
                   "/");
    utf8_attribute(file, "set", detail::set_text(spec), "/");
    number_attribute<std::int64_t>(file, "held_out_from", spec.held_out_from, "/");
    number_attribute<std::int64_t>(file, "predictive_draws", check.draws, "/");
    number_attribute<std::int64_t>(file, "predictive_failed", check.failed, "/");
    number_attribute<std::int64_t>(file, "seed", static_cast<std::int64_t>(seed), "/");
    number_attribute<double>(file, "seconds", seconds, "/");
  });
}

}  // namespace

CheckSummary run_check(const Calibration& calibration, const CheckOptions& options) {
  const auto now = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  const double started = now();
  const CalibrationSpec& spec = calibration.spec();
  CheckSummary summary;
  summary.reporting = options.cluster == nullptr || options.cluster->rank() == 0;
  const fs::path runs_dir = fs::path(options.output.string() + ".runs");
  if (summary.reporting) {
    std::error_code ec;
    if (fs::exists(options.output, ec) && !options.resume)
      throw OutputError(SourceLocation{options.output.string(), 0, 0}, "-o",
                        "the file exists; refusing to overwrite it (use --resume, or remove it)");
    fs::create_directories(runs_dir, ec);
    if (ec)
      throw OutputError(SourceLocation{runs_dir.string(), 0, 0}, "-o",
                        "cannot create the folder of the check's runs: " + ec.message());
  }
  const std::int64_t draws = options.draws > 0 ? options.draws : spec.predictive_draws;
  // The check's own stream: not the calibration's predictive check (which it may repeat at another
  // population).
  const std::uint64_t seed = detail::generation_seed(spec.sweep.seed ^ detail::kPredictiveStream, 1);
  Eigen::MatrixXd units(draws, 0);
  if (!options.posterior.empty())
    units = detail::resample(read_posterior(options.posterior, spec), draws, seed);
  const Sweep sweep = options.posterior.empty() ? calibration.replicate_sweep(seed, static_cast<int>(draws))
                                                : calibration.generation_sweep(seed, units);
  detail::SweepRunResult r = detail::run_and_measure(calibration, sweep,
                                                     {runs_dir / "check.h5", options.jobs, options.progress,
                                                      options.cluster, options.cancel, runs_dir.string()});
  summary.draws = draws;
  summary.failed = r.failed;
  if (!summary.reporting) return summary;
  const detail::PredictiveCheck check =
      detail::predictive_check(calibration, std::move(r.measures), r.failed, seed);
  detail::count_coverage(calibration, check, summary);
  summary.seconds = now() - started;
  write_check_file(options.output, calibration, options, check, units, summary.seconds, seed);
  return summary;
}

}  // namespace geosim::calibration
