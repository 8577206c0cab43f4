// The ResultsWriter (engine/io/results.cpp): a hand-made run written and
// read back (labels, time, events, global attributes), failures that leave
// nothing behind, and unwritable destinations. The time series are in
// test_time_series.cpp, the citizens in test_agents.cpp.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/model/population.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/run/run.hpp"
#include "support/results_fixture.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::testing::results;

TEST_CASE("output: labels, time, events and global attributes round-trip") {
  TempDir dir("roundtrip");
  const Scenario s = tiny_scenario();
  const RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "tiny.h5";
  RunInfo info;
  info.seed = 0xFFFFFFFFFFFFFFF1ull;
  info.command_line = "geosim run tiny.yaml -o tiny.h5";
  info.wall_seconds = 1.5;
  check_output_writable(file);
  write_results(file, s, r, nullptr, info);
  REQUIRE(fs::exists(file));
  CHECK_FALSE(temp_left_in(dir.path));
  keep(file);

  using Dims = std::vector<std::string>;
  const Variable time = read_variable(file, "time");
  CHECK(time.dims == Dims{"time"});
  CHECK(time.values == std::vector<double>{0, 30, 61, 91});
  CHECK(read_labels(file, "power") == std::vector<std::string>{"RUS", "CHN"});
  CHECK(read_labels(file, "power_name") == std::vector<std::string>{"Russia", "China"});
  CHECK(read_labels(file, "target") == std::vector<std::string>{"KAZ", "KGZ"});
  CHECK(read_labels(file, "target_name") == std::vector<std::string>{"Қазақстан", "Kyrgyzstan"});
  CHECK(read_labels(file, "channel") == std::vector<std::string>{"economic", "security", "soft"});
  CHECK(read_labels(file, "group") == std::vector<std::string>{"everyone"});
  CHECK(read_labels(file, "institution") == std::vector<std::string>{"EAEU"});

  // Event log: the event at tick 3 was skipped by the shortened run.
  CHECK(read_labels(file, "event_id") == std::vector<std::string>{"sanctions", "late"});
  CHECK(read_labels(file, "event_note") ==
        std::vector<std::string>{"budget cut — ü", "after the shortened run"});
  CHECK(read_variable(file, "event_time").values == std::vector<double>{61, 91});
  CHECK(read_variable(file, "event_time").dims == Dims{"event"});
  CHECK(read_variable(file, "event_tick").values == std::vector<double>{2, 3});
  CHECK(read_variable(file, "event_applied").values == std::vector<double>{1, 0});

  // Global attributes.
  CHECK(read_string_attribute(file, "scenario_text") == kUnicodeText);  // byte-exact
  CHECK(read_string_attribute(file, "resolved_parameters") == s.resolved_yaml);
  CHECK(read_string_attribute(file, "geosim_results_format") == kResultsFormatVersion);
  CHECK(read_string_attribute(file, "Conventions") == "CF-1.8");
  CHECK(read_string_attribute(file, "scenario_name") == "tiny");
  CHECK(read_string_attribute(file, "start_date") == "2013-09-01");
  CHECK(read_string_attribute(file, "command_line") == info.command_line);
  CHECK(read_string_attribute(file, "created").size() == 20);  // 2024-01-02T03:04:05Z
  CHECK_FALSE(read_string_attribute(file, "git_commit").empty());
  CHECK_THROWS_AS(read_string_attribute(file, "no_such_attribute"), RuntimeFailure);
  CHECK_THROWS_AS(read_variable(file, "no_such_variable"), RuntimeFailure);
  CHECK_THROWS_AS(read_variable(file, "power"), RuntimeFailure);  // text, not numbers
}

TEST_CASE("output: zero institutions and zero events give zero-length dimensions") {
  TempDir dir("empty_dims");
  const Scenario s = tiny_scenario(false);
  const RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "no_events.h5";
  write_results(file, s, r, nullptr, RunInfo{});
  keep(file);
  const Variable m = read_variable(file, "membership");
  CHECK(m.dims == std::vector<std::string>{"time", "institution", "target"});
  CHECK(m.shape == std::vector<std::size_t>{4, 0, 2});
  CHECK(m.values.empty());
  CHECK(read_variable(file, "event_tick").shape == std::vector<std::size_t>{0});
  CHECK(read_labels(file, "event_id").empty());
  CHECK(read_labels(file, "institution").empty());
}

TEST_CASE("output: unwritable destinations are input errors before the run") {
  TempDir dir("unwritable");
  CHECK_THROWS_AS(check_output_writable(dir.path / "no" / "such" / "dir" / "out.h5"), OutputError);
  CHECK_THROWS_AS(check_output_writable(dir.path), OutputError);  // a directory
  try {
    check_output_writable(dir.path / "missing" / "out.h5");
    FAIL("expected OutputError");
  } catch (const OutputError& e) {
    CHECK(e.key() == "-o");
    CHECK(e.where().file == (dir.path / "missing" / "out.h5").string());
  }
  CHECK_NOTHROW(check_output_writable(dir.path / "fine.h5"));
  if (::geteuid() != 0) {  // root writes anywhere
    fs::permissions(dir.path, fs::perms::owner_write, fs::perm_options::remove);
    CHECK_THROWS_AS(check_output_writable(dir.path / "out.h5"), OutputError);
    fs::permissions(dir.path, fs::perms::owner_write, fs::perm_options::add);
  }
}

