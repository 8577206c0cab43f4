// The run plan of a sweep: base scenarios read once, parameters checked
// against them, design points, seeds, and the sweep's identity.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "geosim/build_info.hpp"
#include "geosim/config/layers.hpp"
#include "geosim/io/results.hpp"
#include "geosim/scenario/schema.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t index) {
  return splitmix64(splitmix64(sweep_seed) ^ index) & 0x7FFFFFFFFFFFFFFFULL;
}

namespace {

namespace fs = std::filesystem;
using config::Node;

/// Throws at the parameter's key if its path names no single value the base
/// scenario can hold: a key the format lacks (config::Schema::match), a
/// mapping or a list, or an entry or list item the base lacks (overrides
/// never create those, as for --set). A key the base leaves at its default
/// is a parameter like any other.
void check_parameter_path(const Node& tree, const std::string& path, const SourceLocation& where,
                          const std::string& key, const std::string& scenario_name) {
  const std::vector<config::PathStep> steps = config::split_key_path(path, where);
  const config::Schema schema = scenario_schema();  // match points into it: it must outlive `match`
  const config::KeyMatch match = schema.match(steps);
  // A key declared only by its keys may still take a scalar (`policy: value`
  // for every channel): refused only where the base holds a mapping.
  const Node* there = config::find_path(tree, steps);
  if (match.mapping && there && there->is_map())
    throw TypeError(where, key,
                    "'" + path + "' is a mapping; a parameter is a single value (give a longer path)");
  if (!match.key && !match.mapping)
    throw UnknownKeyError(where, key, match.problem + " (`geosim schema` lists the scenario format's keys)");
  const config::ValueType type = match.key ? match.key->type : config::ValueType::text;
  if (match.key && !match.list_item &&
      (type == config::ValueType::mapping || type == config::ValueType::list ||
       type == config::ValueType::names))
    throw TypeError(where, key,
                    "'" + path + "' is " + (type == config::ValueType::mapping ? "a mapping" : "a list") +
                        "; a parameter is a single value (give a longer path" +
                        (type == config::ValueType::mapping ? "" : ", or an item: " + path + "[0]") + ")");
  Node copy = tree;
  try {
    config::set_path(copy, path, "0", where, scenario_collections());
  } catch (const UsageError& e) {
    throw UnknownKeyError(where, key, e.detail() + " (in the base scenario " + scenario_name + ")");
  }
}

/// Whether `error`, raised by a run with the parameter set, is about its path
/// rather than its value: an unknown key at the path or above it (a name
/// the scenario does not declare, such as a channel in budget.<channel>).
bool is_path_error(const InputError& error, const std::string& path) {
  if (dynamic_cast<const UnknownKeyError*>(&error) == nullptr) return false;
  const std::string& key = error.key();
  return path == key || (path.starts_with(key) && (path[key.size()] == '.' || path[key.size()] == '['));
}

/// The value texts that bound a parameter: every listed value, or the range's ends.
std::vector<std::string> extremes(const ParameterSpec& p) {
  if (!p.values.empty()) return p.values;
  if (p.step > 0) return {p.at_level(0), p.at_level(p.count() - 1)};
  ParameterSpec continuous = p;
  continuous.levels = 2;
  return {continuous.at_level(0), continuous.at_level(1)};
}

std::string shell_quote(const std::string& s) {
  const bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_./=:+-,@%").find(c) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string fmt(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

}  // namespace

Sweep::Sweep(SweepSpec spec) : Sweep(std::move(spec), nullptr) {}

Sweep::Sweep(SweepSpec spec, std::shared_ptr<const DesignPoints> given) : spec_(std::move(spec)) {
  const LoadOptions base_options{{}, spec_.ticks, false, 0};
  if (!spec_.file.empty()) input_files_.push_back(spec_.file);
  for (std::size_t i = 0; i < spec_.scenarios.size(); ++i) {
    const fs::path& path = spec_.scenarios[i];
    const SourceLocation& where =
        i < spec_.scenario_where.size() ? spec_.scenario_where[i] : SourceLocation{};
    Base b;
    try {
      std::vector<fs::path> files;
      b.tree = read_scenario_tree(path, &b.text, &files);
      input_files_.insert(input_files_.end(), files.begin(), files.end());
    } catch (const FileError& e) {
      if (e.where().file != path.string()) throw;  // a file it extends: reported there
      throw FileError(where, spec_.file.empty() ? "" : (spec_.scenarios.size() > 1 ? "scenarios" : "base"),
                      "cannot read the scenario '" + path.string() + "': " + e.detail());
    }
    write_in_default_channels(b.tree, spec_.set);
    for (std::size_t k = 0; k < spec_.set.size(); ++k) {
      const std::string& o = spec_.set[k];
      const SourceLocation origin =
          k < spec_.set_where.size() ? spec_.set_where[k] : SourceLocation{"--set", 0, 0};
      const std::size_t eq = o.find('=');
      config::set_path(b.tree, std::string_view(o).substr(0, eq), std::string_view(o).substr(eq + 1), origin,
                       scenario_collections());
    }
    b.scenario = scenario_from_tree(b.tree, path, b.text, base_options);
    bases_.push_back(std::move(b));
  }

  // A batch goes into one file. Its scenarios may name different powers,
  // targets, groups, institutions or surveys (the file's axes are their union, with
  // fill values where a scenario lacks one); time series need one time axis.
  const Scenario& first = bases_.front().scenario;
  for (std::size_t i = 1; i < bases_.size(); ++i) {
    const Scenario& sc = bases_[i].scenario;
    std::string problem;
    if (sc.channel_names() != first.channel_names()) problem = "its channels differ from";
    else if (!spec_.time_series.empty() &&
             (sc.ticks != first.ticks || sc.start != first.start || sc.step_months != first.step_months))
      problem = "its time axis (kept by time_series) differs from";
    if (!problem.empty())
      throw ReferenceError(spec_.scenario_where[i], "scenarios",
                           "scenario " + sc.name + " cannot share a results file with " + first.name + ": " +
                               problem + " those of " + spec_.scenarios.front().string());
  }

  // Scenarios are named in the file, in compare and by difference_from: one name, one scenario.
  for (std::size_t i = 1; i < bases_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (bases_[i].scenario.name == bases_[j].scenario.name)
        throw ReferenceError(spec_.scenario_where[i], "scenarios",
                             "scenario " + spec_.scenarios[i].string() + " has the name " +
                                 bases_[i].scenario.name + ", as " + spec_.scenarios[j].string() +
                                 " does; a batch's scenarios need distinct names (give one a name:)");

  // Parameters: the path exists in the base, and every extreme value is valid
  // there. The largest run (for the memory check): the largest base, or each
  // parameter at the extreme that needs the most memory, all together if
  // that is a valid scenario.
  for (const auto& b : bases_)
    if (estimate_run_bytes(b.scenario) > largest_run_.total()) largest_run_ = estimate_run_memory(b.scenario);
  for (const auto& p : spec_.parameters)
    for (const Base& b : bases_) {
      check_parameter_path(b.tree, p.path, p.where, "parameters." + p.path, b.scenario.name);
      for (const ParameterSpec::Tied& t : p.also)
        check_parameter_path(b.tree, t.path, t.where, "parameters." + p.path + ".also", b.scenario.name);
    }
  // Every extreme is tried in every scenario of a batch: a value one of them
  // refuses is refused here, not recorded as that scenario's invalid runs.
  for (std::size_t i = 0; i < bases_.size(); ++i) {
    const Base& b = bases_[i];
    const auto load = [&](const std::vector<std::string>& overrides) {
      return estimate_run_memory(scenario_from_tree(b.tree, spec_.scenarios[i], std::string(),
                                                    LoadOptions{overrides, spec_.ticks, false, 0}));
    };
    std::vector<std::string> largest_values;
    for (const auto& p : spec_.parameters) {
      std::int64_t best = estimate_run_bytes(b.scenario);
      std::string best_value;
      for (const auto& value : extremes(p)) {
        try {
          const MemoryEstimate e = load(p.overrides(value));
          if (e.total() > best) best = e.total(), best_value = value;
          if (e.total() > largest_run_.total()) largest_run_ = e;
        } catch (const InputError& e) {
          if (is_path_error(e, p.path))
            throw UnknownKeyError(p.where, "parameters." + p.path,
                                  e.detail() + " (in the base scenario " + b.scenario.name + ")");
          for (const ParameterSpec::Tied& t : p.also)
            if (is_path_error(e, t.path))
              throw UnknownKeyError(t.where, "parameters." + p.path + ".also",
                                    e.detail() + " (in the base scenario " + b.scenario.name + ")");
          throw RangeError(p.values_where, "parameters." + p.path,
                           "value " + value + " is outside the parameter's domain" +
                               (bases_.size() > 1 ? " in scenario " + b.scenario.name : std::string()) +
                               ": " + e.detail());
        }
      }
      if (!best_value.empty())
        for (std::string& o : p.overrides(best_value)) largest_values.push_back(std::move(o));
    }
    if (largest_values.size() > 1) {
      try {
        const MemoryEstimate e = load(largest_values);
        if (e.total() > largest_run_.total()) largest_run_ = e;
      } catch (const InputError&) {
        // Those extremes are not valid together: the largest single one stands.
      }
    }
  }

  bool given_points = false;
  // Design points (without parameters, one: each scenario as it is),
  // refused before they are made if they cannot fit.
  if (spec_.parameters.empty()) {
    points_ = 1;
  } else if (given) {
    given_points = true;
    design_points_ = std::move(given);
    points_ = design_points_->count();
  } else {
    const SweepDesign& d = design(spec_.design);
    MemoryEstimate e;
    e.components.push_back(sweep_detail::design_points_memory(d.points_bytes(spec_)));
    check_fits(e, available_memory_bytes(), "sweep's design", sweep_detail::sweep_file_name(spec_));
    design_points_ = d.points(spec_);
    points_ = design_points_->count();
  }
  std::int64_t runs = 0;
  if (__builtin_mul_overflow(points_, static_cast<std::int64_t>(spec_.replicates), &runs) ||
      __builtin_mul_overflow(runs, static_cast<std::int64_t>(bases_.size()), &runs))
    throw RangeError(spec_.design_where, "design",
                     "the sweep would have more runs than a 64-bit index counts (" +
                         std::to_string(bases_.size()) + " scenarios x " + std::to_string(points_) +
                         " points x " + std::to_string(spec_.replicates) + " replicates)");
  // Declared metrics: labels and windows checked against the bases; parameter names free.
  sweep_detail::check_parameter_names(*this, sweep_detail::make_layout(*this));
  check_fits(sweep_detail::plan_memory(*this), available_memory_bytes(), "sweep's plan",
             sweep_detail::sweep_file_name(spec_));

  // Identity: everything the results depend on.
  std::ostringstream id;
  id << "geosim sweep identity 2\n"
     << "engine: " << build_info::version << " " << build_info::git_commit << "\n"
     << "results_format: sweep-" << kSweepResultsFormatVersion << "\n"
     << "name: " << spec_.name << "\ndescription: " << spec_.description << "\n"
     << "design: " << spec_.design << "\n";
  // Every key the design declares (design.hpp: it can read no other), so a
  // new design's keys are part of the identity without touching this.
  const config::Schema design_keys = design(spec_.design).keys();
  for (const config::KeySpec& k : design_keys.keys()) {
    const DesignSettings::Value* v = spec_.design_settings.find(k.path);
    id << "design." << k.path << ": " << (v ? v->text : k.default_text) << "\n";
  }
  if (const std::string extra = design(spec_.design).identity(spec_); !extra.empty())
    id << "design.identity: " << extra << "\n";
  if (given_points) {
    // The given points' coordinates, exactly (hex floats), hashed.
    std::string units;
    char buf[32];
    for (std::int64_t i = 0; i < points_; ++i)
      for (std::size_t j = 0; j < spec_.parameters.size(); ++j) {
        std::snprintf(buf, sizeof buf, "%a,", design_points_->unit(i, j));
        units += buf;
      }
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(sweep_detail::fnv1a64(units.data(), units.size())));
    id << "design.points: " << points_ << " given, " << hash << "\n";
  }
  id << "replicates: " << spec_.replicates << "\nseed: " << spec_.seed
     << "\ncommon_random_numbers: " << spec_.common_random_numbers << "\nticks: " << spec_.ticks << "\n";
  for (const auto& o : spec_.set) id << "set: " << o << "\n";
  for (const auto& p : spec_.parameters) {
    id << "parameter: " << p.path;
    for (const ParameterSpec::Tied& t : p.also) id << " also " << t.path;
    if (p.is_range()) {
      id << " range [" << fmt(p.lo) << ", " << fmt(p.hi) << "] log " << p.log << " step " << fmt(p.step)
         << " levels " << p.levels;
      // Written only when not uniform, so uniform sweeps keep their identity.
      if (p.distribution == ParameterSpec::Distribution::normal)
        id << " normal mean " << fmt(p.mean) << " sd " << fmt(p.sd);
      if (p.distribution == ParameterSpec::Distribution::triangular) id << " triangular mode " << fmt(p.mode);
    } else {
      for (const auto& v : p.values) id << " value " << v;
      for (double w : p.weights) id << " weight " << fmt(w);
    }
    id << "\n";
  }
  for (const auto& m : spec_.metrics) id << "metric: " << m << "\n";
  for (const auto& m : spec_.declared_metrics) id << "metric: " << m.canonical() << "\n";
  for (const auto& m : spec_.time_series) id << "time_series: " << m << "\n";
  for (const auto& b : bases_)
    id << "scenario: " << b.scenario.name << "\n" << b.scenario.resolved_yaml << "\n";
  identity_ = id.str();
}

std::string Sweep::shape() const {
  const auto count = [](std::int64_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  return (scenarios() > 1 ? count(scenarios(), "scenario") + " x " : std::string()) +
         count(points_, "point") + " x " + count(spec_.replicates, "replicate");
}

std::string Sweep::identity_hash() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(sweep_detail::fnv1a64(identity_.data(), identity_.size())));
  return buf;
}

