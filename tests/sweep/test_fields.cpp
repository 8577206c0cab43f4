// What a sweep keeps per run (engine/sweep/fields.cpp): its time series are
// the catalogue's entries, its metrics final/peak/total reductions of them
// that take dims, type, units and fill from the entry.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "geosim/io/variables.hpp"
#include "geosim/run/recorder.hpp"
#include "support/tiny_scenario.hpp"
#include "sweep/detail/internal.hpp"

using namespace geosim;
using namespace geosim::sweep_detail;

namespace {
const Field& field(const std::vector<Field>& table, const std::string& name) {
  for (const auto& f : table)
    if (f.name == name) return f;
  FAIL("no field " << name);
  return table.front();
}
}  // namespace

TEST_CASE("sweep fields: the time series are the catalogue, in its order") {
  const auto vars = results_variables();
  const auto& series = series_table();
  REQUIRE(series.size() == vars.size());
  for (std::size_t i = 0; i < vars.size(); ++i) {
    INFO("variable " << vars[i].name);
    CHECK(series[i].name == vars[i].name);
    CHECK(series[i].dims == vars[i].file_dims());
    CHECK(series[i].type == vars[i].type);
    CHECK(series[i].units == vars[i].units);
    CHECK(series[i].long_name == vars[i].long_name);
    CHECK(series[i].nan_fill == vars[i].nan_fill);
    CHECK(series[i].source == i);
  }
}

TEST_CASE("sweep fields: a metric has its source's dims without time, type, units and fill") {
  for (const Field& m : metric_table()) {
    INFO("metric " << m.name);
    REQUIRE(m.reduction != Field::Reduction::series);
    const ResultsVariable& v = results_variables()[m.source];
    std::vector<std::string> dims = v.file_dims();
    dims.erase(dims.begin());
    CHECK(m.dims == dims);
    CHECK(m.type == v.type);
    CHECK(m.units == v.units);
    CHECK(m.nan_fill == v.nan_fill);
    CHECK_FALSE(m.long_name.empty());
  }
  CHECK(field(metric_table(), "total_campaigns").type == ValueType::i32);
  CHECK(results_variables()[field(metric_table(), "total_campaigns").source].name == "campaigns_new");
}

TEST_CASE("sweep fields: final, peak and total reduce the rows of the record") {
  const Scenario s = testing::tiny_scenario(2, 1, 1, 2);  // 3 rows of power x target = 2 values
  RunRecord r = RunRecord::empty_for(s);
  r.rows = 3;
  for (std::size_t i = 0; i < r.series.size(); ++i)
    std::visit([&](auto& v) { v.resize(3 * results_variables()[i].row_size(s)); }, r.series[i]);
  r.values<double>("negative_share") = {0.1, 0.5, 0.7, 0.2, 0.3, 0.4};
  r.values<std::int32_t>("campaigns_new") = {1, 0, 2, 3, 4, 5};
  double out[2] = {-1, -1};
  field(metric_table(), "final_negative_share").extract(r, s, {}, out);
  CHECK(out[0] == 0.3);
  CHECK(out[1] == 0.4);
  field(metric_table(), "peak_negative_share").extract(r, s, {}, out);
  CHECK(out[0] == 0.7);
  CHECK(out[1] == 0.5);
  field(metric_table(), "total_campaigns").extract(r, s, {}, out);
  CHECK(out[0] == 7.0);
  CHECK(out[1] == 8.0);
  std::vector<double> all(6, -1);
  field(series_table(), "campaigns_new").extract(r, s, {}, all.data());
  CHECK(all == std::vector<double>{1, 0, 2, 3, 4, 5});
}

TEST_CASE("sweep fields: a declared metric reduces its window and keeps its columns") {
  const Scenario s = testing::tiny_scenario(2, 1, 1, 2);  // rows at start, +1, +2 months
  RunRecord r = RunRecord::empty_for(s);
  r.rows = 3;
  for (std::size_t i = 0; i < r.series.size(); ++i)
    std::visit([&](auto& v) { v.resize(3 * results_variables()[i].row_size(s)); }, r.series[i]);
  r.values<double>("negative_share") = {0.1, 0.5, 0.7, 0.2, 0.3, 0.4};
  MetricSpec m;
  m.name = "x";
  m.variable = "negative_share";
  Field f = field(series_table(), "negative_share");
  f.declared = &m;
  const auto reduce = [&](Field::Reduction how, const std::vector<std::size_t>& columns) {
    f.reduction = how;
    std::vector<double> out(columns.empty() ? 2 : columns.size(), -1);
    f.extract(r, s, columns, out.data());
    return out;
  };
  CHECK(reduce(Field::Reduction::mean, {}) ==
        std::vector<double>{(0.1 + 0.7 + 0.3) / 3, (0.5 + 0.2 + 0.4) / 3});
  CHECK(reduce(Field::Reduction::min, {1}) == std::vector<double>{0.2});
  CHECK(reduce(Field::Reduction::time_of_peak, {0, 1}) ==
        std::vector<double>{1.0, 0.0});  // months after start
  m.quantile = 0.5;
  CHECK(reduce(Field::Reduction::quantile, {0}) == std::vector<double>{0.3});
  m.quantile = 0.75;
  CHECK(reduce(Field::Reduction::quantile, {0})[0] == doctest::Approx(0.5));  // between 0.3 and 0.7
  // A window: rows 1 and 2 only.
  m.from = s.row_date(1);
  CHECK(reduce(Field::Reduction::mean, {0}) == std::vector<double>{(0.7 + 0.3) / 2});
  CHECK(reduce(Field::Reduction::time_of_peak, {0}) == std::vector<double>{1.0});
  m.to = s.row_date(1);
  CHECK(reduce(Field::Reduction::final, {1}) == std::vector<double>{0.2});
  REQUIRE(window_rows(m, s).has_value());
  CHECK(window_rows(m, s)->first == 1);
  CHECK(window_rows(m, s)->second == 1);
  m.from = s.row_date(2).plus_months(1);
  m.to = std::nullopt;
  CHECK_FALSE(window_rows(m, s).has_value());
  CHECK_THROWS_AS(reduce(Field::Reduction::mean, {0}), RuntimeFailure);
}
