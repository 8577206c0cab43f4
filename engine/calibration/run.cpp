// Running a calibration (calibration.hpp): each ABC generation is a sweep of
// its proposals through the sweep runner, kept in OUTPUT.runs/, so threads,
// MPI ranks, the journal and --resume are the sweep's; the distances are
// computed from the generation's results file on rank 0 and broadcast.
#include <chrono>
#include <cmath>
#include <cstdio>

#include "calibration/detail/posterior_file.hpp"
#include "calibration/detail/runs.hpp"
#include "geosim/calibration/calibration.hpp"
#include "geosim/core/rng.hpp"

namespace geosim::calibration {

namespace fs = std::filesystem;

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Every run's measures of the targets, from a generation's results file.
std::vector<std::vector<double>> read_measures(const Calibration& c, const fs::path& file,
                                               std::int64_t runs) {
  std::vector<Variable> variables;
  variables.reserve(c.metrics().size());
  for (const MetricSpec& m : c.metrics()) variables.push_back(read_variable(file, m.name));
  std::vector<std::vector<double>> out(static_cast<std::size_t>(runs));
  for (std::int64_t r = 0; r < runs; ++r) out[static_cast<std::size_t>(r)] = c.measure(variables, r);
  return out;
}

fs::path generation_path(const fs::path& runs, const std::string& name) { return runs / (name + ".h5"); }

}  // namespace

namespace detail {

std::uint64_t generation_seed(std::uint64_t seed, std::uint64_t generation) {
  return splitmix64(seed ^ splitmix64(generation + 1)) & 0x7fffffffffffffffULL;
}

Eigen::MatrixXd resample(const AbcGeneration& g, std::int64_t draws, std::uint64_t seed) {
  const auto w = rng::philox(seed, 0, 0, rng::other, 0x72657361U);  // "resa"
  const double u = rng::uniform_double(w[0], w[1]);
  Eigen::MatrixXd out(draws, g.units.cols());
  double cumulative = g.weights.empty() ? 0.0 : g.weights[0];
  std::size_t j = 0;
  for (std::int64_t d = 0; d < draws; ++d) {
    const double point = (static_cast<double>(d) + u) / static_cast<double>(draws);
    while (cumulative < point && j + 1 < g.weights.size()) cumulative += g.weights[++j];
    out.row(d) = g.units.row(static_cast<Eigen::Index>(j));
  }
  return out;
}

SweepRunResult run_and_measure(const Calibration& calibration, const Sweep& sweep,
                               const SweepRunOptions& options) {
  SweepOptions so;
  so.output = options.output;
  so.jobs = options.jobs;
  so.resume = true;  // a file or journal left by an earlier invocation is this one's (identity checked)
  so.progress = options.progress;
  so.cluster = options.cluster;
  so.cancel = options.cancel;
  SweepSummary s;
  try {
    s = run_sweep(sweep, so);
  } catch (const OutputError& e) {
    if (e.where().file != so.output.string()) throw;
    throw OutputError(e.where(), "-o",
                      e.detail() + "; it was left by another calibration or another geosim build: remove " +
                          options.remove_to_restart + " to start again");
  }
  SweepRunResult r;
  r.seconds = s.seconds;
  r.recovered = s.recovered;
  r.failed = s.failed;
  if (options.cluster == nullptr || options.cluster->rank() == 0)
    r.measures = read_measures(calibration, so.output, sweep.runs());
  return r;
}

}  // namespace detail

