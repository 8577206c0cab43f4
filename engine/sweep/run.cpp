// Running a sweep: worker threads (one World each, OpenMP limited to one
// thread inside them, so there is no nested parallelism), optionally MPI
// ranks fed dynamically by rank 0, one journal writer (rank 0's main
// thread), and the results file built from the journal at the end.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#ifdef GEOSIM_HAVE_MPI
#include <mpi.h>
#endif

#include "geosim/run/resources.hpp"
#include "geosim/io/results.hpp"
#include "geosim/model/world.hpp"
#include "io/detail/hdf5.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim {

namespace fs = std::filesystem;
using namespace sweep_detail;

fs::path journal_path(const fs::path& output) { return fs::path(output.string() + ".journal"); }

namespace {

/// Hands out units of work: consecutive missing runs of one point (so a
/// worker builds the point's scenario once for all its replicates).
class WorkSource {
 public:
  static constexpr std::int64_t kMaxUnit = 4;
  WorkSource(const Sweep& sweep, std::vector<char> todo) : sweep_(sweep), todo_(std::move(todo)) {}
  /// [first, last) or nullopt when everything has been handed out.
  std::optional<std::pair<std::int64_t, std::int64_t>> next() {
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

 private:
  const Sweep& sweep_;
  std::vector<char> todo_;
  std::int64_t cursor_ = 0;
  std::mutex mutex_;
};

/// Results handed from worker threads to the thread that records them.
class ResultQueue {
 public:
  void push(std::vector<char> payload) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(payload));
    }
    cv_.notify_one();
  }
  void fail(std::exception_ptr error) {
    {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = error;
    }
    cv_.notify_one();
  }
  /// Waits up to `timeout` for results; returns them all.
  std::deque<std::vector<char>> take(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return !items_.empty() || error_; });
    std::deque<std::vector<char>> out;
    out.swap(items_);
    return out;
  }
  std::exception_ptr error() {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::vector<char>> items_;
  std::exception_ptr error_;
};

/// Runs [first, last) of one point and pushes each run's payload.
void run_unit(const Sweep& sweep, const Layout& layout, std::int64_t first, std::int64_t last,
              ResultQueue& results) {
  const RunPlan plan0 = sweep.plan(first);
  const Scenario scenario = sweep.scenario(plan0);  // the same for every replicate of the point
  for (std::int64_t r = first; r < last; ++r) {
    const RunPlan plan = r == first ? plan0 : sweep.plan(r);
    results.push(execute(sweep, layout, plan, scenario));
  }
}

/// Worker threads pulling units from `next` until it returns nullopt or `stop` is set.
class Workers {
 public:
  template <class Next>
  Workers(int count, const Sweep& sweep, const Layout& layout, ResultQueue& results, Next next) {
    for (int i = 0; i < count; ++i)
      threads_.emplace_back([this, &sweep, &layout, &results, next] {
        set_thread_count(1);  // this thread's OpenMP regions: one thread (no nesting)
        try {
          while (!stop_) {
            const auto unit = next();
            if (!unit) break;
            run_unit(sweep, layout, unit->first, unit->second, results);
          }
        } catch (...) {
          stop_ = true;
          results.fail(std::current_exception());
        }
        ++finished_;
      });
  }
  ~Workers() {  // on an error elsewhere: stop after the current units, do not run the rest
    stop_ = true;
    join();
  }
  void stop() { stop_ = true; }
  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  bool all_finished() const { return finished_ == static_cast<int>(threads_.size()); }

 private:
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> finished_{0};
};

