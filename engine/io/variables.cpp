// The catalogue of results variables (include/geosim/io/variables.hpp). Each
// entry's extractor writes one row, row-major over its dims, from the world
// state; the order of entries is the order of the datasets in the file.
#include "geosim/io/variables.hpp"

#include <Eigen/Core>

#include "geosim/core/errors.hpp"
#include "geosim/model/world.hpp"

namespace geosim {
namespace {

/// Appends a (rows x cols) Eigen array row-major ([row][col]) at `out`; returns the end.
template <class Array>
double* put(const Array& a, double* out) {
  for (Eigen::Index r = 0; r < a.rows(); ++r)
    for (Eigen::Index c = 0; c < a.cols(); ++c) *out++ = static_cast<double>(a(r, c));
  return out;
}
/// One array per element of `arrays` (per channel, per group), in order.
template <class Arrays>
void put_each(const Arrays& arrays, double* out) {
  for (const auto& a : arrays) out = put(a, out);
}

using A = Axis;
using V = ValueType;

bool with_migration(const Scenario& sc) { return sc.has_migration(); }
bool with_surveys(const Scenario& sc) { return sc.has_surveys(); }

const std::vector<ResultsVariable>& catalogue() {
  static const std::vector<ResultsVariable> table{
      {"budget",
       {A::power, A::channel},
       V::f64,
       "budget units per tick",
       "budget of each power for each channel for the next tick",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.budget, row); }},
      {"allocation",
       {A::channel, A::power, A::target},
       V::f64,
       "budget units per tick",
       "budget spent by each power on each target in the tick ending at this row (NaN in row 0)",
       true,
       "",
       [](const WorldState& s, double* row) { put_each(s.allocation, row); }},
      {"stock",
       {A::channel, A::power, A::target},
       V::f64,
       "budget units",
       "influence stock of each power in each target",
       false,
       "",
       [](const WorldState& s, double* row) { put_each(s.stock, row); }},
      {"influence",
       {A::channel, A::power, A::target},
       V::f64,
       "1",
       "influence share of each power in each target (Tullock contest)",
       false,
       "",
       [](const WorldState& s, double* row) { put_each(s.influence, row); }},
      {"autonomy_stock",
       {A::channel, A::target},
       V::f64,
       "budget units",
       "autonomy stock of each target (its own independence)",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.autonomy, row); }},
      {"autonomy_share",
       {A::channel, A::target},
       V::f64,
       "1",
       "influence share of each target's own autonomy (Tullock contest)",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.autonomy_share, row); }},
      {"alignment",
       {A::power, A::target},
       V::f64,
       "1",
       "government alignment of each target with each power",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.alignment.topRows(s.alignment.rows() - 1), row); }},
      {"alignment_self",
       {A::target},
       V::f64,
       "1",
       "government alignment of each target with itself (non-alignment)",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.alignment.bottomRows(1), row); }},
      {"attitude_mean",
       {A::power, A::target},
       V::f64,
       "1",
       "mean citizen attitude in each target toward each power (-1 .. 1)",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.attitude_mean, row); }},
      {"negative_share",
       {A::power, A::target},
       V::f64,
       "1",
       "share of citizens with attitude below -negative_threshold",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.negative_share, row); }},
      {"positive_share",
       {A::power, A::target},
       V::f64,
       "1",
       "share of citizens with attitude above negative_threshold",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.positive_share, row); }},
      {"group_attitude_mean",
       {A::group, A::power, A::target},
       V::f64,
       "1",
       "mean attitude of each citizen group (NaN where the target has none)",
       true,
       "",
       [](const WorldState& s, double* row) { put_each(s.group_mean, row); }},
      {"group_negative_share",
       {A::group, A::power, A::target},
       V::f64,
       "1",
       "share of a group's citizens below -negative_threshold (NaN where the target has none)",
       true,
       "",
       [](const WorldState& s, double* row) { put_each(s.group_negative, row); }},
      {"group_positive_share",
       {A::group, A::power, A::target},
       V::f64,
       "1",
       "share of a group's citizens above negative_threshold (NaN where the target has none)",
       true,
       "",
       [](const WorldState& s, double* row) { put_each(s.group_positive, row); }},
      {"campaigns_new",
       {A::power, A::target},
       V::i32,
       "1",
       "protest campaigns against each power started in each target in this tick",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.campaigns_new, row); }},
      {"campaigns_active",
       {A::power, A::target},
       V::i32,
       "1",
       "protest campaigns against each power active in each target during the next tick",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.campaigns_active, row); }},
      {"membership",
       {A::institution, A::target},
       V::i8,
       "1",
       "1 if the target is a member of the institution at this row, else 0",
       false,
       "not_member member",
       [](const WorldState& s, double* row) {
         for (const auto& members : s.member)
           for (char m : members) *row++ = static_cast<double>(m);
       }},
      // Labour migration (model.md section 12): only in the files of scenarios with migration.
      {"migrant_share",
       {A::target},
       V::f64,
       "1",
       "share of each target's population working in its host power (NaN for targets without migration)",
       true,
       "",
       [](const WorldState& s, double* row) { put(s.migrant_share, row); },
       with_migration},
      {"remittances",
       {A::target},
       V::f64,
       "budget units per tick",
       "remittances sent home from the host in the tick ending at this row (NaN in row 0 and for targets "
       "without migration)",
       true,
       "",
       [](const WorldState& s, double* row) { put(s.remittances, row); },
       with_migration},
      {"labour_demand",
       {A::power},
       V::f64,
       "1",
       "labour-demand index of each power as a host of migrants, for the next tick",
       false,
       "",
       [](const WorldState& s, double* row) { put(s.labour_demand, row); },
       with_migration},
      // The survey measurement model (model.md section 13): only in the files of scenarios with surveys.
      {"survey_favourable",
       {A::survey, A::power, A::target},
       V::f64,
       "1",
       "share of each target's citizens a survey would report favourable toward each power (0 where the "
       "target has no citizens)",
       false,
       "",
       [](const WorldState& s, double* row) { put_each(s.survey_favourable, row); },
       with_surveys},
      {"survey_unfavourable",
       {A::survey, A::power, A::target},
       V::f64,
       "1",
       "share of each target's citizens a survey would report unfavourable toward each power (0 where the "
       "target has no citizens)",
       false,
       "",
       [](const WorldState& s, double* row) { put_each(s.survey_unfavourable, row); },
       with_surveys},
  };
  return table;
}

}  // namespace

