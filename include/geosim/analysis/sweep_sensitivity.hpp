#pragma once
// `geosim analyse SWEEP.h5`: the sensitivity of every metric of a finished
// sweep to its parameters. A `saltelli` sweep gives first-order and total
// Sobol indices (analysis/sobol_indices.hpp), a `morris` sweep elementary
// effects (analysis/morris_effects.hpp), each with bootstrap intervals.
//
// Each metric element (a metric at one power, target, ...) is one output.
// Its value at a design point is the mean over the point's replicates; a
// point with a failed replicate (run_status not ok) counts as failed, and the
// Saltelli block or Morris trajectory holding it is left out and counted.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/analysis/morris_effects.hpp"
#include "geosim/analysis/sobol_indices.hpp"

namespace geosim::analysis {

enum class SensitivityMethod { sobol, morris };

struct AnalyseOptions {
  BootstrapSettings bootstrap;
  std::vector<std::string> metrics;  // metric names to analyse; empty: every metric in the file
  std::string scenario;  // a crossed experiment's scenario to analyse (required when it has several)
};

/// One output: a metric at one element of its other dimensions.
struct OutputSensitivity {
  std::string metric;    // e.g. final_alignment
  std::string label;     // e.g. final_alignment[power=RUS, target=KAZ]
  SobolIndices sobol;    // SensitivityMethod::sobol
  MorrisEffects morris;  // SensitivityMethod::morris
};

struct SensitivityReport {
  SensitivityMethod method = SensitivityMethod::sobol;
  std::filesystem::path source;
  std::string sweep_id, design;
  std::string scenario;  // the scenario analysed (a crossed experiment), else empty
  std::vector<std::string> parameters;
  std::int64_t runs = 0, points = 0, replicates = 0, failed_runs = 0;
  BootstrapSettings bootstrap;
  std::vector<OutputSensitivity> outputs;
};

/// Reads a sweep results file and computes its report. Throws FileError
/// (exit 2) for a file that is missing or not a sweep's results,
/// UsageError for a design without an analysis (grid, lhs, ...) or an
/// unknown metric name.
SensitivityReport analyse_sweep(const std::filesystem::path& path, const AnalyseOptions& options = {});

/// The report as text for the terminal: per output, the parameters ranked by
/// their total index (Sobol) or mu* (Morris), with intervals.
std::string format_report(const SensitivityReport& report);

/// Writes the report as a netCDF-4 file (docs/sweeps.md, "geosim analyse"):
/// dimensions output and parameter. Written to a temporary beside `path` and
/// renamed; on failure nothing at `path` changes (RuntimeFailure).
void write_report(const std::filesystem::path& path, const SensitivityReport& report);

}  // namespace geosim::analysis
