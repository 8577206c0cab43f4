// geosim._core: the engine in process, for the Python package in
// tools/python/geosim (which users import; this module is its private half).
// Scenarios load with the CLI's loader and errors; runs return their results
// as the raw arrays and attributes of the file they would write
// (geosim/io/run_dataset.hpp), which geosim/simulation.py turns into an
// xarray.Dataset. The GIL is released while the engine runs; Ctrl-C cancels.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <optional>

#include "bindings.hpp"
#include "geosim/build_info.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/run_dataset.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"

namespace py = pybind11;

namespace geosim::python {
namespace {

std::shared_ptr<Scenario> load(const std::filesystem::path& path, const std::vector<std::string>& overrides,
                               std::optional<int> ticks, std::optional<std::uint64_t> seed) {
  LoadOptions options;
  options.overrides = overrides;
  if (ticks) {
    if (*ticks < 1) throw UsageError({"geosim.load"}, "ticks", "expected an integer >= 1");
    options.ticks = *ticks;
  }
  if (seed) {
    options.has_seed = true;
    options.seed = *seed;
  }
  py::gil_scoped_release release;
  return std::make_shared<Scenario>(load_scenario(path, options));
}

py::dict run_scenario(const std::shared_ptr<Scenario>& scenario, std::optional<std::uint64_t> seed,
                      int threads, const std::optional<std::filesystem::path>& path,
                      const std::string& command_line) {
  if (threads < 0) throw UsageError({"geosim.run"}, "threads", "expected an integer >= 0 (0: all cores)");
  InterruptWatch interrupts;
  AgentCapture agents(*scenario);
  RunOptions options;
  options.seed = seed;
  options.command_line = command_line;
  options.cancel = &interrupts.cancel;
  options.observers = {&agents, &interrupts};
  if (path) options.output = *path;
  RunResult result;
  RunDataset dataset;
  try {
    py::gil_scoped_release release;
    set_thread_count(threads);
    result = geosim::run(*scenario, options);
    RunInfo info;
    info.seed = result.seed;
    info.command_line = command_line;
    info.wall_seconds = result.wall_seconds;
    dataset = run_dataset(*scenario, std::move(result.record), &agents, info);
  } catch (...) {
    interrupts.rethrow();  // Ctrl-C is the cause, whatever the run threw on its way out
    throw;
  }
  interrupts.rethrow();  // it came as the last tick finished
  py::dict out = to_python(std::move(dataset));
  out["engine_seconds"] = result.wall_seconds;
  return out;
}

}  // namespace
}  // namespace geosim::python

PYBIND11_MODULE(_core, m) {
  using namespace geosim;
  using namespace geosim::python;
  m.doc() = "geosim's engine in process (private: use the geosim package)";
  m.attr("version") = build_info::version;
  m.attr("git_commit") = build_info::git_commit;
  register_errors();

  py::class_<Scenario, std::shared_ptr<Scenario>>(m, "Scenario")
      .def_property_readonly("name", [](const Scenario& s) { return s.name; })
      .def_property_readonly("description", [](const Scenario& s) { return s.description; })
      .def_property_readonly("path", [](const Scenario& s) { return s.source_path; })
      .def_property_readonly("start", [](const Scenario& s) { return s.start.str(); })
      .def_property_readonly("end", [](const Scenario& s) { return s.end.str(); })
      .def_property_readonly("ticks", [](const Scenario& s) { return s.ticks; })
      .def_property_readonly("scenario_ticks", [](const Scenario& s) { return s.scenario_ticks; })
      .def_property_readonly("seed", [](const Scenario& s) { return s.seed; })
      .def_property_readonly("citizens", [](const Scenario& s) { return s.num_citizens(); })
      .def_property_readonly("resolved_yaml", [](const Scenario& s) { return s.resolved_yaml; })
      .def_property_readonly("defaults_applied", [](const Scenario& s) { return s.defaults_applied; })
      .def_property_readonly("powers", [](const Scenario& s) { return codes(s.powers, &PowerSpec::code); })
      .def_property_readonly("targets", [](const Scenario& s) { return codes(s.targets, &TargetSpec::code); })
      .def_property_readonly("groups", [](const Scenario& s) { return codes(s.groups, &GroupSpec::name); });

  m.def("load", &load, py::arg("path"), py::arg("overrides"), py::arg("ticks"), py::arg("seed"),
        "Loads and validates a scenario (the CLI's loader): InputError on bad input.");
  m.def("run", &run_scenario, py::arg("scenario"), py::arg("seed"), py::arg("threads"), py::arg("path"),
        py::arg("command_line"),
        "Runs a scenario; returns its results file's variables and attributes as arrays.");
  bind_sweeps(m);
}
