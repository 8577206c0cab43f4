// A sweep file's parameters (docs/sweeps.md): one parameter's mapping (values
// or a range with its distribution, tied paths) read into a ParameterSpec.
// Shared by sweep files and calibration priors.
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <sstream>

#include "geosim/config/key_path.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/config/schema.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {

namespace {

using config::describe;
using config::join;
using config::Node;
using config::opt;
using config::place;

std::string fmt17(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

/// A range's distribution keys (distribution, mean, sd, mode), checked against the range.
template <class Spec>
void read_distribution(const Node& value, const std::string& path, const Spec& spec, const Node& range,
                       ParameterSpec& p) {
  using D = ParameterSpec::Distribution;
  const config::KeySpec& key = spec("distribution");
  const std::string name = key.choices[static_cast<std::size_t>(config::read_choice(value, key, path))];
  p.distribution = name == "normal" ? D::normal : name == "triangular" ? D::triangular : D::uniform;
  const auto needs = [&](const char* k, bool wanted) {
    const Node* n = opt(value, k);
    if (n && !wanted)
      throw TypeError(n->key_where, join(path, k),
                      std::string("'") + k + "' applies to " +
                          (std::string(k) == "mode" ? "a triangular" : "a normal") +
                          " distribution, not to " + name);
    if (!n && wanted) throw TypeError(value.where, path, "a " + name + " distribution needs '" + k + "'");
  };
  needs("mean", p.distribution == D::normal);
  needs("sd", p.distribution == D::normal);
  needs("mode", p.distribution == D::triangular);
  if (p.distribution == D::uniform) return;
  const Node* dist = opt(value, "distribution");
  if (p.log || p.step > 0)
    throw TypeError(dist->where, join(path, "distribution"),
                    "a " + name + " distribution is drawn on a linear, continuous range: not with " +
                        (p.log ? "scale: log" : "step"));
  if (p.distribution == D::normal) {
    p.mean = config::read_number(value, spec("mean"), path);
    p.sd = config::read_number(value, spec("sd"), path);
    const boost::math::normal n(p.mean, p.sd);
    if (boost::math::cdf(n, p.hi) - boost::math::cdf(n, p.lo) < 1e-9)
      throw RangeError(range.where, join(path, "range"),
                       "the range holds almost none of the normal distribution's mass (mean " +
                           fmt17(p.mean) + ", sd " + fmt17(p.sd) +
                           "); truncating to it would draw only its edge");
  } else {
    p.mode = config::read_number(value, spec("mode"), path);
    if (p.mode < p.lo || p.mode > p.hi)
      throw RangeError(opt(value, "mode")->where, join(path, "mode"), "expected a mode within the range");
  }
}

/// The `also:` list: scenario key paths, each distinct and not the parameter's own.
void read_tied_paths(const Node& value, const std::string& path, ParameterSpec& p) {
  const Node* also = opt(value, "also");
  if (!also) return;
  const std::string ap = join(path, "also");
  if (!also->is_sequence() || also->items.empty())
    throw TypeError(place(*also), ap,
                    "expected a non-empty list of scenario key paths, got " + describe(*also));
  for (std::size_t i = 0; i < also->items.size(); ++i) {
    const Node& item = also->items[i];
    const std::string ip = config::indexed(ap, i);
    if (!item.is_scalar())
      throw TypeError(place(item), ip, "expected a scenario key path, got " + describe(item));
    try {
      config::split_key_path(item.scalar, item.where);
    } catch (const UsageError& e) {
      throw TypeError(item.where, ip, "expected a scenario key path: " + e.detail());
    }
    const bool repeated = item.scalar == p.path ||
                          std::any_of(p.also.begin(), p.also.end(),
                                      [&](const ParameterSpec::Tied& t) { return t.path == item.scalar; });
    if (repeated)
      throw ReferenceError(item.where, ip, "'" + item.scalar + "' is already set by this parameter");
    p.also.push_back({item.scalar, item.where});
  }
}

}  // namespace

ParameterSpec read_parameter(const config::Schema& schema, const std::string& key, const Node& value,
                             const std::string& path) {
  ParameterSpec p;
  p.path = key;
  p.where = value.key_where;
  p.values_where = place(value);
  try {
    config::split_key_path(key, value.key_where);
  } catch (const UsageError& e) {
    throw TypeError(value.key_where, path,
                    "expected a scenario key path such as powers.CHN.budget.soft or "
                    "events.E.actions[0].scale_budget.factor: " +
                        e.detail());
  }
  const auto spec = [&](const char* k) -> const config::KeySpec& {
    return schema.at(std::string(kParam) + "." + k);
  };
  const Node* values = nullptr;
  if (value.is_sequence()) {
    values = &value;
  } else if (value.is_map()) {
    config::check_keys(value, path, schema, kParam);
    read_tied_paths(value, path, p);
    values = opt(value, "values");
    const Node* range = opt(value, "range");
    if ((values != nullptr) == (range != nullptr))
      throw TypeError(value.where, path, "expected exactly one of 'values' (a list) or 'range' ([lo, hi])");
    if (range) {
      const std::string rp = join(path, "range");
      if (!range->is_sequence() || range->items.size() != 2)
        throw TypeError(place(*range), rp, "expected [lo, hi], got " + describe(*range));
      p.values_where = range->where;
      p.lo = config::number(range->items[0], config::indexed(rp, 0));
      p.hi = config::number(range->items[1], config::indexed(rp, 1));
      if (!(p.lo < p.hi)) throw RangeError(range->where, rp, "expected lo < hi");
      const config::KeySpec& scale = spec("scale");
      p.log = scale.choices[static_cast<std::size_t>(config::read_choice(value, scale, path))] == "log";
      if (p.log && p.lo <= 0)
        throw RangeError(range->where, rp, "a log scale needs lo > 0, got " + range->items[0].scalar);
      if (const Node* step = opt(value, "step")) {
        if (p.log) throw TypeError(step->where, join(path, "step"), "step and scale: log exclude each other");
        p.step = config::read_number(value, spec("step"), path);
        p.integer = std::floor(p.lo) == p.lo && std::floor(p.step) == p.step;
        if (p.count() > (std::int64_t{1} << 31))
          throw RangeError(step->where, join(path, "step"), "too many steps in the range");
      }
      if (const Node* levels = opt(value, "levels")) {
        if (p.step > 0)
          throw TypeError(levels->where, join(path, "levels"), "step and levels exclude each other");
        p.levels = static_cast<int>(config::read_integer(value, spec("levels"), path));
      }
      read_distribution(value, path, spec, *range, p);
      if (const Node* w = opt(value, "weights"))
        throw TypeError(w->key_where, join(path, "weights"),
                        "'weights' apply to listed values; a range has a distribution");
      return p;
    }
    for (const char* k : {"scale", "step", "levels", "distribution", "mean", "sd", "mode"})
      if (const Node* n = opt(value, k))
        throw TypeError(n->key_where, join(path, k),
                        std::string("'") + k + "' applies to a range, not to values");
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
      throw TypeError(place(v), config::indexed(vp, i), "expected a scalar value, got " + describe(v));
    p.values.push_back(v.scalar);
  }
  if (const Node* weights = value.is_map() ? opt(value, "weights") : nullptr) {
    const std::string wp = join(path, "weights");
    if (!weights->is_sequence() || weights->items.size() != p.values.size())
      throw TypeError(place(*weights), wp,
                      "expected a list of " + std::to_string(p.values.size()) +
                          " numbers (one per value), got " + describe(*weights));
    double total = 0.0;
    for (std::size_t i = 0; i < weights->items.size(); ++i)
      total +=
          p.weights.emplace_back(config::number(weights->items[i], config::indexed(wp, i), config::kNonNeg));
    if (!(total > 0.0)) throw RangeError(weights->where, wp, "expected weights with a positive sum");
  }
  return p;
}

/// No scenario value is set by two parameters (one's path, another's `also`).
void check_tied_paths_distinct(const std::vector<ParameterSpec>& parameters) {
  for (std::size_t i = 0; i < parameters.size(); ++i)
    for (const ParameterSpec::Tied& t : parameters[i].also)
      for (std::size_t j = 0; j < parameters.size(); ++j) {
        if (j == i) continue;
        const ParameterSpec& q = parameters[j];
        const bool clash = t.path == q.path || std::any_of(q.also.begin(), q.also.end(),
                                                           [&](const auto& u) { return u.path == t.path; });
        if (clash)
          throw ReferenceError(t.where, "parameters." + parameters[i].path + ".also",
                               "'" + t.path + "' is also set by the parameter " + q.path +
                                   "; a scenario value takes one parameter");
      }
}

}  // namespace geosim::sweep_detail