CalibrationSummary run_calibration(const Calibration& calibration, const CalibrateOptions& options) {
  const double started = now_seconds();
  const CalibrationSpec& spec = calibration.spec();
  const bool reporting = options.cluster == nullptr || options.cluster->rank() == 0;
  CalibrationSummary summary;
  summary.reporting = reporting;
  const fs::path runs_dir = fs::path(options.output.string() + ".runs");
  if (reporting) {
    std::error_code ec;
    if (fs::exists(options.output, ec) && !options.resume)
      throw OutputError(SourceLocation{options.output.string(), 0, 0}, "-o",
                        "the file exists; refusing to overwrite it (use --resume to finish or rewrite the "
                        "calibration that wrote it, or remove it)");
    fs::create_directories(runs_dir, ec);
    if (ec)
      throw OutputError(SourceLocation{runs_dir.string(), 0, 0}, "-o",
                        "cannot create the folder of the generations' runs: " + ec.message());
  }

  // One sweep through the runner; the measures of its runs on rank 0.
  const auto simulate = [&](const std::string& name, std::uint64_t seed, const Eigen::MatrixXd& units,
                            std::int64_t& failed) {
    detail::SweepRunOptions so{generation_path(runs_dir, name),
                               options.jobs,
                               options.progress,
                               options.cluster,
                               options.cancel,
                               runs_dir.string()};
    detail::SweepRunResult r =
        detail::run_and_measure(calibration, calibration.generation_sweep(seed, units), so);
    summary.simulation_seconds += r.seconds;
    summary.recovered += r.recovered;
    failed = r.failed;
    return std::move(r.measures);
  };

  AbcSampler sampler(spec.abc, static_cast<int>(spec.sweep.parameters.size()));
  while (!sampler.done()) {
    const int g = sampler.generation();
    char name[32];
    std::snprintf(name, sizeof name, "generation-%03d", g);
    const double t0 = now_seconds();
    std::int64_t failed = 0;
    const auto measures =
        simulate(name, detail::generation_seed(spec.sweep.seed, static_cast<std::uint64_t>(g)),
                 sampler.proposals(), failed);
    std::vector<double> distances;
    distances.reserve(measures.size());
    for (const auto& m : measures) distances.push_back(calibration.distance(m));
    if (options.cluster) options.cluster->broadcast(distances);
    try {
      sampler.observe(distances);
    } catch (const std::runtime_error& e) {
      throw RuntimeFailure(std::string("calibration stopped: ") + e.what() +
                           "; widen the priors, or check the runs in " + runs_dir.string());
    }
    const AbcGeneration& now = sampler.history().back();
    if (reporting && !options.quiet)
      std::fprintf(stderr,
                   "geosim: generation %d: %lld simulations (%lld failed), acceptance %.3f, tolerance %.4g, "
                   "ESS %.0f, %.1f s\n",
                   g, static_cast<long long>(now.simulations), static_cast<long long>(now.failed),
                   now.acceptance, now.tolerance, now.effective_sample_size, now_seconds() - t0);
  }

  // The posterior predictive check: fresh runs at draws from the posterior.
  const std::uint64_t pred_seed = detail::generation_seed(spec.sweep.seed ^ detail::kPredictiveStream, 0);
  const Eigen::MatrixXd draws = detail::resample(sampler.posterior(), spec.predictive_draws, pred_seed);
  std::int64_t pred_failed = 0;
  auto model = simulate("predictive", pred_seed, draws, pred_failed);

  summary.generations = static_cast<int>(sampler.history().size());
  summary.simulations = sampler.simulations();
  for (const AbcGeneration& g : sampler.history()) summary.failed += g.failed;
  summary.tolerance = sampler.posterior().tolerance;
  summary.stop = std::string(AbcSampler::stop_text(sampler.stop()));
  if (!reporting) {
    summary.seconds = now_seconds() - started;
    return summary;
  }
  const detail::PredictiveCheck check =
      detail::predictive_check(calibration, std::move(model), pred_failed, pred_seed);
  detail::count_coverage(calibration, check, summary);
  summary.seconds = now_seconds() - started;
  detail::write_posterior_file(options.output, calibration, sampler, check,
                               detail::PosteriorRun{summary.stop, summary.seconds, pred_seed});
  return summary;
}

}  // namespace geosim::calibration
