// geosim._core's sweeps: a sweep file's runs with the CLI's journal, resume
// and failure handling, from Python (geosim/sweeping.py wraps them).
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>

#include "bindings.hpp"
#include "geosim/run/run.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::python {
namespace {

/// The sweep file at `path`, or, if `text` is given, that text read as a
/// sweep file named `path` (whose folder anchors its relative paths).
SweepSpec spec_of(const std::filesystem::path& path, const std::optional<std::string>& text) {
  const py::gil_scoped_release release;
  return text ? sweep_spec_from_text(*text, path) : load_sweep_spec(path);
}

py::dict summary_dict(const SweepSummary& s) {
  py::dict out;
  out["runs"] = s.runs;
  out["recovered"] = s.recovered;
  out["ran"] = s.ran;
  out["failed"] = s.failed;
  out["skipped_records"] = s.skipped_records;
  out["seconds"] = s.seconds;
  return out;
}

/// Raises what stopped the sweep from Python, if anything did: the interrupt, else the callback's error.
void raise_pending(InterruptWatch& interrupts, std::unique_ptr<py::error_already_set>& callback_error) {
  interrupts.rethrow();
  if (callback_error) {
    const py::error_already_set error = *callback_error;
    callback_error.reset();
    throw error;
  }
}

using ProgressFunction = std::function<void(std::int64_t, std::int64_t, std::int64_t)>;

/// Runs `spec` as `geosim sweep` or `geosim batch` would, with Ctrl-C and a progress function.
py::dict execute(SweepSpec spec, const std::filesystem::path& output, int jobs, bool resume, bool extend,
                 bool fail_fast, const ProgressFunction& progress) {
  if (jobs < 0) throw UsageError({"geosim.sweep"}, "jobs", "expected an integer >= 0 (0: all cores)");
  if (output.empty()) throw UsageError({"geosim.sweep"}, "output", "no output file given");
  std::optional<Sweep> built;
  {
    const py::gil_scoped_release release;
    built.emplace(std::move(spec));
  }
  const Sweep& plan = *built;
  check_sweep_fits(plan, jobs);

  InterruptWatch interrupts;
  SweepOptions options;
  options.output = output;
  options.jobs = jobs;
  options.resume = resume;
  options.extend = extend;
  options.fail_fast = fail_fast;
  options.cancel = &interrupts.cancel;
  const std::int64_t total = plan.runs();
  std::unique_ptr<py::error_already_set> callback_error;
  options.on_progress = [&](std::int64_t finished, std::int64_t failed) {
    interrupts.poll();
    if (!progress || interrupts.cancel.load()) return;
    const py::gil_scoped_acquire gil;
    try {
      progress(finished, failed, total);
    } catch (py::error_already_set& e) {  // the callback raised: stop the sweep, keep its journal
      callback_error = std::make_unique<py::error_already_set>(std::move(e));
      interrupts.cancel.store(true);
    }
  };
  SweepSummary summary;
  try {
    const py::gil_scoped_release release;
    summary = run_sweep(plan, options);
  } catch (...) {
    // Ctrl-C or a raising callback is the cause, whatever the sweep threw on its way out.
    raise_pending(interrupts, callback_error);
    throw;
  }
  raise_pending(interrupts, callback_error);  // it came as the last run finished
  return summary_dict(summary);
}

py::dict sweep(const std::filesystem::path& path, const std::optional<std::string>& text,
               const std::filesystem::path& output, int jobs, bool resume, bool extend, bool fail_fast,
               const ProgressFunction& progress) {
  return execute(spec_of(path, text), output, jobs, resume, extend, fail_fast, progress);
}

py::dict batch(const std::vector<std::filesystem::path>& scenarios, int replicates, std::uint64_t seed,
               std::optional<int> ticks, const std::vector<std::string>& time_series,
               const std::filesystem::path& output, int jobs, bool resume, bool fail_fast,
               const ProgressFunction& progress) {
  if (ticks && *ticks < 1) throw UsageError({"geosim.batch"}, "ticks", "expected an integer >= 1");
  SweepSpec spec = batch_spec(scenarios, replicates, seed, false, ticks.value_or(-1));
  const auto known = time_series_names();
  for (const auto& name : time_series)
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw UsageError({"geosim.batch"}, "time_series", "unknown time series '" + name + "'");
  spec.time_series = time_series;
  return execute(std::move(spec), output, jobs, resume, false, fail_fast, progress);
}

}  // namespace

void bind_sweeps(py::module_& m) {
  m.def("sweep", &sweep, py::arg("path"), py::arg("text"), py::arg("output"), py::arg("jobs"),
        py::arg("resume"), py::arg("extend"), py::arg("fail_fast"), py::arg("progress"),
        "Runs a sweep file (or its text) into `output` with its journal; returns the summary.");
  m.def("batch", &batch, py::arg("scenarios"), py::arg("replicates"), py::arg("seed"), py::arg("ticks"),
        py::arg("time_series"), py::arg("output"), py::arg("jobs"), py::arg("resume"), py::arg("fail_fast"),
        py::arg("progress"), "Runs scenarios as `geosim batch` does into `output`; returns the summary.");
  m.def(
      "time_series_names", [] { return time_series_names(); }, "Names accepted in a sweep's time_series:.");
  m.def(
      "metric_names", [] { return metric_names(); }, "Names of the built-in metrics.");
}

}  // namespace geosim::python
