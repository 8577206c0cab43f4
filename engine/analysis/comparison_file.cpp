// The netCDF file of `geosim compare` (analysis/scenario_comparison.hpp;
// docs/sweeps.md): dimensions scenario x output, one variable per summary
// of the paired differences, and where the numbers came from.
#include <cmath>

#include "analysis/detail/report_output.hpp"
#include "geosim/analysis/scenario_comparison.hpp"
#include "geosim/core/errors.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim::analysis {

namespace {

namespace fs = std::filesystem;
using namespace hdf5;

void write_contents(hid_t file, const ComparisonReport& r) {
  Writer w(file);
  std::vector<std::string> labels, metrics, elements, long_names, units;
  for (const auto& o : r.outputs)
    labels.push_back(o.label), metrics.push_back(o.metric), elements.push_back(o.element),
        long_names.push_back(o.long_name), units.push_back(o.units);
  const Dim& scenario = w.label_coordinate("scenario", r.scenarios, "scenario compared with the reference");
  const Dim& output = w.label_coordinate("output", labels, "metric and element: the quantity compared");
  w.string_variable("metric", output, metrics, "the metric of each output");
  w.string_variable("element", output, elements, "the labels of the output on the metric's other dimensions");
  w.string_variable("long_name", output, long_names, "what the metric is");
  w.string_variable("units", output, units, "the metric's units (those of its differences too)");
  const Storage with_nan{false, {}, true};
  const std::string ci = std::to_string(static_cast<int>(std::lround(r.confidence * 100))) + "%";
  const std::string range = std::to_string(static_cast<int>(std::lround((1 - r.coverage) / 2 * 100))) +
                            "% and " +
                            std::to_string(static_cast<int>(std::lround((1 + r.coverage) / 2 * 100))) + "%";
  const auto each = [&](const std::string& name, const std::string& long_name, auto field) {
    std::vector<double> values;
    for (const auto& row : r.summaries)
      for (const DifferenceSummary& s : row) values.push_back(field(s));
    w.variable<double>(name, {&scenario, &output}, values, "", long_name, with_nan);
  };
  using S = DifferenceSummary;
  each("mean_difference", "mean paired difference, scenario minus reference",
       [](const S& s) { return s.mean; });
  each("mean_lo", "lower bound of the mean difference's " + ci + " Student-t interval",
       [](const S& s) { return s.mean_lo; });
  each("mean_hi", "upper bound of the mean difference's " + ci + " Student-t interval",
       [](const S& s) { return s.mean_hi; });
  each("median_difference", "median paired difference", [](const S& s) { return s.median; });
  each("difference_lo", "paired differences' quantile at " + range.substr(0, range.find(' ')),
       [](const S& s) { return s.lo; });
  each("difference_hi", "paired differences' quantile at " + range.substr(range.rfind(' ') + 1),
       [](const S& s) { return s.hi; });
  each("sd_difference", "sample standard deviation of the paired differences",
       [](const S& s) { return s.sd; });
  each("share_positive", "share of pairs where the scenario exceeds the reference",
       [](const S& s) { return s.share_positive; });
  each("share_negative", "share of pairs where the scenario is below the reference (the rest tie)",
       [](const S& s) { return s.share_negative; });
  each("reference_mean", "the reference's mean over the pairs", [](const S& s) { return s.reference_mean; });
  each("scenario_mean", "the scenario's mean over the pairs", [](const S& s) { return s.scenario_mean; });
  std::vector<std::int32_t> pairs;
  for (const auto& row : r.summaries)
    for (const DifferenceSummary& s : row) pairs.push_back(static_cast<std::int32_t>(s.pairs));
  w.variable<std::int32_t>("pairs", {&scenario, &output}, pairs, "1",
                           "pairs used: both runs ok and both values present", Storage{false, {}, false});

  text_attribute(file, "Conventions", "CF-1.8", "/");
  text_attribute(file, "title", "geosim comparison of the scenarios of " + r.source.filename().string(), "/");
  provenance_attributes(file);
  utf8_attribute(file, "reference", r.reference, "/");
  utf8_attribute(file, "source", r.source.string(), "/");
  text_attribute(file, "sweep_id", r.sweep_id, "/");
  number_attribute<double>(file, "confidence", r.confidence, "/");
  number_attribute<double>(file, "coverage", r.coverage, "/");
  number_attribute<std::int64_t>(file, "points", r.points, "/");
  number_attribute<std::int64_t>(file, "replicates", r.replicates, "/");
  number_attribute<std::int64_t>(file, "failed_runs", r.failed_runs, "/");
  text_attribute(
      file, "pairs_rule",
      "run j of a scenario is paired with run j of the reference: the same design point, replicate, "
      "seed and parameter values; a pair with a failed run or a missing value is left out",
      "/");
}

}  // namespace

void write_comparison(const fs::path& path, const ComparisonReport& report) {
  detail::write_report_file(path, [&](hid_t file) { write_contents(file, report); });
}

}  // namespace geosim::analysis
