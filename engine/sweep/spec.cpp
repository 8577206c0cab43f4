// Sweep files: YAML -> SweepSpec, with errors naming file:line:col and the
// key like the scenario loader's (docs/sweeps.md documents every key).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "geosim/sweep/sweep.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim {

std::string_view design_name(Design design) {
  switch (design) {
    case Design::grid: return "grid";
    case Design::random: return "random";
    case Design::lhs: return "lhs";
    case Design::sobol: return "sobol";
  }
  return "?";
}

// ------------------------------------------------------------- parameters ---

std::int64_t ParameterSpec::count() const {
  if (!values.empty()) return static_cast<std::int64_t>(values.size());
  if (step > 0) return static_cast<std::int64_t>(std::floor((hi - lo) / step + 1e-9)) + 1;
  return levels;
}

namespace {

std::string value_text(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  (void)ec;
  return std::string(buf, end);
}

double scaled(const ParameterSpec& p, double u) {
  if (p.log) return std::exp(std::log(p.lo) + u * (std::log(p.hi) - std::log(p.lo)));
  return p.lo + u * (p.hi - p.lo);
}

}  // namespace

std::string ParameterSpec::at_level(std::int64_t index) const {
  if (!values.empty()) return values[static_cast<std::size_t>(index)];
  if (step > 0) return value_text(lo + static_cast<double>(index) * step, integer);
  const std::int64_t n = levels;
  if (n <= 1) return value_text(lo, false);
  if (index == n - 1) return value_text(hi, false);
  return value_text(scaled(*this, static_cast<double>(index) / static_cast<double>(n - 1)), false);
}

std::string ParameterSpec::at_unit(double u) const {
  const std::int64_t n = count();
  if (!values.empty() || step > 0) {
    const auto index = std::min<std::int64_t>(static_cast<std::int64_t>(u * static_cast<double>(n)), n - 1);
    return at_level(index);
  }
  return value_text(std::clamp(scaled(*this, u), lo, hi), false);
}

// ------------------------------------------------------------ sweep files ---

namespace {

using config::Node;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const SourceLocation& place(const Node& n) { return n.where.file.empty() ? n.key_where : n.where; }

std::string describe(const Node& n) {
  if (!n.is_scalar()) return n.kind_name();
  std::string text = n.scalar;
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return n.quoted ? "\"" + text + "\"" : text;
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_keys(const Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : map.entries) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string best = config::nearest(key, allowed);
    throw UnknownKeyError(value.key_where, join(path, key),
                          "unknown key '" + key + "'" +
                              (best.empty() ? "; expected one of: " + list_names(allowed)
                                            : " (did you mean '" + best + "'?)"));
  }
}

const Node* opt(const Node& map, std::string_view key) {
  const Node* n = map.find(key);
  return n && !n->is_null() ? n : nullptr;
}

double number(const Node& n, const std::string& path) {
  if (!n.is_scalar() || n.quoted) throw TypeError(place(n), path, "expected a number, got " + describe(n));
  std::string_view s = n.scalar;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size())
    throw TypeError(n.where, path, "expected a number, got " + describe(n));
  if (ec != std::errc() || !std::isfinite(v))
    throw RangeError(n.where, path, "expected a finite number, got " + n.scalar);
  return v;
}

std::int64_t integer(const Node& n, const std::string& path, std::int64_t min,
                     std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  const std::string what = "an integer >= " + std::to_string(min);
  if (!n.is_scalar() || n.quoted) throw TypeError(place(n), path, "expected " + what + ", got " + describe(n));
  std::string_view s = n.scalar;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    throw TypeError(n.where, path, "expected " + what + ", got " + describe(n));
  if (v < min || v > max)
    throw RangeError(n.where, path,
                     max == std::numeric_limits<std::int64_t>::max()
                         ? "expected " + what + ", got " + n.scalar
                         : "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                               "], got " + n.scalar);
  return v;
}

std::uint64_t unsigned64(const Node& n, const std::string& path) {
  if (!n.is_scalar() || n.quoted)
    throw TypeError(place(n), path, "expected an integer >= 0, got " + describe(n));
  std::string_view s = n.scalar;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    throw TypeError(n.where, path, "expected an integer in [0, 18446744073709551615], got " + describe(n));
  return v;
}

bool boolean(const Node& n, const std::string& path) {
  if (n.is_scalar() && !n.quoted) {
    if (n.scalar == "true" || n.scalar == "yes" || n.scalar == "on") return true;
    if (n.scalar == "false" || n.scalar == "no" || n.scalar == "off") return false;
  }
  throw TypeError(place(n), path, "expected true or false, got " + describe(n));
}

std::string text(const Node& n, const std::string& path) {
  if (!n.is_scalar()) throw TypeError(place(n), path, "expected a string, got " + describe(n));
  return n.scalar;
}

