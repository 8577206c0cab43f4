// The threaded driver's parts (engine/sweep/workers.cpp): units of work are
// consecutive missing runs of one point (at most kMaxUnit), and the result
// queue hands over payloads and the first error.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sweep/detail/workers.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::sweep_detail;

TEST_CASE("WorkSource: consecutive missing runs of one point, at most kMaxUnit") {
  const fs::path dir = fs::temp_directory_path() / ("geosim_workers_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "units.yaml";
  std::ofstream(path) << "base: " << (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string()
                      << "\nparameters:\n  powers.CHN.budget.soft: [0.5, 1.0, 1.5]\nreplicates: 6\n";
  const Sweep sweep(load_sweep_spec(path));
  REQUIRE(sweep.runs() == 18);
  std::vector<char> todo(18, 1);
  todo[2] = 0;   // run 2 (point 0) is in the journal
  todo[13] = 0;  // run 13 (point 2)
  WorkSource source(sweep, todo);
  std::vector<Unit> units;
  while (const auto unit = source.next()) units.push_back(*unit);
  CHECK(units == std::vector<Unit>{{0, 2}, {3, 6}, {6, 10}, {10, 12}, {12, 13}, {14, 18}});
}

TEST_CASE("ResultQueue: payloads in order, the first error kept") {
  ResultQueue queue;
  CHECK(queue.take(std::chrono::milliseconds(0)).empty());
  queue.push({kRunRecord, {'a'}});
  queue.push({kFailedRunRecord, {'b'}});
  const auto items = queue.take(std::chrono::milliseconds(0));
  REQUIRE(items.size() == 2);
  CHECK(items[0].payload == std::vector<char>{'a'});
  CHECK(items[0].kind == kRunRecord);
  CHECK(items[1].kind == kFailedRunRecord);
  CHECK(!queue.error());
  queue.fail(std::make_exception_ptr(std::runtime_error("first")));
  queue.fail(std::make_exception_ptr(std::runtime_error("second")));
  try {
    std::rethrow_exception(queue.error());
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "first");
  }
  CHECK(default_jobs(3) == 3);
  CHECK(default_jobs(0) >= 1);
}
