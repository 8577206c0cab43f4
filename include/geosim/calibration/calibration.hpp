#pragma once
// Calibration of a scenario against observations (docs/calibration.md):
//
//   calibration file --load_calibration_spec--> CalibrationSpec
//   --Calibration--> observations matched to operators: targets, each read
//   from the model by declared metrics of a sweep
//   --run_calibration--> ABC generations (abc.hpp), each one sweep through the
//   sweep runner (threads, MPI ranks, journal, --resume), then a posterior
//   predictive sweep --> the posterior file (netCDF-4).
//
// Observations whose period ends in or after `held_out_from` are never part
// of the distance; they are measured in the predictive check alone.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "geosim/calibration/abc.hpp"
#include "geosim/calibration/observations.hpp"
#include "geosim/io/results.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::calibration {

/// How the model measures one kind of observed figure: the rows whose
/// quantity (and instrument, if given) match are read as `value` (a declared
/// metric whose labels may say {state} and {partner}), divided by
/// `divided_by` if given, over the row's period, compared on `scale` with the
/// row's own sd and the operator's `error` (in the scale's units) combined.
struct ObservationOperator {
  enum class Scale { linear, log, log1p };  // log1p: log(1 + x), for counts that may be 0
  /// value: the row's value with its sd; band: within the row's bounds is a
  /// perfect fit, outside them the distance to the nearer one counts (in
  /// units of `error`): for "more than 40", or the article's ranges.
  enum class Compare { value, band };
  enum class Region { none, sum, mean };  // rows of state REGION: combine the targets so
  std::string name;
  std::string doc;
  std::string quantity, instrument;  // instrument "": any
  std::string unit;                  // "": any; else only rows in this unit (USD million, not EUR million)
  MetricSpec value;
  std::optional<MetricSpec> divided_by;
  /// Axes a term sums over (its `sum_over`): e.g. every power, for a share among them.
  std::vector<std::string> value_sum_over, divisor_sum_over;
  Scale scale = Scale::linear;
  Compare compare = Compare::value;
  double error = 0.0;
  Region region = Region::none;
  double weight = 1.0;  // of each of its rows in the distance
  /// The measure times `factor` is in the rows' unit (a sum over monthly
  /// ticks of budget units, USD bn a year, times 1000/12 is USD million).
  double factor = 1.0;
  SourceLocation where;
};

/// A value on an operator's scale (NaN where the scale has none: log of x <= 0), and back.
double to_scale(ObservationOperator::Scale scale, double x);
double from_scale(ObservationOperator::Scale scale, double y);
/// The derivative of to_scale at x: a standard deviation's factor on the scale.
double scale_slope(ObservationOperator::Scale scale, double x);

struct CalibrationSpec {
  std::filesystem::path file;
  SweepSpec sweep;  // base, set, ticks, parameters (the priors), seed; metrics come from the targets
  std::filesystem::path observations;
  SourceLocation observations_where;
  int held_out_from = 0;                                     // rows ending in or after this year are held out
  std::vector<std::pair<std::string, std::string>> exclude;  // row id, reason
  std::vector<SourceLocation> exclude_where;
  std::vector<ObservationOperator> operators;
  AbcSettings abc;
  std::int64_t predictive_draws = 200;
};

/// Reads and validates a calibration file's syntax (file:line:col errors).
CalibrationSpec load_calibration_spec(const std::filesystem::path& path);

/// One row of the table and what becomes of it.
struct Target {
  const Observation* row = nullptr;
  int op = -1;  // index into the spec's operators; -1: none applies
  enum class Use { fitted, held_out, excluded, outside_period, no_operator };
  Use use = Use::no_operator;
  std::string reason;                         // for excluded rows: the file's reason
  std::string metric;                         // its value's metric name ("" unless fitted or held out)
  std::string divisor_metric;                 // its divisor's, if the operator divides
  int metric_index = -1, divisor_index = -1;  // into Calibration::metrics()
  double observed = 0.0;                      // on the operator's scale
  double sd = 0.0;                            // the row's and the operator's error combined, on that scale
  bool band =
      false;  // compared with its bounds, lo..hi on the scale (+-inf where none); sd is the operator's error
  double lo = 0.0, hi = 0.0;
  double weight = 1.0;
};
const char* use_name(Target::Use use);