std::string_view axis_name(Axis axis) {
  switch (axis) {
    case Axis::power: return "power";
    case Axis::target: return "target";
    case Axis::channel: return "channel";
    case Axis::group: return "group";
    case Axis::institution: return "institution";
    case Axis::survey: return "survey";
  }
  throw RuntimeFailure("internal error: unknown axis");
}

std::size_t axis_size(Axis axis, const Scenario& sc) {
  switch (axis) {
    case Axis::power: return static_cast<std::size_t>(sc.num_powers());
    case Axis::target: return static_cast<std::size_t>(sc.num_targets());
    case Axis::channel: return static_cast<std::size_t>(sc.num_channels());
    case Axis::group: return static_cast<std::size_t>(sc.num_groups());
    case Axis::institution: return sc.institutions.size();
    case Axis::survey: return sc.surveys.size();
  }
  throw RuntimeFailure("internal error: unknown axis");
}

std::size_t value_bytes(ValueType type) {
  switch (type) {
    case ValueType::f64: return sizeof(double);
    case ValueType::i32: return sizeof(std::int32_t);
    case ValueType::i8: return sizeof(std::int8_t);
  }
  throw RuntimeFailure("internal error: unknown value type");
}

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::f64: return "float64";
    case ValueType::i32: return "int32";
    case ValueType::i8: return "int8";
  }
  throw RuntimeFailure("internal error: unknown value type");
}

std::size_t ResultsVariable::row_size(const Scenario& scenario) const {
  std::size_t n = 1;
  for (Axis a : dims) n *= axis_size(a, scenario);
  return n;
}

std::vector<std::string> ResultsVariable::file_dims() const {
  std::vector<std::string> out{"time"};
  for (Axis a : dims) out.emplace_back(axis_name(a));
  return out;
}

std::span<const ResultsVariable> results_variables() { return catalogue(); }

std::size_t results_variable_index(std::string_view name) {
  const auto& table = catalogue();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].name == name) return i;
  throw RuntimeFailure("internal error: no results variable named " + std::string(name));
}

const ResultsVariable& results_variable(std::string_view name) {
  return catalogue()[results_variable_index(name)];
}

std::size_t recorded_bytes_per_row(const Scenario& scenario) {
  std::size_t bytes = 0;
  for (const auto& v : catalogue()) bytes += v.row_size(scenario) * value_bytes(v.type);
  return bytes;
}

}  // namespace geosim
