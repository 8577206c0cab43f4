#pragma once
// Sweep files in tests: written beside nothing (the base is given by its
// absolute path, tests/data/minimal.yaml), in a temporary directory of the
// test process's own.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"

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

/// Runs `sweep` with two workers into a fresh results file (no journal left
/// over from an earlier test) in the temporary directory; returns its path.
inline std::filesystem::path run_to_file(const Sweep& sweep, const std::string& file_name) {
  namespace fs = std::filesystem;
  fs::path out = temp_dir("sweep_results") / file_name;  // per process: suites may run side by side
  fs::remove(out);
  fs::remove(journal_path(out));
  SweepOptions options;
  options.output = out;
  options.jobs = 2;
  run_sweep(sweep, options);
  return out;
}

/// The points of the registered design `name` over k parameters x0, x1, ...
/// each ranging over [0, 1] (so values are design coordinates), with `settings`
/// as the design's keys: estimators' tests sample with the engine's designs.
inline std::unique_ptr<DesignPoints> unit_design(
    const std::string& name, std::size_t k, std::uint64_t seed,
    const std::vector<std::pair<std::string, double>>& settings) {
  SweepSpec spec;
  spec.design = name;
  spec.seed = seed;
  for (std::size_t i = 0; i < k; ++i) {
    ParameterSpec p;
    p.path = "x" + std::to_string(i);
    p.hi = 1.0;
    spec.parameters.push_back(p);
  }
  for (const auto& [key, value] : settings)
    spec.design_settings.set({key, std::to_string(static_cast<std::int64_t>(value)), value, {}});
  return design(name).points(spec);
}

}  // namespace geosim::testing