/// A list of names from `allowed`, or `all` / `none` (also true / false).
std::vector<std::string> name_list(const Node& n, const std::string& path,
                                   const std::vector<std::string>& allowed, bool default_all) {
  if (n.is_scalar() && !n.quoted) {
    if (n.scalar == "all" || n.scalar == "true") return allowed;
    if (n.scalar == "none" || n.scalar == "false") return {};
  }
  if (n.is_null()) return default_all ? allowed : std::vector<std::string>{};
  if (!n.is_sequence())
    throw TypeError(place(n), path, "expected a list of names, all or none, got " + describe(n));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const Node& item = n.items[i];
    const std::string ip = path + "[" + std::to_string(i) + "]";
    const std::string name = text(item, ip);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string best = config::nearest(name, allowed);
      throw UnknownKeyError(item.where, ip,
                            "unknown name '" + name + "'" +
                                (best.empty() ? "; expected one of: " + list_names(allowed)
                                              : " (did you mean '" + best + "'?)"));
    }
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw DuplicateKeyError(item.where, ip, "'" + name + "' is listed twice");
    out.push_back(name);
  }
  return out;
}

ParameterSpec parameter(const std::string& key, const Node& value, const std::string& path) {
  ParameterSpec p;
  p.path = key;
  p.where = value.key_where;
  p.values_where = place(value);
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos)
    throw TypeError(value.key_where, path, "expected a dotted scenario path such as powers.CHN.budget.soft");
  const Node* values = nullptr;
  if (value.is_sequence()) {
    values = &value;
  } else if (value.is_map()) {
    check_keys(value, path, {"values", "range", "scale", "step", "levels"});
    values = opt(value, "values");
    const Node* range = opt(value, "range");
    if ((values != nullptr) == (range != nullptr))
      throw TypeError(value.where, path, "expected exactly one of 'values' (a list) or 'range' ([lo, hi])");
    if (range) {
      const std::string rp = join(path, "range");
      if (!range->is_sequence() || range->items.size() != 2)
        throw TypeError(place(*range), rp, "expected [lo, hi], got " + describe(*range));
      p.values_where = range->where;
      p.lo = number(range->items[0], rp + "[0]");
      p.hi = number(range->items[1], rp + "[1]");
      if (!(p.lo < p.hi)) throw RangeError(range->where, rp, "expected lo < hi");
      if (const Node* scale = opt(value, "scale")) {
        const std::string s = text(*scale, join(path, "scale"));
        if (s != "log" && s != "linear")
          throw TypeError(scale->where, join(path, "scale"), "expected log or linear, got " + describe(*scale));
        p.log = s == "log";
        if (p.log && p.lo <= 0)
          throw RangeError(range->where, rp, "a log scale needs lo > 0, got " + range->items[0].scalar);
      }
      if (const Node* step = opt(value, "step")) {
        if (p.log) throw TypeError(step->where, join(path, "step"), "step and scale: log exclude each other");
        p.step = number(*step, join(path, "step"));
        if (!(p.step > 0)) throw RangeError(step->where, join(path, "step"), "expected a number > 0");
        p.integer = std::floor(p.lo) == p.lo && std::floor(p.step) == p.step;
        if (p.count() > (std::int64_t{1} << 31))
          throw RangeError(step->where, join(path, "step"), "too many steps in the range");
      }
      if (const Node* levels = opt(value, "levels")) {
        if (p.step > 0) throw TypeError(levels->where, join(path, "levels"), "step and levels exclude each other");
        p.levels = static_cast<int>(integer(*levels, join(path, "levels"), 2, 1'000'000));
      }
      return p;
    }
    for (const char* k : {"scale", "step", "levels"})
      if (const Node* n = opt(value, k))
        throw TypeError(n->key_where, join(path, k), std::string("'") + k + "' applies to a range, not to values");
  } else {
    throw TypeError(place(value), path,
                    "expected a list of values or a mapping with values or range, got " + describe(value));
  }
  const std::string vp = join(path, "values");
  if (!values->is_sequence() || values->items.empty())
    throw TypeError(place(*values), vp, "expected a non-empty list of values, got " + describe(*values));
  p.values_where = values->where;
  for (std::size_t i = 0; i < values->items.size(); ++i) {
    const Node& v = values->items[i];
    if (!v.is_scalar())
      throw TypeError(place(v), vp + "[" + std::to_string(i) + "]", "expected a scalar value, got " + describe(v));
    p.values.push_back(v.scalar);
  }
  return p;
}

}  // namespace

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

