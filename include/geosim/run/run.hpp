#pragma once
// One run of a scenario, end to end: the world, the recorder, the results
// file with its snapshots and final agents. The command line, the sweep
// runner and the tests all run scenarios through run(); nobody wires the
// pipeline by hand. Signal handling belongs to the caller: it sets `cancel`.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

struct RunOptions {
  /// The results file; empty: write nothing (the record is returned either way).
  std::filesystem::path output;
  /// The random seed; the scenario's own `seed` if not given.
  std::optional<std::uint64_t> seed;
  /// More observers of the run (a progress line, a custom tracer), called after the recorder.
  std::vector<StepObserver*> observers;
  /// Checked before every tick and once more before the results file is
  /// renamed into place: once true, the run stops, removes its temporary file,
  /// writes nothing and throws RunCancelled. May be set from a signal handler
  /// or another thread.
  const std::atomic<bool>* cancel = nullptr;
  /// Recorded in the results file's provenance (the CLI's command line).
  std::string command_line;
  /// Refuse up front (ResourceError) a run that cannot fit in memory. Sweeps
  /// check once for all their runs and turn it off.
  bool check_resources = true;
  /// Record into this recorder instead of a new one (a sweep's worker reuses
  /// one for all its runs, recording only what it keeps); the result's record
  /// is then left empty: read recorder->record(). With `output`, it must
  /// record every variable (Recorder::records_all).
  Recorder* recorder = nullptr;
  /// Measure the wall time spent in World::step() (RunResult::tick_seconds):
  /// two clock reads a tick, for benchmarks.
  bool time_ticks = false;
};

struct RunResult {
  RunRecord record;           // every time series, row 0 included
  std::uint64_t seed = 0;     // the seed used
  double wall_seconds = 0.0;  // the run and the file, from world construction to rename
  double tick_seconds = 0.0;  // in World::step(), with RunOptions::time_ticks (else 0)
};

/// Thrown by run() when `cancel` was set; the output file was not written.
class RunCancelled : public RuntimeFailure {
 public:
  RunCancelled() : RuntimeFailure("cancelled") {}
};

/// Runs `scenario` for its ticks and, if options.output is given, writes the
/// results file (docs/results-format.md): written to a temporary name and
/// renamed only on success, so a failed or cancelled run leaves nothing at
/// the output path. Throws OutputError/ResourceError (bad input, before
/// running), RuntimeFailure (failure while running or writing), RunCancelled.
RunResult run(const Scenario& scenario, const RunOptions& options = {});

}  // namespace geosim
