// The run pipeline: World -> observers (Recorder, ResultsWriter, the
// caller's) -> results file.
#include "geosim/run/run.hpp"

#include <chrono>
#include <memory>

#include "geosim/io/results.hpp"
#include "geosim/run/resources.hpp"

namespace geosim {

RunResult run(const Scenario& scenario, const RunOptions& options) {
  if (!options.output.empty()) check_output_writable(options.output, scenario.input_files);
  if (options.check_resources) check_run_fits(scenario);
  const auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };

  RunResult result;
  result.seed = options.seed.value_or(scenario.seed);
  const auto started = std::chrono::steady_clock::now();
  Recorder own_recorder;
  Recorder& recorder = options.recorder ? *options.recorder : own_recorder;
  if (!options.output.empty() && !recorder.records_all())
    throw RuntimeFailure("internal error: a results file needs a recorder of every variable");
  World world(scenario, result.seed);
  // Writes snapshots as the run goes, if the scenario asks for them; removes
  // its temporary file if the run throws before finish().
  std::unique_ptr<ResultsWriter> writer;
  if (!options.output.empty())
    writer = std::make_unique<ResultsWriter>(options.output, scenario, options.cancel);

  std::vector<StepObserver*> observers{&recorder};
  if (writer) observers.push_back(writer.get());
  observers.insert(observers.end(), options.observers.begin(), options.observers.end());
  for (auto* observer : observers) observer->on_start(world);
  while (world.tick() < scenario.ticks) {
    if (cancelled()) throw RunCancelled();
    if (options.time_ticks) {
      const auto before = std::chrono::steady_clock::now();
      world.step();
      result.tick_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    } else {
      world.step();
    }
    for (auto* observer : observers) observer->on_step(world);
  }
  for (auto* observer : observers) observer->on_finish(world);
  if (cancelled()) throw RunCancelled();

  if (writer) {
    RunInfo info;
    info.seed = result.seed;
    info.command_line = options.command_line;
    info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool agents = scenario.output.agents == OutputSpec::Agents::final;
    writer->finish(recorder.record(), agents ? &world.population() : nullptr, info);
  }
  if (!options.recorder) result.record = recorder.release();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace geosim
