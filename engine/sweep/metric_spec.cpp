// Metrics declared in a sweep file (sweep.hpp, MetricSpec; docs/sweeps.md):
// reading one item of `metrics:`, and its canonical text and description.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "geosim/config/reader.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim {

namespace {

using config::Node;
using R = MetricSpec::Reducer;

constexpr std::pair<R, const char*> kReducers[] = {
    {R::final, "final"},      {R::mean, "mean"}, {R::sum, "sum"},
    {R::min, "min"},          {R::max, "max"},   {R::time_of_peak, "time_of_peak"},
    {R::quantile, "quantile"}};

const char* reducer_name(R r) {
  for (const auto& [value, name] : kReducers)
    if (value == r) return name;
  return "final";
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string MetricSpec::canonical() const {
  std::ostringstream out;
  out << name << " = " << reducer_name(reduce);
  if (reduce == R::quantile) out << " " << number_text(quantile);
  out << " of " << variable;
  for (const Selection& s : select) {
    out << " " << s.axis << (s.single ? "=" : "=[");
    for (std::size_t i = 0; i < s.labels.size(); ++i) out << (i ? "," : "") << s.labels[i];
    out << (s.single ? "" : "]");
  }
  out << " from " << (from ? from->str() : "start") << " to " << (to ? to->str() : "end");
  if (!difference_from.empty()) out << " minus " << difference_from;
  return out.str();
}

std::string MetricSpec::description() const {
  std::string out =
      std::string(reduce == R::quantile       ? "quantile " + number_text(quantile) + " over time"
                  : reduce == R::time_of_peak ? "months from time.start to the largest value"
                                              : std::string(reducer_name(reduce)) + " over time") +
      " of " + variable;
  for (const Selection& s : select) {
    out += ", " + s.axis + " ";
    for (std::size_t i = 0; i < s.labels.size(); ++i) out += (i ? "," : "") + s.labels[i];
  }
  if (from || to)
    out += ", " + (from ? from->str() : std::string("start")) + " to " + (to ? to->str() : "end");
  if (!difference_from.empty())
    out += "; minus the same in scenario " + difference_from + " at the run's point and replicate";
  return out;
}

namespace sweep_detail {

MetricSpec read_metric(const Node& item, const std::string& path, const std::vector<std::string>& builtin) {
  MetricSpec m;
  m.where = item.where;
  config::expect_map(item, path, "a metric: a mapping with name, variable and reduce (docs/sweeps.md)");
  config::check_keys(item, path,
                     {"name", "variable", "select", "window", "reduce", "quantile", "difference_from"});
  const Node& name = config::req(item, "name", path, "the metric's name");
  m.name = config::text(name, config::join(path, "name"));
  const bool ok = !m.name.empty() && m.name.front() >= 'a' && m.name.front() <= 'z' &&
                  std::all_of(m.name.begin(), m.name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                  });
  if (!ok)
    throw RangeError(
        name.where, config::join(path, "name"),
        "expected a name of lower-case letters, digits and _ (a variable of the results file), got '" +
            m.name + "'");
  if (std::find(builtin.begin(), builtin.end(), m.name) != builtin.end())
    throw ReferenceError(
        name.where, config::join(path, "name"),
        "'" + m.name + "' is a built-in metric; list it by name, or give yours another name");

  const Node& variable = config::req(item, "variable", path, "a recorded time series");
  m.variable = config::text(variable, config::join(path, "variable"));
  std::vector<std::string> names;
  for (const ResultsVariable& v : results_variables()) names.push_back(v.name);
  if (std::find(names.begin(), names.end(), m.variable) == names.end())
    throw UnknownKeyError(variable.where, config::join(path, "variable"),
                          "unknown time series '" + m.variable + "'" +
                              config::did_you_mean(m.variable, names) +
                              " (docs/results-format.md lists them)");
  const ResultsVariable& v = results_variable(m.variable);

  if (const Node* select = config::opt(item, "select")) {
    const std::string sp = config::join(path, "select");
    config::expect_map(*select, sp, "a mapping of axes to a label or a list of labels");
    std::vector<std::string> axes;
    for (Axis a : v.dims) axes.emplace_back(axis_name(a));
    for (const auto& [axis, labels] : select->entries) {
      const std::string ap = config::join(sp, axis);
      if (std::find(axes.begin(), axes.end(), axis) == axes.end())
        throw UnknownKeyError(labels.key_where, ap,
                              m.variable + " has no axis '" + axis + "'" +
                                  (axes.empty() ? std::string(" (it has none)")
                                                : "; its axes are " + config::list_names(axes)));
      MetricSpec::Selection s{axis, {}, labels.is_scalar()};
      if (labels.is_scalar()) {
        s.labels.push_back(config::text(labels, ap));
      } else {
        if (!labels.is_sequence() || labels.items.empty())
          throw TypeError(config::place(labels), ap, "expected a label or a non-empty list of labels");
        for (std::size_t i = 0; i < labels.items.size(); ++i)
          s.labels.push_back(config::text(labels.items[i], config::indexed(ap, i)));
      }
      m.select.push_back(std::move(s));
    }
  }
  if (const Node* window = config::opt(item, "window")) {
    const std::string wp = config::join(path, "window");
    if (!window->is_sequence() || window->items.size() != 2)
      throw TypeError(config::place(*window), wp, "expected [FROM, TO], two dates (YYYY-MM or YYYY-MM-DD)");
    m.from = config::date(window->items[0], config::indexed(wp, 0));
    m.to = config::date(window->items[1], config::indexed(wp, 1));
    if (*m.to < *m.from) throw RangeError(window->where, wp, "expected FROM not after TO");
  }
  if (const Node* reduce = config::opt(item, "reduce")) {
    const std::string text = config::text(*reduce, config::join(path, "reduce"));
    std::vector<std::string> reducers;
    bool found = false;
    for (const auto& [value, rname] : kReducers) {
      reducers.emplace_back(rname);
      if (text == rname) m.reduce = value, found = true;
    }
    if (!found)
      throw RangeError(reduce->where, config::join(path, "reduce"),
                       "expected one of " + config::list_names(reducers) + ", got " + text +
                           config::did_you_mean(text, reducers));
  } else {
    config::req(item, "reduce", path, "how to reduce the window to one value");
  }
  if (const Node* q = config::opt(item, "quantile")) {
    if (m.reduce != R::quantile)
      throw TypeError(q->key_where, config::join(path, "quantile"), "'quantile' applies to reduce: quantile");
    m.quantile = config::number(*q, config::join(path, "quantile"), config::kUnit);
  } else if (m.reduce == R::quantile) {
    config::req(item, "quantile", path, "the quantile, in [0, 1]");
  }
  // Checked against the batch's scenarios when the sweep is built.
  if (const Node* ref = config::opt(item, "difference_from")) {
    m.difference_from = config::text(*ref, config::join(path, "difference_from"));
    m.difference_where = ref->where;
  }
  return m;
}

}  // namespace sweep_detail

}  // namespace geosim
