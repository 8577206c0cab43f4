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

#include "geosim/config/reader.hpp"
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

std::optional<std::pair<int, int>> window_rows(const MetricSpec& metric, const Scenario& sc) {
  int first = 0, last = sc.ticks;
  while (metric.from && first <= last && sc.row_date(first) < *metric.from) ++first;
  while (metric.to && last >= first && *metric.to < sc.row_date(last)) --last;
  if (first > last) return std::nullopt;
  return std::pair{first, last};
}

void Field::extract(const RunRecord& r, const Scenario& sc, const std::vector<std::size_t>& columns,
                    double* out) const {
  std::visit(
      [&](const auto& v) {
        const std::size_t rows = static_cast<std::size_t>(r.rows);
        const std::size_t n = v.size() / rows;  // values per row
        if (reduction == Reduction::series) {
          for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
          return;
        }
        std::size_t first = 0, last = rows - 1;
        if (declared) {
          const auto window = window_rows(*declared, sc);
          if (!window || static_cast<std::size_t>(window->second) >= rows)
            throw RuntimeFailure("metric " + name + ": the run has no row in its window (" +
                                 declared->canonical() + ")");
          first = static_cast<std::size_t>(window->first), last = static_cast<std::size_t>(window->second);
        }
        const std::size_t count = columns.empty() ? n : columns.size();
        std::vector<double> scratch;
        for (std::size_t k = 0; k < count; ++k) {
          const std::size_t c = columns.empty() ? k : columns[k];
          const auto at = [&](std::size_t row) { return static_cast<double>(v[row * n + c]); };
          double x = at(first);
          switch (reduction) {
            case Reduction::series: break;
            case Reduction::final: x = at(last); break;
            case Reduction::peak:
              for (std::size_t row = first + 1; row <= last; ++row) x = std::max(x, at(row));
              break;
            case Reduction::min:
              for (std::size_t row = first + 1; row <= last; ++row) x = std::min(x, at(row));
              break;
            case Reduction::total:
            case Reduction::mean:
              for (std::size_t row = first + 1; row <= last; ++row) x += at(row);
              if (reduction == Reduction::mean) x /= static_cast<double>(last - first + 1);
              break;
            case Reduction::time_of_peak: {
              std::size_t best = first;
              for (std::size_t row = first + 1; row <= last; ++row)
                if (at(row) > at(best)) best = row;
              x = static_cast<double>(best) * sc.step_months;
              break;
            }
            case Reduction::quantile: {  // linear between order statistics (type 7)
              scratch.clear();
              for (std::size_t row = first; row <= last; ++row) scratch.push_back(at(row));
              std::sort(scratch.begin(), scratch.end());
              const double h = declared->quantile * static_cast<double>(scratch.size() - 1);
              const auto lo = static_cast<std::size_t>(std::floor(h));
              const std::size_t hi = std::min(lo + 1, scratch.size() - 1);
              x = scratch[lo] + (h - static_cast<double>(lo)) * (scratch[hi] - scratch[lo]);
              break;
            }
          }
          out[k] = x;
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

namespace {

/// The labels of an axis in `sc`, as metrics select them.
std::vector<std::string> axis_labels(const std::string& axis, const Scenario& sc) {
  std::vector<std::string> out;
  if (axis == "power")
    for (const auto& p : sc.powers) out.push_back(p.code);
  if (axis == "target")
    for (const auto& t : sc.targets) out.push_back(t.code);
  if (axis == "channel") out = sc.channel_names();
  if (axis == "group")
    for (const auto& g : sc.groups) out.push_back(g.name);
  if (axis == "institution")
    for (const auto& i : sc.institutions) out.push_back(i.name);
  return out;
}

/// The field of a declared metric, its dims and the columns it keeps, for `sc`.
void add_declared(Layout& layout, const MetricSpec& m, const Scenario& sc) {
  using M = MetricSpec::Reducer;
  static constexpr std::pair<M, Field::Reduction> kMap[] = {
      {M::final, Field::Reduction::final},      {M::mean, Field::Reduction::mean},
      {M::sum, Field::Reduction::total},        {M::min, Field::Reduction::min},
      {M::max, Field::Reduction::peak},         {M::time_of_peak, Field::Reduction::time_of_peak},
      {M::quantile, Field::Reduction::quantile}};
  Field f = over(m.variable, Field::Reduction::final, m.name, m.description());
  for (const auto& [from, to] : kMap)
    if (from == m.reduce) f.reduction = to;
  f.declared = &m;
  if (m.reduce == M::time_of_peak) f.units = "months since time.start", f.type = ValueType::f64;
  if (m.reduce == M::mean || m.reduce == M::quantile) f.type = ValueType::f64;
  f.nan_fill = f.nan_fill || f.type == ValueType::f64;
  if (!window_rows(m, sc))
    throw RangeError(m.where, "metrics." + m.name,
                     "the window holds no row of " + sc.name + " (" + sc.start.str() + " to " +
                         sc.row_date(sc.ticks).str() + ")");
  // Per axis of the variable: the positions kept, and whether the axis stays.
  const ResultsVariable& v = results_variables()[f.source];
  std::vector<std::vector<std::size_t>> kept;
  std::vector<std::size_t> sizes;
  f.dims.clear();
  std::vector<std::size_t> shape;
  for (Axis a : v.dims) {
    const std::string axis(axis_name(a));
    const std::vector<std::string> labels = axis_labels(axis, sc);
    sizes.push_back(labels.size());
    const auto sel = std::find_if(m.select.begin(), m.select.end(),
                                  [&](const MetricSpec::Selection& s) { return s.axis == axis; });
    std::vector<std::size_t> positions;
    if (sel == m.select.end()) {
      for (std::size_t i = 0; i < labels.size(); ++i) positions.push_back(i);
      f.dims.push_back(axis);
      shape.push_back(labels.size());
    } else {
      for (const std::string& label : sel->labels) {
        const auto it = std::find(labels.begin(), labels.end(), label);
        if (it == labels.end())
          throw ReferenceError(m.where, "metrics." + m.name + ".select." + axis,
                               "no " + axis + " '" + label + "' in " + sc.name +
                                   config::did_you_mean(label, labels) + "; its " + axis + "s are " +
                                   config::list_names(labels));
        positions.push_back(static_cast<std::size_t>(it - labels.begin()));
      }
      if (!sel->single) {
        const std::string dim = m.name + "_" + axis;
        f.dims.push_back(dim);
        shape.push_back(positions.size());
        layout.subset_dims.emplace_back(dim, sel->labels);
      }
    }
    kept.push_back(std::move(positions));
  }
  // Columns: every combination of kept positions, row-major over the variable's axes.
  std::vector<std::size_t> columns{0};
  for (std::size_t axis = 0; axis < kept.size(); ++axis) {
    std::vector<std::size_t> next;
    for (std::size_t c : columns)
      for (std::size_t p : kept[axis]) next.push_back(c * sizes[axis] + p);
    columns = std::move(next);
  }
  layout.declared->push_back(std::move(f));
  layout.fields.push_back(&layout.declared->back());
  layout.shapes.push_back(shape);
  layout.columns.push_back(columns);
  layout.offsets.push_back(layout.doubles);
  layout.sizes.push_back(columns.size());
  layout.doubles += columns.size();
}

}  // namespace

Layout make_layout(const Sweep& sweep) {
  Layout layout;
  layout.declared = std::make_shared<std::deque<Field>>();
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
      layout.columns.emplace_back();
      layout.offsets.push_back(layout.doubles);
      layout.sizes.push_back(size);
      layout.doubles += size;
    }
  };
  add(metric_table(), sweep.spec().metrics);
  for (const MetricSpec& m : sweep.spec().declared_metrics) add_declared(layout, m, sc);
  add(series_table(), sweep.spec().time_series);
  return layout;
}

std::vector<char> execute(const Sweep&, const Layout& layout, const RunPlan& plan, const Scenario& scenario,
                          RunContext& context) {
  // Memory was checked once for the whole sweep (geosim sweep, before any run).
  context.tick_seconds += run(scenario, {.seed = plan.seed,
                                         .check_resources = false,
                                         .recorder = &context.recorder,
                                         .time_ticks = context.time_ticks})
                              .tick_seconds;
  const RunRecord& rec = context.recorder.record();
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
    layout.fields[i]->extract(rec, scenario, layout.columns[i], values.data() + 1 + layout.offsets[i]);
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