TEST_CASE("output: a failing write leaves neither the file nor a temporary") {
  TempDir dir("failing");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "broken.h5";

  SUBCASE("inconsistent record, found while writing") {
    RunRecord r = tiny_record(s);
    r.values<std::int8_t>("membership")
        .pop_back();  // the last variable written: the temporary exists by then
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  SUBCASE("record for another scenario") {
    RunRecord r = tiny_record(s);
    r.powers = 3;
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  SUBCASE("directory vanished") {
    const RunRecord r = tiny_record(s);
    try {
      write_results(dir.path / "gone" / "x.h5", s, r, nullptr, RunInfo{});
      FAIL("expected RuntimeFailure");
    } catch (const RuntimeFailure& e) {
      CHECK(std::string(e.what()).find("gone") != std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists(file));
  CHECK_FALSE(temp_left_in(dir.path));
}

TEST_CASE("output: a failed rewrite keeps the earlier file") {
  TempDir dir("rewrite");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "run.h5";
  write_results(file, s, tiny_record(s), nullptr, RunInfo{});
  RunRecord bad = tiny_record(s);
  bad.values<double>("stock").clear();
  CHECK_THROWS_AS(write_results(file, s, bad, nullptr, RunInfo{}), RuntimeFailure);
  CHECK(read_variable(file, "stock").values.size() == 4 * 3 * 2 * 2);
  CHECK_FALSE(temp_left_in(dir.path));
  // Overwriting with a good record works.
  CHECK_NOTHROW(write_results(file, s, tiny_record(s), nullptr, RunInfo{}));
}

TEST_CASE("output: a destination that is not a regular file, or is an input of the run, is refused") {
  TempDir dir("special");
  auto refused = [](const fs::path& out, const std::vector<fs::path>& inputs, const std::string& says) {
    try {
      check_output_writable(out, inputs);
      FAIL("expected OutputError for " << out);
    } catch (const OutputError& e) {
      CHECK(e.key() == "-o");
      CHECK(e.where().file == out.string());
      CHECK_MESSAGE(std::string(e.what()).find(says) != std::string::npos, e.what());
    }
  };
  SUBCASE("a device node (renaming over it would replace /dev/null as root)") {
    refused("/dev/null", {}, "exists and is not a regular file");
  }
  SUBCASE("a FIFO") {
    const fs::path fifo = dir.path / "fifo.h5";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    refused(fifo, {}, "exists and is not a regular file");
    CHECK(fs::is_fifo(fifo));
  }
  SUBCASE("the scenario or a base it extends, whatever the spelling or link") {
    const fs::path scenario = dir.path / "s.yaml";
    const fs::path base = dir.path / "base.yaml";
    std::ofstream(scenario) << "extends: base.yaml\n";
    std::ofstream(base) << "name: x\n";
    fs::create_directories(dir.path / "sub");
    fs::create_symlink(base, dir.path / "link.yaml");
    const std::vector<fs::path> inputs{fs::canonical(scenario), fs::canonical(base)};
    refused(scenario, inputs, "is an input of this run");
    refused(dir.path / "sub" / ".." / "s.yaml", inputs, "is an input of this run");
    refused(dir.path / "link.yaml", inputs, "is an input of this run");
    const fs::path hard = dir.path / "hard.yaml";
    fs::create_hard_link(base, hard);
    refused(hard, inputs, "is an input of this run");
    CHECK_NOTHROW(check_output_writable(dir.path / "other.h5", inputs));
    std::ofstream(dir.path / "existing.h5") << "old results";
    CHECK_NOTHROW(check_output_writable(dir.path / "existing.h5", inputs));
  }
}

TEST_CASE("output: stale temporaries of dead writers are removed, nothing else") {
  TempDir dir("stale");
  const fs::path out = dir.path / "run.h5";
  // A PID that names no process: a child that has exited and been reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  auto touch = [&](const std::string& name) {
    std::ofstream(dir.path / name) << "partial";
    return dir.path / name;
  };
  const fs::path dead = touch("run.h5.tmp." + std::to_string(child));
  const fs::path live = touch("run.h5.tmp." + std::to_string(::getppid()));
  const fs::path mine = touch("run.h5.tmp." + std::to_string(::getpid()));
  const fs::path not_a_pid = touch("run.h5.tmp.12ab");
  const fs::path other_file = touch("other.h5.tmp." + std::to_string(child));
  fs::create_symlink(not_a_pid, dir.path / ("run.h5.tmp." + std::to_string(child + 1000000)));
  CHECK(remove_stale_temporaries(out) == 1);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
  CHECK(fs::exists(mine));
  CHECK(fs::exists(not_a_pid));
  CHECK(fs::exists(other_file));
  CHECK(fs::is_symlink(dir.path / ("run.h5.tmp." + std::to_string(child + 1000000))));

  // Writing run.h5 cleans up beside it.
  const fs::path dead2 = touch("run.h5.tmp." + std::to_string(child));
  const Scenario s = tiny_scenario();
  write_results(out, s, tiny_record(s), nullptr, RunInfo{});
  CHECK(fs::exists(out));
  CHECK_FALSE(fs::exists(dead2));
  CHECK(fs::exists(live));
}

TEST_CASE("output: a cancellation seen before the rename removes the temporary and writes nothing") {
  TempDir dir("cancelled");
  const fs::path out = dir.path / "run.h5";
  const Scenario s = tiny_scenario();
  std::atomic<bool> cancel{true};
  ResultsWriter writer(out, s, &cancel);
  CHECK_THROWS_AS(writer.finish(tiny_record(s), nullptr, RunInfo{}), RunCancelled);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(temp_left_in(dir.path));
}