RunPlan Sweep::plan(std::int64_t run) const {
  if (run < 0 || run >= runs())
    throw RuntimeFailure("internal error: run " + std::to_string(run) + " out of range");
  RunPlan plan;
  plan.run = run;
  // Scenario-major: every scenario runs every (point, replicate), and a
  // (point, replicate) has the same seed in every scenario, so a batch's
  // scenarios are paired run by run.
  const std::int64_t per_scenario = points_ * spec_.replicates;
  const std::int64_t within = run % per_scenario;
  plan.scenario = static_cast<int>(run / per_scenario);
  plan.point = within / spec_.replicates;
  plan.replicate = static_cast<int>(within % spec_.replicates);
  plan.seed = run_seed(spec_.seed, spec_.common_random_numbers ? static_cast<std::uint64_t>(plan.replicate)
                                                               : static_cast<std::uint64_t>(within));
  plan.overrides = spec_.set;
  for (std::size_t j = 0; j < spec_.parameters.size(); ++j) {
    plan.values.push_back(design_points_->value(plan.point, j));
    plan.units.push_back(design_points_->unit(plan.point, j));
    for (std::string& o : spec_.parameters[j].overrides(plan.values.back()))
      plan.overrides.push_back(std::move(o));
  }
  return plan;
}

Scenario Sweep::scenario(const RunPlan& plan) const {
  const Base& b = bases_.at(static_cast<std::size_t>(plan.scenario));
  LoadOptions options;
  for (std::size_t j = 0; j < spec_.parameters.size(); ++j)
    for (std::string& o : spec_.parameters[j].overrides(plan.values[j]))
      options.overrides.push_back(std::move(o));
  options.ticks = spec_.ticks;
  options.has_seed = true;
  options.seed = plan.seed;
  options.keep_resolved_yaml = false;  // the file records each base's resolved YAML once
  try {
    return scenario_from_tree(b.tree, spec_.scenarios[static_cast<std::size_t>(plan.scenario)], b.text,
                              options);
  } catch (const InputError& e) {
    std::string sets;
    for (const auto& o : options.overrides) sets += " --set " + o;
    throw RangeError(SourceLocation{spec_.file.string(), 0, 0}, "parameters",
                     "run " + std::to_string(plan.run) + " (point " + std::to_string(plan.point) + ":" +
                         sets + ") is not a valid scenario: " + e.what());
  }
}

