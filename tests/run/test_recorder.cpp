// The Recorder (geosim/run/recorder.hpp): one series per catalogue entry,
// every row the entry's extractor on the state at that row, all rows
// reserved up front so that recording never reallocates.
#include <doctest/doctest.h>

#include <cmath>
#include <variant>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/run.hpp"
#include "support/tiny_scenario.hpp"

using namespace geosim;

namespace {

Scenario busy_scenario() {
  Scenario s = testing::tiny_scenario(2, 3, 2, 10, 200);
  for (auto& p : s.powers) {
    p.budget = {1.0, 0.5, 0.25};
    p.growth = 0.02;
    p.valence = {-0.5, 0.5, 0.0};  // one per channel (two read past the end)
  }
  for (auto& g : s.groups) {
    g.susceptibility = 0.3;
    g.noise = 0.05;
    g.exposure.assign(2, PerChannel{1.0, 0.5, 0.5});
    g.attitude_sd.assign(2, 0.3);
  }
  for (auto& t : s.targets) t.campaign_rate = 50.0;
  s.institutions.push_back({"CSTO", {0}, {0, 2}, {1.0, 1.0, 1.0}});
  return s;
}

const void* data_of(const SeriesValues& v) {
  return std::visit([](const auto& vec) -> const void* { return vec.data(); }, v);
}
std::size_t capacity_of(const SeriesValues& v) {
  return std::visit([](const auto& vec) { return vec.capacity(); }, v);
}

}  // namespace

TEST_CASE("recorder: an empty record has one series of each catalogue type, reserved") {
  const Scenario s = busy_scenario();
  const RunRecord r = RunRecord::empty_for(s, 5);
  CHECK(r.rows == 0);
  CHECK(r.powers == 2);
  CHECK(r.targets == 3);
  CHECK(r.groups == 2);
  CHECK(r.institutions == 1);
  const auto vars = results_variables();
  REQUIRE(r.series.size() == vars.size());
  for (std::size_t i = 0; i < vars.size(); ++i) {
    INFO("variable " << vars[i].name);
    CHECK(r.series[i].index() == static_cast<std::size_t>(vars[i].type));
    CHECK(capacity_of(r.series[i]) == 5 * vars[i].row_size(s));
  }
  CHECK_THROWS_AS(r["no_such_series"], RuntimeFailure);
  CHECK_THROWS_AS(r.values<std::int32_t>("budget"), std::bad_variant_access);
}

TEST_CASE("recorder: row k is each entry's extractor on the state after k ticks, without reallocating") {
  const Scenario s = busy_scenario();
  World world(s, 5);
  Recorder recorder;
  recorder.on_start(world);
  const RunRecord& r = recorder.record();
  std::vector<const void*> data;
  for (const auto& v : r.series) data.push_back(data_of(v));

  const auto vars = results_variables();
  auto check_last_row = [&] {
    for (const auto& var : vars) {
      INFO("variable " << var.name << ", row " << r.rows - 1);
      const std::size_t n = var.row_size(s);
      std::vector<double> expected(n);
      var.extract(world.state(), expected.data());
      const std::vector<double> got = r.as_doubles(var.name);
      REQUIRE(got.size() == n * static_cast<std::size_t>(r.rows));
      for (std::size_t k = 0; k < n; ++k) {
        const double g = got[got.size() - n + k];
        CHECK(((std::isnan(g) && std::isnan(expected[k])) || g == expected[k]));
      }
    }
  };
  check_last_row();
  for (int t = 0; t < s.ticks; ++t) {
    world.step();
    recorder.on_step(world);
    check_last_row();
  }
  CHECK(r.rows == s.ticks + 1);
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    INFO("variable " << vars[i].name);
    CHECK(data_of(r.series[i]) == data[i]);  // never reallocated
    CHECK(capacity_of(r.series[i]) == static_cast<std::size_t>(r.rows) * vars[i].row_size(s));
  }
  CHECK(r.values<std::int32_t>("campaigns_new").size() == static_cast<std::size_t>(r.rows * 2 * 3));
}

TEST_CASE("recorder: observing World::run records the same as stepping by hand") {
  const Scenario s = busy_scenario();
  World a(s, 9), b(s, 9);
  Recorder by_run, by_hand;
  a.run({&by_run});
  by_hand.on_start(b);
  for (int t = 0; t < s.ticks; ++t) {
    b.step();
    by_hand.on_step(b);
  }
  for (const auto& v : results_variables()) {
    const std::vector<double> x = by_run.record().as_doubles(v.name), y = by_hand.record().as_doubles(v.name);
    REQUIRE(x.size() == y.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      CHECK(((std::isnan(x[i]) && std::isnan(y[i])) || x[i] == y[i]));
  }
}

TEST_CASE("recorder: one recorder of a few variables, reused run after run, records what fresh ones do") {
  // As a sweep's worker uses it (RunOptions::recorder): only the selected
  // series, the others empty; its buffers kept from one run to the next.
  const Scenario s = busy_scenario();
  const auto vars = results_variables();
  std::vector<char> selected(vars.size(), 0);
  selected[results_variable_index("negative_share")] = 1;
  selected[results_variable_index("campaigns_new")] = 1;
  Recorder reused(selected);
  CHECK_FALSE(reused.records_all());
  CHECK(Recorder().records_all());
  for (std::uint64_t seed : {3u, 4u, 3u}) {
    CAPTURE(seed);
    const RunResult r = run(s, {.seed = seed, .recorder = &reused});
    CHECK(r.record.series.empty());  // the record stays in the recorder
    const RunRecord fresh = run(s, {.seed = seed}).record;
    const RunRecord& got = reused.record();
    CHECK(got.rows == fresh.rows);
    for (std::size_t i = 0; i < vars.size(); ++i) {
      INFO("variable " << vars[i].name);
      if (!selected[i]) {
        CHECK(std::visit([](const auto& vec) { return vec.size(); }, got.series[i]) == 0);
        continue;
      }
      const std::vector<double> x = got.as_doubles(vars[i].name), y = fresh.as_doubles(vars[i].name);
      REQUIRE(x.size() == y.size());
      for (std::size_t k = 0; k < x.size(); ++k)
        CHECK(((std::isnan(x[k]) && std::isnan(y[k])) || x[k] == y[k]));
    }
  }
  // A results file needs every variable.
  CHECK_THROWS_AS(run(s, {.output = "unused.h5", .recorder = &reused}), RuntimeFailure);
}
