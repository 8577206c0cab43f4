#pragma once
// Internal to the engine: what the sweep sources share (kept out of the
// public sweep.hpp). A run's results travel as a *payload*: its run index
// followed by the values of every kept metric and time series as doubles, in
// the order of the tables below. A run that failed (RunStatus, sweep.hpp)
// travels as a failure payload instead: its run index, its status and the
// error's message. Payloads go into the journal as they are (their kind is
// the record's), cross MPI as they are, and the results file is written from
// them.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geosim/run/recorder.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::config {
class Schema;
struct Node;
}  // namespace geosim::config

namespace geosim::sweep_detail {

/// A parameter's keys in the sweep-file schema.
inline constexpr const char* kParam = "parameters.<path>";
/// Reads one entry of `parameters:` (engine/sweep/parameter_spec.cpp): `key`
/// is its path, `path` where it sits in the file (for messages).
ParameterSpec read_parameter(const config::Schema& schema, const std::string& key, const config::Node& value,
                             const std::string& path);
/// Refuses a scenario value set by two parameters (one's path, another's `also`).
void check_tied_paths_distinct(const std::vector<ParameterSpec>& parameters);

/// A quantity kept per run: a time series (a results variable of the
/// catalogue, geosim/io/variables.hpp, whole) or a metric (a reduction of one
/// over time). Dims, type, units and fill come from the catalogue entry.
struct Field {
  std::string name;
  // axes after `run`: time, power, target, channel, group, institution, survey
  std::vector<std::string> dims;
  using Type = ValueType;
  Type type = Type::f64;
  std::string units, long_name;
  bool nan_fill = false;
  enum class Reduction {
    series,  // every row
    final,   // the last row
    peak,    // the largest value over the rows (row 0 included)
    total,   // the sum over the rows (row 0 included)
    mean,    // declared metrics (MetricSpec) only, from here on
    min,
    time_of_peak,  // months from time.start to the first row of the largest value
    quantile,
  } reduction = Reduction::series;
  std::size_t source = 0;                // index of the results variable in results_variables()
  const MetricSpec* declared = nullptr;  // a metric declared in the sweep file: its window and quantile
  /// Writes the field's values for `record` of a run of `scenario` to out:
  /// for each of `columns` (positions in the variable's row, kAbsent for
  /// the fill value; empty: every position), the reduction over the rows of
  /// the field's window (a series: every row).
  void extract(const RunRecord& record, const Scenario& scenario, const std::vector<std::size_t>& columns,
               double* out) const;
  /// The value a run without this value stores, as a double (exact).
  double fill() const;
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
};
/// The rows of `scenario`'s record a metric's window holds, [first, last];
/// nullopt if none.
std::optional<std::pair<int, int>> window_rows(const MetricSpec& metric, const Scenario& scenario);
/// One item of `metrics:` that is a mapping (metric_spec.cpp); `builtin`:
/// the built-in metric names, which a declared metric may not take.
MetricSpec read_metric(const config::Node& item, const std::string& path,
                       const std::vector<std::string>& builtin);
/// The metrics a sweep can keep, and its time series (one per catalogue entry).
const std::vector<Field>& metric_table();
const std::vector<Field>& series_table();

/// The fields a sweep keeps, in payload order, with their sizes for its scenario.
struct Layout {
  std::vector<const Field*> fields;
  std::vector<std::vector<std::size_t>> shapes;  // per field, axes after `run`
  /// Per scenario, per field: Field::extract's columns for that scenario's runs.
  std::vector<std::vector<std::vector<std::size_t>>> columns;
  /// Per field: whether some scenario lacks some of its labels (its values
  /// there are the field's fill value, so the variable declares one).
  std::vector<bool> partial;
  /// Per field: the scenario its values are differences from (MetricSpec::
  /// difference_from), or -1. The journal holds plain values; the results
  /// file, the differences.
  std::vector<int> reference;
  std::vector<std::size_t> offsets, sizes;  // in doubles, after the run index
  std::size_t doubles = 0;
  /// The labels of each axis (power, target, channel, group, institution, survey):
  /// the first scenario's, then those each other scenario adds, in order.
  std::map<std::string, std::vector<std::string>> labels;
  /// Dimensions of declared metrics that keep several labels of an axis
  /// (`METRIC_AXIS`), with their labels, in the order fields name them.
  std::vector<std::pair<std::string, std::vector<std::string>>> subset_dims;
  std::shared_ptr<std::deque<Field>> declared;  // the declared metrics' fields (stable addresses)
};
Layout make_layout(const Sweep& sweep);

/// A sweep parameter's own results variable (parameter_variables.cpp).
struct ParameterVariable {
  std::string name;     // the parameter's path
  bool numeric = true;  // float64; otherwise a string (booleans, dates, names)
  std::string units, long_name;
};
std::vector<ParameterVariable> parameter_variables(const Sweep& sweep);
/// Throws at the parameter if its variable's name is taken by another of the file's variables.
void check_parameter_names(const Sweep& sweep, const Layout& layout);
/// A parameter's --set text as a number; NaN if it is not one.
double parameter_number(std::string_view text);

/// Kinds of journal records; a run's payload is of kind kRunRecord or kFailedRunRecord.
constexpr std::uint32_t kIdentityRecord = 1, kRunRecord = 2, kFailedRunRecord = 3;

/// One finished run as a worker hands it on: the kind of its record and its payload.
struct RunOutcome {
  std::uint32_t kind = kRunRecord;
  std::vector<char> payload;
};

/// What a worker keeps from one run to the next: a recorder of only the
/// catalogue entries the layout's fields read (its buffers reused, so a run
/// allocates no record), and, with `time_ticks`, the seconds its runs spent
/// in World::step() (GEOSIM_SWEEP_TIMING, for benchmarks).
struct RunContext {
  RunContext(const Layout& layout, bool time_ticks);
  Recorder recorder;
  bool time_ticks = false;
  double tick_seconds = 0.0;
};

/// Runs `plan` and returns its payload (8-byte run index + doubles).
std::vector<char> execute(const Sweep& sweep, const Layout& layout, const RunPlan& plan,
                          const Scenario& scenario, RunContext& context);

/// A failed run's payload: 8-byte run index, 1-byte status, the message (UTF-8).
std::vector<char> failure_payload(std::int64_t run, RunStatus status, const std::string& message);
/// Reads one back (RuntimeFailure if it is too short or its status unknown).
void read_failure(const std::vector<char>& payload, RunStatus& status, std::string& message);

/// FNV-1a, 64-bit.
std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t hash = 1469598103934665603ULL);

