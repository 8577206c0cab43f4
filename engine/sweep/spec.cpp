// Sweep files: YAML -> SweepSpec through the sweep-file schema
// (sweep_file_schema(): every key with its type, default, range and doc;
// docs/sweeps.md) and the shared readers of config/reader.hpp, so errors name
// file:line:col and the key like the scenario loader's, under the same rules.
// The design's own keys are declared by the design (design.hpp).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "geosim/config/key_path.hpp"
#include "geosim/config/node.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/config/schema.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim {

namespace {

using config::describe;
using config::join;
using config::Node;
using config::opt;
using config::place;
using config::ValueType;

using sweep_detail::kParam;

config::Schema base_schema(const std::vector<std::string>& designs) {
  const config::Bounds counts{1.0, 1e6};
  config::Schema s;
  s.add({.path = "name",
         .type = ValueType::text,
         .doc = "the sweep's name (default: the file name without .yaml)"});
  s.add({.path = "description", .type = ValueType::text, .doc = "free text, recorded in the results"});
  s.add({.path = "base",
         .type = ValueType::text,
         .doc = "the scenario to vary, relative to the sweep file (exactly one of base and scenarios)"});
  s.add({.path = "scenarios",
         .type = ValueType::list,
         .doc = "a batch: scenario files; with parameters, each scenario runs every design point (crossed); "
                "exactly one of base and scenarios"});
  s.add({.path = "set",
         .type = ValueType::mapping,
         .doc = "dotted scenario path: value, applied to every run before the parameters"});
  s.add({.path = "ticks",
         .type = ValueType::integer,
         .range = counts,
         .doc = "run this many ticks (default: the scenario's)"});
  s.add({.path = "parameters",
         .type = ValueType::mapping,
         .doc = "dotted scenario path: a list of values, or a mapping with values or range"});
  s.add(
      {.path = std::string(kParam) + ".values", .type = ValueType::list, .doc = "the values (YAML scalars)"});
  s.add({.path = std::string(kParam) + ".range", .type = ValueType::list, .doc = "[lo, hi] with lo < hi"});
  s.add({.path = std::string(kParam) + ".also",
         .type = ValueType::list,
         .doc = "further scenario key paths set to the same value at every point (one parameter for a value "
                "the scenario repeats, e.g. the same elasticity in several targets)"});
  s.add({.path = std::string(kParam) + ".scale",
         .type = ValueType::choice,
         .default_text = "linear",
         .choices = {"linear", "log"},
         .doc = "log: log-uniform in the range (lo > 0)"});
  s.add({.path = std::string(kParam) + ".step",
         .type = ValueType::number,
         .range = config::kPositive,
         .doc = "only lo, lo + step, ... <= hi (integers if lo and step are); not with a log scale"});
  s.add(
      {.path = std::string(kParam) + ".distribution",
       .type = ValueType::choice,
       .default_text = "uniform",
       .choices = {"uniform", "normal", "triangular"},
       .doc =
           "how sampling designs draw in the range: uniform (log-uniform with scale: log), normal truncated "
           "to the range (mean, sd), triangular (mode)"});
  s.add({.path = std::string(kParam) + ".mean",
         .type = ValueType::number,
         .doc = "normal: the mean before truncation to the range"});
  s.add({.path = std::string(kParam) + ".sd",
         .type = ValueType::number,
         .range = config::kPositive,
         .doc = "normal: the standard deviation before truncation to the range"});
  s.add({.path = std::string(kParam) + ".mode",
         .type = ValueType::number,
         .doc = "triangular: the most likely value, in the range"});
  s.add({.path = std::string(kParam) + ".weights",
         .type = ValueType::list,
         .doc = "values: their relative probabilities in sampling designs (numbers >= 0, one per value)"});
  s.add({.path = std::string(kParam) + ".levels",
         .type = ValueType::integer,
         .range = {2.0, 1e6},
         .doc = "grid levels of a continuous range, endpoints included"});
  s.add({.path = "design",
         .type = ValueType::choice,
         .default_text = "grid",
         .choices = designs,
         .doc = "how parameters become points (a registered design)"});
  s.add({.path = "replicates",
         .type = ValueType::integer,
         .default_text = "1",
         .range = counts,
         .doc = "runs per point, each with its own seed"});
  s.add({.path = "seed",
         .type = ValueType::integer,
         .default_text = "0",
         .range = {0.0, 18446744073709551615.0},
         .doc = "the sweep seed: run seeds and random designs derive from it"});
  s.add({.path = "common_random_numbers",
         .type = ValueType::boolean,
         .default_text = "false",
         .doc = "replicate k has the same seed at every point"});
  s.add(
      {.path = "metrics",
       .type = ValueType::names,
       .default_text = "all",
       .doc = "metrics kept per run: a list of built-in names and declared metrics (mappings), all or none"});
  s.add({.path = "time_series",
         .type = ValueType::names,
         .default_text = "none",
         .doc = "time series kept per run: a list of names, all or none"});
  return s;
}

/// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

std::string fmt17(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

/// A list of names from `allowed`, or `all` / `none` (also true / false).
std::vector<std::string> name_list(const Node& n, const std::string& path, const std::string& kind,
                                   const std::vector<std::string>& allowed, bool default_all,
                                   std::vector<MetricSpec>* declared = nullptr) {
  if (n.is_scalar() && !n.quoted) {
    if (n.scalar == "all" || n.scalar == "true") return allowed;
    if (n.scalar == "none" || n.scalar == "false") return {};
  }
  if (n.is_null()) return default_all ? allowed : std::vector<std::string>{};
  if (!n.is_sequence())
    throw TypeError(place(n), path, "expected a list of " + kind + " names, all or none, got " + describe(n));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const Node& item = n.items[i];
    const std::string ip = config::indexed(path, i);
    if (declared && item.is_map()) {  // a metric declared here
      MetricSpec m = sweep_detail::read_metric(item, ip, allowed);
      for (const MetricSpec& other : *declared)
        if (other.name == m.name)
          throw DuplicateKeyError(item.where, ip, "'" + m.name + "' is declared twice");
      declared->push_back(std::move(m));
      continue;
    }
    const std::string name = config::text(item, ip);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string hint = config::did_you_mean(name, allowed);
      throw UnknownKeyError(item.where, ip,
                            "unknown " + kind + " '" + name + "'" +
                                (hint.empty() ? "; expected one of: " + config::list_names(allowed) : hint));
    }
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw DuplicateKeyError(item.where, ip, "'" + name + "' is listed twice");
    out.push_back(name);
  }
  return out;
}

