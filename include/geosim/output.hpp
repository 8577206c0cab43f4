#pragma once
// HDF5 results, netCDF-4 compatible (docs/results-format.md): readable as is
// by h5py, xarray.open_dataset and ncdump.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/recorder.hpp"
#include "geosim/scenario.hpp"

namespace geosim {

inline constexpr const char* kResultsFormatVersion = "1.0";

struct RunInfo {
  std::uint64_t seed = 0;
  std::string command_line;
  double wall_seconds = 0;
};

/// Throws OutputError (exit 2) if `path` cannot be written (missing or
/// unwritable directory, path is a directory). Call before running.
void check_output_writable(const std::filesystem::path& path);

/// Writes one run's results. Writes to a temporary name beside `path` and
/// renames on success; on failure removes the temporary and throws
/// RuntimeFailure, leaving nothing at `path`. `final_agents` may be null.
void write_results(const std::filesystem::path& path, const Scenario& scenario,
                   const RunRecord& record, const Population* final_agents, const RunInfo& info);

/// Minimal reading back, for tests and tools.
struct Variable {
  std::vector<std::string> dims;
  std::vector<std::size_t> shape;
  std::vector<double> values;  // converted to double, row-major
};
Variable read_variable(const std::filesystem::path& path, const std::string& name);
std::vector<std::string> read_labels(const std::filesystem::path& path, const std::string& name);
std::string read_string_attribute(const std::filesystem::path& path, const std::string& name);

}  // namespace geosim
