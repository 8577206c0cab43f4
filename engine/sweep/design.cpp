// The design registry, design settings, unit-coordinate points, and a
// parameter's values at a level or a design coordinate.
#include "geosim/sweep/design.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "geosim/config/reader.hpp"
#include "geosim/core/rng.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim {

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

/// The inverse CDF of p's distribution on [lo, hi] at u in [0, 1].
double drawn(const ParameterSpec& p, double u) {
  using D = ParameterSpec::Distribution;
  switch (p.distribution) {
    case D::uniform: return scaled(p, u);
    case D::normal: {
      const boost::math::normal n(p.mean, p.sd);
      const double a = boost::math::cdf(n, p.lo), b = boost::math::cdf(n, p.hi);
      const double q = a + u * (b - a);
      if (q <= 0.0) return p.lo;
      if (q >= 1.0) return p.hi;
      return boost::math::quantile(n, q);
    }
    case D::triangular: {
      const double width = p.hi - p.lo, left = (p.mode - p.lo) / width;
      return u < left ? p.lo + std::sqrt(u * width * (p.mode - p.lo))
                      : p.hi - std::sqrt((1.0 - u) * width * (p.hi - p.mode));
    }
  }
  return scaled(p, u);
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

std::vector<std::string> ParameterSpec::overrides(const std::string& value) const {
  std::vector<std::string> out{path + "=" + value};
  for (const Tied& t : also) out.push_back(t.path + "=" + value);
  return out;
}

std::string ParameterSpec::describe() const {
  const auto range = [this] { return "[" + config::fmt(lo) + ", " + config::fmt(hi) + "]"; };
  if (!values.empty()) {
    std::string out = "one of ";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? ", " : "") + values[i];
    if (!weights.empty()) {
      out += " (weights ";
      for (std::size_t i = 0; i < weights.size(); ++i) out += (i > 0 ? ", " : "") + config::fmt(weights[i]);
      out += ")";
    }
    return out;
  }
  if (step > 0) return "steps of " + config::fmt(step) + " on " + range();
  switch (distribution) {
    case Distribution::normal:
      return "normal (mean " + config::fmt(mean) + ", sd " + config::fmt(sd) + ") truncated to " + range();
    case Distribution::triangular: return "triangular on " + range() + ", mode " + config::fmt(mode);
    case Distribution::uniform: break;
  }
  return (log ? "log-uniform on " : "uniform on ") + range();
}

std::string ParameterSpec::at_unit(double u) const {
  const std::int64_t n = count();
  if (!weights.empty()) {  // cumulative shares of [0, 1), one per value
    double total = 0.0;
    for (double w : weights) total += w;
    double cumulative = 0.0;
    for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
      cumulative += weights[i];
      if (u * total < cumulative) return at_level(static_cast<std::int64_t>(i));
    }
    return at_level(static_cast<std::int64_t>(weights.size()) - 1);
  }
  if (!values.empty() || step > 0) {
    const auto index = std::min<std::int64_t>(static_cast<std::int64_t>(u * static_cast<double>(n)), n - 1);
    return at_level(index);
  }
  return value_text(std::clamp(drawn(*this, u), lo, hi), false);
}

// --------------------------------------------------------------- settings ---

void DesignSettings::set(Value value) {
  for (auto& v : values_)
    if (v.key == value.key) {
      v = std::move(value);
      return;
    }
  values_.push_back(std::move(value));
}

const DesignSettings::Value* DesignSettings::find(std::string_view key) const {
  for (const auto& v : values_)
    if (v.key == key) return &v;
  return nullptr;
}

const DesignSettings::Value& DesignSettings::at(std::string_view key) const {
  if (const Value* v = find(key)) return *v;
  throw std::logic_error("sweep design: no value for key '" + std::string(key) +
                         "' (a design reads only the keys it declares in keys(), which the loader fills, "
                         "so that the sweep identity records them)");
}

double DesignSettings::number(std::string_view key) const { return at(key).number; }
std::int64_t DesignSettings::integer(std::string_view key) const {
  return static_cast<std::int64_t>(at(key).number);
}
bool DesignSettings::boolean(std::string_view key) const { return at(key).number != 0.0; }
const std::string& DesignSettings::text(std::string_view key) const { return at(key).text; }
const SourceLocation& DesignSettings::where(std::string_view key) const { return at(key).where; }

// ----------------------------------------------------------------- points ---

UnitPoints::UnitPoints(std::vector<ParameterSpec> parameters, std::int64_t count)
    : parameters_(std::move(parameters)),
      count_(count),
      dims_(parameters_.size()),
      units_(static_cast<std::size_t>(count) * parameters_.size(), 0.0) {}

UnitPoints::~UnitPoints() = default;

std::string UnitPoints::value(std::int64_t point, std::size_t parameter) const {
  return parameters_[parameter].at_unit(units_[static_cast<std::size_t>(point) * dims_ + parameter]);
}

double design_uniform(std::uint64_t sweep_seed, std::uint64_t index, std::uint32_t j, std::uint32_t salt) {
  const std::uint64_t key = splitmix64(sweep_seed ^ 0x64657369676E2121ULL);  // "design!!"
  const auto w = rng::philox(key, static_cast<std::uint32_t>(index), j, rng::other,
                             salt ^ static_cast<std::uint32_t>(index >> 32));
  return rng::uniform_double(w[0], w[1]);
}

// --------------------------------------------------------------- registry ---

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<SweepDesign>> designs;
};

void add(Registry& r, std::unique_ptr<SweepDesign> design) {
  const std::string name = design->name();
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      }))
    throw std::logic_error("sweep design name '" + name + "': expected [a-z0-9_]+");
  for (const auto& d : r.designs)
    if (d->name() == name) throw std::logic_error("sweep design '" + name + "' registered twice");
  const config::Schema file = sweep_detail::sweep_file_schema_without_designs();
  const config::Schema keys = design->keys();
  for (const config::KeySpec& k : keys.keys()) {
    if (k.path.find('.') != std::string::npos || file.find(k.path))
      throw std::logic_error("sweep design '" + name + "': key '" + k.path +
                             "' is not a new top-level key of the sweep file");
    if (k.type != config::ValueType::number && k.type != config::ValueType::integer &&
        k.type != config::ValueType::boolean && k.type != config::ValueType::choice &&
        k.type != config::ValueType::text)
      throw std::logic_error("sweep design '" + name + "': key '" + k.path +
                             "' must be a number, integer, boolean, choice or text");
  }
  r.designs.push_back(std::move(design));
}

Registry& registry() {
  static Registry r;
  static const bool built_in = [] {
  // The built-in designs, one line each in designs/designs.hpp (engine/sweep/designs/NAME.cpp).
#define GEOSIM_SWEEP_DESIGN(name) add(r, sweep_designs::make_##name());
    GEOSIM_BUILTIN_SWEEP_DESIGNS(GEOSIM_SWEEP_DESIGN)
#undef GEOSIM_SWEEP_DESIGN
    return true;
  }();
  (void)built_in;
  return r;
}

}  // namespace

void register_design(std::unique_ptr<SweepDesign> design) {
  if (!design) throw std::logic_error("register_design: null design");
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  add(r, std::move(design));
}

const SweepDesign* find_design(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& d : r.designs)
    if (d->name() == name) return d.get();
  return nullptr;
}

const SweepDesign& design(std::string_view name) {
  if (const SweepDesign* d = find_design(name)) return *d;
  throw std::logic_error("no sweep design '" + std::string(name) + "' is registered");
}

std::vector<std::string> design_names() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& d : r.designs) out.push_back(d->name());
  return out;
}

}  // namespace geosim