/// A validated calibration: the base scenario and priors checked (as a
/// sweep), every row matched to an operator and its metrics declared.
class Calibration {
 public:
  explicit Calibration(CalibrationSpec spec);
  const CalibrationSpec& spec() const { return spec_; }
  const ObservationTable& observations() const { return table_; }
  const std::vector<Target>& targets() const { return targets_; }
  /// The sweep of one generation: the spec's sweep with the targets'
  /// metrics, the given seed and points (design coordinates, one row each).
  Sweep generation_sweep(std::uint64_t seed, const Eigen::MatrixXd& units) const;
  /// The base scenario as it is (no prior applied), `replicates` runs with
  /// their own seeds: the check of a scenario as a point.
  Sweep replicate_sweep(std::uint64_t seed, int replicates) const;
  /// The metrics the targets read, in the order measure() takes them.
  const std::vector<MetricSpec>& metrics() const { return metrics_; }
  /// The model's value of each target (NaN for rows not measured and for a
  /// failed run) in run `run` of a generation's results, given its metric
  /// variables in metrics() order: each metric's elements combined by the
  /// operator's `region` for a REGION row, the value divided by the divisor.
  std::vector<double> measure(const std::vector<Variable>& variables, std::int64_t run) const;
  /// The distance of measured values from the data: the root mean of the
  /// weighted squared standardised residuals of the fitted targets; +inf if
  /// any fitted target is not finite (a failed or invalid run).
  double distance(const std::vector<double>& measured) const;
  std::int64_t fitted() const;
  std::int64_t held_out() const;

 private:
  CalibrationSpec spec_;
  ObservationTable table_;
  std::vector<Target> targets_;
  std::vector<MetricSpec> metrics_;
};

struct CalibrateOptions {
  std::filesystem::path output;  // POSTERIOR.h5; the generations' sweeps go in OUTPUT.runs/
  int jobs = 0;
  bool resume = false;
  bool progress = false;  // each sweep's progress line on stderr
  bool quiet = false;     // no line per generation on stderr
  const Cluster* cluster = nullptr;
  const std::atomic<bool>* cancel = nullptr;
};

struct CalibrationSummary {
  int generations = 0;
  std::int64_t simulations = 0, failed = 0, recovered = 0;
  double tolerance = 0.0;
  std::string stop;
  double seconds = 0.0, simulation_seconds = 0.0;
  // The predictive check: targets whose 90% interval covers the data.
  std::int64_t fitted = 0, fitted_covered = 0, held_out = 0, held_out_covered = 0;
  bool reporting = true;
};

/// Runs the calibration (generations, then the predictive check) and writes
/// the posterior file. Each generation's sweep is kept in OUTPUT.runs/; with
/// `resume`, finished generations are read back and an interrupted one
/// resumes from its journal, so the result is the uninterrupted one.
CalibrationSummary run_calibration(const Calibration& calibration, const CalibrateOptions& options);

/// A posterior predictive check on its own (`geosim calibrate --check`):
/// the observations measured at draws from a posterior file's last
/// generation, or, with no posterior, at the base scenario as it is (the
/// draws are then replicates with their own seeds). Typically repeated at
/// the full population: the command drops the file's `set:` block.
struct CheckOptions {
  std::filesystem::path posterior;  // POSTERIOR.h5 of this calibration file; empty: the base scenario
  std::filesystem::path output;     // CHECK.h5; its runs in CHECK.h5.runs/
  std::int64_t draws = 0;           // 0: the file's predictive.draws
  int jobs = 0;
  bool resume = false;
  bool progress = false;
  const Cluster* cluster = nullptr;
  const std::atomic<bool>* cancel = nullptr;
};

struct CheckSummary {
  std::int64_t draws = 0, failed = 0;
  std::int64_t fitted = 0, fitted_covered = 0, held_out = 0, held_out_covered = 0;
  double seconds = 0.0;
  bool reporting = true;
};

/// Runs the check and writes CHECK.h5 (the posterior file's observation
/// variables, the draws' parameter values, the population in `set`).
CheckSummary run_check(const Calibration& calibration, const CheckOptions& options);

}  // namespace geosim::calibration
