// The catalogue of results variables (geosim/io/variables.hpp): every entry
// reaches the run file as declared, its values there are its extractor
// applied to the state, the memory estimate covers what is recorded, and
// docs/results-format.md lists exactly the catalogue.
#include <doctest/doctest.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/model/population.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/resources.hpp"
#include "support/temp_files.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

namespace fs = std::filesystem;
using namespace geosim;

namespace {

/// Every part of the state busy: three policies, groups, campaigns, an
/// institution that a target joins mid-run, a budget event, migration from
/// one target (the others hold the fill value), two surveys.
Scenario busy_scenario() {
  Scenario s = testing::tiny_scenario(3, 4, 2, 12, 300);
  for (auto& p : s.powers) {
    p.budget = {1.0, 1.0, 1.0};
    p.growth = 0.01;
    p.valence = {-0.5, 0.2, 0.6};
  }
  testing::use_policy(s, 0, "contest", "{}", {economic});
  testing::use_policy(s, 0, "richardson",
                      "richardson: {reaction: 0.1, fatigue: 0.3, grievance: 0.2, rivals: [P1, P2]}",
                      {security});
  testing::use_policy(s, 0, "fixed", "{}", {soft});
  for (auto& g : s.groups) {
    g.susceptibility = 0.2;
    g.noise = 0.05;
    g.exposure.assign(3, PerChannel{1.0, 0.5, 0.5});
    g.attitude_mean = {-0.5, 0.0, 0.2};
    g.attitude_sd.assign(3, 0.3);
  }
  for (auto& t : s.targets) t.campaign_rate = 100.0;
  s.institutions.push_back({"EAEU", {0}, {0, 1}, {1.2, 1.0, 1.0}});
  EventSpec e{"join", Date{2020, 6, 1}, 5, "join", {}};
  e.actions.push_back(testing::action(s, "join", "{institution: EAEU, target: T2}"));
  s.events.push_back(e);
  s.powers[1].labour_growth = 0.01;
  s.targets[1].migration = {.host = 1,
                            .channel = 0,
                            .share = 0.2,
                            .elasticity = 1.0,
                            .attitude_effect = 0.3,
                            .adjustment = 0.2,
                            .remittance = 2.0,
                            .leverage = 0.5};
  s.surveys.push_back(
      {.name = "pew", .doc = "", .favourable_above = 0.1, .unfavourable_below = -0.1, .response_sd = 0.2});
  s.surveys.push_back({.name = "barometer",
                       .doc = "",
                       .favourable_above = 0.3,
                       .unfavourable_below = 0.0,
                       .response_sd = 0.0});
  return s;
}

/// One row of `v` for `state`, as the catalogue computes it.
std::vector<double> extract(const ResultsVariable& v, const Scenario& s, const WorldState& state) {
  std::vector<double> row(v.row_size(s) + 1, -12345.0);  // one past: must stay untouched
  v.extract(state, row.data());
  CHECK_MESSAGE(row.back() == -12345.0, v.name << " writes past its row");
  row.pop_back();
  return row;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

/// A text attribute of a dataset ("" if absent).
std::string text_attr(hid_t ds, const char* name) {
  if (H5Aexists(ds, name) <= 0) return "";
  const hid_t a = H5Aopen(ds, name, H5P_DEFAULT);
  const hid_t t = H5Aget_type(a);
  std::string out(H5Tget_size(t), '\0');
  H5Aread(a, t, out.data());
  out.resize(std::min(out.size(), out.find('\0')));
  H5Tclose(t);
  H5Aclose(a);
  return out;
}

}  // namespace

TEST_CASE("variables: the catalogue is well formed") {
  std::set<std::string> names;
  for (const ResultsVariable& v : results_variables()) {
    INFO("variable " << v.name);
    CHECK(names.insert(v.name).second);  // unique
    CHECK(static_cast<bool>(v.extract));
    CHECK_FALSE(v.units.empty());
    CHECK_FALSE(v.long_name.empty());
    if (v.nan_fill) CHECK(v.type == ValueType::f64);
    if (!v.flag_meanings.empty()) CHECK(v.type == ValueType::i8);
    CHECK(&results_variable(v.name) == &v);
    CHECK(v.file_dims().front() == "time");
    CHECK(v.file_dims().size() == v.dims.size() + 1);
  }
  CHECK_THROWS_AS(results_variable("no_such_variable"), RuntimeFailure);
  const Scenario s = busy_scenario();
  CHECK(axis_size(Axis::channel, s) == static_cast<std::size_t>(geosim::testing::kTinyChannels));
  CHECK(axis_size(Axis::institution, s) == 1);
  CHECK(axis_size(Axis::survey, s) == 2);
  CHECK(results_variable("group_attitude_mean").row_size(s) == 2u * 3u * 4u);
}

TEST_CASE("variables: every entry is in the run file as declared, with its extractor's values") {
  const testing::ScopedTempDir dir("variables");
  const Scenario s = busy_scenario();
  const fs::path file = dir.path / "run.h5";
  World world(s, 7);
  const World initial(s, 7);
  Recorder recorder;
  world.run({&recorder});
  write_results(file, s, recorder.record(), nullptr, RunInfo{});

  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  for (const ResultsVariable& v : results_variables()) {
    INFO("variable " << v.name);
    const Variable got = read_variable(file, v.name);
    CHECK(got.dims == v.file_dims());
    REQUIRE(got.shape.size() == v.dims.size() + 1);
    CHECK(got.shape[0] == static_cast<std::size_t>(s.ticks + 1));
    for (std::size_t a = 0; a < v.dims.size(); ++a) CHECK(got.shape[a + 1] == axis_size(v.dims[a], s));

    const hid_t ds = H5Dopen2(f, v.name.c_str(), H5P_DEFAULT);
    REQUIRE(ds >= 0);
    CHECK(text_attr(ds, "units") == v.units);
    CHECK(text_attr(ds, "long_name") == v.long_name);
    CHECK(text_attr(ds, "flag_meanings") == v.flag_meanings);
    CHECK((H5Aexists(ds, "_FillValue") > 0) == v.nan_fill);
    const hid_t type = H5Dget_type(ds);
    CHECK(H5Tget_size(type) == value_bytes(v.type));
    CHECK(H5Tget_class(type) == (v.type == ValueType::f64 ? H5T_FLOAT : H5T_INTEGER));
    H5Tclose(type);
    H5Dclose(ds);

    // Row 0 is the extractor on the initial state, the last row on the final one.
    const std::size_t n = v.row_size(s);
    const std::vector<double> first = extract(v, s, initial.state());
    const std::vector<double> last = extract(v, s, world.state());
    REQUIRE(got.values.size() == n * static_cast<std::size_t>(s.ticks + 1));
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(same(got.values[i], first[i]));
      CHECK(same(got.values[got.values.size() - n + i], last[i]));
    }
  }
  H5Fclose(f);
  // The busy scenario really exercised the flags and the NaN fill.
  const auto& remittances = recorder.record().values<double>("remittances");
  const std::size_t targets = s.targets.size();
  CHECK(std::isnan(remittances[1]));                           // row 0: T1 has sent nothing yet
  CHECK(remittances[remittances.size() - targets + 1] > 0.0);  // then it sends
  CHECK(std::isnan(remittances.back()));                       // T3 has no migration: the fill value
  const auto& membership = recorder.record().values<std::int8_t>("membership");
  const std::size_t n = static_cast<std::size_t>(s.num_targets());
  CHECK(membership.front() == 1);
  CHECK_FALSE(std::equal(membership.begin(), membership.begin() + n, membership.end() - n));  // joined
  CHECK(std::isnan(recorder.record().values<double>("allocation").front()));
}