/// Reads the keys the chosen design declares (through its KeySpecs), refuses
/// keys only other designs read, and runs the design's own checks.
void read_design(const Node& root, const config::Schema& base, SweepSpec& s) {
  const SweepDesign& d = design(s.design);
  const config::Schema own = d.keys();
  for (const auto& [key, value] : root.entries) {
    if (base.find(key) || own.find(key) || value.is_null()) continue;
    std::vector<std::string> readers;
    for (const std::string& name : design_names())
      if (find_design(name)->keys().find(key)) readers.push_back(name);
    throw TypeError(value.key_where, key,
                    "the " + s.design + " design (" + d.doc() + ") has no key '" + key +
                        "'; it is a key of the " + and_list(readers) + " design" +
                        (readers.size() > 1 ? "s" : ""));
  }
  for (const config::KeySpec& k : own.keys()) {
    const Node* n = opt(root, k.path);
    if (!n && k.required)
      throw TypeError(s.design_where, k.path,
                      "missing required key '" + k.path + "' (the " + s.design + " design's " + k.doc + ": " +
                          k.expected() + ")");
    DesignSettings::Value v{k.path, k.default_text, 0.0, n ? n->key_where : SourceLocation{}};
    switch (k.type) {
      case ValueType::integer:
        v.number = static_cast<double>(config::read_integer(root, k, ""));
        v.text = std::to_string(static_cast<std::int64_t>(v.number));
        break;
      case ValueType::number:
        v.number = config::read_number(root, k, "");
        v.text = fmt17(v.number);
        break;
      case ValueType::boolean:
        v.number = config::read_boolean(root, k, "") ? 1.0 : 0.0;
        v.text = v.number != 0.0 ? "true" : "false";
        break;
      case ValueType::choice: {
        const int i = config::read_choice(root, k, "");
        v.number = i;
        v.text = k.choices[static_cast<std::size_t>(i)];
        break;
      }
      default:  // text (register_design admits no other type)
        if (n) v.text = config::text(*n, k.path);
        break;
    }
    s.design_settings.set(std::move(v));
  }
  d.complete(s);
  d.validate(DesignContext{s, s.design_where, s.parameters_where});
}

}  // namespace

config::Schema sweep_detail::sweep_file_schema_without_designs() { return base_schema({}); }

config::Schema sweep_file_schema() {
  const std::vector<std::string> names = design_names();
  config::Schema s = base_schema(names);
  for (const std::string& name : names) {
    const config::Schema keys = find_design(name)->keys();
    for (config::KeySpec k : keys.keys()) {
      if (s.find(k.path)) continue;  // declared by an earlier design too (samples)
      std::vector<std::string> readers;
      for (const std::string& other : names)
        if (find_design(other)->keys().find(k.path)) readers.push_back(other);
      k.doc = "(" + and_list(readers) + ") " + k.doc;
      s.add(std::move(k));
    }
  }
  return s;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> out;
  for (const auto& m : sweep_detail::metric_table()) out.push_back(m.name);
  return out;
}
std::vector<std::string> time_series_names() {
  std::vector<std::string> out;
  for (const auto& m : sweep_detail::series_table()) out.push_back(m.name);
  return out;
}

