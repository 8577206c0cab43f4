// Batches and crossed experiments (docs/sweeps.md, "Batches and crossed
// experiments"): every scenario runs every design point, paired seeds, and
// one results file whose axes are the union of the scenarios' labels.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/sweep_files.hpp"

using namespace geosim;
using namespace geosim::testing;
namespace fs = std::filesystem;

namespace {

/// A sweep file over the scenarios `files` (in tests/data), with `text`.
Sweep crossed(const std::string& name, const std::vector<std::string>& files, const std::string& text) {
  const fs::path path = sweep_file(name, "");  // only for its directory
  std::string list;
  for (const auto& f : files)
    list += (list.empty() ? "" : ", ") + (fs::path(GEOSIM_TEST_DATA_DIR) / f).string();
  std::ofstream(path) << "scenarios: [" << list << "]\n" << text;
  return Sweep(load_sweep_spec(path));
}

}  // namespace

TEST_CASE("crossed experiment: every scenario runs every point, scenario-major, paired seeds") {
  const Sweep s = crossed("crossed_plan", {"minimal.yaml", "other_powers.yaml"},
                          "parameters:\n  campaigns.threshold: [0.1, 0.2, 0.3]\nreplicates: 2\nseed: 5\n");
  CHECK(s.scenarios() == 2);
  CHECK(s.points() == 3);
  CHECK(s.runs() == 12);
  CHECK(s.shape() == "2 scenarios x 3 points x 2 replicates");
  for (std::int64_t r = 0; r < s.runs(); ++r) {
    const RunPlan p = s.plan(r);
    CHECK(p.scenario == r / 6);
    CHECK(p.point == (r % 6) / 2);
    CHECK(p.replicate == r % 2);
    // The same (point, replicate) in the other scenario: the same values and seed.
    const RunPlan twin = s.plan((r + 6) % 12);
    CHECK(twin.seed == p.seed);
    CHECK(twin.values == p.values);
  }
  CHECK(s.plan(0).seed != s.plan(1).seed);
  CHECK(s.plan(0).seed != s.plan(2).seed);
  // A single-scenario sweep keeps its seeds: run r's is run_seed(seed, r).
  const Sweep one =
      sweep_of("crossed_one", "parameters:\n  campaigns.threshold: [0.1, 0.2]\nreplicates: 2\nseed: 5\n");
  for (std::int64_t r = 0; r < one.runs(); ++r)
    CHECK(one.plan(r).seed == run_seed(5, static_cast<std::uint64_t>(r)));
  CHECK(one.shape() == "2 points x 2 replicates");
}

TEST_CASE("crossed experiment: a batch without parameters is one point per scenario") {
  const Sweep s = crossed("batch_plan", {"minimal.yaml", "other_powers.yaml"}, "replicates: 3\n");
  CHECK(s.points() == 1);
  CHECK(s.runs() == 6);
  CHECK(s.plan(4).scenario == 1);
  CHECK(s.plan(4).point == 0);
  CHECK(s.plan(4).replicate == 1);
  CHECK(s.plan(4).seed == s.plan(1).seed);
}

TEST_CASE("crossed experiment: a parameter must exist in every scenario") {
  CHECK_THROWS_AS(crossed("crossed_missing", {"minimal.yaml", "other_powers.yaml"},
                          "parameters:\n  powers.RUS.budget.soft: [0.5, 1.0]\n"),
                  UnknownKeyError);
}

