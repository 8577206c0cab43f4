#pragma once
// Parameter sweeps and scenario batches (docs/sweeps.md).
//
//   sweep file --load_sweep_spec--> SweepSpec --Sweep--> run plan
//   (design points from the registered design named by `design:`, design.hpp)
//   --run_sweep (threads, MPI ranks)--> journal (append-only, fsync'd, each
//   record checksummed) --> one netCDF-4 file with a `run` dimension.
//
// A run is (scenario, point, replicate): every scenario (one for `base:`)
// runs every design point. Its index is (scenario * points + point) *
// replicates + replicate; its seed is run_seed(sweep seed, point * replicates
// + replicate, or replicate alone), the same in every scenario; its scenario
// is the base scenario with the sweep's `set:` and then the point's values
// applied as --set overrides, so `geosim run BASE --set ... --seed S` repeats
// it alone. Results depend on nothing else: not on -j, the MPI process count,
// the order runs finish in, or interruptions (--resume).
#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/json_schema.hpp"
#include "geosim/config/node.hpp"
#include "geosim/config/schema.hpp"
#include "geosim/core/dates.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/scenario/scenario.hpp"
#include "geosim/sweep/design.hpp"

namespace geosim {

/// A metric declared in the sweep file (docs/sweeps.md, "Metrics"): one
/// recorded time series (`variable`), optionally restricted to some labels
/// of its axes and to a window of dates, reduced over time to one value per
/// remaining element.
struct MetricSpec {
  enum class Reducer { final, mean, sum, min, max, time_of_peak, quantile };
  struct Selection {
    std::string axis;                 // power, target, channel, group or institution
    std::vector<std::string> labels;  // codes or names on that axis
    bool single = false;              // one label given alone: the axis is dropped
  };
  std::string name;      // the variable's name in the results file
  std::string variable;  // a recorded series (geosim/io/variables.hpp)
  std::vector<Selection> select;
  std::optional<Date> from, to;  // the window, inclusive; absent: the run's first / last row
  Reducer reduce = Reducer::final;
  double quantile = 0.5;  // Reducer::quantile
  /// A scenario of the batch (by name): the metric is this run's value minus
  /// that scenario's at the same point and replicate (a paired difference).
  std::string difference_from;
  SourceLocation difference_where;
  SourceLocation where;  // the metric's item in the sweep file
  /// Canonical text (what the sweep's identity records).
  std::string canonical() const;
  /// One line saying what it is, for the results file's long_name.
  std::string description() const;
};

struct SweepSpec {
  std::filesystem::path file;  // the sweep file ("" when built from the command line)
  std::string name;
  std::string description;
  std::vector<std::filesystem::path> scenarios;  // one base (sweep) or several (batch)
  std::vector<SourceLocation> scenario_where;
  std::vector<std::string> set;  // "path=value" applied to every run, before the parameters
  std::vector<SourceLocation> set_where;
  int ticks = -1;  // >= 1: run this many ticks (as --ticks)
  std::vector<ParameterSpec> parameters;
  SourceLocation parameters_where;  // the `parameters:` mapping
  std::string design = "grid";      // a registered SweepDesign (design.hpp)
  SourceLocation design_where;      // the `design:` value
  DesignSettings design_settings;   // the values of the design's keys
  int replicates = 1;
  std::uint64_t seed = 0;                    // the sweep seed
  bool common_random_numbers = false;        // replicate k has the same seed at every point
  std::vector<std::string> metrics;          // names of built-in metrics (all by default)
  std::vector<MetricSpec> declared_metrics;  // metrics declared in the file, after the built-in ones
  std::vector<std::string> time_series;      // names of RunRecord series to keep per run (none by default)
};

/// The sweep-file format: every key with its type, default, range and doc
/// (docs/sweeps.md), the registered designs' keys included.
config::Schema sweep_file_schema();

/// The sweep-file format as a JSON Schema (draft-07) for editors, from
/// sweep_file_schema() (`geosim schema --sweep --json-schema`; docs/schema/sweep.schema.json).
config::Json sweep_json_schema();

/// Reads and validates a sweep file's syntax and schema (file:line:col
/// errors, InputError subclasses). Parameters are checked against the base
/// scenario when the Sweep is built.
SweepSpec load_sweep_spec(const std::filesystem::path& path);
/// load_sweep_spec on the bytes of a file already read (`path` names it in
/// messages and anchors relative scenario paths; it is not opened).
SweepSpec sweep_spec_from_text(std::string_view text, const std::filesystem::path& path);

/// load_sweep_spec on a tree another file holds (a calibration file's sweep
/// keys); without `require_outputs` it may keep nothing (the caller declares
/// its metrics).
SweepSpec sweep_spec_from_tree(const config::Node& root, const std::filesystem::path& path,
                               bool require_outputs);

/// The spec of `geosim batch A.yaml B.yaml ...`: each scenario is a point.
SweepSpec batch_spec(const std::vector<std::filesystem::path>& scenarios, int replicates, std::uint64_t seed,
                     bool common_random_numbers, int ticks);

/// Names accepted in `metrics:` and `time_series:`.
std::vector<std::string> metric_names();
std::vector<std::string> time_series_names();

/// SplitMix64 (Steele, Lea, Flood 2014): the finaliser used to derive seeds.
std::uint64_t splitmix64(std::uint64_t x);
/// A run's seed: splitmix64(splitmix64(sweep_seed) XOR index) with the top bit
/// cleared (so it fits `geosim run --seed`), where index is the run index, or
/// the replicate index with common random numbers.
std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t index);

