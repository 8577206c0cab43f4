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
#include "io/detail/hdf5.hpp"
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
          if (columns.empty()) {
            for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
            return;
          }
          const double missing = fill();
          for (std::size_t row = 0; row < rows; ++row)
            for (const std::size_t c : columns)
              *out++ = c == kAbsent ? missing : static_cast<double>(v[row * n + c]);
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
          if (c == kAbsent) {
            out[k] = fill();
            continue;
          }
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

double Field::fill() const {
  switch (type) {
    case Type::f64: return hdf5::fill_value<double>();
    case Type::i32: return hdf5::fill_value<std::int32_t>();
    case Type::i8: return hdf5::fill_value<std::int8_t>();
  }
  return hdf5::fill_value<double>();
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
  if (axis == "survey")
    for (const auto& q : sc.surveys) out.push_back(q.name);
  return out;
}

/// Adds `field` kept over `kept` (per axis of its variable, the labels it
/// keeps, in order), with the columns each scenario's runs extract.
void add_field(Layout& layout, const Sweep& sweep, const Field* field, const std::vector<std::string>& axes,
               const std::vector<std::vector<std::string>>& kept, std::vector<std::size_t> shape) {
  std::size_t size = 1;
  for (const auto& labels : kept) size *= labels.size();
  bool partial = false;
  for (int s = 0; s < sweep.scenarios(); ++s) {
    const Scenario& sc = sweep.base(s);
    // Every combination of kept labels, row-major over the variable's axes,
    // as a position in the scenario's own row (kAbsent where it lacks one).
    std::vector<std::size_t> columns{0};
    bool identity = true;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const std::vector<std::string> own = axis_labels(axes[a], sc);
      identity = identity && own == kept[a];
      std::vector<std::size_t> next;
      next.reserve(columns.size() * kept[a].size());
      for (std::size_t c : columns)
        for (const std::string& label : kept[a]) {
          const auto it = std::find(own.begin(), own.end(), label);
          next.push_back(c == Field::kAbsent || it == own.end()
                             ? Field::kAbsent
                             : c * own.size() + static_cast<std::size_t>(it - own.begin()));
        }
      columns = std::move(next);
    }
    partial = partial || std::find(columns.begin(), columns.end(), Field::kAbsent) != columns.end();
    if (identity) columns.clear();  // every position in order: extract's fast path
    layout.columns.at(static_cast<std::size_t>(s)).push_back(std::move(columns));
  }
  if (field->reduction == Field::Reduction::series) {
    shape.insert(shape.begin(), static_cast<std::size_t>(sweep.base(0).ticks) + 1);
    size *= shape.front();
  }
  layout.fields.push_back(field);
  layout.shapes.push_back(std::move(shape));
  layout.partial.push_back(partial);
  layout.reference.push_back(-1);
  layout.offsets.push_back(layout.doubles);
  layout.sizes.push_back(size);
  layout.doubles += size;
}

/// The axes of catalogue variable `source` (time left out).
std::vector<std::string> variable_axes(std::size_t source) {
  std::vector<std::string> out;
  for (Axis a : results_variables()[source].dims) out.emplace_back(axis_name(a));
  return out;
}

/// The scenario a metric is a difference from: one of the batch's, by name.
int reference_scenario(const Sweep& sweep, const MetricSpec& m) {
  const std::string key = "metrics." + m.name + ".difference_from";
  if (sweep.scenarios() < 2)
    throw ReferenceError(m.difference_where, key,
                         "a difference from another scenario needs a batch ('scenarios:' with two or more)");
  std::vector<std::string> names;
  int found = -1;
  for (int s = 0; s < sweep.scenarios(); ++s) {
    names.push_back(sweep.base(s).name);
    if (names.back() != m.difference_from) continue;
    if (found >= 0)
      throw ReferenceError(
          m.difference_where, key,
          "two of the batch's scenarios are named " + m.difference_from + "; give them distinct names");
    found = s;
  }
  if (found < 0)
    throw ReferenceError(m.difference_where, key,
                         "no scenario '" + m.difference_from + "' in the batch" +
                             config::did_you_mean(m.difference_from, names) + "; its scenarios are " +
                             config::list_names(names));
  return found;
}

