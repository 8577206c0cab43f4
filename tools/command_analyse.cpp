// `geosim analyse SWEEP.h5` (analysis/sweep_sensitivity.hpp, docs/sweeps.md).
// g++ 12 at -O2 reports a null dereference inside Boost.ProgramOptions'
// typed_value<std::string>::notify (its any_cast result is checked first);
// only in some translation units, depending on inlining. Not ours to fix.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "geosim/analysis/sweep_sensitivity.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"

namespace geosim::cli {

int command_analyse(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  analysis::AnalyseOptions options;
  std::string output, metrics;
  bool quiet = false;
  po::options_description opts("analyse options");
  opts.add_options()("output,o", po::value(&output)->value_name("OUT.h5"),
                     "the report's netCDF file (default: SWEEP.sensitivity.h5 beside the sweep's file)")(
      "metric", po::value(&metrics)->value_name("NAME,..."),
      "analyse only these metrics (default: all kept)")(
      "resamples", po::value(&options.bootstrap.resamples)->value_name("N"),
      "bootstrap resamples for the intervals (default 1000; 0: none)")(
      "confidence", po::value(&options.bootstrap.confidence)->value_name("C"),
      "the intervals' coverage, in (0, 1) (default 0.95)")(
      "seed", po::value(&options.bootstrap.seed)->value_name("N"), "the bootstrap's seed (default 0)")(
      "scenario", po::value(&options.scenario)->value_name("NAME"),
      "a crossed experiment's scenario to analyse (required when the file has several)")(
      "quiet,q", po::bool_switch(&quiet), "write the file, print only where")("help,h", "this help");
  const auto vm = parse(args, opts, "results");
  if (vm.count("help")) {
    std::cout << "usage: geosim analyse SWEEP.h5 [-o OUT.h5] [--metric NAME,...] [--resamples N]\n"
                 "                      [--confidence C] [--seed N] [--scenario NAME] [--quiet]\n\n"
                 "The sensitivity of every metric of a finished sweep to its parameters: first-order\n"
                 "and total Sobol indices for a saltelli design, Morris mu*, mu and sigma for a morris\n"
                 "design, with bootstrap intervals; a table on the terminal and a netCDF file\n"
                 "(docs/sweeps.md). Runs that failed leave their Saltelli block or Morris\n"
                 "trajectory out; the table says how many.\n\n"
              << opts;
    return kExitOk;
  }
  if (!vm.count("results"))
    throw UsageError({"command line"}, "", "analyse needs a SWEEP.h5 (a sweep's results)");
  if (options.bootstrap.resamples < 0 || options.bootstrap.resamples > 1000000)
    throw UsageError({"command line"}, "--resamples", "expected an integer in [0, 1000000]");
  if (!(options.bootstrap.confidence > 0.0 && options.bootstrap.confidence < 1.0))
    throw UsageError({"command line"}, "--confidence", "expected a number in (0, 1), e.g. 0.95");
  options.metrics = split_commas(metrics);
  const fs::path input = vm["results"].as<std::string>();
  const fs::path out =
      output.empty() ? fs::path(input).replace_extension(".sensitivity.h5") : fs::path(output);
  check_output_writable(out, {input});
  const analysis::SensitivityReport report = analysis::analyse_sweep(input, options);
  analysis::write_report(out, report);
  if (!quiet) std::cout << analysis::format_report(report) << "\n";
  std::cout << "wrote " << out.string() << "\n";
  return kExitOk;
}

}  // namespace geosim::cli