/// Everything about one run that does not depend on running it.
struct RunPlan {
  std::int64_t run = 0, point = 0;
  int replicate = 0;
  int scenario = 0;  // index into SweepSpec::scenarios
  std::uint64_t seed = 0;
  std::vector<std::string> overrides;  // the sweep's set, then the parameters: "path=value"
  std::vector<std::string> values;     // parameter values as --set text, by parameter
  std::vector<double> units;           // their design coordinates in [0, 1] (DesignPoints::unit)
};

/// A validated sweep: base scenarios read once, parameters checked against
/// them (paths exist, extremes valid), design points computed.
class Sweep {
 public:
  explicit Sweep(SweepSpec spec);
  /// A sweep of given points (a calibration's proposals) instead of its
  /// design's: the identity records their coordinates.
  Sweep(SweepSpec spec, std::shared_ptr<const DesignPoints> given);

  const SweepSpec& spec() const { return spec_; }
  std::int64_t points() const { return points_; }
  int scenarios() const { return static_cast<int>(spec_.scenarios.size()); }
  /// "[S scenarios x ]P points x R replicates", as messages say it.
  std::string shape() const;
  /// Design points (1 without parameters); every scenario runs each of them.
  std::int64_t runs() const {
    return static_cast<std::int64_t>(spec_.scenarios.size()) * points_ * spec_.replicates;
  }
  RunPlan plan(std::int64_t run) const;
  /// The index of run (scenario, point, replicate): scenario-major.
  std::int64_t run_index(int scenario, std::int64_t point, int replicate) const {
    return (scenario * points_ + point) * spec_.replicates + replicate;
  }
  /// The scenario of a planned run (overrides applied and validated, seed set).
  Scenario scenario(const RunPlan& plan) const;
  /// The base scenario `index` with the sweep's `set:` (dimensions, names).
  const Scenario& base(int index = 0) const { return bases_.at(static_cast<std::size_t>(index)).scenario; }
  /// `geosim run ...` that repeats a run alone (shell-quoted).
  std::string repeat_command(const RunPlan& plan) const;
  /// Canonical text of everything results depend on (spec, resolved base
  /// scenarios, engine version); a journal or results file of another sweep
  /// has another identity and is refused.
  const std::string& identity() const { return identity_; }
  std::string identity_hash() const;  // 16 hex digits
  /// The files read: the sweep file (if any) and each base scenario with its
  /// `extends` chain. The sweep refuses to write its results over any of them.
  const std::vector<std::filesystem::path>& input_files() const { return input_files_; }
  /// The memory of the sweep's largest run: the largest base scenario, or
  /// each parameter at its extreme that needs the most (all together when
  /// that combination is valid).
  const MemoryEstimate& largest_run_memory() const { return largest_run_; }

 private:
  struct Base {
    config::Node tree;  // after extends and the sweep's set
    std::string text;   // the file's bytes
    Scenario scenario;
  };
  SweepSpec spec_;
  std::vector<Base> bases_;
  std::vector<std::filesystem::path> input_files_;
  std::int64_t points_ = 0;
  std::shared_ptr<const DesignPoints> design_points_;  // null for a batch of several scenarios
  std::string identity_;
  MemoryEstimate largest_run_;
};

/// Processes of a distributed sweep: MPI ranks when geosim is built with
/// GEOSIM_MPI, else this process alone. Create at most one, before any thread.
class Cluster {
 public:
  Cluster();
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  static bool mpi_available();
  /// Rank 0's `values` on every rank (a collective call: every rank makes it).
  void broadcast(std::vector<double>& values) const;

