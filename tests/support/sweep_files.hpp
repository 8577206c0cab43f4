#pragma once
// Sweep files in tests: written beside nothing (the base is given by its
// absolute path, tests/data/minimal.yaml), in a temporary directory of the
// test process's own.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "geosim/sweep/sweep.hpp"

namespace geosim::testing {

/// Writes `base: tests/data/minimal.yaml` and `text` as NAME.yaml; returns its path.
inline std::filesystem::path sweep_file(const std::string& name, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("geosim_sweep_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path path = dir / (name + ".yaml");
  std::ofstream(path) << "base: " << (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() << "\n"
                      << text;
  return path;
}

/// The validated sweep of sweep_file(name, text).
inline Sweep sweep_of(const std::string& name, const std::string& text) {
  return Sweep(load_sweep_spec(sweep_file(name, text)));
}

/// Parameter `parameter`'s value in run `run`, as a number.
inline double value(const Sweep& s, std::int64_t run, std::size_t parameter) {
  return std::stod(s.plan(run).values.at(parameter));
}

}  // namespace geosim::testing