TEST_CASE("variables: a run file leaves out the variables of a mechanism its scenario does not use") {
  const testing::ScopedTempDir dir("variables_absent");
  Scenario s = busy_scenario();
  s.targets[1].migration = {};  // no target sends migrants
  s.surveys.clear();
  REQUIRE_FALSE(s.has_migration());
  World world(s, 7);
  Recorder recorder;
  world.run({&recorder});
  const fs::path file = dir.path / "run.h5";
  write_results(file, s, recorder.record(), nullptr, RunInfo{});
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  int absent = 0;
  for (const ResultsVariable& v : results_variables()) {
    INFO("variable " << v.name);
    CHECK((H5Lexists(f, v.name.c_str(), H5P_DEFAULT) > 0) == v.in_file(s));
    if (!v.in_file(s)) {
      ++absent;
      CHECK(v.in_file(busy_scenario()));
      // The recorder keeps it all the same (sweeps may ask for it): fill values.
      const std::vector<double> values = recorder.record().as_doubles(v.name);
      CHECK(values.size() == static_cast<std::size_t>(s.ticks + 1) * v.row_size(s));
    }
  }
  H5Fclose(f);
  CHECK(absent == 5);  // migrant_share, remittances, labour_demand, survey_favourable, survey_unfavourable
}

TEST_CASE("variables: the memory estimate covers every recorded byte") {
  for (const Scenario& s : {busy_scenario(), testing::tiny_scenario(2, 7, 5, 40, 10)}) {
    World world(s, 1);
    Recorder recorder;
    world.run({&recorder});
    const RunRecord& r = recorder.record();
    std::size_t recorded = 0, widest = 0;
    for (std::size_t i = 0; i < r.series.size(); ++i) {
      std::visit([&](const auto& v) { recorded += v.capacity() * sizeof(v[0]); }, r.series[i]);
      widest = std::max(widest, results_variables()[i].row_size(s));
    }
    CHECK(recorded == (s.ticks + 1) * recorded_bytes_per_row(s));  // reserved exactly
    const std::int64_t agents = s.num_citizens() * Population::bytes_per_citizen(s.num_powers());
    const std::int64_t margin = 16 << 20;
    CHECK(estimate_run_bytes(s) - agents - margin >=
          static_cast<std::int64_t>(recorded + widest * sizeof(double)));
  }
}

TEST_CASE("variables: docs/results-format.md lists exactly the catalogue") {
  std::ifstream in(std::string(GEOSIM_SOURCE_DIR) + "/docs/results-format.md");
  REQUIRE(in);
  std::string line;
  bool in_section = false;
  std::vector<std::string> documented;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Time series";
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    // | `name` | dims | units | meaning |
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) {
      const auto b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    REQUIRE(cells.size() >= 4);
    const std::string name = cells[0].substr(1, cells[0].size() - 2);
    documented.push_back(name);
    INFO("docs row for " << name);
    const ResultsVariable& v = results_variable(name);
    std::string dims;
    for (const auto& d : v.file_dims()) dims += (dims.empty() ? "" : ", ") + d;
    CHECK(cells[1] == dims);
    CHECK(cells[2] == v.units);
    if (v.type != ValueType::f64) CHECK(cells[3].rfind(std::string(value_type_name(v.type)) + ":", 0) == 0);
    const bool says_nan = cells[3].find("NaN") != std::string::npos || cells[3] == "idem";
    if (v.nan_fill) CHECK(says_nan);
  }
  std::vector<std::string> names;
  for (const auto& v : results_variables()) names.push_back(v.name);
  CHECK(documented == names);  // same variables, same order
}
