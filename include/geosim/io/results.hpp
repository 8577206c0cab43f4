#pragma once
// HDF5 results, netCDF-4 compatible (docs/results-format.md): readable as is
// by h5py, xarray.open_dataset and ncdump.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

inline constexpr const char* kResultsFormatVersion = "1.0";
/// A sweep's results file (docs/sweeps.md): "sweep-" and this. 1.1: runs are
/// scenario-major (a batch's runs have point 0 and share seeds across
/// scenarios; 1.0 batches had point = scenario and a seed per run); one
/// variable per parameter; union axes with fill values.
inline constexpr const char* kSweepResultsFormatVersion = "1.1";

struct RunInfo {
  std::uint64_t seed = 0;
  std::string command_line;
  double wall_seconds = 0;
};

/// Throws OutputError (exit 2) if `path` cannot be written (missing or
/// unwritable directory), exists and is not a regular file (a directory, a
/// device node, a FIFO: the rename would replace it), or is the same file
/// (by device and inode, whatever the spelling) as one of `inputs`. Call
/// before running.
void check_output_writable(const std::filesystem::path& path,
                           const std::vector<std::filesystem::path>& inputs = {});

/// Writes one run's results file (docs/results-format.md). The file is
/// written to a temporary name beside `path` and renamed by finish(); on any
/// failure, or if finish() is never reached, the temporary is removed and
/// nothing at `path` changes.
///
/// Without snapshots (the scenario's output.agents_every is 0) it does nothing
/// until finish(), which writes the whole file. With snapshots it must observe
/// the run (World::run): on_start creates the temporary file, its dimensions
/// and the `attitude` dataset and writes the snapshot at tick 0; on_step
/// writes each later snapshot as the run reaches it, so that no snapshot is
/// kept in memory; finish() writes everything else.
class ResultsWriter : public StepObserver {
 public:
  /// `cancel`, if given, is checked once more before the rename: once true,
  /// finish() removes the temporary file and throws RunCancelled.
  ResultsWriter(const std::filesystem::path& path, const Scenario& scenario,
                const std::atomic<bool>* cancel = nullptr);
  ~ResultsWriter() override;
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  void on_start(const World& world) override;
  void on_step(const World& world) override;
  /// Writes the time series, the events, the final agents if `final_agents`
  /// is not null and the global attributes, then renames the file into place.
  /// Throws RuntimeFailure on failure.
  void finish(const RunRecord& record, const Population* final_agents, const RunInfo& info);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Removes the temporary files `PATH.tmp.PID` that writers killed before they
/// could clean up left beside `path`. Conservative: only a regular file (not
/// a symbolic link) owned by this user, named exactly PATH.tmp. followed by
/// digits, whose PID is not this process and names no live process
/// (kill(PID, 0) fails with ESRCH). Returns how many it removed; errors are
/// ignored (a file it cannot remove stays). A writer of another PID namespace
/// writing beside `path` would look dead: results directories are not shared
/// across containers.
int remove_stale_temporaries(const std::filesystem::path& path);

/// Writes one run's results without snapshots (ResultsWriter::finish alone). Writes to a temporary name
/// beside `path` and renames on success; on failure removes the temporary and throws RuntimeFailure, leaving
/// nothing at `path`. `final_agents` may be null.
void write_results(const std::filesystem::path& path, const Scenario& scenario, const RunRecord& record,
                   const Population* final_agents, const RunInfo& info);

/// Minimal reading back, for tests and tools.
struct Variable {
  std::vector<std::string> dims;
  std::vector<std::size_t> shape;
  std::vector<double> values;  // converted to double, row-major
  /// The variable's _FillValue as a double (NaN if it has none, or NaN):
  /// where values equal it, there is no value.
  double fill = std::numeric_limits<double>::quiet_NaN();
  bool missing(double value) const { return std::isnan(value) || value == fill; }
};
Variable read_variable(const std::filesystem::path& path, const std::string& name);
std::vector<std::string> read_labels(const std::filesystem::path& path, const std::string& name);
/// A text attribute of the file ("/") or of one of its variables (`object`).
std::string read_string_attribute(const std::filesystem::path& path, const std::string& name,
                                  const std::string& object = "/");
/// Whether the file has a variable (a dataset) called `name`.
bool has_variable(const std::filesystem::path& path, const std::string& name);

}  // namespace geosim