class Progress {
 public:
  Progress(bool enabled, std::int64_t total, std::int64_t done)
      : enabled_(enabled), total_(total), done0_(done), start_(now_seconds()), last_(start_) {}
  void update(std::int64_t done) {
    if (!enabled_) return;
    const double now = now_seconds();
    if (now - last_ < 0.25) return;
    last_ = now;
    const double rate = static_cast<double>(done - done0_) / (now - start_);
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::fprintf(stderr, "\r  runs %lld/%lld (%3.0f%%)  %.1f runs/s  ETA %.0f s   ", static_cast<long long>(done),
                 static_cast<long long>(total_), 100.0 * static_cast<double>(done) / static_cast<double>(total_),
                 rate, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%70s\r", "");
  }

 private:
  bool enabled_;
  std::int64_t total_, done0_;
  double start_, last_;
  bool shown_ = false;
};

int default_jobs(int jobs) {
  if (jobs > 0) return jobs;
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

/// Removes temporaries of earlier, killed writers (we hold the journal's lock).
void remove_stale_temporaries(const fs::path& output) {
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  const std::string prefix = output.filename().string() + ".tmp.";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
  }
}

/// The results file from the journal: temporary, fsync, rename, fsync directory.
void finish_file(const Sweep& sweep, const Layout& layout, const Journal& journal, const fs::path& output,
                 double seconds) {
  const fs::path tmp = fs::path(output.string() + ".tmp." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);
  try {
    write_sweep_file(tmp, sweep, layout, journal, seconds);
    hdf5::sync_path(tmp, false);
    fs::rename(tmp, output);
    hdf5::sync_path(output.has_parent_path() ? output.parent_path() : fs::path("."), true);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    throw RuntimeFailure("cannot write results to " + output.string() + ": " + e.what() +
                         " (the runs are safe in " + journal.path().string() + "; retry with --resume)");
  }
}


// ------------------------------------------------------------------ MPI ---
//
// Rank 0 hands out units on request (dynamic load balancing) and is the only
// writer; other ranks run units on their own worker threads and send back
// payloads. Only main threads call MPI (MPI_THREAD_FUNNELED).

namespace mpi {

enum Tag : int { kRequest = 1, kWork = 2, kStop = 3, kResult = 4, kError = 5 };

#ifdef GEOSIM_HAVE_MPI

bool active(const Cluster* c) { return c && c->size() > 1; }

/// Rank 0 tells the others whether it is ready (status 0) or failed (1, 2),
/// with its sweep's identity so that ranks that read different files stop.
void announce(const Cluster* c, const Sweep& sweep, int status) {
  if (!active(c)) return;
  char id[17] = {};
  std::snprintf(id, sizeof id, "%s", sweep.identity_hash().c_str());
  MPI_Bcast(id, 17, MPI_CHAR, 0, MPI_COMM_WORLD);
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
}

[[noreturn]] void abort_all(const Cluster* c, const std::exception& e) {
  if (!active(c)) throw;
  const bool input = dynamic_cast<const InputError*>(&e) != nullptr;
  std::fprintf(stderr, "geosim: %s%s\n", input ? "" : "run failed: ", e.what());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, input ? 2 : 1);
  std::abort();
}

class Coordinator {
 public:
  Coordinator(const Cluster* c, WorkSource& source)
      : others_(active(c) ? c->size() - 1 : 0), source_(source) {}
  bool all_stopped() const { return stopped_ == others_; }
  /// Answers requests, records results; returns the number of results.
  template <class Record>
  std::int64_t poll(Record record) {
    std::int64_t results = 0;
    for (int spins = 0; others_ > 0 && spins < 64; ++spins) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      if (!flag) break;
      int bytes = 0;
      MPI_Get_count(&st, MPI_BYTE, &bytes);
      buffer_.resize(static_cast<std::size_t>(bytes));
      MPI_Recv(buffer_.data(), bytes, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (st.MPI_TAG == kRequest) {
        if (const auto unit = source_.next()) {
          const std::int64_t range[2] = {unit->first, unit->second};
          MPI_Send(range, 2 * 8, MPI_BYTE, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
        } else {
          MPI_Send(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, kStop, MPI_COMM_WORLD);
          ++stopped_;
        }
      } else if (st.MPI_TAG == kResult) {
        record(buffer_);
        ++results;
      } else if (st.MPI_TAG == kError) {
        const bool input = !buffer_.empty() && buffer_[0] == '2';
        const std::string text = "rank " + std::to_string(st.MPI_SOURCE) + ": " +
                                 std::string(buffer_.begin() + (buffer_.empty() ? 0 : 1), buffer_.end());
        if (input) throw RangeError(SourceLocation{}, "", text);
        throw RuntimeFailure(text);
      }
    }
    return results;
  }

 private:
  int others_ = 0, stopped_ = 0;
  WorkSource& source_;
  std::vector<char> buffer_;
};

/// An MPI rank other than 0: waits for rank 0's go, then runs units until told to stop.
void serve(const Sweep& sweep, const Layout& layout, int jobs) {
  char id[17] = {};
  int status = 0;
  MPI_Bcast(id, 17, MPI_CHAR, 0, MPI_COMM_WORLD);
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (status == 2) throw OutputError(SourceLocation{}, "", "stopped: rank 0 refused the input");
  if (status != 0) throw RuntimeFailure("stopped: rank 0 failed");
  if (sweep.identity_hash() != id) {
    std::fprintf(stderr, "geosim: this rank's sweep (%s) differs from rank 0's (%s): do all ranks see the same files?\n",
                 sweep.identity_hash().c_str(), id);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::pair<std::int64_t, std::int64_t>> local;
  bool stopped = false;
  auto next = [&]() -> std::optional<std::pair<std::int64_t, std::int64_t>> {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return !local.empty() || stopped; });
    if (local.empty()) return std::nullopt;
    auto unit = local.front();
    local.pop_front();
    return unit;
  };
  ResultQueue results;
  Workers workers(jobs, sweep, layout, results, next);
  bool pending = false;
  auto send_results = [&](std::chrono::milliseconds wait) {
    for (auto& payload : results.take(wait))
      MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
    if (auto error = results.error()) {
      std::string text = "1";
      try {
        std::rethrow_exception(error);
      } catch (const InputError& e) {
        text = std::string("2") + e.what();
      } catch (const std::exception& e) {
        text += e.what();
      }
      MPI_Send(text.data(), static_cast<int>(text.size()), MPI_BYTE, 0, kError, MPI_COMM_WORLD);
      int never = 0;  // rank 0 aborts the job
      MPI_Recv(&never, 1, MPI_INT, 0, 999, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
  };
  for (;;) {
    std::size_t queued = 0;
    {
      std::lock_guard lock(mutex);
      queued = local.size();
    }
    if (!stopped && !pending && queued < static_cast<std::size_t>(jobs)) {
      MPI_Send(nullptr, 0, MPI_BYTE, 0, kRequest, MPI_COMM_WORLD);
      pending = true;
    }
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag && (st.MPI_TAG == kWork || st.MPI_TAG == kStop)) {
      std::int64_t range[2] = {0, 0};
      MPI_Recv(range, 2 * 8, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      {
        std::lock_guard lock(mutex);
        if (st.MPI_TAG == kWork) local.emplace_back(range[0], range[1]);
        else stopped = true;
      }
      pending = false;
      cv.notify_all();
    }
    send_results(std::chrono::milliseconds(1));
    if (stopped && workers.all_finished()) {
      send_results(std::chrono::milliseconds(0));
      break;
    }
  }
  workers.join();
}

#else  // one process

void announce(const Cluster*, const Sweep&, int) {}
[[noreturn]] void abort_all(const Cluster*, const std::exception&) { throw; }
class Coordinator {
 public:
  Coordinator(const Cluster*, WorkSource&) {}
  bool all_stopped() const { return true; }
  template <class Record>
  std::int64_t poll(Record) { return 0; }
};
void serve(const Sweep&, const Layout&, int) {
  throw RuntimeFailure("internal error: more than one process without MPI");
}

#endif

}  // namespace mpi

}  // namespace

// ---------------------------------------------------------------- Cluster ---

namespace {
bool g_reporting = true;
}

bool is_reporting_process() { return g_reporting; }

#ifdef GEOSIM_HAVE_MPI
bool Cluster::mpi_available() { return true; }
Cluster::Cluster() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  initialized_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  g_reporting = rank_ == 0;
}
Cluster::~Cluster() {
  if (initialized_) MPI_Finalize();
}
#else
bool Cluster::mpi_available() { return false; }
Cluster::Cluster() = default;
Cluster::~Cluster() = default;
#endif