TEST_CASE("batch across scenarios whose powers, targets and groups differ: union axes with fill values") {
  const Sweep s = crossed("union_batch", {"minimal.yaml", "other_powers.yaml"},
                          "parameters:\n  campaigns.threshold: [0.1, 0.3]\n"
                          "metrics:\n  - final_alignment\n  - total_campaigns\n"
                          "  - {name: kaz_chn, variable: attitude_mean, select: {target: KAZ, power: [CHN, "
                          "USA]}, reduce: final}\n"
                          "time_series: [group_attitude_mean]\n");
  const fs::path out = run_to_file(s, "geosim_union_batch.h5");
  CHECK(read_labels(out, "power") == std::vector<std::string>{"RUS", "CHN", "USA"});
  CHECK(read_labels(out, "target") == std::vector<std::string>{"KAZ", "KGZ", "UZB"});
  CHECK(read_labels(out, "group") == std::vector<std::string>{"public", "youth"});
  CHECK(read_labels(out, "power_name") == std::vector<std::string>{"Russia", "China", "United States"});

  // Each run's values where its scenario has the label equal a run of that scenario alone.
  const Variable align = read_variable(out, "final_alignment");  // run, power, target
  const Variable camp = read_variable(out, "total_campaigns");
  const Variable kaz = read_variable(out, "kaz_chn");                 // run, kaz_chn_power
  const Variable groups = read_variable(out, "group_attitude_mean");  // run, time, group, power, target
  REQUIRE(align.shape == std::vector<std::size_t>{4, 3, 3});
  REQUIRE(kaz.shape == std::vector<std::size_t>{4, 2});
  const std::vector<std::string> powers{"RUS", "CHN", "USA"}, targets{"KAZ", "KGZ", "UZB"};
  for (std::int64_t r = 0; r < s.runs(); ++r) {
    const RunPlan plan = s.plan(r);
    const Scenario sc = s.scenario(plan);
    const RunRecord rec = run(sc, {.seed = plan.seed}).record;
    const auto& alignment = rec.values<double>("alignment");  // time, power, target
    const std::size_t last = static_cast<std::size_t>(rec.rows - 1);
    const std::size_t P = sc.powers.size(), T = sc.targets.size();
    for (std::size_t p = 0; p < 3; ++p)
      for (std::size_t t = 0; t < 3; ++t) {
        const double got = align.values[(static_cast<std::size_t>(r) * 3 + p) * 3 + t];
        const double got_camp = camp.values[(static_cast<std::size_t>(r) * 3 + p) * 3 + t];
        std::size_t own_p = P, own_t = T;
        for (std::size_t i = 0; i < P; ++i)
          if (sc.powers[i].code == powers[p]) own_p = i;
        for (std::size_t i = 0; i < T; ++i)
          if (sc.targets[i].code == targets[t]) own_t = i;
        if (own_p == P || own_t == T) {
          CHECK(std::isnan(got));
          CHECK(got_camp == -2147483647.0);  // int32's netCDF fill
        } else {
          CHECK(got == alignment[(last * P + own_p) * T + own_t]);
        }
      }
    // KAZ is in both; USA only in the second scenario.
    CHECK(std::isnan(kaz.values[static_cast<std::size_t>(r) * 2 + 1]) == (plan.scenario == 0));
    CHECK_FALSE(std::isnan(kaz.values[static_cast<std::size_t>(r) * 2]));
    // minimal.yaml has no youth: its runs hold NaN there, all along.
    const std::size_t rows = 13, per_row = 2 * 3 * 3;
    const std::size_t youth_kaz_chn = (1 * 3 + 1) * 3 + 0;
    CHECK(std::isnan(groups.values[(static_cast<std::size_t>(r) * rows + 5) * per_row + youth_kaz_chn]) ==
          (plan.scenario == 0));
  }
}

TEST_CASE("declared metric as a paired difference from a reference scenario of the batch") {
  const Sweep s =
      crossed("difference_batch", {"minimal.yaml", "other_powers.yaml"},
              "parameters:\n  campaigns.threshold: [0.1, 0.3]\nreplicates: 2\n"
              "metrics:\n  - final_alignment\n  - total_campaigns\n"
              "  - {name: d_align, variable: alignment, reduce: final, difference_from: other_powers}\n"
              "  - {name: d_camp, variable: campaigns_new, reduce: sum, difference_from: other_powers}\n");
  const fs::path out = run_to_file(s, "geosim_difference_batch.h5");
  const Variable align = read_variable(out, "final_alignment"), d_align = read_variable(out, "d_align");
  const Variable camp = read_variable(out, "total_campaigns"), d_camp = read_variable(out, "d_camp");
  REQUIRE(d_align.shape == align.shape);
  const std::size_t per_run = 9, per_scenario = 4;  // 3 powers x 3 targets; 2 points x 2 replicates
  int compared = 0;
  for (std::size_t r = 0; r < 8; ++r) {
    const std::size_t twin = 4 + r % per_scenario;  // other_powers is the second scenario
    for (std::size_t e = 0; e < per_run; ++e) {
      const double a = align.values[r * per_run + e], b = align.values[twin * per_run + e];
      const double d = d_align.values[r * per_run + e];
      if (std::isnan(a) || std::isnan(b)) {
        CHECK(std::isnan(d));  // a power or target one of the pair lacks: missing, not a number
        CHECK(d_camp.values[r * per_run + e] == -2147483647.0);
        continue;
      }
      CHECK(d == a - b);
      CHECK(d_camp.values[r * per_run + e] == camp.values[r * per_run + e] - camp.values[twin * per_run + e]);
      if (r >= per_scenario) CHECK(d == 0.0);  // the reference's own runs
      ++compared;
    }
  }
  CHECK(compared == 4 * 1 + 4 * 4);  // CHN x KAZ in minimal's runs; all four of the reference's in its own
}

TEST_CASE("declared metric difference: the reference must be one scenario of a batch") {
  CHECK_THROWS_WITH_AS(crossed("difference_unknown", {"minimal.yaml", "other_powers.yaml"},
                               "metrics:\n  - {name: d, variable: alignment, reduce: final, "
                               "difference_from: other_power}\n"),
                       doctest::Contains("did you mean 'other_powers'"), ReferenceError);
  CHECK_THROWS_WITH_AS(crossed("difference_twice", {"minimal.yaml", "minimal.yaml"},
                               "metrics:\n  - {name: d, variable: alignment, reduce: final, "
                               "difference_from: minimal}\n"),
                       doctest::Contains("need distinct names"), ReferenceError);
  CHECK_THROWS_WITH_AS(sweep_of("difference_single",
                                "parameters:\n  campaigns.threshold: [0.1, 0.2]\n"
                                "metrics:\n  - {name: d, variable: alignment, "
                                "reduce: final, difference_from: minimal}\n"),
                       doctest::Contains("needs a batch"), ReferenceError);
}
