// Memory estimates and thread settings for a run.
#include <omp.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "geosim/io/variables.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/resources.hpp"

namespace geosim {

std::int64_t estimate_run_bytes(const Scenario& scenario) {
  const std::int64_t P = scenario.num_powers();
  const std::int64_t rows = scenario.ticks + 1;
  const std::int64_t citizens = scenario.num_citizens();
  const std::int64_t agents = citizens * Population::bytes_per_citizen(static_cast<int>(P));
  // The Recorder reserves every row of every catalogue variable up front
  // (geosim/io/variables.hpp), plus one row of the widest as doubles (scratch).
  const std::int64_t per_row = static_cast<std::int64_t>(recorded_bytes_per_row(scenario));
  std::int64_t scratch = 0;
  for (const ResultsVariable& v : results_variables())
    scratch = std::max(scratch, static_cast<std::int64_t>(sizeof(double) * v.row_size(scenario)));
  // Final agent snapshot is written from the live arrays in chunks: no copy.
  return agents + rows * per_row + scratch + (16 << 20);
}

std::int64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      std::int64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return -1;
}

namespace {
std::string gib(std::int64_t bytes) {
  std::ostringstream out;
  out.precision(3);
  out << static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return out.str();
}
}  // namespace

void check_run_fits(const Scenario& scenario) {
  // Citizens are numbered by a 32-bit Philox counter word (model.md section 9).
  if (scenario.num_citizens() > std::int64_t{0xffffffff})
    throw ResourceError(
        {scenario.source_path.string()}, "targets.*.citizens",
        "a run holds at most 4294967295 citizens (the random-number counter is 32 bits), got " +
            std::to_string(scenario.num_citizens()));
  const std::int64_t needed = estimate_run_bytes(scenario);
  const std::int64_t available = available_memory_bytes();
  if (available > 0 && needed > available) {
    throw ResourceError({scenario.source_path.string()}, "targets.*.citizens",
                        "this run needs " + std::to_string(needed) + " bytes (" + gib(needed) +
                            ") but only " + std::to_string(available) + " bytes (" + gib(available) +
                            ") are available; reduce the citizen count");
  }
}

void set_thread_count(int threads) { omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs()); }
int thread_count() { return omp_get_max_threads(); }

}  // namespace geosim
