// What a sweep keeps of each run: metrics reduced from the Recorder's
// RunRecord right after the run, and optionally whole time series, all of
// them defined over the catalogue of results variables
// (geosim/io/variables.hpp). The record is dropped as soon as the payload is
// built.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <variant>

#include "geosim/io/variables.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/run.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {
namespace {

using R = Field::Reduction;

/// A field over catalogue entry `source`: its dims (without time for a
/// metric), type, units and fill, the field's own name and long_name.
Field over(const std::string& source, R reduction, std::string name, std::string long_name) {
  const std::size_t index = results_variable_index(source);
  const ResultsVariable& v = results_variables()[index];
  Field f;
  f.name = std::move(name);
  if (reduction == R::series) f.dims.emplace_back("time");
  for (Axis a : v.dims) f.dims.emplace_back(axis_name(a));
  f.type = v.type;
  f.units = v.units;
  f.long_name = std::move(long_name);
  f.nan_fill = v.nan_fill;
  f.reduction = reduction;
  f.source = index;
  return f;
}

}  // namespace

void Field::extract(const RunRecord& r, double* out) const {
  std::visit(
      [&](const auto& v) {
        const std::size_t rows = static_cast<std::size_t>(r.rows);
        const std::size_t n = v.size() / rows;  // values per row
        const std::size_t last = rows - 1;
        switch (reduction) {
          case Reduction::series:
            for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
            break;
          case Reduction::final:
            for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(v[last * n + i]);
            break;
          case Reduction::peak:
            for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(v[i]);
            for (std::size_t row = 1; row <= last; ++row)
              for (std::size_t i = 0; i < n; ++i)
                out[i] = std::max(out[i], static_cast<double>(v[row * n + i]));
            break;
          case Reduction::total:
            std::fill(out, out + n, 0.0);
            for (std::size_t row = 0; row <= last; ++row)
              for (std::size_t i = 0; i < n; ++i) out[i] += static_cast<double>(v[row * n + i]);
            break;
        }
      },
      r.series.at(source));
}

const std::vector<Field>& metric_table() {
  static const std::vector<Field> table{
      over("alignment", R::final, "final_alignment",
           "government alignment of each target with each power at the end of the run"),
      over("alignment_self", R::final, "final_alignment_self",
           "alignment of each target with itself (non-alignment) at the end of the run"),
      over("attitude_mean", R::final, "final_attitude_mean",
           "mean citizen attitude toward each power at the end of the run (-1 .. 1)"),
      over("negative_share", R::final, "final_negative_share",
           "share of citizens below -negative_threshold at the end of the run"),
      over("negative_share", R::peak, "peak_negative_share",
           "largest share of citizens below -negative_threshold over the run (row 0 included)"),
      over("positive_share", R::final, "final_positive_share",
           "share of citizens above negative_threshold at the end of the run"),
      over("campaigns_new", R::total, "total_campaigns",
           "protest campaigns against each power started in each target over the run"),
      over("budget", R::final, "final_budget", "budget of each power for each channel at the end of the run"),
      over("influence", R::final, "final_influence",
           "influence share of each power in each target at the end of the run"),
  };
  return table;
}

const std::vector<Field>& series_table() {
  static const std::vector<Field> table = [] {
    std::vector<Field> out;
    for (const ResultsVariable& v : results_variables())
      out.push_back(over(v.name, R::series, v.name, v.long_name));
    return out;
  }();
  return table;
}

std::size_t Layout::axis(const Scenario& sc, const std::string& dim) const {
  if (dim == "time") return static_cast<std::size_t>(sc.ticks) + 1;
  for (Axis a : {Axis::power, Axis::target, Axis::channel, Axis::group, Axis::institution})
    if (dim == axis_name(a)) return axis_size(a, sc);
  throw RuntimeFailure("internal error: unknown axis " + dim);
}

Layout make_layout(const Sweep& sweep) {
  Layout layout;
  const Scenario& sc = sweep.base(0);
  auto add = [&](const std::vector<Field>& table, const std::vector<std::string>& names) {
    for (const auto& f : table) {
      if (std::find(names.begin(), names.end(), f.name) == names.end()) continue;
      std::vector<std::size_t> shape;
      std::size_t size = 1;
      for (const auto& d : f.dims) {
        shape.push_back(layout.axis(sc, d));
        size *= shape.back();
      }
      layout.fields.push_back(&f);
      layout.shapes.push_back(shape);
      layout.offsets.push_back(layout.doubles);
      layout.sizes.push_back(size);
      layout.doubles += size;
    }
  };
  add(metric_table(), sweep.spec().metrics);
  add(series_table(), sweep.spec().time_series);
  return layout;
}

std::vector<char> execute(const Sweep&, const Layout& layout, const RunPlan& plan, const Scenario& scenario) {
  // Memory was checked once for the whole sweep (geosim sweep, before any run).
  const RunRecord rec = run(scenario, {.seed = plan.seed, .check_resources = false}).record;
  // Series are stored on the base scenario's time axis; a run whose period
  // differs (a parameter that moves time.start or time.end) cannot fit it.
  for (std::size_t i = 0; i < layout.fields.size(); ++i)
    if (layout.fields[i]->reduction == Field::Reduction::series &&
        static_cast<std::size_t>(rec.rows) != layout.shapes[i].front())
      throw RuntimeFailure("the run has " + std::to_string(rec.rows - 1) +
                           " ticks, the time axis of the sweep's time series " +
                           std::to_string(layout.shapes[i].front() - 1));
  // The run index's bits, then the values.
  std::vector<double> values{std::bit_cast<double>(static_cast<std::uint64_t>(plan.run))};
  values.resize(1 + layout.doubles);
  for (std::size_t i = 0; i < layout.fields.size(); ++i)
    layout.fields[i]->extract(rec, values.data() + 1 + layout.offsets[i]);
  const char* bytes = reinterpret_cast<const char*>(values.data());
  std::vector<char> payload(bytes, bytes + values.size() * sizeof(double));
  return payload;
}

std::vector<char> failure_payload(std::int64_t run, RunStatus status, const std::string& message) {
  const auto index = static_cast<std::uint64_t>(run);
  const auto* bytes = reinterpret_cast<const char*>(&index);
  std::vector<char> payload(bytes, bytes + sizeof index);
  payload.push_back(static_cast<char>(status));
  payload.insert(payload.end(), message.begin(), message.end());
  return payload;
}

void read_failure(const std::vector<char>& payload, RunStatus& status, std::string& message) {
  const auto value = payload.size() >= 9 ? static_cast<int>(payload[8]) : -1;
  if (value != static_cast<int>(RunStatus::invalid) && value != static_cast<int>(RunStatus::failed))
    throw RuntimeFailure("the journal holds a failed-run record of an unknown kind");
  status = static_cast<RunStatus>(value);
  message.assign(payload.begin() + 9, payload.end());
}

}  // namespace geosim::sweep_detail