namespace {

SweepSpec spec_from_tree(const Node& root, const std::filesystem::path& path, bool require_outputs = true) {
  const std::vector<std::string> designs = design_names();
  const config::Schema schema = base_schema(designs);
  SweepSpec s;
  s.file = path;
  if (!root.is_map())
    throw TypeError(place(root), "",
                    "the top level of a sweep file must be a mapping, got " + describe(root));
  config::check_keys(root, "", sweep_file_schema(), "");
  const std::filesystem::path dir = path.parent_path();
  s.name = config::text_or(root, "name", "", path.stem().string());
  s.description = config::text_or(root, "description", "", "");

  const Node* base = opt(root, "base");
  const Node* scenarios = opt(root, "scenarios");
  if ((base != nullptr) == (scenarios != nullptr))
    throw TypeError(root.where, "base",
                    "expected exactly one of 'base' (the scenario to vary) or 'scenarios' (a batch)");
  if (base) {
    s.scenarios.push_back((dir / config::text(*base, "base")).lexically_normal());
    s.scenario_where.push_back(base->where);
  } else {
    if (!scenarios->is_sequence() || scenarios->items.empty())
      throw TypeError(place(*scenarios), "scenarios", "expected a non-empty list of scenario files");
    for (std::size_t i = 0; i < scenarios->items.size(); ++i) {
      const Node& item = scenarios->items[i];
      s.scenarios.push_back((dir / config::text(item, config::indexed("scenarios", i))).lexically_normal());
      s.scenario_where.push_back(item.where);
    }
  }
  if (const Node* set = opt(root, "set")) {
    config::expect_map(*set, "set", "a mapping of dotted paths to values");
    for (const auto& [key, value] : set->entries) {
      // As --set takes it; a quoted value stays quoted ("Sanctions: phase 1" is a string, not a mapping).
      s.set.push_back(key + "=" + config::to_flow_yaml(value));
      s.set_where.push_back(value.where);
    }
  }
  if (opt(root, "ticks")) s.ticks = static_cast<int>(config::read_integer(root, schema.at("ticks"), ""));

  const Node* params = opt(root, "parameters");
  s.parameters_where = params ? params->where : root.where;
  if (params) {
    config::expect_map(*params, "parameters", "a mapping of dotted paths to values or ranges");
    for (const auto& [key, value] : params->entries)
      s.parameters.push_back(sweep_detail::read_parameter(schema, key, value, join("parameters", key)));
    sweep_detail::check_tied_paths_distinct(s.parameters);
  }
  const config::KeySpec& design_key = schema.at("design");
  s.design = designs.at(static_cast<std::size_t>(config::read_choice(root, design_key, "")));
  const Node* design = opt(root, "design");
  s.design_where = design ? design->where : root.where;
  read_design(root, schema, s);

  s.replicates = static_cast<int>(config::read_integer(root, schema.at("replicates"), ""));
  const Node* seed = opt(root, "seed");
  s.seed = seed ? config::unsigned64(*seed, "seed") : std::stoull(schema.at("seed").default_text);
  s.common_random_numbers = config::read_boolean(root, schema.at("common_random_numbers"), "");
  // Absent or null: the declared default, all or none.
  const auto names = [&](const char* key, const std::string& kind, const std::vector<std::string>& allowed,
                         std::vector<MetricSpec>* declared) {
    const bool all = schema.at(key).default_text == "all";
    const Node* n = root.find(key);
    return n ? name_list(*n, key, kind, allowed, all, declared) : all ? allowed : std::vector<std::string>{};
  };
  const Node* metrics = root.find("metrics");
  s.metrics = names("metrics", "metric", metric_names(), &s.declared_metrics);
  s.time_series = names("time_series", "time series", time_series_names(), nullptr);
  if (require_outputs && s.metrics.empty() && s.declared_metrics.empty() && s.time_series.empty())
    throw TypeError(metrics ? place(*metrics) : root.where, "metrics",
                    "the sweep keeps nothing: give metrics or time_series");
  return s;
}

}  // namespace

SweepSpec load_sweep_spec(const std::filesystem::path& path) {
  return spec_from_tree(config::parse_file(path), path);
}

SweepSpec sweep_spec_from_text(std::string_view text, const std::filesystem::path& path) {
  return spec_from_tree(config::parse_text(text, path.string()), path);
}

SweepSpec sweep_spec_from_tree(const config::Node& root, const std::filesystem::path& path,
                               bool require_outputs) {
  return spec_from_tree(root, path, require_outputs);
}

SweepSpec batch_spec(const std::vector<std::filesystem::path>& scenarios, int replicates, std::uint64_t seed,
                     bool common_random_numbers, int ticks) {
  SweepSpec s;
  s.name = "batch";
  if (scenarios.empty()) throw UsageError({"command line"}, "", "batch needs at least one SCENARIO.yaml");
  if (replicates < 1) throw UsageError({"command line"}, "--replicates", "expected an integer >= 1");
  for (const auto& p : scenarios) {
    s.scenarios.push_back(p);
    s.scenario_where.push_back(SourceLocation{p.string(), 0, 0});
  }
  s.replicates = replicates;
  s.seed = seed;
  s.common_random_numbers = common_random_numbers;
  s.ticks = ticks;
  s.metrics = metric_names();
  return s;
}

}  // namespace geosim
