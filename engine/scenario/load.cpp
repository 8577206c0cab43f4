// Loading a scenario: file -> tree (extends, --set) -> validated Scenario.
#include <algorithm>
#include <iterator>
#include <string>

#include "geosim/config/layers.hpp"
#include "geosim/scenario/defaults.hpp"
#include "geosim/scenario/scenario.hpp"
#include "geosim/scenario/schema.hpp"
#include "geosim/scenario/time_units.hpp"
#include "scenario/detail/validator.hpp"

namespace geosim {

config::Node read_scenario_tree(const std::filesystem::path& path, std::string* source_text,
                                std::vector<std::filesystem::path>* files) {
  return config::read_with_extends(path, source_text, files);
}

Scenario scenario_from_tree(config::Node tree, const std::filesystem::path& source, std::string source_text,
                            const LoadOptions& options) {
  if (options.ticks != -1 && options.ticks < 1)
    throw UsageError({"--ticks", 0, 0}, "", "expected an integer >= 1, got " + std::to_string(options.ticks));
  Scenario s;
  s.source_path = source;
  s.source_text = std::move(source_text);

  write_in_default_channels(tree, options.overrides);
  config::apply_overrides(tree, options.overrides, scenario_collections());
  // Per-period values become per-tick ones before validation when the step
  // is not the period; so do the per-period defaults, written in for it.
  const TimeUnits units = time_units(tree);
  // Listed once for both uses: the conversion and the record.
  std::vector<AppliedDefault> defaults;
  if (units.converts() || options.keep_resolved_yaml) defaults = applied_defaults(tree);
  if (units.converts()) {
    std::vector<AppliedDefault> timed;
    std::copy_if(defaults.begin(), defaults.end(), std::back_inserter(timed),
                 [](const AppliedDefault& d) { return d.per_time != config::TimeScaling::none; });
    config::Node per_tick_tree = with_defaults(tree, timed);
    convert_to_step(per_tick_tree, units);
    validate_scenario(per_tick_tree, s);
  } else {
    validate_scenario(tree, s);
  }
  // Emitting YAML is a few percent of a small run: sweeps skip it per run.
  if (options.keep_resolved_yaml) {
    s.defaults_applied = defaults_text(defaults);
    s.resolved_yaml = config::to_yaml(with_defaults(std::move(tree), defaults));
  }

  // --ticks shortens a run, never extends it. Events at ticks >= s.ticks stay
  // in the list: the run never reaches them and the results record them as
  // skipped (event_applied = 0).
  if (options.ticks > s.ticks)
    throw UsageError({"--ticks", 0, 0}, "",
                     "the scenario has " + std::to_string(s.ticks) +
                         " ticks and --ticks runs only the first N, got " + std::to_string(options.ticks) +
                         " (to run longer, set time.end)");
  if (options.ticks >= 1) s.ticks = options.ticks;
  if (options.has_seed) s.seed = options.seed;
  return s;
}

Scenario load_scenario(const std::filesystem::path& path, const LoadOptions& options) {
  if (options.ticks != -1 && options.ticks < 1)
    throw UsageError({"--ticks", 0, 0}, "", "expected an integer >= 1, got " + std::to_string(options.ticks));
  std::string text;
  std::vector<std::filesystem::path> files;
  config::Node tree = read_scenario_tree(path, &text, &files);
  Scenario s = scenario_from_tree(std::move(tree), path, std::move(text), options);
  s.input_files = std::move(files);
  return s;
}

}  // namespace geosim
