// `geosim calibrate CALIB.yaml` (calibration/calibration.hpp, docs/calibration.md).
// g++ 12 at -O2 reports a null dereference inside Boost.ProgramOptions'
// typed_value<std::string>::notify (see command_analyse.cpp). Not ours to fix.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "geosim/calibration/calibration.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"

namespace geosim::cli {

namespace {

int run_check(const calibration::Calibration& calib, const std::string& check, std::int64_t draws,
              const std::string& output, int jobs, bool resume, bool quiet, const Cluster& cluster,
              const std::atomic<bool>* cancel) {
  calibration::CheckOptions options;
  if (check != "base") options.posterior = check;
  if (!options.posterior.empty() && !std::filesystem::exists(options.posterior))
    throw FileError({check}, "--check", "no such posterior file (or write base for the base scenario)");
  options.output = output;
  options.draws = draws;
  options.jobs = jobs > 0 ? jobs : (cluster.size() > 1 ? 1 : 0);
  options.resume = resume;
  options.progress = !quiet && isatty(STDERR_FILENO);
  options.cluster = &cluster;
  options.cancel = cancel;
  const calibration::CheckSummary s = calibration::run_check(calib, options);
  if (!s.reporting) return kExitOk;
  std::printf(
      "wrote %s: %lld draws (%lld failed), %.1f s; 90%% intervals cover %lld of %lld fitted and %lld of %lld "
      "held-out observations\n",
      output.c_str(), static_cast<long long>(s.draws), static_cast<long long>(s.failed), s.seconds,
      static_cast<long long>(s.fitted_covered), static_cast<long long>(s.fitted),
      static_cast<long long>(s.held_out_covered), static_cast<long long>(s.held_out));
  return kExitOk;
}

}  // namespace

int command_calibrate(const std::vector<std::string>& args, const std::atomic<bool>* cancel) {
  namespace fs = std::filesystem;
  std::string output;
  int jobs = -1;
  bool resume = false, quiet = false, dry_run = false, full_population = false;
  std::string check;
  std::int64_t draws = 0;
  po::options_description opts("calibrate options");
  opts.add_options()("output,o", po::value(&output)->value_name("POSTERIOR.h5"),
                     "the posterior file (netCDF-4); the generations' runs go in POSTERIOR.h5.runs/")(
      "jobs,j", po::value(&jobs)->value_name("N"), "runs at once per process (default: all cores)")(
      "resume", po::bool_switch(&resume),
      "finish an interrupted calibration: finished generations are read back, the unfinished one resumes "
      "from its journal")("dry-run", po::bool_switch(&dry_run),
                          "check the file, the observations and the operators, print what would be fitted")(
      "check", po::value(&check)->value_name("POSTERIOR.h5|base"),
      "no calibration: the predictive check alone, at draws from POSTERIOR.h5 (written from this file), or "
      "at the base scenario as it is (base); writes CHECK.h5 with -o")(
      "full-population", po::bool_switch(&full_population),
      "with --check: without the file's `set:` block (the calibration's reduced population)")(
      "draws", po::value(&draws)->value_name("N"),
      "with --check: runs (default: the file's predictive.draws)")(
      "quiet,q", po::bool_switch(&quiet), "no line per generation; print only the summary")("help,h",
                                                                                            "this help");
  const auto vm = parse(args, opts, "calibration");
  if (vm.count("help")) {
    std::cout << "usage: geosim calibrate CALIB.yaml -o POSTERIOR.h5 [-j N] [--resume] [--dry-run]\n"
                 "       geosim calibrate CALIB.yaml --check POSTERIOR.h5|base [--full-population]\n"
                 "                        [--draws N] -o CHECK.h5 [-j N] [--resume]\n\n"
                 "Approximate Bayesian computation (adaptive population Monte Carlo) of the priors\n"
                 "the file declares, against the rows of its observations table that its operators\n"
                 "read. Rows whose period ends in or after `held_out_from` are never fitted; the\n"
                 "posterior predictive check reports them apart. Each generation is a sweep\n"
                 "(threads, MPI ranks, journal), so a killed calibration resumes with --resume and\n"
                 "gives the same posterior at any thread or process count (docs/calibration.md).\n\n"
              << opts;
    return kExitOk;
  }
  if (!vm.count("calibration")) throw UsageError({"command line"}, "", "calibrate needs a CALIB.yaml");
  if (jobs == 0 || jobs < -1) throw UsageError({"command line"}, "-j", "expected an integer >= 1");
  const fs::path file = vm["calibration"].as<std::string>();
  Cluster cluster;
  if (check.empty() && (full_population || vm.count("draws")))
    throw UsageError({"command line"}, full_population ? "--full-population" : "--draws",
                     "applies to --check only");
  if (vm.count("draws") && draws < 1)
    throw UsageError({"command line"}, "--draws", "expected an integer >= 1");
  calibration::CalibrationSpec spec = calibration::load_calibration_spec(file);
  if (full_population) {
    spec.sweep.set.clear();
    spec.sweep.set_where.clear();
  }
  const calibration::Calibration calib(std::move(spec));
  const bool reporting = cluster.rank() == 0;
  if (dry_run) {
    if (!reporting) return kExitOk;
    std::int64_t counts[5] = {0, 0, 0, 0, 0};
    for (const auto& t : calib.targets()) ++counts[static_cast<int>(t.use)];
    std::cout << calib.spec().sweep.parameters.size() << " parameters, " << calib.observations().rows.size()
              << " observations: " << counts[0] << " fitted, " << counts[1] << " held out (from "
              << calib.spec().held_out_from << "), " << counts[2] << " excluded, " << counts[3]
              << " not measurable, " << counts[4] << " without an operator\n";
    for (const auto& t : calib.targets())
      std::cout << "  " << calibration::use_name(t.use) << "  " << t.row->id
                << (t.reason.empty() ? std::string() : ": " + t.reason) << "\n";
    std::cout << "ABC: " << calib.spec().abc.particles << " particles per generation, keep "
              << calib.spec().abc.keep << ", stop below acceptance " << calib.spec().abc.min_acceptance
              << " or at " << calib.spec().abc.max_simulations << " simulations; "
              << calib.spec().predictive_draws << " predictive draws\n";
    return kExitOk;
  }
  if (output.empty())
    throw UsageError({"command line"}, "-o",
                     check.empty() ? "calibrate needs -o POSTERIOR.h5" : "--check needs -o CHECK.h5");
  if (!check.empty()) return run_check(calib, check, draws, output, jobs, resume, quiet, cluster, cancel);
  calibration::CalibrateOptions options;
  options.output = output;
  options.jobs = jobs > 0 ? jobs : (cluster.size() > 1 ? 1 : 0);
  options.resume = resume;
  options.progress = !quiet && isatty(STDERR_FILENO);
  options.quiet = quiet;
  options.cluster = &cluster;
  options.cancel = cancel;
  const calibration::CalibrationSummary s = calibration::run_calibration(calib, options);
  if (!s.reporting) return kExitOk;
  std::printf(
      "wrote %s: %d generations, %lld simulations (%lld rejected as not finite, %lld recovered), tolerance "
      "%.4g "
      "(%s); %.1f s (%.1f s in the sweeps), %.0f simulations/s\n",
      output.c_str(), s.generations, static_cast<long long>(s.simulations), static_cast<long long>(s.failed),
      static_cast<long long>(s.recovered), s.tolerance, s.stop.c_str(), s.seconds, s.simulation_seconds,
      s.seconds > 0 ? static_cast<double>(s.simulations) / s.seconds : 0.0);
  std::printf(
      "predictive check (90%% intervals): %lld of %lld fitted observations covered, %lld of %lld held "
      "out covered\n",
      static_cast<long long>(s.fitted_covered), static_cast<long long>(s.fitted),
      static_cast<long long>(s.held_out_covered), static_cast<long long>(s.held_out));
  return kExitOk;
}

}  // namespace geosim::cli
