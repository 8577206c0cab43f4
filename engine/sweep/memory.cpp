// The memory of a sweep (geosim/sweep/sweep.hpp): its runs under way, each
// as large as its largest run, and what grows with the number of runs. A
// plan or design too large for the machine is refused by the Sweep
// constructor before it is made; the rest before the first run.
#include <algorithm>
#include <string>

#include "geosim/run/resources.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/detail/internal.hpp"
#include "sweep/detail/workers.hpp"

namespace geosim {
namespace sweep_detail {

// A worker thread's own: its stack and malloc arena beyond the run's arrays
// (measured: a sweep of 1-million-citizen runs peaked within 2 MiB of the
// estimate without it).
constexpr std::int64_t kWorkerBytes = std::int64_t{4} << 20;

std::string sweep_file_name(const SweepSpec& spec) {
  return spec.file.empty() ? std::string("command line") : spec.file.string();
}

MemoryComponent design_points_memory(std::int64_t bytes) {
  return {"the design's points", bytes, "a value per point and parameter", "samples", "samples"};
}

MemoryEstimate plan_memory(const Sweep& sweep) {
  MemoryEstimate e;
  const SweepSpec& spec = sweep.spec();
  // Per run: whether it is to do (1 byte), its journal record's offset (8)
  // and its index in the results file's run coordinate (8).
  e.components.push_back({"the sweep's plan", saturating_mul(sweep.runs(), 17),
                          std::to_string(sweep.runs()) + " runs, " + sweep.shape(), "replicates",
                          "replicates or the design's points (samples, levels, values)"});
  if (!spec.parameters.empty())
    e.components.push_back(design_points_memory(design(spec.design).points_bytes(spec)));
  return e;
}

}  // namespace sweep_detail

MemoryEstimate estimate_sweep_memory(const Sweep& sweep, int jobs) {
  using namespace sweep_detail;
  const std::int64_t workers =
      std::min<std::int64_t>(default_jobs(jobs), std::max<std::int64_t>(sweep.runs(), 1));
  const std::string at_once = std::to_string(workers) + " runs at once";
  MemoryEstimate e;
  // Each worker holds one run: its world, population and recorded rows. Runs
  // of a sweep write no file of their own (no snapshot buffers).
  for (const MemoryComponent& c : sweep.largest_run_memory().components) {
    if (c.key.empty() || c.key == "output.agents_every") continue;
    e.components.push_back({c.name + (workers > 1 ? " of the " + at_once : ""),
                            saturating_mul(c.bytes, workers),
                            c.size + (workers > 1 ? " per run, " + at_once : ""), c.key,
                            c.reduce + (workers > 1 ? " or -j" : "")});
  }
  // A run's payload: its index and every kept value as a double, held by its
  // worker, the queue and the journal's writer; the results file then holds a
  // block of them, plus each run's texts (overrides, command, error).
  const Layout layout = make_layout(sweep);
  const std::int64_t payload =
      saturating_mul(saturating_add(static_cast<std::int64_t>(layout.doubles), 1), 8);
  const std::int64_t block = std::min<std::int64_t>(kResultsBlock, std::max<std::int64_t>(sweep.runs(), 1));
  e.components.push_back(
      {"the runs' kept values and the results file's buffers",
       saturating_add(saturating_mul(payload, 3 * workers),
                      saturating_mul(block, saturating_add(saturating_mul(payload, 2), 1024))),
       std::to_string(layout.doubles) + " values per run, " + std::to_string(block) + " runs per block",
       "time_series", "time_series or metrics"});
  for (MemoryComponent& c : plan_memory(sweep).components) e.components.push_back(std::move(c));
  e.components.push_back({"the engine itself",
                          saturating_add(kEngineBytes, saturating_mul(workers, kWorkerBytes)),
                          "fixed, and per worker thread", "", ""});
  return e;
}

std::int64_t estimate_results_bytes(const Sweep& sweep) {
  const sweep_detail::Layout layout = sweep_detail::make_layout(sweep);
  const auto parameters = static_cast<std::int64_t>(sweep.spec().parameters.size());
  std::int64_t texts = 0;
  if (sweep.runs() > 0) {
    const RunPlan plan = sweep.plan(0);
    for (const auto& o : plan.overrides) texts += static_cast<std::int64_t>(o.size()) + 1;
    texts += static_cast<std::int64_t>(sweep.repeat_command(plan).size()) + 16;  // + a pointer per string
  }
  // Per run: kept values (doubles), parameter value and coordinate, point,
  // seed (int64), replicate, scenario (int32), status (int8), texts.
  const std::int64_t per_run =
      saturating_add(saturating_add(saturating_mul(static_cast<std::int64_t>(layout.doubles), 8),
                                    saturating_mul(parameters, 16)),
                     saturating_add(8 + 8 + 4 + 4 + 1, texts));
  return saturating_mul(per_run, sweep.runs());
}

void check_sweep_fits(const Sweep& sweep, int jobs) {
  for (std::size_t i = 0; i < sweep.spec().scenarios.size(); ++i)
    check_citizen_count(sweep.base(static_cast<int>(i)));
  check_fits(estimate_sweep_memory(sweep, jobs), available_memory_bytes(), "sweep",
             sweep_detail::sweep_file_name(sweep.spec()));
}

}  // namespace geosim
