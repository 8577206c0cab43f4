#pragma once
// Internal to the sweep: the MPI driver. Rank 0 hands out units on request
// (dynamic load balancing) and is the only writer; other ranks run units on
// their own worker threads (detail/workers.hpp) and send back payloads. Only
// main threads call MPI (MPI_THREAD_FUNNELED). Without GEOSIM_MPI the same
// calls are no-ops for the one process.
#include <cstdint>
#include <exception>
#include <functional>
#include <vector>

#include "sweep/detail/workers.hpp"

namespace geosim::sweep_detail::mpi {

/// Rank 0 tells the others whether it is ready (status 0) or failed (1, 2),
/// with its sweep's identity so that ranks that read different files stop.
void announce(const Cluster* cluster, const Sweep& sweep, int status);

/// On rank 0 of several: prints the error and aborts every rank (exit 2 for
/// input errors, else 1). Alone: rethrows the exception being handled.
[[noreturn]] void abort_all(const Cluster* cluster, const std::exception& e);

/// Rank 0's side: answers other ranks' requests for work from `source`.
class Coordinator {
 public:
  Coordinator(const Cluster* cluster, WorkSource& source);
  /// True once every other rank has been told to stop (at once when alone).
  bool all_stopped() const { return stopped_ == others_; }
  /// Answers requests, passes results (runs and failed runs) to `record`;
  /// returns the number of results.
  std::int64_t poll(const std::function<void(const RunOutcome&)>& record);

 private:
  int others_ = 0, stopped_ = 0;
  WorkSource& source_;
  RunOutcome buffer_;
};

/// An MPI rank other than 0: waits for rank 0's go, then runs units until
/// told to stop; failing runs are sent as failed runs unless `fail_fast`.
void serve(const Sweep& sweep, const Layout& layout, int jobs, bool fail_fast);

}  // namespace geosim::sweep_detail::mpi
