// The threaded driver's parts (detail/workers.hpp).
#include "sweep/detail/workers.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "geosim/run/resources.hpp"

namespace geosim::sweep_detail {

std::optional<Unit> WorkSource::next() {
  std::lock_guard lock(mutex_);
  const auto n = static_cast<std::int64_t>(todo_.size());
  while (cursor_ < n && !todo_[static_cast<std::size_t>(cursor_)]) ++cursor_;
  if (cursor_ >= n) return std::nullopt;
  const std::int64_t first = cursor_, reps = sweep_.spec().replicates;
  // At most kMaxUnit runs, so a few points with many replicates still spread
  // over every worker; enough to build the point's scenario once for several runs.
  const std::int64_t point_end = std::min((first / reps + 1) * reps, first + kMaxUnit);
  std::int64_t last = first + 1;
  while (last < point_end && todo_[static_cast<std::size_t>(last)]) ++last;
  cursor_ = last;
  return std::make_pair(first, last);
}

void ResultQueue::push(RunOutcome result) {
  {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(result));
  }
  cv_.notify_one();
}

void ResultQueue::fail(std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
  }
  cv_.notify_one();
}

void ResultQueue::push(std::vector<RunOutcome>& batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (RunOutcome& result : batch) items_.push_back(std::move(result));
  }
  batch.clear();
  cv_.notify_one();
}

std::deque<RunOutcome> ResultQueue::take(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return !items_.empty() || error_; });
  std::deque<RunOutcome> out;
  out.swap(items_);
  return out;
}

std::exception_ptr ResultQueue::error() {
  std::lock_guard lock(mutex_);
  return error_;
}

RunContext::RunContext(const Layout& layout, bool time_ticks_)
    : recorder([&layout] {
        std::vector<char> recorded(results_variables().size(), 0);
        for (const Field* f : layout.fields) recorded.at(f->source) = 1;
        return recorded;
      }()),
      time_ticks(time_ticks_) {}

void run_unit(const Sweep& sweep, const Layout& layout, std::int64_t first, std::int64_t last,
              ResultQueue& results, bool fail_fast, RunContext& context) {
  std::optional<Scenario> scenario;  // the same for every replicate of the point
  std::vector<RunOutcome> done;
  for (std::int64_t r = first; r < last; ++r) {
    const RunPlan plan = sweep.plan(r);
    try {
      // Built once per point; a point whose scenario is refused is tried
      // again for each replicate, so that each run's message names it.
      if (!scenario) scenario.emplace(sweep.scenario(plan));
      done.push_back({kRunRecord, execute(sweep, layout, plan, *scenario, context)});
    } catch (const std::exception& e) {
      const std::optional<RunStatus> status = fail_fast ? std::nullopt : run_failure_status(e);
      if (!status) {
        results.push(done);  // the runs before it are kept
        throw;
      }
      const auto* input = dynamic_cast<const InputError*>(&e);
      done.push_back({kFailedRunRecord, failure_payload(r, *status, input ? input->detail() : e.what())});
    }
  }
  results.push(done);
}

bool Workers::timing_requested() {
  static const bool requested = std::getenv("GEOSIM_SWEEP_TIMING") != nullptr;
  return requested;
}

Workers::Workers(int count, const Sweep& sweep, const Layout& layout, ResultQueue& results,
                 const std::function<std::optional<Unit>()>& next, bool fail_fast) {
  const bool timing = timing_requested();
  for (int i = 0; i < count; ++i)
    threads_.emplace_back([this, &sweep, &layout, &results, next, fail_fast, timing] {
      set_thread_count(1);  // this thread's OpenMP regions: one thread (no nesting)
      const double started = now_seconds();
      double ticks = 0.0;
      try {
        RunContext context(layout, timing);  // reused by every run of this thread
        while (!stop_) {
          const auto unit = next();
          if (!unit) break;
          run_unit(sweep, layout, unit->first, unit->second, results, fail_fast, context);
        }
        ticks = context.tick_seconds;
      } catch (...) {
        stop_ = true;
        results.fail(std::current_exception());
      }
      if (timing) {
        std::lock_guard lock(timing_mutex_);
        tick_seconds_ += ticks;
        busy_seconds_ += now_seconds() - started;
      }
      ++finished_;
    });
}

Workers::~Workers() {
  stop_ = true;
  join();
}

void Workers::join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void Progress::update(std::int64_t done, std::int64_t failed) {
  if (!enabled_) return;
  const double now = now_seconds();
  if (now - last_ < 0.25) return;
  last_ = now;
  const double rate = static_cast<double>(done - done0_) / (now - start_);
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  std::fprintf(stderr, "\r  runs %lld/%lld (%3.0f%%)  %.1f runs/s  ETA %.0f s", static_cast<long long>(done),
               static_cast<long long>(total_),
               100.0 * static_cast<double>(done) / static_cast<double>(total_), rate, eta);
  if (failed > 0) std::fprintf(stderr, "  %lld failed", static_cast<long long>(failed));
  std::fprintf(stderr, "   ");
  std::fflush(stderr);
  shown_ = true;
}

Progress::~Progress() {
  if (shown_) std::fprintf(stderr, "\r%90s\r", "");
}

int default_jobs(int jobs) {
  if (jobs > 0) return jobs;
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace geosim::sweep_detail
