// Sensitivity of a finished sweep's metrics (analysis/sweep_sensitivity.hpp).
#include "geosim/analysis/sweep_sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <sstream>

#include "analysis/detail/sweep_file.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::analysis {

namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

SensitivityReport analyse_sweep(const fs::path& path, const AnalyseOptions& options) {
  const SourceLocation where{path.string(), 0, 0};
  detail::require_sweep_file(path);
  SensitivityReport r;
  r.source = path;
  r.bootstrap = options.bootstrap;
  r.design = detail::attribute_or_empty(path, "design");
  if (r.design == "saltelli") r.method = SensitivityMethod::sobol;
  else if (r.design == "morris") r.method = SensitivityMethod::morris;
  else
    throw UsageError(
        where, "design",
        "the sweep's design is " + r.design +
            "; analyse estimates Sobol indices from a saltelli design and elementary effects from a "
            "morris design (docs/sweeps.md)");
  r.sweep_id = detail::attribute_or_empty(path, "sweep_id");
  r.parameters = read_labels(path, "parameter");
  const std::size_t k = r.parameters.size();
  Variable point = read_variable(path, "point");
  Variable status = read_variable(path, "run_status");
  // A crossed experiment (several scenarios, each running every point): one scenario's runs.
  const std::vector<std::string> scenarios = read_labels(path, "scenario");
  std::vector<std::size_t> kept_runs;  // the analysed runs' indices in the file
  std::size_t file_runs = 0;
  {
    std::int64_t chosen = 0;
    if (scenarios.size() > 1 || !options.scenario.empty()) {
      const auto it = std::find(scenarios.begin(), scenarios.end(), options.scenario);
      if (it == scenarios.end())
        throw UsageError({"--scenario", 0, 0}, "--scenario",
                         (options.scenario.empty()
                              ? std::string("the sweep crosses its design with ") +
                                    std::to_string(scenarios.size()) + " scenarios; name the one to analyse"
                              : "no scenario '" + options.scenario + "' in the file" +
                                    config::did_you_mean(options.scenario, scenarios)) +
                             ": " + config::list_names(scenarios));
      chosen = it - scenarios.begin();
      r.scenario = *it;
    }
    const Variable index = read_variable(path, "scenario_index");
    file_runs = index.values.size();
    for (std::size_t run = 0; run < index.values.size(); ++run)
      if (static_cast<std::int64_t>(index.values[run]) == chosen) kept_runs.push_back(run);
    const auto keep = [&](Variable& v) {
      std::vector<double> kept;
      kept.reserve(kept_runs.size());
      for (std::size_t run : kept_runs) kept.push_back(v.values[run]);
      v.values = std::move(kept);
    };
    keep(point);
    keep(status);
  }
  r.runs = static_cast<std::int64_t>(point.values.size());
  for (double s : status.values) r.failed_runs += s != 0.0 ? 1 : 0;
  r.points = r.runs == 0
                 ? 0
                 : static_cast<std::int64_t>(*std::max_element(point.values.begin(), point.values.end())) + 1;
  r.replicates = r.points > 0 ? r.runs / r.points : 0;
  if (k == 0 || r.points == 0 || r.points * r.replicates != r.runs)
    throw FileError(where, "", "has no parameters or an incomplete run plan; it cannot be analysed");

  // Each point's design coordinates (Morris steps), from its first run.
  std::vector<double> units(static_cast<std::size_t>(r.points) * k, kNaN);
  if (r.method == SensitivityMethod::morris) {
    const Variable u = read_variable(path, "design_unit");
    for (std::int64_t run = 0; run < r.runs; ++run) {
      const auto p = static_cast<std::size_t>(point.values[static_cast<std::size_t>(run)]);
      const std::size_t at = kept_runs[static_cast<std::size_t>(run)];
      for (std::size_t j = 0; j < k; ++j) units[p * k + j] = u.values[at * k + j];
    }
  }

  // The file's own list of kept metrics (declared ones included); else the built-in names.
  const std::vector<std::string> names = detail::metrics_to_read(path, options.metrics);
  for (const std::string& name : names) {
    if (!has_variable(path, name)) continue;
    const Variable v = read_variable(path, name);
    if (v.dims.empty() || v.dims.front() != "run" || v.shape.front() != file_runs) continue;
    const std::size_t elements = v.values.size() / file_runs;
    const std::vector<std::string> labels = detail::element_labels(path, v);
    for (std::size_t e = 0; e < elements; ++e) {
      // The output at each point: the mean over its replicates, NaN if one failed.
      std::vector<double> y(static_cast<std::size_t>(r.points), 0.0);
      bool present = false;  // an element the scenario lacks (a batch's union axes) is not an output
      for (std::int64_t run = 0; run < r.runs; ++run) {
        const auto p = static_cast<std::size_t>(point.values[static_cast<std::size_t>(run)]);
        double value = v.values[kept_runs[static_cast<std::size_t>(run)] * elements + e];
        if (v.missing(value)) value = kNaN;
        present = present || !std::isnan(value);
        if (status.values[static_cast<std::size_t>(run)] != 0.0) value = kNaN;
        y[p] += value / static_cast<double>(r.replicates);
      }
      if (!present) continue;
      OutputSensitivity out;
      out.metric = name;
      out.label = labels[e].empty() ? name : name + "[" + labels[e] + "]";
      if (r.method == SensitivityMethod::sobol) out.sobol = sobol_indices(y, k, options.bootstrap);
      else out.morris = morris_effects(units, y, k, options.bootstrap);
      r.outputs.push_back(std::move(out));
    }
  }
  if (r.outputs.empty())
    throw UsageError(where, "", "the file has no metric to analyse (the sweep kept none: see its metrics:)");
  return r;
}