SweepSummary run_sweep(const Sweep& sweep, const SweepOptions& options) {
  const int size = options.cluster ? options.cluster->size() : 1;
  const int rank = options.cluster ? options.cluster->rank() : 0;
  const double started = now_seconds();
  SweepSummary summary;
  summary.runs = sweep.runs();
  summary.processes = size;
  const Layout layout = make_layout(sweep);
  // Every run allocates and frees the same large blocks (population, recorded
  // series). Keep them in the allocator rather than returning them to the
  // kernel after each run: that cost page faults and madvise calls worth a
  // quarter of a small run. Memory stays bounded: the blocks are reused.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);

  if (rank != 0) {  // an MPI worker rank: run what rank 0 hands out
    summary.reporting = false;
    mpi::serve(sweep, layout, options.jobs > 0 ? options.jobs : 1);
    summary.seconds = now_seconds() - started;
    return summary;
  }

  // Rank 0 (or the only process): check the output, open the journal.
  std::optional<Journal> journal;
  bool complete = false;
  try {
    check_output_writable(options.output);
    const fs::path jpath = journal_path(options.output);
    std::error_code ec;
    if (fs::exists(options.output, ec)) {
      if (results_sweep_id(options.output) != sweep.identity_hash())
        throw OutputError(SourceLocation{options.output.string(), 0, 0}, "-o",
                          "the file exists and is not a results file of this sweep; refusing to overwrite it");
      complete = !fs::exists(jpath, ec);
    }
    if (!complete) {
      journal.emplace(jpath, sweep.identity(), sweep.runs(), !options.resume);
      remove_stale_temporaries(options.output);
    }
    mpi::announce(options.cluster, sweep, 0);
  } catch (const InputError&) {
    mpi::announce(options.cluster, sweep, 2);
    throw;
  } catch (...) {
    mpi::announce(options.cluster, sweep, 1);
    throw;
  }
  if (complete) {  // an earlier invocation finished this sweep
    WorkSource nothing(sweep, {});
    mpi::Coordinator remote(options.cluster, nothing);
    while (!remote.all_stopped()) remote.poll([](const std::vector<char>&) {});
    summary.recovered = summary.runs;
    summary.seconds = now_seconds() - started;
    return summary;
  }

  summary.recovered = journal->recovered();
  std::vector<char> todo(static_cast<std::size_t>(sweep.runs()), 0);
  for (std::int64_t r = 0; r < sweep.runs(); ++r) todo[static_cast<std::size_t>(r)] = journal->has(r) ? 0 : 1;
  const std::int64_t missing = sweep.runs() - journal->recovered();
  WorkSource source(sweep, std::move(todo));
  ResultQueue results;
  Progress progress(options.progress, sweep.runs(), journal->recovered());
  try {
    const int jobs = static_cast<int>(std::min<std::int64_t>(default_jobs(options.jobs), std::max<std::int64_t>(missing, 1)));
    Workers workers(missing > 0 ? jobs : 0, sweep, layout, results, [&source] { return source.next(); });
    mpi::Coordinator remote(options.cluster, source);
    std::int64_t received = 0;
    const auto wait = std::chrono::milliseconds(size > 1 ? 1 : 100);
    while (received < missing || !remote.all_stopped()) {
      for (auto& payload : results.take(wait)) {
        journal->append(payload);
        ++received;
      }
      if (auto error = results.error()) std::rethrow_exception(error);
      received += remote.poll([&](const std::vector<char>& payload) { journal->append(payload); });
      journal->sync_if_due();
      progress.update(journal->count());
    }
    workers.join();
    journal->sync();
  } catch (const std::exception& e) {
    mpi::abort_all(options.cluster, e);  // other ranks cannot be left waiting (no return under MPI)
    throw;
  }
  summary.ran = missing;
  summary.seconds = now_seconds() - started;
  finish_file(sweep, layout, *journal, options.output, summary.seconds);
  journal->remove();
  summary.seconds = now_seconds() - started;
  return summary;
}

}  // namespace geosim