/// The field of a declared metric: its dims, and the labels it keeps.
void add_declared(Layout& layout, const Sweep& sweep, const MetricSpec& m) {
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
  for (int s = 0; s < sweep.scenarios(); ++s) {
    const Scenario& sc = sweep.base(s);
    if (!window_rows(m, sc))
      throw RangeError(m.where, "metrics." + m.name,
                       "the window holds no row of " + sc.name + " (" + sc.start.str() + " to " +
                           sc.row_date(sc.ticks).str() + ")");
  }
  // Per axis of the variable: the labels kept, and whether the axis stays.
  const std::vector<std::string> axes = variable_axes(f.source);
  std::vector<std::vector<std::string>> kept;
  std::vector<std::size_t> shape;
  f.dims.clear();
  for (const std::string& axis : axes) {
    const std::vector<std::string>& labels = layout.labels.at(axis);
    const auto sel = std::find_if(m.select.begin(), m.select.end(),
                                  [&](const MetricSpec::Selection& s) { return s.axis == axis; });
    if (sel == m.select.end()) {
      f.dims.push_back(axis);
      shape.push_back(labels.size());
      kept.push_back(labels);
      continue;
    }
    for (const std::string& label : sel->labels)
      if (std::find(labels.begin(), labels.end(), label) == labels.end())
        throw ReferenceError(
            m.where, "metrics." + m.name + ".select." + axis,
            "no " + axis + " '" + label + "' in " +
                (sweep.scenarios() > 1 ? "any of the batch's scenarios" : sweep.base(0).name) +
                config::did_you_mean(label, labels) + "; its " + axis + "s are " +
                config::list_names(labels));
    if (!sel->single) {
      const std::string dim = m.name + "_" + axis;
      f.dims.push_back(dim);
      shape.push_back(sel->labels.size());
      layout.subset_dims.emplace_back(dim, sel->labels);
    }
    kept.push_back(sel->labels);
  }
  layout.declared->push_back(std::move(f));
  add_field(layout, sweep, &layout.declared->back(), axes, kept, std::move(shape));
  if (!m.difference_from.empty()) layout.reference.back() = reference_scenario(sweep, m);
}

}  // namespace

Layout make_layout(const Sweep& sweep) {
  Layout layout;
  layout.declared = std::make_shared<std::deque<Field>>();
  layout.columns.resize(static_cast<std::size_t>(sweep.scenarios()));
  for (const char* axis : {"power", "target", "channel", "group", "institution", "survey"}) {
    std::vector<std::string>& labels = layout.labels[axis];
    for (int s = 0; s < sweep.scenarios(); ++s)
      for (std::string& label : axis_labels(axis, sweep.base(s)))
        if (std::find(labels.begin(), labels.end(), label) == labels.end())
          labels.push_back(std::move(label));
  }
  auto add = [&](const std::vector<Field>& table, const std::vector<std::string>& names) {
    for (const auto& f : table) {
      if (std::find(names.begin(), names.end(), f.name) == names.end()) continue;
      const std::vector<std::string> axes = variable_axes(f.source);
      std::vector<std::vector<std::string>> kept;
      std::vector<std::size_t> shape;
      for (const std::string& axis : axes) {
        kept.push_back(layout.labels.at(axis));
        shape.push_back(kept.back().size());
      }
      add_field(layout, sweep, &f, axes, kept, std::move(shape));
    }
  };
  add(metric_table(), sweep.spec().metrics);
  for (const MetricSpec& m : sweep.spec().declared_metrics) add_declared(layout, sweep, m);
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
    layout.fields[i]->extract(rec, scenario, layout.columns[static_cast<std::size_t>(plan.scenario)][i],
                              values.data() + 1 + layout.offsets[i]);
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
