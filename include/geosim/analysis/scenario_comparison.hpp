#pragma once
// `geosim compare` (docs/sweeps.md, "Comparing scenarios"): the scenarios of
// a batch or crossed experiment against a reference scenario, as paired
// differences. Run j of scenario s and run j of the reference share their
// design point, replicate and seed (sweep.hpp), so d_j = x_sj - x_ref,j is
// the scenario's effect at that draw of the parameters and of chance; its
// distribution over the pairs is the effect's uncertainty.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace geosim::analysis {

/// What a set of paired differences says.
struct DifferenceSummary {
  std::int64_t pairs = 0;                           // pairs used (both runs ok, both values present)
  double mean = 0.0, mean_lo = 0.0, mean_hi = 0.0;  // mean difference, Student-t interval
  double median = 0.0, lo = 0.0, hi = 0.0;          // quantiles of the differences (coverage)
  double sd = 0.0;                                  // sample standard deviation of the differences
  double share_positive = 0.0;                      // share of pairs with a difference > 0
  double share_negative = 0.0;                      // ... < 0 (the rest are ties: counts often tie)
  double scenario_mean = 0.0, reference_mean = 0.0;
};

/// Summarises d_i = scenario[i] - reference[i] over the pairs where both are
/// finite: NaN everywhere (0 pairs) if none; with one pair, the mean's
/// interval and sd are NaN. `confidence`: the mean's interval; `coverage`:
/// the central range of the differences (0.9: 5% to 95%, quantiles
/// linear between order statistics, type 7).
DifferenceSummary summarize_differences(const std::vector<double>& scenario,
                                        const std::vector<double>& reference, double confidence,
                                        double coverage);

struct CompareOptions {
  std::string reference;             // a scenario's name; empty: the file's first scenario
  std::vector<std::string> metrics;  // metrics to compare; empty: every kept metric
  double confidence = 0.95;
  double coverage = 0.9;
};

/// One compared quantity: a metric at one element of its other dimensions.
struct ComparedOutput {
  std::string metric, element, label;  // label: metric[element], or metric alone
  std::string long_name, units;
};

struct ComparisonReport {
  std::filesystem::path source;
  std::string sweep_id, reference;
  std::vector<std::string> scenarios;  // compared with the reference (the reference left out)
  std::vector<ComparedOutput> outputs;
  std::vector<std::vector<DifferenceSummary>> summaries;  // [scenario][output]
  std::int64_t points = 0, replicates = 0, failed_runs = 0;
  std::vector<std::string> skipped;  // metrics left out: already differences (difference_from)
  double confidence = 0.95, coverage = 0.9;
};

/// Reads a batch's results file and pairs every scenario's runs with the
/// reference's. Throws FileError (exit 2) for a file that is not a sweep's
/// results or has fewer than two scenarios, UsageError for an unknown
/// reference or metric, or confidence / coverage outside (0, 1).
ComparisonReport compare_scenarios(const std::filesystem::path& path, const CompareOptions& options = {});

/// The report for the terminal: per scenario, the `top` outputs with the
/// largest standardised mean difference (|mean| / sd; 0: all).
std::string format_comparison(const ComparisonReport& report, std::size_t top);

/// Writes the report as netCDF-4 (docs/sweeps.md): dimensions scenario and
/// output. Written to a temporary and renamed; on failure nothing at `path`
/// changes (RuntimeFailure).
void write_comparison(const std::filesystem::path& path, const ComparisonReport& report);

}  // namespace geosim::analysis
