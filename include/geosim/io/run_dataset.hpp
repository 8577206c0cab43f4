#pragma once
// One run's results as an in-memory dataset: the dimensions, variables and
// attributes of its results file (docs/results-format.md), values as stored
// (times in "days since START", fills as their _FillValue), for callers that
// want the results without a file (the Python module). The global attributes
// and the event log are built here for both: the ResultsWriter writes the
// same lists. tests/python/test_python_run.py checks, variable by variable
// and attribute by attribute, that a dataset equals the file of the same run.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// A variable's values, row-major over its dims, in the file's type.
using DatasetValues =
    std::variant<std::vector<double>, std::vector<float>, std::vector<std::int32_t>,
                 std::vector<std::int16_t>, std::vector<std::int8_t>, std::vector<std::string>>;

/// An attribute's value: text, a number in the file's type, or CF flag values.
using AttributeValue =
    std::variant<std::string, double, std::int32_t, std::uint64_t, std::vector<std::int8_t>>;

struct DatasetAttribute {
  std::string name;
  AttributeValue value;
  /// Text of any content (the scenario file): a variable-length UTF-8 string in the file.
  bool free_text = false;
};

struct DatasetVariable {
  std::string name;
  std::vector<std::string> dims;
  DatasetValues values;
  std::vector<DatasetAttribute> attrs;  // in the file's order
};

struct RunDataset {
  std::vector<std::pair<std::string, std::size_t>> dims;  // name, length; in the file's order
  std::vector<DatasetVariable> variables;                 // coordinates first, as in the file
  std::vector<DatasetAttribute> attrs;                    // global
};

/// Keeps a run's citizens in memory as its results file would hold them: the
/// snapshots of attitudes the scenario asks for (output.agents_every) and the
/// final attitudes (output.agents: final), with each citizen's target and
/// group. Observe the run with it (RunOptions::observers).
class AgentCapture : public StepObserver {
 public:
  explicit AgentCapture(const Scenario& scenario);
  void on_start(const World& world) override;
  void on_step(const World& world) override;
  void on_finish(const World& world) override;

  std::vector<int> snapshot_ticks;          // 0, N, 2N, ...
  std::vector<float> snapshots;             // [snapshot][citizen][power], citizens in file order
  std::vector<float> final_attitudes;       // [citizen][power]; empty unless output.agents is final
  std::vector<std::int32_t> target, group;  // [citizen]; empty if nothing was captured
  std::int64_t citizens = 0;

 private:
  void append(const Population& pop, std::vector<float>& out);
  void indices(const Population& pop);
  const Scenario& scenario_;
  std::size_t taken_ = 0;
};

/// The dataset of a run of `scenario`: `record` and the citizens in `agents`
/// (may be null: none) are moved in; `info` gives the seed, command line and time.
RunDataset run_dataset(const Scenario& scenario, RunRecord record, AgentCapture* agents, const RunInfo& info);

/// The global attributes of a run's file, in the file's order (the writer's list too).
std::vector<DatasetAttribute> run_attributes(const Scenario& scenario, const RunInfo& info);

/// The event log (event_id, event_time, event_tick, event_note, event_applied),
/// in the file's order (the writer's list too).
std::vector<DatasetVariable> run_events(const Scenario& scenario);

}  // namespace geosim
