#pragma once
// Shared by the files of geosim._core (tools/python/src): converting results
// to Python objects, the exceptions, and watching for Ctrl-C while the GIL
// is released.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "geosim/io/run_dataset.hpp"
#include "geosim/model/world.hpp"

namespace geosim::python {

namespace py = pybind11;

/// {"dims": [(name, length)], "variables": [(name, dims, values, attrs)], "attrs": {...}}:
/// numeric values as numpy arrays that own the moved vectors, strings as lists,
/// attributes as numpy scalars of the file's types.
py::dict to_python(RunDataset dataset);

/// Translates the engine's exceptions: InputError to geosim.errors.InputError
/// (file, line, column, key, detail; str() is the CLI's message),
/// RuntimeFailure to geosim.errors.RunError.
void register_errors();

/// Checks for Python signals (Ctrl-C) from a run holding no GIL: every
/// 50 ms at most it takes the GIL and runs the signal handlers; if one raised,
/// it keeps the exception and sets `cancel`, which stops the run.
class InterruptWatch : public StepObserver {
 public:
  std::atomic<bool> cancel{false};
  void on_step(const World&) override { poll(); }
  /// Called without the GIL.
  void poll();
  /// Raises the exception a signal handler raised, if any (with the GIL).
  void rethrow();

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::unique_ptr<py::error_already_set> error_;
};

/// The names of a scenario's entities by `field`.
template <class Items, class Field>
std::vector<std::string> codes(const Items& items, Field field) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(item.*field);
  return out;
}

/// geosim._core's sweep functions (tools/python/src/sweeps.cpp).
void bind_sweeps(py::module_& m);

}  // namespace geosim::python
