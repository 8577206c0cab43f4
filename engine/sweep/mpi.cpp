// The MPI driver (detail/mpi.hpp) and the Cluster of processes.
#include "sweep/detail/mpi.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef GEOSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace geosim {

namespace sweep_detail::mpi {

#ifdef GEOSIM_HAVE_MPI

// kResult carries a run's payload, kFailedResult a failed run's (internal.hpp).
enum Tag : int { kRequest = 1, kWork = 2, kStop = 3, kResult = 4, kError = 5, kFailedResult = 6 };

namespace {
bool active(const Cluster* c) { return c && c->size() > 1; }
}  // namespace

Coordinator::Coordinator(const Cluster* c, WorkSource& source)
    : others_(active(c) ? c->size() - 1 : 0), source_(source) {}

std::int64_t Coordinator::poll(const std::function<void(const RunOutcome&)>& record) {
  std::int64_t results = 0;
  for (int spins = 0; others_ > 0 && spins < 64; ++spins) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (!flag) break;
    int bytes = 0;
    MPI_Get_count(&st, MPI_BYTE, &bytes);
    std::vector<char>& buffer = buffer_.payload;
    buffer.resize(static_cast<std::size_t>(bytes));
    MPI_Recv(buffer.data(), bytes, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == kRequest) {
      if (const auto unit = source_.next()) {
        const std::int64_t range[2] = {unit->first, unit->second};
        MPI_Send(range, 2 * 8, MPI_BYTE, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
      } else {
        MPI_Send(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, kStop, MPI_COMM_WORLD);
        ++stopped_;
      }
    } else if (st.MPI_TAG == kResult || st.MPI_TAG == kFailedResult) {
      buffer_.kind = st.MPI_TAG == kResult ? kRunRecord : kFailedRunRecord;
      record(buffer_);
      ++results;
    } else if (st.MPI_TAG == kError) {
      const bool input = !buffer.empty() && buffer[0] == '2';
      const std::string text = "rank " + std::to_string(st.MPI_SOURCE) + ": " +
                               std::string(buffer.begin() + (buffer.empty() ? 0 : 1), buffer.end());
      if (input) throw RangeError(SourceLocation{}, "", text);
      throw RuntimeFailure(text);
    }
  }
  return results;
}

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

void serve(const Sweep& sweep, const Layout& layout, int jobs, bool fail_fast) {
  char id[17] = {};
  int status = 0;
  MPI_Bcast(id, 17, MPI_CHAR, 0, MPI_COMM_WORLD);
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (status == 2) throw OutputError(SourceLocation{}, "", "stopped: rank 0 refused the input");
  if (status != 0) throw RuntimeFailure("stopped: rank 0 failed");
  if (sweep.identity_hash() != id) {
    std::fprintf(
        stderr,
        "geosim: this rank's sweep (%s) differs from rank 0's (%s): do all ranks see the same files?\n",
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
  Workers workers(jobs, sweep, layout, results, next, fail_fast);
  bool pending = false;
  auto send_results = [&](std::chrono::milliseconds wait) {
    for (const RunOutcome& result : results.take(wait))
      MPI_Send(result.payload.data(), static_cast<int>(result.payload.size()), MPI_BYTE, 0,
               result.kind == kRunRecord ? kResult : kFailedResult, MPI_COMM_WORLD);
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
Coordinator::Coordinator(const Cluster*, WorkSource& source) : source_(source) {}
std::int64_t Coordinator::poll(const std::function<void(const RunOutcome&)>&) { return 0; }
void serve(const Sweep&, const Layout&, int, bool) {
  throw RuntimeFailure("internal error: more than one process without MPI");
}

#endif

}  // namespace sweep_detail::mpi

// ---------------------------------------------------------------- Cluster ---

namespace {
bool g_reporting = true;
}

bool is_reporting_process() { return g_reporting; }

#ifdef GEOSIM_HAVE_MPI
namespace {
/// Whether an MPI launcher (mpirun/mpiexec of Open MPI, MPICH or Intel MPI,
/// srun) started this process: each sets one of these. Without one the
/// process is a cluster of one, and MPI_Init would only start Open MPI's
/// runtime (a daemon, a hardware scan: about half a second) for nothing.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name)) return true;
  return false;
}
}  // namespace

bool Cluster::mpi_available() { return true; }
Cluster::Cluster() {
  if (!launched_by_mpi()) return;  // this process alone: rank 0 of 1, MPI never used
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
void Cluster::broadcast(std::vector<double>& values) const {
  if (!initialized_ || size_ == 1) return;
  auto n = static_cast<unsigned long long>(values.size());
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  values.resize(static_cast<std::size_t>(n));
  MPI_Bcast(values.data(), static_cast<int>(n), MPI_DOUBLE, 0, MPI_COMM_WORLD);
}
#else
bool Cluster::mpi_available() { return false; }
Cluster::Cluster() = default;
Cluster::~Cluster() = default;
void Cluster::broadcast(std::vector<double>& values) const { (void)values; }
#endif

}  // namespace geosim
