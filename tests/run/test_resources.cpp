// What a run needs of the machine: the memory estimate and its check, threads.
#include "geosim/run/resources.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;

TEST_CASE("resources: the estimate grows with citizens, powers and ticks") {
  const std::int64_t small = estimate_run_bytes(tiny_scenario(2, 2, 1, 12, 1000));
  CHECK(small > 0);
  CHECK(estimate_run_bytes(tiny_scenario(2, 2, 1, 12, 100000)) > small);
  CHECK(estimate_run_bytes(tiny_scenario(4, 2, 1, 12, 1000)) > small);
  CHECK(estimate_run_bytes(tiny_scenario(2, 2, 1, 1200, 1000)) > small);
  // At least the citizens themselves: one float attitude per power plus the initial one.
  const std::int64_t million = estimate_run_bytes(tiny_scenario(3, 1, 1, 1, 1000000));
  CHECK(million >= 1000000LL * 3 * 2 * 4);
}

TEST_CASE("resources: a run beyond the 32-bit citizen counter or the machine's memory is refused") {
  Scenario s = tiny_scenario(2, 2, 1, 12, 0);
  s.targets[0].citizens = 3'000'000'000;
  s.targets[1].citizens = 3'000'000'000;
  try {
    check_run_fits(s);
    FAIL("6e9 citizens must be refused");
  } catch (const ResourceError& e) {
    CHECK(std::string(e.what()).find("at most 4294967295 citizens") != std::string::npos);
  }
  const std::int64_t available = available_memory_bytes();
  REQUIRE(available > 0);  // Linux: /proc/meminfo
  s.targets[0].citizens = 2'000'000'000;
  s.targets[1].citizens = 2'000'000'000;
  if (estimate_run_bytes(s) > available) {
    CHECK_THROWS_AS(check_run_fits(s), ResourceError);
  }
  CHECK_NOTHROW(check_run_fits(tiny_scenario(2, 2, 1, 12, 1000)));
}

TEST_CASE("resources: the thread count is set and read back; 0 means every core") {
  set_thread_count(1);
  CHECK(thread_count() == 1);
  set_thread_count(2);
  CHECK(thread_count() == 2);
  set_thread_count(0);
  CHECK(thread_count() >= 1);
}
