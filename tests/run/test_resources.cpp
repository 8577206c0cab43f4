// What a run needs of the machine: the memory estimate and its check, threads.
#include "geosim/run/resources.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::tiny_scenario;
using geosim::testing::use_policy;

namespace {
std::int64_t part(const Scenario& s, const std::string& name) {
  const MemoryEstimate estimate = estimate_run_memory(s);  // find points into it: keep it alive
  const MemoryComponent* c = estimate.find(name);
  REQUIRE(c != nullptr);
  return c->bytes;
}
/// The message of the refusal of `s` with `available` bytes ("" if it fits).
std::string refusal(const Scenario& s, std::int64_t available) {
  try {
    check_fits(estimate_run_memory(s), available, "run", "s.yaml");
  } catch (const ResourceError& e) {
    return e.what();
  }
  return "";
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

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

TEST_CASE("resources: each input that grows an allocation grows its part of the estimate") {
  const Scenario base = tiny_scenario(3, 2, 1, 12, 1000);
  const std::int64_t total = estimate_run_bytes(base);
  // The campaign history: (power, target) pairs x campaigns.duration ints.
  Scenario campaigns = base;
  campaigns.campaigns.duration = 1000000;
  CHECK(part(campaigns, "the campaign history") == 3 * 2 * (1000000LL * 4 + 8));
  CHECK(estimate_run_bytes(campaigns) == total + 3 * 2 * 999997LL * 4);
  CHECK(estimate_run_memory(campaigns).largest().name == "the campaign history");
  // Recorded rows: ticks + 1 rows.
  Scenario ticks = base;
  ticks.ticks = 20000000;
  CHECK(part(ticks, "the recorded time series") > 20000000LL * 100);
  CHECK(estimate_run_memory(ticks).largest().name == "the recorded time series");
  // Citizens.
  const Scenario citizens = tiny_scenario(3, 2, 1, 12, 100000000);
  CHECK(estimate_run_memory(citizens).largest().name == "the citizens' attitudes");
  // Snapshots and final agents: streamed through bounded write buffers.
  CHECK(part(base, "the agent snapshots' write buffers") == 0);
  Scenario snapshots = base;
  snapshots.output.agents_every = 1;
  CHECK(part(snapshots, "the agent snapshots' write buffers") > 0);
  CHECK(estimate_run_bytes(snapshots) > total);
  // Per power and target: the state arrays grow with P x T x channels (and
  // some, migration's, with P or T alone: 100 times the pairs, over 40 times the part).
  CHECK(part(tiny_scenario(30, 20, 1, 12, 1000), "the per-power and per-target state") >
        100 * part(base, "the per-power and per-target state") / 2.5);
}

TEST_CASE("resources: richardson's rivals are counted as the policy stores them") {
  // `explicit_rivals`: every power lists every other power; otherwise the
  // default "every other power", which is not stored.
  auto rivals = [](int powers, bool explicit_rivals) {
    Scenario s = tiny_scenario(powers, 1, 1, 12, 10);
    for (int p = 0; p < powers; ++p) {
      std::string list;
      for (int q = 0; q < powers; ++q)
        if (q != p && explicit_rivals) list += (list.empty() ? "" : ", ") + ("P" + std::to_string(q));
      use_policy(s, p, "richardson", explicit_rivals ? "{richardson: {rivals: [" + list + "]}}" : "{}");
    }
    return part(s, "the policies' settings");
  };
  // Listed: at least the stored lists, growing with the square of the powers.
  CHECK(rivals(200, true) >= 200LL * 199 * static_cast<std::int64_t>(sizeof(int)));
  CHECK(rivals(200, true) > 50 * rivals(20, true));
  // The default: linear in the powers.
  CHECK(rivals(200, false) < 200LL * 199 * static_cast<std::int64_t>(sizeof(int)) / 10);
  CHECK(rivals(200, false) <= 11 * rivals(20, false));
}

TEST_CASE("resources: a refusal names the largest part and the key to change") {
  Scenario ticks = tiny_scenario(3, 2, 1, 12, 1000);
  ticks.ticks = 20000000;
  const std::string rows = refusal(ticks, 1 << 30);
  CHECK(has(rows, "s.yaml: time.end: this run needs "));
  CHECK(has(rows, " but 1 GiB are available; the largest part is the recorded time series, "));
  CHECK(has(rows, "(20000001 rows of "));
  CHECK(has(rows, "reduce time.end or --ticks"));
  CHECK_FALSE(has(rows, "citizen"));
  Scenario campaigns = tiny_scenario(3, 2, 1, 12, 1000);
  campaigns.campaigns.duration = 1000000;
  const std::string history = refusal(campaigns, 16 << 20);
  CHECK(has(history, "campaigns.duration: this run needs "));
  CHECK(has(history,
            "the campaign history, 22.9 MiB (3 powers x 2 targets x 1000000 ticks): reduce "
            "campaigns.duration"));
  CHECK(refusal(campaigns, 1 << 30).empty());
  CHECK(refusal(campaigns, -1).empty());  // unknown: not refused
}

TEST_CASE("resources: byte counts saturate instead of wrapping") {
  CHECK(saturating_mul(INT64_MAX / 2, 3) == kSaturatedBytes);
  CHECK(saturating_mul(3, 4) == 12);
  CHECK(saturating_add(INT64_MAX - 1, 2) == kSaturatedBytes);
  CHECK(saturating_add(-1, 2) == kSaturatedBytes);  // a negative count is nonsense, never small
  // 2^61 citizens x 24 bytes wraps 64 bits; the estimate saturates and is refused.
  Scenario huge = tiny_scenario(3, 1, 1, 12, std::int64_t{1} << 61);
  CHECK(estimate_run_bytes(huge) == kSaturatedBytes);
  CHECK(has(refusal(huge, INT64_MAX - 1), "needs more than 8 EiB"));
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(100) == "100 bytes");
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

TEST_CASE("resources: the thread count is set and read back, 0 means every core") {
  set_thread_count(1);
  CHECK(thread_count() == 1);
  set_thread_count(2);
  CHECK(thread_count() == 2);
  set_thread_count(0);
  CHECK(thread_count() >= 1);
}
