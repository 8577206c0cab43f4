#pragma once
// What a run needs of the machine: memory (checked before a run starts, by
// `validate`, `run` and `sweep` alike) and threads for the citizen update.
#include <cstdint>
#include <string>
#include <vector>

#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Byte counts saturate here instead of wrapping: a huge input must never
/// look small.
inline constexpr std::int64_t kSaturatedBytes = INT64_MAX;
/// What a run holds whatever its input: code and shared libraries (13 MiB
/// resident for `geosim --version`), HDF5's caches and the OpenMP threads
/// while it runs and writes (about 10 MiB more), with a margin.
inline constexpr std::int64_t kEngineBytes = std::int64_t{32} << 20;
/// a * b and a + b for non-negative counts, saturating at kSaturatedBytes.
std::int64_t saturating_mul(std::int64_t a, std::int64_t b);
std::int64_t saturating_add(std::int64_t a, std::int64_t b);

/// One allocation that grows with the input: what it holds, its bytes, its
/// size in the input's terms and what to change to shrink it (shown when it
/// is the reason for a refusal).
struct MemoryComponent {
  std::string name;    // "the recorded time series"
  std::int64_t bytes;  // saturated, never wrapped
  std::string size;    // "120001 rows of 2.02 KiB"
  std::string key;     // the key a refusal names: "time.end" ("" for the engine's fixed part)
  std::string reduce;  // what to reduce: "time.end or --ticks"
};

/// The memory of a run or a sweep at its peak, by component.
struct MemoryEstimate {
  std::vector<MemoryComponent> components;
  std::int64_t total() const;  // saturating
  /// The component with the most bytes among those the input drives (with a
  /// key; the first if several tie).
  const MemoryComponent& largest() const;
  /// The component called `name`, or nullptr.
  const MemoryComponent* find(const std::string& name) const;
};

/// Every allocation of a run of `scenario` that grows with its input: the
/// citizens, the recorded rows, the campaign history, the policies' settings
/// (richardson's rivals), the per-power/per-target state, the snapshot and
/// final-agent write buffers, the events, plus a fixed allowance for the
/// engine itself.
MemoryEstimate estimate_run_memory(const Scenario& scenario);
/// estimate_run_memory(scenario).total().
std::int64_t estimate_run_bytes(const Scenario& scenario);
/// Memory this machine can give a run now (MemAvailable, or the environment
/// variable GEOSIM_MEMORY_LIMIT in bytes if it is set and smaller), or -1 if unknown.
std::int64_t available_memory_bytes();
/// "41.3 GiB", "12 MiB": bytes for people.
std::string format_bytes(std::int64_t bytes);

/// Throws ResourceError (exit 2) if `estimate` exceeds `available` (>= 0;
/// unknown: -1 accepts): "this <what> needs X but Y are available: <the
/// largest component> take Z (<its size>: reduce <its key>)". `file` is
/// where the error points.
void check_fits(const MemoryEstimate& estimate, std::int64_t available, const std::string& what,
                const std::string& file);
/// Throws ResourceError (exit 2) if `scenario` has more citizens than the
/// random-number counter numbers (2^32 - 1).
void check_citizen_count(const Scenario& scenario);
/// Throws ResourceError (exit 2) if the run cannot fit: more citizens than the
/// random-number counter numbers, or more memory than is available.
void check_run_fits(const Scenario& scenario);

/// Threads for the citizen update (0 = all cores). Results do not depend on it.
void set_thread_count(int threads);
int thread_count();

}  // namespace geosim
