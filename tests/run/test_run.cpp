// geosim::run: the whole pipeline of one run (world, recorder, results file,
// cancellation), as the CLI and the sweep runner use it.
#include "geosim/run/run.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "support/temp_files.hpp"
#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::ScopedTempDir;
using geosim::testing::tiny_scenario;
namespace fs = std::filesystem;

namespace {
Scenario noisy_scenario() {
  Scenario s = tiny_scenario(2, 2, 1, 10, 500);
  s.powers[0].budget = {1.0, 0.5, 0.2};
  s.powers[1].budget = {0.3, 0.9, 0.4};
  s.powers[0].valence = {0.5, -0.2, 0.3};
  s.groups[0].susceptibility = 0.3;
  s.groups[0].noise = 0.1;
  s.groups[0].exposure.assign(2, PerChannel{0.5, 0.3, 0.8});
  s.groups[0].attitude_sd.assign(2, 0.3);
  s.seed = 99;
  return s;
}

/// Sets a flag when the run reaches a tick.
struct CancelAt : StepObserver {
  int tick;
  std::atomic<bool>* flag;
  CancelAt(int t, std::atomic<bool>* f) : tick(t), flag(f) {}
  void on_step(const World& world) override {
    if (world.tick() == tick) flag->store(true);
  }
};

bool only_the_output_or_nothing(const fs::path& dir, const fs::path& output) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path() != output) return false;
  return true;
}
}  // namespace

TEST_CASE("run: without an output it records every row and writes nothing") {
  const Scenario s = noisy_scenario();
  ScopedTempDir dir("run_nofile");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path);
  const RunResult r = run(s);
  fs::current_path(cwd);
  CHECK(r.record.rows == s.ticks + 1);
  CHECK(r.seed == 99);
  CHECK(r.wall_seconds > 0.0);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("run: equals World + Recorder driven by hand, and the seed option replaces the scenario's") {
  const Scenario s = noisy_scenario();
  World world(s, 12345);
  Recorder recorder;
  world.run({&recorder});
  const RunResult r = run(s, {.seed = 12345});
  CHECK(r.seed == 12345);
  CHECK(r.record.as_doubles("attitude_mean") == recorder.record().as_doubles("attitude_mean"));
  CHECK(r.record.as_doubles("alignment") == recorder.record().as_doubles("alignment"));
  CHECK(r.record.as_doubles("stock") == recorder.record().as_doubles("stock"));
  const RunResult own = run(s);
  CHECK(own.record.as_doubles("attitude_mean") !=
        r.record.as_doubles("attitude_mean"));  // seed 99, not 12345
}

TEST_CASE("run: with an output it writes the results file, whose series equal the returned record") {
  const Scenario s = noisy_scenario();
  ScopedTempDir dir("run_file");
  const fs::path out = dir.path / "out.h5";
  const RunResult r = run(s, {.output = out, .command_line = "test command"});
  REQUIRE(fs::exists(out));
  CHECK(only_the_output_or_nothing(dir.path, out));
  const Variable alignment = read_variable(out, "alignment");
  REQUIRE(alignment.values.size() == r.record.as_doubles("alignment").size());
  CHECK(alignment.values == r.record.as_doubles("alignment"));
  CHECK(read_string_attribute(out, "command_line") == "test command");
}

TEST_CASE("run: a cancelled run throws RunCancelled and leaves no file, not even a temporary") {
  const Scenario s = noisy_scenario();
  ScopedTempDir dir("run_cancel");
  const fs::path out = dir.path / "out.h5";
  SUBCASE("cancelled before the first tick") {
    std::atomic<bool> cancel{true};
    CHECK_THROWS_AS(run(s, {.output = out, .cancel = &cancel}), RunCancelled);
  }
  SUBCASE("cancelled half way, with snapshots being written") {
    Scenario with_snapshots = s;
    with_snapshots.output.agents_every = 2;
    std::atomic<bool> cancel{false};
    CancelAt at(4, &cancel);
    int ticks_seen = 0;
    struct Count : StepObserver {
      int* n;
      explicit Count(int* c) : n(c) {}
      void on_step(const World&) override { ++*n; }
    } count(&ticks_seen);
    CHECK_THROWS_AS(run(with_snapshots, {.output = out, .observers = {&at, &count}, .cancel = &cancel}),
                    RunCancelled);
    CHECK(ticks_seen == 4);  // stopped before tick 5
  }
  SUBCASE("cancelled at the last tick, when no tick is left to check before") {
    Scenario with_snapshots = s;
    with_snapshots.output.agents_every = 2;  // the temporary exists from the start
    std::atomic<bool> cancel{false};
    CancelAt at(s.ticks, &cancel);
    CHECK_THROWS_AS(run(with_snapshots, {.output = out, .observers = {&at}, .cancel = &cancel}),
                    RunCancelled);
  }
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("run: an unwritable output is refused before running") {
  const Scenario s = noisy_scenario();
  ScopedTempDir dir("run_unwritable");
  CHECK_THROWS_AS(run(s, {.output = dir.path / "missing" / "out.h5"}), OutputError);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("run: an output that is one of the scenario's input files is refused before running") {
  Scenario s = noisy_scenario();
  ScopedTempDir dir("run_own_input");
  const fs::path input = dir.path / "scenario.yaml";
  { std::ofstream(input) << "name: tiny\n"; }
  s.input_files = {fs::canonical(input)};
  CHECK_THROWS_AS(run(s, {.output = dir.path / "." / "scenario.yaml"}), OutputError);
  std::string text;
  std::getline(std::ifstream(input), text);
  CHECK(text == "name: tiny");
}

TEST_CASE("run: a run that goes non-finite throws NonFiniteError and leaves no file") {
  Scenario s = noisy_scenario();
  s.powers[1].budget = {1e308, 0.9, 0.4};
  s.powers[1].growth = 0.5;
  ScopedTempDir dir("run_non_finite");
  try {
    run(s, {.output = dir.path / "out.h5"});
    FAIL("the run finished");
  } catch (const NonFiniteError& e) {
    CHECK(std::string(e.what()) ==
          "budget[P1, economic] became inf at tick 1 (2020-02): the run was stopped and no results were "
          "written");
  }
  CHECK(fs::is_empty(dir.path));
}