/// The append-only journal: a header record holding the sweep's identity,
/// then one record per finished run (kRunRecord, or kFailedRunRecord for a
/// run recorded as failed). Each record: magic, kind, length, checksum
/// (FNV-1a of kind, length and payload), payload. A record that fails its
/// length or checksum is skipped: the reader resynchronises on the next
/// intact record (the next magic whose record passes its checksum), so one
/// corrupt record loses only its own run, which is run again. A bad record
/// with no intact one after it is the end of a write torn by SIGKILL or a
/// power cut: it is dropped and the journal truncated there.
class Journal {
 public:
  /// Opens (or creates) the journal and takes an exclusive lock on it
  /// (OutputError if another process holds it). If it has records, checks
  /// that it belongs to `identity` (OutputError if not), calls found(run,
  /// offset) for every intact run record, skips corrupt records (skipped())
  /// and truncates any torn tail.
  Journal(const std::filesystem::path& path, const std::string& identity, std::int64_t runs,
          bool must_be_new);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  bool has(std::int64_t run) const { return offsets_[static_cast<std::size_t>(run)] >= 0; }
  std::int64_t recovered() const { return recovered_; }
  std::int64_t count() const { return count_; }
  std::size_t dropped_bytes() const { return dropped_bytes_; }
  /// Runs recorded as failed (kFailedRunRecord), recovered or appended.
  std::int64_t failed() const { return failed_; }
  /// Byte ranges [first, last) of corrupt records skipped when the journal was opened.
  const std::vector<std::pair<std::int64_t, std::int64_t>>& skipped() const { return skipped_; }
  /// Appends one run's record (kind kRunRecord or kFailedRunRecord) with a
  /// single write(); fsyncs every `kSyncEvery` records or `kSyncSeconds`,
  /// whichever comes first. A run already recorded is not written again.
  void append(std::uint32_t kind, const std::vector<char>& payload);
  void append(const RunOutcome& result) { append(result.kind, result.payload); }
  void sync();
  /// Syncs if records are waiting and kSyncSeconds have passed (call periodically).
  void sync_if_due();
  /// Reads back a run's payload (checksum verified); returns its record's kind.
  std::uint32_t read(std::int64_t run, std::vector<char>& payload) const;
  const std::filesystem::path& path() const { return path_; }
  /// Closes and deletes the journal (after the results file is durable).
  void remove();

  static constexpr int kSyncEvery = 256;
  static constexpr double kSyncSeconds = 0.5;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::int64_t> offsets_;  // of each run's record, -1 if none
  std::int64_t recovered_ = 0, count_ = 0, failed_ = 0;
  std::size_t dropped_bytes_ = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> skipped_;
  std::int64_t end_ = 0;
  int unsynced_ = 0;
  double last_sync_ = 0.0;
};

/// Runs per write of the results file's per-run variables (its buffers hold
/// one block's values, texts and payloads).
inline constexpr std::int64_t kResultsBlock = 1024;

/// Writes the results file of a finished sweep from its journal (to `path`,
/// which must not exist). Values come from the journal in run order, plans
/// from the sweep; memory stays bounded by a block of runs.
void write_sweep_file(const std::filesystem::path& path, const Sweep& sweep, const Layout& layout,
                      const Journal& journal, double wall_seconds);

/// Identity stored in a results file (its `sweep_id` attribute), or "" if
/// the file is not a geosim sweep file.
std::string results_sweep_id(const std::filesystem::path& path);

double now_seconds();

/// Why the finished sweep of identity `before` cannot be extended to `sweep`
/// (only its design's `samples` may grow, with a design whose first points
/// stay), or "" if it can (extend.cpp).
std::string extension_problem(const std::string& before, const Sweep& sweep);
/// Journals every run of the finished results file `output` (a smaller
/// sample of `sweep`) at its run index in `sweep`, unless the journal has it;
/// returns how many it added.
std::int64_t journal_finished_runs(const std::filesystem::path& output, const Sweep& sweep,
                                   const Layout& layout, Journal& journal);

/// Where a sweep's errors point: its file, or "command line" for a batch.
std::string sweep_file_name(const SweepSpec& spec);
/// The memory of a design's points (SweepDesign::points_bytes).
MemoryComponent design_points_memory(std::int64_t bytes);
/// The memory of a sweep's plan: its bookkeeping per run (memory.cpp).
MemoryEstimate plan_memory(const Sweep& sweep);

/// What differs between two sweep identities (Sweep::identity), for a
/// refusal to resume: which part (the geosim build, the sweep file, a base
/// scenario) and its first differing line, before and now. "" if equal.
std::string identity_difference(const std::string& before, const std::string& now);

}  // namespace geosim::sweep_detail
