#pragma once
// The catalogue of results variables: every time series a run records, one
// entry each. An entry says what the variable is called, over which
// dimensions it runs (after `time`), its units, long_name, type and fill
// value, and how one row of it is computed from the world state. The entry
// drives everything else: the Recorder (what is kept per row, reserved up
// front), the run's results file (datasets and attributes, in catalogue
// order), the sweep (its time series are catalogue entries, its metrics
// reductions of them) and the memory estimate of a run.
//
// A new variable is one entry in engine/io/variables.cpp plus the state it
// reads (docs/results-format.md lists it; tests/io/test_variables.cpp checks
// the table against the catalogue).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "geosim/scenario/scenario.hpp"

namespace geosim {

struct WorldState;

/// A dimension of a recorded row (time, the row index, comes first in the file).
enum class Axis { power, target, channel, group, institution, survey };
/// The dimension's name in the results files.
std::string_view axis_name(Axis axis);
/// Its length for a scenario.
std::size_t axis_size(Axis axis, const Scenario& scenario);

/// The type a variable is stored in, in memory and in the files.
enum class ValueType { f64, i32, i8 };
std::size_t value_bytes(ValueType type);
std::string_view value_type_name(ValueType type);  // "float64", "int32", "int8"

/// One recorded series, all rows, row-major with time first.
using SeriesValues = std::variant<std::vector<double>, std::vector<std::int32_t>, std::vector<std::int8_t>>;

struct ResultsVariable {
  std::string name;
  std::vector<Axis> dims;  // of one row, in storage order (the file puts time first)
  ValueType type = ValueType::f64;
  std::string units, long_name;
  bool nan_fill = false;      // _FillValue = NaN (values may be NaN); float types only
  std::string flag_meanings;  // CF flags: values 0, 1, ... named by these words ("": none)
  /// Writes one row (row_size values, row-major over `dims`) for `state` to `row`.
  /// Values are exact in double for every ValueType.
  void (*extract)(const WorldState& state, double* row) = nullptr;
  /// nullptr: in every run file. Otherwise a run file holds the variable only
  /// if only_if(scenario): a mechanism's variables (migration's) are left out
  /// of the files of scenarios that do not use it, which are then exactly the
  /// files written before the mechanism existed. The Recorder and sweeps keep
  /// every variable whatever the scenario (its fill values, where it has none).
  bool (*only_if)(const Scenario& scenario) = nullptr;

  /// Whether a run file of `scenario` holds the variable.
  bool in_file(const Scenario& scenario) const { return only_if == nullptr || only_if(scenario); }
  /// Values in one row for `scenario` (the product of the axis lengths).
  std::size_t row_size(const Scenario& scenario) const;
  /// Dimension names in the file: "time", then dims.
  std::vector<std::string> file_dims() const;
};

/// Every results variable, in file order.
std::span<const ResultsVariable> results_variables();
/// Position of `name` in results_variables(); throws RuntimeFailure if none.
std::size_t results_variable_index(std::string_view name);
const ResultsVariable& results_variable(std::string_view name);

/// Bytes one recorded row of every variable takes for `scenario` (sum over the catalogue).
std::size_t recorded_bytes_per_row(const Scenario& scenario);

}  // namespace geosim
