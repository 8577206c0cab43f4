// Per-period quantities converted to the tick (scenario/time_units.hpp).
#include "geosim/scenario/time_units.hpp"

#include <cmath>
#include <string_view>

#include "geosim/scenario/schema.hpp"

namespace geosim {
namespace {

using config::Node;
using config::TimeScaling;

int months_of(std::string_view period) {
  if (period == "month") return 1;
  if (period == "quarter") return 3;
  if (period == "year") return 12;
  return 0;
}

int months_of(const Node* n) { return n && n->is_scalar() ? months_of(n->scalar) : 0; }

std::string period_name(int months) { return months == 1 ? "month" : months == 3 ? "quarter" : "year"; }

class Converter {
 public:
  explicit Converter(const TimeUnits& units)
      : units_(units), r_(static_cast<double>(units.step_months) / units.period_months) {}

  void convert(Node& tree, const config::KeySpec& key) {
    key_ = &key;
    std::vector<std::string_view> parts;
    std::string_view p = key.path;
    for (std::size_t start = 0;;) {
      const std::size_t dot = p.find('.', start);
      parts.push_back(p.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    walk(tree, parts, 0, "");
  }

 private:
  void walk(Node& node, const std::vector<std::string_view>& parts, std::size_t i, const std::string& path) {
    if (i == parts.size()) {
      if (node.is_scalar()) rewrite(node, path);
      return;
    }
    if (!node.is_map()) return;
    const std::string prefix = path.empty() ? "" : path + ".";
    std::string_view part = parts[i];
    if (part.front() == '<') {
      for (auto& [k, v] : node.entries) walk(v, parts, i + 1, prefix + k);
      return;
    }
    const bool list = part.ends_with("[]");
    if (list) part.remove_suffix(2);
    Node* next = node.find(part);
    if (!next) return;
    if (!list) return walk(*next, parts, i + 1, prefix + std::string(part));
    if (!next->is_sequence()) return;
    for (std::size_t k = 0; k < next->items.size(); ++k)
      walk(next->items[k], parts, i + 1, prefix + std::string(part) + "[" + std::to_string(k) + "]");
  }

  void rewrite(Node& n, const std::string& path) {
    if (key_->per_time == TimeScaling::duration) {
      std::int64_t v = 0;
      try {
        v = config::integer(n, path, static_cast<std::int64_t>(key_->range.lo));
      } catch (const InputError&) {
        return;  // the validator reports it as written
      }
      const std::int64_t months = v * units_.period_months;
      if (months % units_.step_months != 0)
        throw RangeError(n.where, path,
                         n.scalar + " " + period_name(units_.period_months) +
                             "s (time.rates_per) is not a whole " + "number of " +
                             period_name(units_.step_months) + " ticks (time.step)");
      n.scalar = std::to_string(months / units_.step_months);
      return;
    }
    double v = 0.0;
    try {
      v = config::number(n, path, key_->range);
    } catch (const InputError&) {
      return;
    }
    n.scalar = config::round_trip(per_tick(key_->per_time, v, r_));
  }

  TimeUnits units_;
  double r_;
  const config::KeySpec* key_ = nullptr;
};

}  // namespace

double per_tick(TimeScaling scaling, double value, double r) {
  if (r == 1.0) return value;
  switch (scaling) {
    case TimeScaling::none: return value;
    case TimeScaling::flow: return value * r;
    case TimeScaling::compound: return std::expm1(r * std::log1p(value));
    case TimeScaling::fraction: return -std::expm1(r * std::log1p(-value));
    case TimeScaling::spread: return value * std::sqrt(r);
    case TimeScaling::duration: return value / r;
  }
  return value;
}

TimeUnits time_units(const Node& tree) {
  const Node* time = tree.is_map() ? tree.find("time") : nullptr;
  if (!time || !time->is_map()) return {};
  const Node* step = time->find("step");
  return {step ? months_of(step) : months_of(scenario_core_schema().at("time.step").default_text),
          months_of(time->find("rates_per"))};
}

void convert_to_step(Node& tree, const TimeUnits& units) {
  if (!units.converts()) return;
  // The keys that convert, with those of the policies and actions registered now.
  const config::Schema schema = scenario_schema();
  Converter converter(units);
  for (const config::KeySpec& key : schema.keys())
    if (key.per_time != TimeScaling::none) converter.convert(tree, key);
}

}  // namespace geosim
