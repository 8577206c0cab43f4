// geosim-bench: how fast the full tick runs, against what the memory allows.
//
// For 10^3 .. 10^7 citizens (3 powers, 5 targets: the population_1m
// scenario with its citizen counts overridden) it times World::step() - all
// of model.md, not the kernel alone - with 1 thread and with all threads,
// and reports agent-power updates per second (citizens x powers x ticks /
// seconds), the median of several repetitions with min and max. It measures
// the machine's memory bandwidth with a STREAM triad in the same process,
// the bytes one agent-power update moves, the ratio of the achieved rate to
// the bandwidth bound, and resident memory per citizen.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/scenario/scenario.hpp"

using namespace geosim;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats summarise(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  return {median, values.front(), values.back()};
}

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

/// STREAM triad a = b + s c over arrays far larger than the caches; bytes
/// counted as STREAM does (two reads and one write per element).
Stats triad_bandwidth(int repetitions) {
  const std::size_t n = std::size_t{1} << 25;  // 3 x 256 MiB
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  std::vector<double> rates;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = Clock::now();
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    rates.push_back(3.0 * sizeof(double) * n / seconds);
  }
  if (a[n / 2] != 7.0) std::fprintf(stderr, "triad check failed\n");
  return summarise(rates);
}

struct SizeResult {
  std::int64_t citizens = 0;
  int threads = 0;
  Stats updates_per_second;
};

}  // namespace

