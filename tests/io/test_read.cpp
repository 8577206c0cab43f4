// Reading a results file back (engine/io/read.cpp): numbers as double with
// their dimension names, labels, root text attributes, and clear errors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "support/results_fixture.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::testing::results;

namespace {
bool mentions(const RuntimeFailure& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}
}  // namespace

TEST_CASE("read: variables, labels and attributes of a written run") {
  TempDir dir("read");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "run.h5";
  write_results(file, s, tiny_record(s), nullptr, RunInfo{7, "geosim run x", 0.5});

  const Variable time = read_variable(file, "time");  // a coordinate is its own dimension
  CHECK(time.dims == std::vector<std::string>{"time"});
  CHECK(time.shape == std::vector<std::size_t>{4});
  const Variable tick = read_variable(file, "event_tick");  // int32 read as double
  CHECK(tick.dims == std::vector<std::string>{"event"});
  CHECK(tick.values == std::vector<double>{2, 3});
  const Variable membership = read_variable(file, "membership");  // int8
  CHECK(membership.dims == std::vector<std::string>{"time", "institution", "target"});
  CHECK(read_labels(file, "channel") == std::vector<std::string>{"economic", "security", "soft"});
  CHECK(read_labels(file, "target_name") == std::vector<std::string>{"Қазақстан", "Kyrgyzstan"});
  CHECK(read_string_attribute(file, "Conventions") == "CF-1.8");        // fixed-length ASCII
  CHECK(read_string_attribute(file, "scenario_text") == kUnicodeText);  // variable-length UTF-8
  CHECK(read_string_attribute(file, "command_line") == "geosim run x");
}

TEST_CASE("read: the wrong kind of object or a missing one is a RuntimeFailure naming it") {
  TempDir dir("read_errors");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "run.h5";
  write_results(file, s, tiny_record(s), nullptr, RunInfo{});
  try {
    read_variable(file, "power_name");
    FAIL("expected RuntimeFailure");
  } catch (const RuntimeFailure& e) {
    CHECK(mentions(e, "power_name"));
    CHECK(mentions(e, "not numeric"));
  }
  try {
    read_labels(file, "budget");
    FAIL("expected RuntimeFailure");
  } catch (const RuntimeFailure& e) {
    CHECK(mentions(e, "not text"));
  }
  try {
    read_string_attribute(file, "seed");  // uint64
    FAIL("expected RuntimeFailure");
  } catch (const RuntimeFailure& e) {
    CHECK(mentions(e, "not text"));
  }
  CHECK_THROWS_AS(read_variable(file, "no_such_variable"), RuntimeFailure);
  CHECK_THROWS_AS(read_labels(file, "no_such_variable"), RuntimeFailure);
  CHECK_THROWS_AS(read_string_attribute(file, "no_such_attribute"), RuntimeFailure);
  CHECK_THROWS_AS(read_variable(dir.path / "missing.h5", "time"), RuntimeFailure);
}
