#pragma once
// Internal to the sweep: the threaded driver's parts. Units of work (a few
// consecutive runs of one point), worker threads that run them (one World
// each, OpenMP limited to one thread inside them: no nested parallelism), the
// queue that hands payloads to the one thread that records them, and the
// progress line.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {

/// [first, last) runs of one point.
using Unit = std::pair<std::int64_t, std::int64_t>;

/// Hands out units of work: consecutive missing runs of one point (so a
/// worker builds the point's scenario once for all its replicates).
class WorkSource {
 public:
  static constexpr std::int64_t kMaxUnit = 4;
  WorkSource(const Sweep& sweep, std::vector<char> todo) : sweep_(sweep), todo_(std::move(todo)) {}
  /// The next unit, or nullopt when everything has been handed out.
  std::optional<Unit> next();

 private:
  const Sweep& sweep_;
  std::vector<char> todo_;
  std::int64_t cursor_ = 0;
  std::mutex mutex_;
};

/// Results handed from worker threads to the thread that records them.
class ResultQueue {
 public:
  void push(RunOutcome result);
  /// Pushes every item of `batch` (emptied) at once.
  void push(std::vector<RunOutcome>& batch);
  void fail(std::exception_ptr error);
  /// Waits up to `timeout` for results; returns them all.
  std::deque<RunOutcome> take(std::chrono::milliseconds timeout);
  std::exception_ptr error();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<RunOutcome> items_;
  std::exception_ptr error_;
};

/// Runs [first, last) of one point and pushes each run's result: its payload,
/// or, for a run that fails (run_failure_status), a failure payload. With
/// `fail_fast`, or for an error that is not a run's failure, throws instead.
/// The runs' outcomes are pushed together once the unit is done (one wake-up
/// of the recording thread per unit, not per run).
void run_unit(const Sweep& sweep, const Layout& layout, std::int64_t first, std::int64_t last,
              ResultQueue& results, bool fail_fast, RunContext& context);

/// Worker threads pulling units from `next` until it returns nullopt or `stop` is set.
class Workers {
 public:
  Workers(int count, const Sweep& sweep, const Layout& layout, ResultQueue& results,
          const std::function<std::optional<Unit>()>& next, bool fail_fast);
  ~Workers();  // on an error elsewhere: stop after the current units, do not run the rest
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  void stop() { stop_ = true; }
  void join();
  bool all_finished() const { return finished_ == static_cast<int>(threads_.size()); }
  /// With GEOSIM_SWEEP_TIMING set: seconds the workers spent in ticks and in
  /// all (from start to exit), summed over them; valid after join().
  double tick_seconds() const { return tick_seconds_; }
  double busy_seconds() const { return busy_seconds_; }
  static bool timing_requested();

 private:
  std::mutex timing_mutex_;
  double tick_seconds_ = 0.0, busy_seconds_ = 0.0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> finished_{0};
};

/// The progress line on stderr (at most 4 updates a second).
class Progress {
 public:
  Progress(bool enabled, std::int64_t total, std::int64_t done)
      : enabled_(enabled), total_(total), done0_(done), start_(now_seconds()), last_(start_) {}
  void update(std::int64_t done, std::int64_t failed);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  bool enabled_;
  std::int64_t total_, done0_;
  double start_, last_;
  bool shown_ = false;
};

/// Worker threads per process: `jobs`, or every core if 0.
int default_jobs(int jobs);

}  // namespace geosim::sweep_detail