int main(int argc, char** argv) try {
  std::string json_path;
  int repetitions = 5, ticks = 10;
  std::int64_t max_citizens = 10'000'000;
  std::string scenario_path = std::string(GEOSIM_SOURCE_DIR) + "/bench/scenarios/population_1m.yaml";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "geosim-bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    // Counts accept 1e6 as well as 1000000; anything else is a usage error.
    auto count = [&](double largest) -> std::int64_t {
      const std::string text = next();
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || !(value >= 1.0) || value > largest ||
          value != std::floor(value)) {
        std::fprintf(stderr,
                     "geosim-bench: %s expects a positive count, got '%s' (a whole number up to %.0f)\n",
                     arg.c_str(), text.c_str(), largest);
        std::exit(2);
      }
      return static_cast<std::int64_t>(value);
    };
    if (arg == "--json") json_path = next();
    else if (arg == "--repetitions") repetitions = static_cast<int>(count(1e6));
    else if (arg == "--ticks") ticks = static_cast<int>(count(1e6));
    else if (arg == "--max-citizens") max_citizens = count(4294967295.0);
    else if (arg == "--scenario") scenario_path = next();
    else if (arg == "-h" || arg == "--help") {
      std::printf(
          "usage: geosim-bench [--json FILE] [--repetitions N=5] [--ticks N=10] [--max-citizens N=1e7]\n"
          "Times the full tick (World::step) at 10^3..10^7 citizens with 1 and all threads,\n"
          "a STREAM triad for the memory bandwidth, and resident bytes per citizen.\n");
      return 0;
    } else {
      std::fprintf(stderr, "geosim-bench: unknown option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  if (!json_path.empty() && !std::ofstream(json_path)) {  // fail before a minute of timing, not after
    std::fprintf(stderr, "geosim-bench: --json: cannot write %s\n", json_path.c_str());
    return 2;
  }
  const int all_threads = omp_get_num_procs();
  set_thread_count(all_threads);
  const Stats bandwidth = triad_bandwidth(std::max(5, repetitions));

  std::vector<SizeResult> results;
  std::int64_t rss_small = 0, rss_large = 0, small_citizens = 0, large_citizens = 0;
  int powers = 0;
  for (std::int64_t citizens = 1000; citizens <= max_citizens; citizens *= 10) {
    LoadOptions options;
    for (const char* target : {"KAZ", "KGZ", "TJK", "UZB", "TKM"})
      options.overrides.push_back(std::string("targets.") + target +
                                  ".citizens=" + std::to_string(citizens / 5));
    // The bench times World::step directly, within the scenario's period:
    // stepping far past its end lets budgets grow without bound (at 10^3
    // citizens, ~88,000 ticks reach inf, and the step then stops the run), so
    // a world that reaches the end is built again, outside the timing.
    const Scenario scenario = load_scenario(scenario_path, options);
    powers = scenario.num_powers();
    const std::int64_t rss_before = resident_bytes();
    auto world = std::make_unique<World>(scenario, scenario.seed);
    const std::int64_t rss_grown = resident_bytes() - rss_before;
    if (citizens == 100000) rss_small = rss_grown, small_citizens = scenario.num_citizens();
    if (citizens == 10000000) rss_large = rss_grown, large_citizens = scenario.num_citizens();
    // Small populations run many more ticks so each timing lasts long enough.
    const int timed_ticks = static_cast<int>(std::max<std::int64_t>(ticks, 20'000'000 / citizens));
    for (int threads : {1, all_threads}) {
      set_thread_count(threads);
      // Steps n ticks, starting the world over at the scenario's end; returns the seconds spent stepping.
      const auto timed_steps = [&](int n) {
        double seconds = 0.0;
        for (int done = 0; done < n;) {
          if (world->tick() >= scenario.ticks) {
            world.reset();
            world = std::make_unique<World>(scenario, scenario.seed);
          }
          const int chunk = std::min(n - done, scenario.ticks - world->tick());
          const auto start = Clock::now();
          for (int t = 0; t < chunk; ++t) world->step();
          seconds += std::chrono::duration<double>(Clock::now() - start).count();
          done += chunk;
        }
        return seconds;
      };
      (void)timed_steps(2);  // warm up
      std::vector<double> rates;
      for (int r = 0; r < repetitions; ++r) {
        const double seconds = timed_steps(timed_ticks);
        rates.push_back(static_cast<double>(scenario.num_citizens()) * powers * timed_ticks / seconds);
      }
      results.push_back({scenario.num_citizens(), threads, summarise(rates)});
    }
  }
  set_thread_count(all_threads);

  // Per agent-power update the tick reads x and x0 and writes x: 3 floats.
  const double bytes_per_update = 3.0 * sizeof(float);
  const double bound = bandwidth.median / bytes_per_update;
  const double bytes_per_citizen =
      large_citizens > small_citizens
          ? static_cast<double>(rss_large - rss_small) / static_cast<double>(large_citizens - small_citizens)
          : 0.0;

  std::printf("geosim-bench: full tick (World::step), %d powers, 5 targets, median of %d (min..max)\n",
              powers, repetitions);
  std::printf("memory bandwidth (STREAM triad, %d threads): %.2f GB/s (%.2f..%.2f)\n", all_threads,
              bandwidth.median / 1e9, bandwidth.min / 1e9, bandwidth.max / 1e9);
  std::printf("bytes per agent-power update: %.0f; bandwidth bound: %.3g updates/s\n", bytes_per_update,
              bound);
  std::printf("%12s %8s %14s %14s %14s %10s %14s\n", "citizens", "threads", "updates/s", "min", "max",
              "of bound", "ns/agent-tick");
  for (const auto& r : results)
    std::printf("%12lld %8d %14.4g %14.4g %14.4g %9.1f%% %14.3f\n", static_cast<long long>(r.citizens),
                r.threads, r.updates_per_second.median, r.updates_per_second.min, r.updates_per_second.max,
                100.0 * r.updates_per_second.median / bound, 1e9 * powers / r.updates_per_second.median);
  if (bytes_per_citizen > 0)
    std::printf("resident memory per citizen (10^5 -> 10^7): %.1f bytes\n", bytes_per_citizen);

  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out.precision(10);  // ratios recomputed from the JSON agree with the printed ones
    out << "{\n  \"powers\": " << powers << ",\n  \"targets\": 5,\n  \"repetitions\": " << repetitions
        << ",\n  \"bandwidth_bytes_per_second\": {\"median\": " << bandwidth.median
        << ", \"min\": " << bandwidth.min << ", \"max\": " << bandwidth.max
        << "},\n  \"bytes_per_update\": " << bytes_per_update
        << ",\n  \"bandwidth_bound_updates_per_second\": " << bound
        << ",\n  \"resident_bytes_per_citizen\": " << bytes_per_citizen << ",\n  \"results\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      out << "    {\"citizens\": " << r.citizens << ", \"threads\": " << r.threads
          << ", \"updates_per_second\": {\"median\": " << r.updates_per_second.median
          << ", \"min\": " << r.updates_per_second.min << ", \"max\": " << r.updates_per_second.max
          << "}, \"ratio_to_bound\": " << r.updates_per_second.median / bound << "}"
          << (i + 1 < results.size() ? ",\n" : "\n");
    }
    out << "  ]\n}\n";
  }
  return 0;
} catch (const geosim::InputError& e) {
  std::fprintf(stderr, "geosim-bench: %s\n", e.what());
  return 2;
} catch (const std::exception& e) {
  std::fprintf(stderr, "geosim-bench: %s\n", e.what());
  return 1;
}
