#pragma once
// What a run needs of the machine: memory (checked before a run starts) and
// threads for the citizen update.
#include <cstdint>

#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Bytes a run of `scenario` needs at its peak (citizens, state, recorded rows).
std::int64_t estimate_run_bytes(const Scenario& scenario);
/// Memory this machine can give a run now (MemAvailable), or -1 if unknown.
std::int64_t available_memory_bytes();
/// Throws ResourceError (exit 2) naming the bytes needed if the run cannot fit.
void check_run_fits(const Scenario& scenario);

/// Threads for the citizen update (0 = all cores). Results do not depend on it.
void set_thread_count(int threads);
int thread_count();

}  // namespace geosim