SweepSpec load_sweep_spec(const std::filesystem::path& path) {
  const Node root = config::parse_file(path);
  SweepSpec s;
  s.file = path;
  if (!root.is_map()) throw TypeError(place(root), "", "the top level of a sweep file must be a mapping, got " + describe(root));
  check_keys(root, "", {"name", "description", "base", "scenarios", "set", "ticks", "parameters", "design",
                        "samples", "replicates", "seed", "common_random_numbers", "metrics", "time_series"});
  const std::filesystem::path dir = path.parent_path();
  s.name = opt(root, "name") ? text(*opt(root, "name"), "name") : path.stem().string();
  if (const Node* d = opt(root, "description")) s.description = text(*d, "description");

  const Node* base = opt(root, "base");
  const Node* scenarios = opt(root, "scenarios");
  if ((base != nullptr) == (scenarios != nullptr))
    throw TypeError(root.where, "base",
                    "expected exactly one of 'base' (the scenario to vary) or 'scenarios' (a batch)");
  if (base) {
    s.scenarios.push_back((dir / text(*base, "base")).lexically_normal());
    s.scenario_where.push_back(base->where);
  } else {
    if (!scenarios->is_sequence() || scenarios->items.empty())
      throw TypeError(place(*scenarios), "scenarios", "expected a non-empty list of scenario files");
    for (std::size_t i = 0; i < scenarios->items.size(); ++i) {
      const Node& item = scenarios->items[i];
      s.scenarios.push_back((dir / text(item, "scenarios[" + std::to_string(i) + "]")).lexically_normal());
      s.scenario_where.push_back(item.where);
    }
  }
  if (const Node* set = opt(root, "set")) {
    if (!set->is_map()) throw TypeError(place(*set), "set", "expected a mapping of dotted paths to values");
    for (const auto& [key, value] : set->entries) {
      if (!value.is_scalar())
        throw TypeError(place(value), join("set", key), "expected a scalar value, got " + describe(value));
      s.set.push_back(key + "=" + value.scalar);
      s.set_where.push_back(value.where);
    }
  }
  if (const Node* t = opt(root, "ticks")) s.ticks = static_cast<int>(integer(*t, "ticks", 1, 1'000'000));

  if (const Node* params = opt(root, "parameters")) {
    if (!params->is_map()) throw TypeError(place(*params), "parameters", "expected a mapping of dotted paths to values or ranges");
    for (const auto& [key, value] : params->entries)
      s.parameters.push_back(parameter(key, value, join("parameters", key)));
  }
  if (scenarios && !s.parameters.empty())
    throw TypeError(opt(root, "parameters")->key_where, "parameters",
                    "a batch ('scenarios') varies no parameters; sweep one 'base' scenario instead");

  const Node* design = opt(root, "design");
  if (design) {
    const std::string d = text(*design, "design");
    const std::vector<std::string> names{"grid", "random", "lhs", "sobol"};
    const auto it = std::find(names.begin(), names.end(), d);
    if (it == names.end()) {
      const std::string best = config::nearest(d, names);
      throw TypeError(design->where, "design",
                      "expected one of grid, random, lhs, sobol, got " + describe(*design) +
                          (best.empty() ? "" : " (did you mean '" + best + "'?)"));
    }
    s.design = static_cast<Design>(it - names.begin());
  }
  const Node* samples = opt(root, "samples");
  if (s.design == Design::grid) {
    if (samples)
      throw TypeError(samples->key_where, "samples",
                      "a grid has one point per combination of levels; 'samples' is for random, lhs and sobol");
    for (const auto& p : s.parameters)
      if (p.count() == 0)
        throw TypeError(p.values_where, "parameters." + p.path,
                        "a continuous range in a grid needs 'levels' (or 'step')");
  } else {
    if (!samples)
      throw TypeError(design ? design->where : root.where, "samples",
                      std::string("missing required key 'samples' (points of the ") +
                          std::string(design_name(s.design)) + " design)");
    s.samples = integer(*samples, "samples", 1, std::int64_t{1} << 31);
    if (s.parameters.empty())
      throw TypeError(design->where, "design", "a " + std::string(design_name(s.design)) +
                                                   " design needs at least one parameter");
    if (s.design == Design::sobol && s.parameters.size() > sweep_detail::kSobolMaxDimension)
      throw RangeError(opt(root, "parameters")->where, "parameters",
                       "Sobol sequences support at most " + std::to_string(sweep_detail::kSobolMaxDimension) +
                           " parameters");
  }
  if (const Node* r = opt(root, "replicates")) s.replicates = static_cast<int>(integer(*r, "replicates", 1, 1'000'000));
  if (const Node* seed = opt(root, "seed")) s.seed = unsigned64(*seed, "seed");
  if (const Node* crn = opt(root, "common_random_numbers")) s.common_random_numbers = boolean(*crn, "common_random_numbers");
  const Node* metrics = root.find("metrics");
  s.metrics = metrics ? name_list(*metrics, "metrics", metric_names(), true) : metric_names();
  const Node* series = root.find("time_series");
  s.time_series = series ? name_list(*series, "time_series", time_series_names(), false) : std::vector<std::string>{};
  if (s.metrics.empty() && s.time_series.empty())
    throw TypeError(metrics ? place(*metrics) : root.where, "metrics", "the sweep keeps nothing: give metrics or time_series");
  return s;
}

SweepSpec batch_spec(const std::vector<std::filesystem::path>& scenarios, int replicates,
                     std::uint64_t seed, bool common_random_numbers, int ticks) {
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
