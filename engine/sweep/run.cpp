// Running a sweep: worker threads (detail/workers.hpp), optionally MPI ranks
// fed dynamically by rank 0 (detail/mpi.hpp), one journal writer (rank 0's
// main thread), and the results file built from the journal at the end.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/run/run.hpp"
#include "io/detail/hdf5.hpp"
#include "io/detail/output_file.hpp"
#include "sweep/detail/mpi.hpp"
#include "sweep/detail/workers.hpp"

namespace geosim {

namespace fs = std::filesystem;
using namespace sweep_detail;

fs::path journal_path(const fs::path& output) { return fs::path(output.string() + ".journal"); }

std::string_view run_status_meanings() { return "ok invalid failed"; }

std::optional<RunStatus> run_failure_status(const std::exception& error) {
  if (dynamic_cast<const RunCancelled*>(&error) || dynamic_cast<const ResourceError*>(&error))
    return std::nullopt;
  if (dynamic_cast<const InputError*>(&error)) return RunStatus::invalid;
  if (dynamic_cast<const RuntimeFailure*>(&error)) return RunStatus::failed;
  return std::nullopt;
}

namespace {

/// Says on stderr which corrupt records the journal skipped (one sentence).
void report_skipped(const Journal& journal) {
  const auto& skipped = journal.skipped();
  if (skipped.empty()) return;
  std::string ranges;
  constexpr std::size_t kListed = 8;
  for (std::size_t i = 0; i < skipped.size() && i < kListed; ++i)
    ranges +=
        (i ? ", " : "") + std::to_string(skipped[i].first) + " to " + std::to_string(skipped[i].second - 1);
  if (skipped.size() > kListed) ranges += " and " + std::to_string(skipped.size() - kListed) + " more";
  const bool one = skipped.size() == 1;
  std::fprintf(
      stderr,
      "geosim: skipped %zu corrupt record%s of the journal %s (bytes %s); the runs %s held are run again\n",
      skipped.size(), one ? "" : "s", journal.path().c_str(), ranges.c_str(), one ? "it" : "they");
  std::fflush(stderr);
}

/// Runs recorded as failed in a finished results file (0 for a file without run_status).
std::int64_t failed_in_file(const fs::path& output) {
  try {
    const Variable status = read_variable(output, "run_status");
    return std::count_if(status.values.begin(), status.values.end(), [](double v) { return v != 0.0; });
  } catch (const std::exception&) {
    return 0;
  }
}

/// Removes temporaries of earlier, killed writers (we hold the journal's lock).
void remove_earlier_temporaries(const fs::path& output) {
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  const std::string prefix = output.filename().string() + ".tmp.";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
  }
}

/// The results file from the journal: temporary, fsync, rename, fsync directory.
/// Cancelled (`cancel` set) before the rename: the temporary is removed and nothing at `output` changes.
void finish_file(const Sweep& sweep, const Layout& layout, const Journal& journal, const fs::path& output,
                 double seconds, const std::atomic<bool>* cancel) {
  const fs::path tmp = fs::path(output.string() + ".tmp." + std::to_string(::getpid()));
  const auto cancelled = [cancel] { return cancel && cancel->load(); };
  std::error_code ec;
  fs::remove(tmp, ec);
  try {
    if (cancelled()) throw RunCancelled();
    write_sweep_file(tmp, sweep, layout, journal, seconds);
    hdf5::sync_path(tmp, false);
    if (cancelled()) throw RunCancelled();
    fs::rename(tmp, output);
    hdf5::sync_path(output.has_parent_path() ? output.parent_path() : fs::path("."), true);
  } catch (const RunCancelled&) {
    fs::remove(tmp, ec);
    throw;
  } catch (const hdf5::WriteFailure& e) {
    fs::remove(tmp, ec);
    throw RuntimeFailure("cannot write results to " + output.string() + ": " + e.what() +
                         "; no results file was written, and the runs are safe in " +
                         journal.path().string() + " (once there is room, finish with --resume)");
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    throw RuntimeFailure("cannot write results to " + output.string() + ": " + e.what() +
                         " (the runs are safe in " + journal.path().string() + "; retry with --resume)");
  }
}

}  // namespace

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
    mpi::serve(sweep, layout, options.jobs > 0 ? options.jobs : 1, options.fail_fast);
    summary.seconds = now_seconds() - started;
    return summary;
  }

  // Rank 0 (or the only process): check the output, open the journal.
  std::optional<Journal> journal;
  bool complete = false;
  try {
    check_output_writable(options.output, sweep.input_files());
    const fs::path jpath = journal_path(options.output);
    std::error_code ec;
    bool extending = false;
    if (fs::exists(options.output, ec)) {
      if (results_sweep_id(options.output) != sweep.identity_hash()) {
        std::string before;
        try {
          before = read_string_attribute(options.output, "sweep_identity");
        } catch (const std::exception&) {
          before.clear();  // not a sweep's results at all
        }
        const std::string problem =
            options.extend && !before.empty() ? extension_problem(before, sweep) : std::string("-");
        if (!problem.empty())
          throw OutputError(
              SourceLocation{options.output.string(), 0, 0}, options.extend ? "--extend" : "-o",
              options.extend && !before.empty()
                  ? "cannot extend the finished sweep in this file: " + problem
                  : "the file exists and is not a results file of this sweep" +
                        (before.empty() ? std::string()
                                        : " (" + identity_difference(before, sweep.identity()) + ")") +
                        "; refusing to overwrite it" +
                        (before.empty() || options.extend || !design(sweep.spec().design).extends_by_samples()
                             ? std::string()
                             : " (to add samples to a finished saltelli or sobol "
                               "sweep, use --extend)"));
        extending = true;
      } else {
        complete = !fs::exists(jpath, ec);
      }
    }
    if (!complete) {
      // Extending: a journal left by an interrupted extension is this sweep's; resume it.
      journal.emplace(jpath, sweep.identity(), sweep.runs(), !options.resume && !extending);
      if (extending) journal_finished_runs(options.output, sweep, layout, *journal);
      remove_earlier_temporaries(options.output);
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
    while (!remote.all_stopped()) remote.poll([](const RunOutcome&) {});
    summary.recovered = summary.runs;
    summary.failed = failed_in_file(options.output);
    summary.seconds = now_seconds() - started;
    return summary;
  }

  report_skipped(*journal);
  summary.skipped_records = static_cast<std::int64_t>(journal->skipped().size());
  // Runs already journaled: recovered from an earlier invocation, or kept from
  // the finished sweep being extended.
  std::vector<char> todo(static_cast<std::size_t>(sweep.runs()), 0);
  std::int64_t missing = 0;
  for (std::int64_t r = 0; r < sweep.runs(); ++r) {
    todo[static_cast<std::size_t>(r)] = journal->has(r) ? 0 : 1;
    missing += todo[static_cast<std::size_t>(r)];
  }
  summary.recovered = sweep.runs() - missing;
  WorkSource source(sweep, std::move(todo));
  ResultQueue results;
  Progress progress(options.progress, sweep.runs(), summary.recovered);
  try {
    const int jobs = static_cast<int>(
        std::min<std::int64_t>(default_jobs(options.jobs), std::max<std::int64_t>(missing, 1)));
    Workers workers(
        missing > 0 ? jobs : 0, sweep, layout, results, [&source] { return source.next(); },
        options.fail_fast);
    mpi::Coordinator remote(options.cluster, source);
    std::int64_t received = 0;
    const auto wait = std::chrono::milliseconds(size > 1 ? 1 : 100);
    while (received < missing || !remote.all_stopped()) {
      for (const RunOutcome& result : results.take(wait)) {
        journal->append(result);
        ++received;
      }
      if (auto error = results.error()) std::rethrow_exception(error);
      received += remote.poll([&](const RunOutcome& result) { journal->append(result); });
      if (options.cancel && options.cancel->load()) {
        journal->sync();  // the finished runs are kept for --resume
        throw RunCancelled();
      }
      journal->sync_if_due();
      progress.update(journal->count(), journal->failed());
      if (options.on_progress) options.on_progress(journal->count(), journal->failed());
    }
    workers.join();
    journal->sync();
    if (Workers::timing_requested() && missing > 0) {  // for bench/sweep_bench.sh; not in the results
      std::fprintf(stderr,
                   "geosim: sweep timing: %lld runs, %.6f s in ticks, %.6f s in all (workers' wall time)\n",
                   static_cast<long long>(missing), workers.tick_seconds(), workers.busy_seconds());
      std::fflush(stderr);
    }
  } catch (const std::exception& e) {
    mpi::abort_all(options.cluster, e);  // other ranks cannot be left waiting (no return under MPI)
    throw;
  }
  summary.ran = missing;
  summary.failed = journal->failed();
  summary.seconds = now_seconds() - started;
  finish_file(sweep, layout, *journal, options.output, summary.seconds, options.cancel);
  journal->remove();
  summary.seconds = now_seconds() - started;
  return summary;
}

}  // namespace geosim
