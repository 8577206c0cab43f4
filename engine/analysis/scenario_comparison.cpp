// Scenarios against a reference as paired differences (analysis/scenario_comparison.hpp).
#include "geosim/analysis/scenario_comparison.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>

#include "analysis/detail/sweep_file.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"

namespace geosim::analysis {

namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Quantile q of sorted values, linear between order statistics (type 7).
double quantile(const std::vector<double>& sorted, double q) {
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

DifferenceSummary summarize_differences(const std::vector<double>& scenario,
                                        const std::vector<double>& reference, double confidence,
                                        double coverage) {
  DifferenceSummary s;
  std::vector<double> d;
  double sum_x = 0.0, sum_y = 0.0;
  for (std::size_t i = 0; i < std::min(scenario.size(), reference.size()); ++i) {
    if (!std::isfinite(scenario[i]) || !std::isfinite(reference[i])) continue;
    d.push_back(scenario[i] - reference[i]);
    sum_x += scenario[i], sum_y += reference[i];
  }
  s.pairs = static_cast<std::int64_t>(d.size());
  if (d.empty()) {
    s.mean = s.mean_lo = s.mean_hi = s.median = s.lo = s.hi = s.sd = s.share_positive = s.share_negative =
        kNaN;
    s.scenario_mean = s.reference_mean = kNaN;
    return s;
  }
  const auto n = static_cast<double>(d.size());
  s.scenario_mean = sum_x / n, s.reference_mean = sum_y / n;
  s.mean = std::accumulate(d.begin(), d.end(), 0.0) / n;
  s.share_positive =
      static_cast<double>(std::count_if(d.begin(), d.end(), [](double x) { return x > 0; })) / n;
  s.share_negative =
      static_cast<double>(std::count_if(d.begin(), d.end(), [](double x) { return x < 0; })) / n;
  std::vector<double> sorted = d;
  std::sort(sorted.begin(), sorted.end());
  s.median = quantile(sorted, 0.5);
  s.lo = quantile(sorted, (1.0 - coverage) / 2.0);
  s.hi = quantile(sorted, (1.0 + coverage) / 2.0);
  if (d.size() < 2) {
    s.sd = s.mean_lo = s.mean_hi = kNaN;
    return s;
  }
  double ss = 0.0;
  for (double x : d) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / (n - 1.0));
  const boost::math::students_t t(n - 1.0);
  const double half = boost::math::quantile(t, (1.0 + confidence) / 2.0) * s.sd / std::sqrt(n);
  s.mean_lo = s.mean - half, s.mean_hi = s.mean + half;
  return s;
}

ComparisonReport compare_scenarios(const fs::path& path, const CompareOptions& options) {
  const SourceLocation where{path.string(), 0, 0};
  for (const auto& [value, key] :
       {std::pair{options.confidence, "--confidence"}, {options.coverage, "--coverage"}})
    if (!(value > 0.0 && value < 1.0))
      throw UsageError({"command line"}, key, "expected a number in (0, 1), e.g. 0.9");
  detail::require_sweep_file(path);
  ComparisonReport r;
  r.source = path;
  r.confidence = options.confidence, r.coverage = options.coverage;
  r.sweep_id = detail::attribute_or_empty(path, "sweep_id");
  const std::vector<std::string> scenarios = read_labels(path, "scenario");
  if (scenarios.size() < 2)
    throw FileError(where, "",
                    "holds one scenario; compare needs a batch of two or more (a sweep file with "
                    "'scenarios:', or geosim batch)");
  r.reference = options.reference.empty() ? scenarios.front() : options.reference;
  const auto ref_it = std::find(scenarios.begin(), scenarios.end(), r.reference);
  if (ref_it == scenarios.end())
    throw UsageError({"--reference", 0, 0}, "--reference",
                     "no scenario '" + r.reference + "' in the file" +
                         config::did_you_mean(r.reference, scenarios) + "; its scenarios are " +
                         config::list_names(scenarios));
  const auto ref = static_cast<std::size_t>(ref_it - scenarios.begin());

  // Scenario-major runs: run j of scenario s is file run s * per + j, with
  // run j's point and seed. Files of format sweep-1.0 numbered a batch's
  // runs otherwise (a point and a seed per scenario): their runs do not pair.
  if (detail::attribute_or_empty(path, "geosim_results_format") == "sweep-1.0")
    throw FileError(where, "",
                    "was written by an older geosim (results format sweep-1.0), whose batches gave each "
                    "scenario its own seeds; run the batch again to compare its scenarios run by run");
  const Variable index = read_variable(path, "scenario_index");
  const Variable point = read_variable(path, "point");
  const Variable seed = read_variable(path, "seed");
  const Variable status = read_variable(path, "run_status");
  const std::size_t runs = index.values.size(), S = scenarios.size(), per = runs / S;
  bool ordered = per * S == runs && per > 0;
  for (std::size_t run = 0; ordered && run < runs; ++run)
    ordered = static_cast<std::size_t>(index.values[run]) == run / per &&
              point.values[run] == point.values[run % per] && seed.values[run] == seed.values[run % per];
  if (!ordered)
    throw FileError(where, "",
                    "its runs are not one block per scenario with the same points and seeds in each; "
                    "they cannot be paired");
  r.points = point.values.empty()
                 ? 0
                 : static_cast<std::int64_t>(*std::max_element(point.values.begin(), point.values.end())) + 1;
  r.replicates = r.points > 0 ? static_cast<std::int64_t>(per) / r.points : 0;
  for (double s : status.values) r.failed_runs += s != 0.0 ? 1 : 0;
  for (std::size_t s = 0; s < S; ++s)
    if (s != ref) r.scenarios.push_back(scenarios[s]);
  r.summaries.resize(r.scenarios.size());

  for (const std::string& name : detail::metrics_to_read(path, options.metrics)) {
    if (!has_variable(path, name)) continue;
    if (!detail::attribute_or_empty_of(path, "difference_from", name).empty()) {
      r.skipped.push_back(name);
      continue;
    }
    const Variable v = read_variable(path, name);
    if (v.dims.empty() || v.dims.front() != "run" || v.shape.front() != runs) continue;
    const std::size_t elements = v.values.size() / runs;
    const std::vector<std::string> labels = detail::element_labels(path, v);
    const std::string long_name = detail::attribute_or_empty_of(path, "long_name", name);
    const std::string units = detail::attribute_or_empty_of(path, "units", name);
    const auto value = [&](std::size_t run, std::size_t e) {
      const double x = v.values[run * elements + e];
      return status.values[run] != 0.0 || v.missing(x) ? kNaN : x;
    };
    for (std::size_t e = 0; e < elements; ++e) {
      std::vector<double> y(per);
      for (std::size_t j = 0; j < per; ++j) y[j] = value(ref * per + j, e);
      std::vector<DifferenceSummary> row;
      bool any = false;
      for (std::size_t s = 0, c = 0; s < S; ++s) {
        if (s == ref) continue;
        std::vector<double> x(per);
        for (std::size_t j = 0; j < per; ++j) x[j] = value(s * per + j, e);
        row.push_back(summarize_differences(x, y, options.confidence, options.coverage));
        any = any || row.back().pairs > 0;
        ++c;
      }
      if (!any) continue;  // an element no scenario shares with the reference (union axes)
      r.outputs.push_back(
          {name, labels[e], labels[e].empty() ? name : name + "[" + labels[e] + "]", long_name, units});
      for (std::size_t c = 0; c < row.size(); ++c) r.summaries[c].push_back(row[c]);
    }
  }
  if (r.outputs.empty())
    throw UsageError(where, "", "the file has no metric the scenarios share with the reference to compare");
  return r;
}

std::string format_comparison(const ComparisonReport& r, std::size_t top) {
  std::ostringstream out;
  const int ci = static_cast<int>(std::lround(r.confidence * 100));
  const int q_lo = static_cast<int>(std::lround((1 - r.coverage) / 2 * 100));
  const int q_hi = static_cast<int>(std::lround((1 + r.coverage) / 2 * 100));
  out << r.source.string() << ": paired differences from " << r.reference << " (" << r.points << " points x "
      << r.replicates << " replicates per scenario, same seeds and parameter values; " << r.failed_runs
      << " failed runs left out)\n";
  if (!r.skipped.empty()) {
    out << "already differences, not compared again:";
    for (const auto& s : r.skipped) out << " " << s;
    out << "\n";
  }
  std::size_t width = 6;
  for (const auto& o : r.outputs) width = std::max(width, o.label.size());
  char buf[1024];
  for (std::size_t c = 0; c < r.scenarios.size(); ++c) {
    const auto& sums = r.summaries[c];
    std::vector<std::size_t> order(r.outputs.size());
    std::iota(order.begin(), order.end(), 0);
    const auto strength = [&](std::size_t i) {
      const DifferenceSummary& s = sums[i];
      if (s.pairs == 0 || std::isnan(s.mean)) return -1.0;
      if (s.mean == 0.0) return 0.0;
      return s.sd > 0.0 ? std::abs(s.mean) / s.sd : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return strength(a) > strength(b); });
    const std::size_t shown = top == 0 ? order.size() : std::min(top, order.size());
    out << "\n"
        << r.scenarios[c] << " - " << r.reference << ": the " << shown << " largest of " << r.outputs.size()
        << " outputs (by |mean| / sd)\n";
    std::snprintf(buf, sizeof buf, "  %-*s  %-34s  %-10s  %-24s  %-6s  %s\n", static_cast<int>(width),
                  "output", ("mean [" + std::to_string(ci) + "% interval]").c_str(), "median",
                  (std::to_string(q_lo) + "-" + std::to_string(q_hi) + "% of pairs").c_str(), "P(>0)",
                  "pairs");
    out << buf;
    for (std::size_t k = 0; k < shown; ++k) {
      const std::size_t i = order[k];
      const DifferenceSummary& s = sums[i];
      char mean[64], range[64];
      std::snprintf(mean, sizeof mean, "%+.4g [%+.4g, %+.4g]", s.mean, s.mean_lo, s.mean_hi);
      std::snprintf(range, sizeof range, "[%+.4g, %+.4g]", s.lo, s.hi);
      std::snprintf(buf, sizeof buf, "  %-*s  %-34s  %-+10.4g  %-24s  %-6.2f  %lld\n",
                    static_cast<int>(width), r.outputs[i].label.c_str(), mean, s.median, range,
                    s.share_positive, static_cast<long long>(s.pairs));
      out << buf;
    }
  }
  return out.str();
}

}  // namespace geosim::analysis