std::string format_report(const SensitivityReport& r) {
  std::ostringstream out;
  const bool sobol = r.method == SensitivityMethod::sobol;
  const int ci = static_cast<int>(std::lround(r.bootstrap.confidence * 100));
  out << r.source.string() << (r.scenario.empty() ? "" : " (scenario " + r.scenario + ")") << ": "
      << (sobol ? "Sobol indices" : "Morris elementary effects") << " of " << r.outputs.size()
      << (r.outputs.size() == 1 ? " output" : " outputs") << " (" << r.design << " design, " << r.points
      << " points x " << r.replicates << " replicates = " << r.runs << " runs, " << r.failed_runs
      << " failed); " << ci << "% bootstrap intervals from " << r.bootstrap.resamples << " resamples\n";
  std::size_t width = 9;
  for (const auto& p : r.parameters) width = std::max(width, p.size());
  char buf[1024];
  for (const OutputSensitivity& o : r.outputs) {
    out << "\n" << o.label;
    if (sobol)
      out << "  (variance " << o.sobol.variance << "; " << o.sobol.base_points << " base points"
          << (o.sobol.left_out ? ", " + std::to_string(o.sobol.left_out) + " left out (failed runs)" : "")
          << ")\n";
    else
      out << "  (" << o.morris.trajectories << " trajectories"
          << (o.morris.left_out ? ", " + std::to_string(o.morris.left_out) + " left out (failed runs)" : "")
          << ")\n";
    std::vector<std::size_t> order(r.parameters.size());
    std::iota(order.begin(), order.end(), 0);
    const auto key = [&](std::size_t i) {
      const double v = sobol ? o.sobol.total[i].estimate : o.morris.mu_star[i].estimate;
      return std::isnan(v) ? -1.0 : v;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
    if (sobol)
      std::snprintf(buf, sizeof buf, "  %-4s %-*s  %-26s  %-26s\n", "rank", static_cast<int>(width),
                    "parameter", ("first order [" + std::to_string(ci) + "%]").c_str(),
                    ("total [" + std::to_string(ci) + "%]").c_str());
    else
      std::snprintf(buf, sizeof buf, "  %-4s %-*s  %-26s  %-10s  %-10s\n", "rank", static_cast<int>(width),
                    "parameter", ("mu* [" + std::to_string(ci) + "%]").c_str(), "mu", "sigma");
    out << buf;
    int rank = 0;
    for (std::size_t i : order) {
      ++rank;
      const auto interval = [&](const Interval& v) {
        char s[64];
        std::snprintf(s, sizeof s, "%.3f [%.3f, %.3f]", v.estimate, v.lo, v.hi);
        return std::string(s);
      };
      if (sobol)
        std::snprintf(buf, sizeof buf, "  %-4d %-*s  %-26s  %-26s\n", rank, static_cast<int>(width),
                      r.parameters[i].c_str(), interval(o.sobol.first[i]).c_str(),
                      interval(o.sobol.total[i]).c_str());
      else
        std::snprintf(buf, sizeof buf, "  %-4d %-*s  %-26s  %-10.4g  %-10.4g\n", rank,
                      static_cast<int>(width), r.parameters[i].c_str(), interval(o.morris.mu_star[i]).c_str(),
                      o.morris.mu[i], o.morris.sigma[i]);
      out << buf;
    }
  }
  return out.str();
}

}  // namespace geosim::analysis
