// The memory of a sweep: its largest run times the runs under way, and what
// grows with the number of runs, refused before the plan is made.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "geosim/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

Sweep sweep_of(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("geosim_sweep_memory_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".yaml");
  std::ofstream(path) << "base: " << (kData / "minimal.yaml").string() << "\n" << text;
  return Sweep(load_sweep_spec(path));
}

}  // namespace

TEST_CASE("sweep memory: the largest run, times the runs at once, and the plan per run") {
  const Sweep s = sweep_of("memory", R"(
parameters:
  targets.KAZ.citizens: [100, 10000000]
  powers.CHN.budget.soft: {range: [0.5, 2.0], levels: 4}
replicates: 3
)");
  // The parameter at its extreme that needs the most: 10^7 + 100 citizens.
  const MemoryComponent* citizens = s.largest_run_memory().find("the citizens' attitudes");
  REQUIRE(citizens != nullptr);
  CHECK(citizens->bytes >= 10000100LL * 2 * 2 * 4);
  const MemoryEstimate one = estimate_sweep_memory(s, 1), four = estimate_sweep_memory(s, 4);
  CHECK(four.total() > one.total() + 3 * citizens->bytes - 1);
  CHECK(one.largest().name == "the citizens' attitudes");
  CHECK(four.largest().name == "the citizens' attitudes of the 4 runs at once");
  CHECK(four.largest().reduce == "the citizens (targets.*.citizens) or -j");
  const MemoryComponent* plan = one.find("the sweep's plan");
  REQUIRE(plan != nullptr);
  CHECK(plan->bytes == s.runs() * 17);
  CHECK_NOTHROW(check_sweep_fits(s, 1));
}

TEST_CASE("sweep memory: 10^18 runs are refused before the plan is made, naming replicates") {
  try {
    Sweep s(load_sweep_spec(kData / "sweeps" / "too_many_runs.yaml"));
    FAIL("a sweep of 10^18 runs must be refused");
  } catch (const ResourceError& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.find("too_many_runs.yaml: replicates: this sweep's plan needs more than 8 EiB but ") !=
          std::string::npos);
    CHECK(what.find("the largest part is the sweep's plan, more than 8 EiB (1000000000000000000 runs, "
                    "1000000000000 points x 1000000 replicates): reduce replicates") != std::string::npos);
  }
}

TEST_CASE("sweep memory: a sampling design too large to make is refused before it is made") {
  // 1 GiB available, whatever the machine: the test never makes the design.
  REQUIRE(::setenv("GEOSIM_MEMORY_LIMIT", "1073741824", 1) == 0);
  struct Unset {
    ~Unset() { ::unsetenv("GEOSIM_MEMORY_LIMIT"); }
  } unset;
  try {
    (void)sweep_of("samples", R"(
parameters:
  powers.CHN.budget.soft: {range: [0.5, 2.0]}
  powers.RUS.budget.soft: {range: [0.5, 2.0]}
  powers.CHN.budget.economic: {range: [0.5, 2.0]}
design: lhs
samples: 2147483648
)");
    FAIL("2^31 samples of 3 parameters must be refused with 1 GiB");
  } catch (const ResourceError& e) {
    // 2^31 x (3 x 8 + 8) bytes: the points and the permutation.
    CHECK(std::string(e.what()).find(": samples: this sweep's design needs 64 GiB but 1 GiB are available") !=
          std::string::npos);
  }
}
