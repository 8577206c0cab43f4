// `geosim compare SWEEP.h5` (analysis/scenario_comparison.hpp, docs/sweeps.md).
// g++ 12 at -O2 reports a null dereference inside Boost.ProgramOptions'
// typed_value<std::string>::notify (see command_analyse.cpp). Not ours to fix.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "geosim/analysis/scenario_comparison.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"

namespace geosim::cli {

int command_compare(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  analysis::CompareOptions options;
  std::string output, metrics;
  std::size_t top = 12;
  bool quiet = false;
  po::options_description opts("compare options");
  opts.add_options()("output,o", po::value(&output)->value_name("OUT.h5"),
                     "the comparison's netCDF file (default: SWEEP.compare.h5 beside the sweep's file)")(
      "reference", po::value(&options.reference)->value_name("NAME"),
      "the scenario the others are compared with (default: the file's first)")(
      "metric", po::value(&metrics)->value_name("NAME,..."),
      "compare only these metrics (default: all kept)")(
      "confidence", po::value(&options.confidence)->value_name("C"),
      "the mean difference's interval, in (0, 1) (default 0.95)")(
      "coverage", po::value(&options.coverage)->value_name("C"),
      "the central range of the paired differences shown, in (0, 1) (default 0.9: 5% to 95%)")(
      "top", po::value(&top)->value_name("N"),
      "outputs shown per scenario, largest effects first (0: all; default 12)")(
      "quiet,q", po::bool_switch(&quiet), "write the file, print only where")("help,h", "this help");
  const auto vm = parse(args, opts, "results");
  if (vm.count("help")) {
    std::cout << "usage: geosim compare SWEEP.h5 [--reference NAME] [-o OUT.h5] [--metric NAME,...]\n"
                 "                      [--confidence C] [--coverage C] [--top N] [--quiet]\n\n"
                 "The scenarios of a batch or crossed experiment against a reference, as paired\n"
                 "differences: each run of a scenario minus the reference's run at the same design\n"
                 "point and replicate (same seed and parameter values). Per metric and element: the\n"
                 "mean difference with its interval, the median and the 5-95% range of the\n"
                 "differences (the effect's uncertainty over the parameter draws and seeds), and the\n"
                 "share of pairs where the scenario is higher; a table on the terminal and a netCDF\n"
                 "file (docs/sweeps.md). `python3 -m geosim.report` draws it as an HTML report.\n\n"
              << opts;
    return kExitOk;
  }
  if (!vm.count("results"))
    throw UsageError({"command line"}, "", "compare needs a SWEEP.h5 (the results of a batch)");
  options.metrics = split_commas(metrics);
  const fs::path input = vm["results"].as<std::string>();
  const fs::path out = output.empty() ? fs::path(input).replace_extension(".compare.h5") : fs::path(output);
  check_output_writable(out, {input});
  const analysis::ComparisonReport report = analysis::compare_scenarios(input, options);
  analysis::write_comparison(out, report);
  if (!quiet) std::cout << analysis::format_comparison(report, top) << "\n";
  std::cout << "wrote " << out.string() << "\n";
  return kExitOk;
}

}  // namespace geosim::cli
