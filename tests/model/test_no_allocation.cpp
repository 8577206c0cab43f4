// "One tick allocates nothing": count heap allocations during World::step().
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

// AddressSanitizer and ThreadSanitizer replace the allocation functions
// themselves; the count is taken in the ordinary builds (CI's release build
// among them). GCC names the sanitizers with __SANITIZE_*__, clang 14 only
// through __has_feature.
#if !defined(__has_feature)
#define GEOSIM_HAS_FEATURE(x) 0
#else
#define GEOSIM_HAS_FEATURE(x) __has_feature(x)
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    GEOSIM_HAS_FEATURE(address_sanitizer) || GEOSIM_HAS_FEATURE(thread_sanitizer)
#define GEOSIM_COUNT_ALLOCATIONS 0
#else
#define GEOSIM_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> allocations{0};
std::atomic<long> allocated_bytes{0};
}  // namespace

#if GEOSIM_COUNT_ALLOCATIONS
// Replacing the global allocation functions counts every heap allocation in
// this test binary; only the difference across step() matters. The
// replacements pair malloc with free; g++ 12, seeing `free` where it inlined
// a `delete`, warns of a mismatch it cannot rule out (-Wmismatched-new-delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(static_cast<long>(size), std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif

using namespace geosim;

TEST_CASE("a tick allocates no heap memory once the world is built" *
          doctest::skip(!GEOSIM_COUNT_ALLOCATIONS)) {
  Scenario s = geosim::testing::tiny_scenario(3, 4, 2, 40, 5000);
  for (auto& p : s.powers) {
    p.budget = {1.0, 1.0, 1.0};
    p.growth = 0.01;
    p.valence = {-0.5, 0.2, 0.6};
  }
  const std::string keys = "richardson: {reaction: 0.1, fatigue: 0.3, grievance: 0.2, rivals: [P1, P2]}";
  geosim::testing::use_policy(s, 0, "contest", keys, {economic});
  geosim::testing::use_policy(s, 0, "richardson", keys, {security});
  geosim::testing::use_policy(s, 0, "fixed", keys, {soft});
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
  e.actions.push_back(geosim::testing::action(s, "join", "{institution: EAEU, target: T2}"));
  e.actions.push_back(geosim::testing::action(s, "scale_budget", "{power: P1, channel: all, factor: 1.5}"));
  // An opinion shock: the citizens change, and the means and shares are taken again.
  e.actions.push_back(
      geosim::testing::action(s, "shift_attitudes", "{power: P2, target: all, group: G1, amount: -0.3}"));
  s.events.push_back(e);

  World world(s, 3);
  world.step();  // first tick: the thread pool starts
  const long before = allocations.load();
  REQUIRE(before > 0);  // the counter sees allocations (building the world made some)
  for (int k = 1; k < 40; ++k) world.step();
  CHECK(allocations.load() - before == 0);
  CHECK(world.state().campaigns_active.sum() > 0);  // the campaign path really ran
}

// Issue 9: the default rival list of `richardson` (every other power) was
// stored per power, memory growing with the square of the number of powers.
TEST_CASE("richardson's default rivals take no memory per rival" * doctest::skip(!GEOSIM_COUNT_ALLOCATIONS)) {
  auto bytes_for_one_power = [](int powers) {
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(powers));
    for (int p = 0; p < powers; ++p) names.push_back("P" + std::to_string(p));
    const std::vector<std::string> targets = {"T0"}, channels = {"economic", "security", "soft"};
    const config::Node keys = config::parse_text("richardson: {reaction: 0.1}", "test");
    const std::string path = "powers.P0";
    const AllocationPolicy* richardson = policies().find("richardson");
    const long before = allocated_bytes.load();
    const auto settings = richardson->parse(PolicyInput{keys, path, 0, names, targets, channels});
    return allocated_bytes.load() - before;
  };
  bytes_for_one_power(2);  // first use: the registry and the policy's key schema are built once
  // An explicit list of 9,999 rivals would be 40 kB more.
  CHECK(bytes_for_one_power(10'000) - bytes_for_one_power(2) < 1000);
}