 private:
  int rank_ = 0, size_ = 1;
  bool initialized_ = false;
};

/// True on the process that reports (rank 0, or the only process).
bool is_reporting_process();

/// What became of one run of a sweep (the results file's `run_status`, a CF
/// flag variable: value = the enumerator, meaning = its name). A failed run
/// is recorded with its status and the error's message, its results are the
/// variables' fill values, and the sweep goes on (unless --fail-fast).
enum class RunStatus : std::int8_t {
  ok = 0,       // ran to the end; its results are in the file
  invalid = 1,  // its scenario was refused (an InputError: a parameter combination out of domain)
  failed = 2,   // it failed while running (a RuntimeFailure, e.g. values gone non-finite)
};
/// The names of the statuses in value order, space-separated (CF flag_meanings).
std::string_view run_status_meanings();
/// Whether an error thrown while building or running one run is that run's
/// failure, and which: InputError -> invalid, RuntimeFailure -> failed. Errors
/// that stop the whole sweep give nullopt: cancellation (RunCancelled),
/// resource refusal (ResourceError), out of memory and anything else.
std::optional<RunStatus> run_failure_status(const std::exception& error);

struct SweepOptions {
  std::filesystem::path output;  // OUT.h5; the journal is OUT.h5.journal
  int jobs = 0;                  // worker threads per process (0: all cores)
  bool resume = false;
  /// The output holds a finished sweep that this one extends (more samples of
  /// a saltelli or sobol design, nothing else changed): its runs are kept,
  /// only the new points run, and the file is rewritten when all are done.
  bool extend = false;
  bool progress = false;   // progress line on stderr (rank 0)
  bool fail_fast = false;  // stop at the first failing run (its error is thrown) instead of recording it
  const Cluster* cluster = nullptr;  // null: this process alone
  /// Checked while runs finish and before the results file is renamed: once
  /// true, the sweep stops after the runs under way, keeps every finished
  /// run in the (synced) journal for --resume, removes its temporary file and
  /// throws RunCancelled (geosim/run/run.hpp). Set it from a signal handler.
  const std::atomic<bool>* cancel = nullptr;
  /// Called on the calling thread about every 100 ms while runs go on, with
  /// the runs finished so far (recovered ones included) and how many of them
  /// failed; it may set `cancel` (the Python module checks for Ctrl-C there).
  std::function<void(std::int64_t finished, std::int64_t failed)> on_progress;
};

struct SweepSummary {
  std::int64_t runs = 0;             // in the sweep
  std::int64_t recovered = 0;        // found in the journal (--resume)
  std::int64_t ran = 0;              // run by this invocation
  std::int64_t failed = 0;           // runs recorded as failed (RunStatus), recovered ones included
  std::int64_t skipped_records = 0;  // corrupt journal records skipped on --resume (their runs ran again)
  double seconds = 0.0;
  int processes = 1;
  bool reporting = true;  // false on MPI ranks other than 0 (they print nothing)
};

/// Runs the missing runs of `sweep` and writes options.output. A run that
/// fails (run_failure_status) is recorded as failed and the sweep goes on;
/// the summary counts them. With options.fail_fast its error is thrown
/// instead. Throws OutputError (exit 2) if the output or its journal belongs
/// to another sweep or an unfinished journal exists without --resume;
/// RuntimeFailure on a failure of the sweep itself.
SweepSummary run_sweep(const Sweep& sweep, const SweepOptions& options);

/// Every allocation of a sweep that grows with its input: `jobs` runs at
/// once (0: one per core; at most one per run), each as large as its largest
/// run (Sweep::largest_run_memory); each run's payload; the plan's
/// bookkeeping per run (the design's points, the journal's index); the
/// results file's buffers (a block of runs). Per process under MPI.
MemoryEstimate estimate_sweep_memory(const Sweep& sweep, int jobs);
/// The results file's size before compression (an upper bound of what
/// `sweep` writes): every run's kept values, parameter values and design
/// coordinates, plan numbers and texts (overrides, command), taking run 0's
/// texts as typical.
std::int64_t estimate_results_bytes(const Sweep& sweep);

/// Throws ResourceError (exit 2) naming the largest part if the sweep cannot
/// fit in the available memory, or a run holds more citizens than the
/// random-number counter numbers. The Sweep constructor has already refused
/// a plan or design too large to be made.
void check_sweep_fits(const Sweep& sweep, int jobs);

/// The journal beside a results file.
std::filesystem::path journal_path(const std::filesystem::path& output);

}  // namespace geosim