std::string Sweep::repeat_command(const RunPlan& plan) const {
  std::string cmd =
      "geosim run " + shell_quote(spec_.scenarios[static_cast<std::size_t>(plan.scenario)].string());
  for (const auto& o : plan.overrides) cmd += " --set " + shell_quote(o);
  cmd += " --seed " + std::to_string(plan.seed);
  if (spec_.ticks >= 1) cmd += " --ticks " + std::to_string(spec_.ticks);
  return cmd;
}

}  // namespace geosim

namespace geosim::sweep_detail {

std::string identity_difference(const std::string& before, const std::string& now) {
  const auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  const std::vector<std::string> a = lines(before), b = lines(now);
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) return "";
  // The part the line belongs to: a base scenario's resolved text follows its
  // `scenario: NAME` line; the engine line names the build; the rest is the sweep file.
  const std::vector<std::string>& here = i < b.size() ? b : a;
  std::string part = "the sweep file";
  for (std::size_t j = i + 1; j-- > 0;)
    if (j < here.size() && here[j].rfind("scenario: ", 0) == 0) {
      part = "the base scenario " + here[j].substr(10);
      break;
    }
  const std::string& line = i < here.size() ? here[i] : here.back();
  if (line.rfind("engine: ", 0) == 0 || line.rfind("results_format: ", 0) == 0) part = "the geosim build";
  const auto shown = [](const std::vector<std::string>& v, std::size_t k) {
    return k < v.size() ? "'" + v[k] + "'" : std::string("nothing");
  };
  return "what differs: " + part + ", first at " + shown(a, i) + " in the journal, " + shown(b, i) + " now";
}

}  // namespace geosim::sweep_detail
