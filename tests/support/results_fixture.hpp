#pragma once
// A hand-made run for the tests of the results file (tests/io/test_results.cpp,
// test_time_series.cpp, test_agents.cpp, test_read.cpp): a tiny scenario
// with Unicode text, an institution and events, and a record of distinct
// values for every catalogue variable.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

namespace geosim::testing::results {

namespace fs = std::filesystem;

/// A fresh directory for one test case, removed afterwards.
struct TempDir : testing::ScopedTempDir {
  explicit TempDir(const std::string& tag) : ScopedTempDir("output_" + tag) {}
};

/// If GEOSIM_KEEP_RESULTS names a directory, leave a copy of `file` there
/// (for checking by hand or with tests/python/check_results.py).
inline void keep(const fs::path& file) {
  if (const char* dir = std::getenv("GEOSIM_KEEP_RESULTS"))
    fs::copy_file(file, fs::path(dir) / file.filename(), fs::copy_options::overwrite_existing);
}

inline const std::string kUnicodeText =
    "# Қазақстан — 中国 — Кыргызстан\nname: tiny\nnote: \"ü ß é "
    "🙂\"\n\ttabbed\n";

inline Scenario tiny_scenario(bool with_extras = true) {
  Scenario s;
  s.name = "tiny";
  s.description = "two powers, two targets, one group";
  s.source_path = "tests/tiny.yaml";
  s.source_text = kUnicodeText;
  s.resolved_yaml = "name: tiny\nticks: 3\n";
  s.start = Date{2013, 9, 1};
  s.end = Date{2013, 11, 1};
  s.step_months = 1;
  s.dt = 1.0 / 12;
  s.ticks = 3;
  s.scenario_ticks = 4;  // shortened by --ticks: the event at tick 3 is skipped
  s.seed = 42;
  s.negative_threshold = 0.2;
  s.channels = {{.name = "economic"}, {.name = "security"}, {.name = "soft"}};

  PowerSpec rus;
  rus.code = "RUS";
  rus.name = "Russia";
  rus.budget = {0.0, 0.0, 0.0};
  rus.valence = {0.0, 0.0, 0.0};
  rus.policy.resize(3);
  rus.strategic_value = {1.0, 1.0};
  PowerSpec chn = rus;
  chn.code = "CHN";
  chn.name = "China";
  s.powers = {rus, chn};

  TargetSpec kaz;
  kaz.code = "KAZ";
  kaz.name = "Қазақстан";
  kaz.citizens = 5;
  kaz.group_share = {1.0};
  kaz.channel_weights = {0.4, 0.3, 0.3};
  kaz.autonomy = {0.0, 0.0, 0.0};
  kaz.initial_alignment = {0.4, 0.3, 0.3};
  kaz.initial_stock = {PerChannel{1, 1, 1}, PerChannel{1, 1, 1}};
  TargetSpec kgz = kaz;
  kgz.code = "KGZ";
  kgz.name = "Kyrgyzstan";
  kgz.citizens = 3;
  s.targets = {kaz, kgz};

  GroupSpec g;
  g.name = "everyone";
  g.exposure = {PerChannel{1, 1, 1}, PerChannel{1, 1, 1}};
  g.attitude_mean = {0.3, -0.2};
  g.attitude_sd = {0.4, 0.4};
  s.groups = {g};

  if (with_extras) {
    InstitutionSpec eaeu;
    eaeu.name = "EAEU";
    eaeu.leaders = {0};
    eaeu.members = {0, 1};
    eaeu.bonus = {1.0, 1.0, 1.0};
    s.institutions = {eaeu};
    EventSpec e1;
    e1.id = "sanctions";
    e1.date = Date{2013, 11, 1};
    e1.tick = 2;
    e1.note = "budget cut — ü";
    EventSpec e2;
    e2.id = "late";
    e2.date = Date{2013, 12, 1};
    e2.tick = 3;
    e2.note = "after the shortened run";
    s.events = {e1, e2};
  }
  return s;
}

/// Every series filled with base + 0.5 * flat index (distinct across
/// variables; integers: the flat index, plus 100 for the second int32 series,
/// modulo 2 for int8), allocation NaN in row 0, a NaN in group_positive_share.
inline RunRecord tiny_record(const Scenario& s) {
  RunRecord r = RunRecord::empty_for(s);
  r.rows = s.ticks + 1;
  const auto vars = results_variables();
  int ints = 0;
  for (std::size_t k = 0; k < vars.size(); ++k) {
    const std::size_t n = static_cast<std::size_t>(r.rows) * vars[k].row_size(s);
    std::visit(
        [&](auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          v.resize(n);
          for (std::size_t i = 0; i < n; ++i) {
            if constexpr (std::is_same_v<T, double>)
              v[i] = 1000.0 * static_cast<double>(k + 1) + 0.5 * static_cast<double>(i);
            else if constexpr (std::is_same_v<T, std::int32_t>)
              v[i] = static_cast<T>(100 * ints + static_cast<int>(i));
            else v[i] = static_cast<T>(i % 2);
          }
          if constexpr (std::is_same_v<T, std::int32_t>) ++ints;
        },
        r.series[k]);
  }
  auto& allocation = r.values<double>("allocation");
  for (std::size_t i = 0; i < allocation.size() / static_cast<std::size_t>(r.rows); ++i)
    allocation[i] = std::nan("");
  r.values<double>("group_positive_share")[1] = std::nan("");
  return r;
}

template <class T>
void check_values(const Variable& v, const std::vector<T>& expected, const std::string& name) {
  INFO("variable ", name);
  REQUIRE(v.values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = static_cast<double>(expected[i]);
    if (std::isnan(e)) {
      CHECK(std::isnan(v.values[i]));
    } else {
      CHECK(v.values[i] == e);
    }
  }
}

inline bool temp_left_in(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) return true;
  return false;
}

}  // namespace geosim::testing::results
