// What a sweep keeps of each run: metrics reduced from the Recorder's
// RunRecord right after the run, and optionally whole time series. The
// record is dropped as soon as the payload is built.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "geosim/run/recorder.hpp"
#include "geosim/run/run.hpp"
#include "geosim/model/world.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {
namespace {

std::size_t PT(const RunRecord& r) { return static_cast<std::size_t>(r.powers) * r.targets; }
std::size_t last(const RunRecord& r) { return static_cast<std::size_t>(r.rows - 1); }

template <class V>
void copy_last(const V& v, std::size_t row_size, const RunRecord& r, double* out) {
  const std::size_t base = last(r) * row_size;
  for (std::size_t i = 0; i < row_size; ++i) out[i] = static_cast<double>(v[base + i]);
}

template <class V>
void copy_all(const V& v, double* out) {
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
}

using PTDims = std::vector<std::string>;
const PTDims kPT{"power", "target"};

}  // namespace

const std::vector<Field>& metric_table() {
  using T = Field::Type;
  static const std::vector<Field> table{
      {"final_alignment", kPT, T::f64, "1", "government alignment of each target with each power at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.alignment, PT(r), r, out); }},
      {"final_alignment_self", {"target"}, T::f64, "1", "alignment of each target with itself (non-alignment) at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.alignment_self, static_cast<std::size_t>(r.targets), r, out); }},
      {"final_attitude_mean", kPT, T::f64, "1", "mean citizen attitude toward each power at the end of the run (-1 .. 1)", false,
       [](const RunRecord& r, double* out) { copy_last(r.attitude_mean, PT(r), r, out); }},
      {"final_negative_share", kPT, T::f64, "1", "share of citizens below -negative_threshold at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.negative_share, PT(r), r, out); }},
      {"peak_negative_share", kPT, T::f64, "1", "largest share of citizens below -negative_threshold over the run (row 0 included)", false,
       [](const RunRecord& r, double* out) {
         const std::size_t n = PT(r);
         for (std::size_t i = 0; i < n; ++i) out[i] = r.negative_share[i];
         for (std::size_t row = 1; row <= last(r); ++row)
           for (std::size_t i = 0; i < n; ++i) out[i] = std::max(out[i], r.negative_share[row * n + i]);
       }},
      {"final_positive_share", kPT, T::f64, "1", "share of citizens above negative_threshold at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.positive_share, PT(r), r, out); }},
      {"total_campaigns", kPT, T::i32, "1", "protest campaigns against each power started in each target over the run", false,
       [](const RunRecord& r, double* out) {
         const std::size_t n = PT(r);
         std::fill(out, out + n, 0.0);
         for (std::size_t row = 0; row <= last(r); ++row)
           for (std::size_t i = 0; i < n; ++i) out[i] += r.campaigns_new[row * n + i];
       }},
      {"final_budget", {"power", "channel"}, T::f64, "budget units per tick", "budget of each power for each channel at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.budget, static_cast<std::size_t>(r.powers) * kChannels, r, out); }},
      {"final_influence", {"channel", "power", "target"}, T::f64, "1", "influence share of each power in each target at the end of the run", false,
       [](const RunRecord& r, double* out) { copy_last(r.influence, kChannels * PT(r), r, out); }},
  };
  return table;
}

const std::vector<Field>& series_table() {
  using T = Field::Type;
  const std::vector<std::string> tPT{"time", "power", "target"}, tCPT{"time", "channel", "power", "target"},
      tCT{"time", "channel", "target"}, tGPT{"time", "group", "power", "target"};
  static const std::vector<Field> table{
      {"budget", {"time", "power", "channel"}, T::f64, "budget units per tick", "budget of each power for each channel for the next tick", false,
       [](const RunRecord& r, double* out) { copy_all(r.budget, out); }},
      {"allocation", tCPT, T::f64, "budget units per tick", "budget spent by each power on each target in the tick ending at this row (NaN in row 0)", true,
       [](const RunRecord& r, double* out) { copy_all(r.allocation, out); }},
      {"stock", tCPT, T::f64, "budget units", "influence stock of each power in each target", false,
       [](const RunRecord& r, double* out) { copy_all(r.stock, out); }},
      {"influence", tCPT, T::f64, "1", "influence share of each power in each target (Tullock contest)", false,
       [](const RunRecord& r, double* out) { copy_all(r.influence, out); }},
      {"autonomy_stock", tCT, T::f64, "budget units", "autonomy stock of each target (its own independence)", false,
       [](const RunRecord& r, double* out) { copy_all(r.autonomy_stock, out); }},
      {"autonomy_share", tCT, T::f64, "1", "influence share of each target's own autonomy (Tullock contest)", false,
       [](const RunRecord& r, double* out) { copy_all(r.autonomy_share, out); }},
      {"alignment", tPT, T::f64, "1", "government alignment of each target with each power", false,
       [](const RunRecord& r, double* out) { copy_all(r.alignment, out); }},
      {"alignment_self", {"time", "target"}, T::f64, "1", "government alignment of each target with itself (non-alignment)", false,
       [](const RunRecord& r, double* out) { copy_all(r.alignment_self, out); }},
      {"attitude_mean", tPT, T::f64, "1", "mean citizen attitude in each target toward each power (-1 .. 1)", false,
       [](const RunRecord& r, double* out) { copy_all(r.attitude_mean, out); }},
      {"negative_share", tPT, T::f64, "1", "share of citizens with attitude below -negative_threshold", false,
       [](const RunRecord& r, double* out) { copy_all(r.negative_share, out); }},
      {"positive_share", tPT, T::f64, "1", "share of citizens with attitude above negative_threshold", false,
       [](const RunRecord& r, double* out) { copy_all(r.positive_share, out); }},
      {"group_attitude_mean", tGPT, T::f64, "1", "mean attitude of each citizen group (NaN where the target has none)", true,
       [](const RunRecord& r, double* out) { copy_all(r.group_attitude_mean, out); }},
      {"group_negative_share", tGPT, T::f64, "1", "share of a group's citizens below -negative_threshold (NaN where the target has none)", true,
       [](const RunRecord& r, double* out) { copy_all(r.group_negative_share, out); }},
      {"group_positive_share", tGPT, T::f64, "1", "share of a group's citizens above negative_threshold (NaN where the target has none)", true,
       [](const RunRecord& r, double* out) { copy_all(r.group_positive_share, out); }},
      {"campaigns_new", tPT, T::i32, "1", "protest campaigns against each power started in each target in this tick", false,
       [](const RunRecord& r, double* out) { copy_all(r.campaigns_new, out); }},
      {"campaigns_active", tPT, T::i32, "1", "protest campaigns against each power active in each target during the next tick", false,
       [](const RunRecord& r, double* out) { copy_all(r.campaigns_active, out); }},
      {"membership", {"time", "institution", "target"}, T::i8, "1", "1 if the target is a member of the institution at this row, else 0", false,
       [](const RunRecord& r, double* out) { copy_all(r.membership, out); }},
  };
  return table;
}

std::size_t Layout::axis(const Scenario& sc, const std::string& dim) const {
  if (dim == "time") return static_cast<std::size_t>(sc.ticks) + 1;
  if (dim == "power") return static_cast<std::size_t>(sc.num_powers());
  if (dim == "target") return static_cast<std::size_t>(sc.num_targets());
  if (dim == "channel") return kChannels;
  if (dim == "group") return static_cast<std::size_t>(sc.num_groups());
  if (dim == "institution") return sc.institutions.size();
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

std::vector<char> execute(const Sweep&, const Layout& layout, const RunPlan& plan,
                          const Scenario& scenario) {
  // Memory was checked once for the whole sweep (geosim sweep, before any run).
  const RunRecord rec = run(scenario, {.seed = plan.seed, .check_resources = false}).record;
  // The run index's bits, then the values.
  std::vector<double> values{std::bit_cast<double>(static_cast<std::uint64_t>(plan.run))};
  values.resize(1 + layout.doubles);
  for (std::size_t i = 0; i < layout.fields.size(); ++i)
    layout.fields[i]->extract(rec, values.data() + 1 + layout.offsets[i]);
  const char* bytes = reinterpret_cast<const char*>(values.data());
  std::vector<char> payload(bytes, bytes + values.size() * sizeof(double));
  return payload;
}

}  // namespace geosim::sweep_detail
