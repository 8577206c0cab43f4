// Matching observations to operators (calibration.hpp): each row of the
// table becomes a target, fitted, held out, or left out with the reason.
#include "geosim/calibration/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "geosim/io/variables.hpp"

namespace geosim::calibration {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// The operator's term for one row: {state} and {partner} replaced, and for a
/// REGION row the selection of {state} dropped (the targets are combined).
MetricSpec term_for(const MetricSpec& term, const Observation& row, const std::string& name) {
  MetricSpec m = term;
  m.name = name;
  m.from = row.first;
  m.to = row.last;
  m.select.clear();
  for (MetricSpec::Selection s : term.select) {
    bool drop = false;
    for (std::string& label : s.labels) {
      if (label == "{state}") {
        if (row.state == "REGION") drop = true;
        label = row.state;
      } else if (label == "{partner}") {
        label = row.partner;
      }
    }
    if (!drop) m.select.push_back(std::move(s));
  }
  return m;
}

/// Why the model cannot measure `row` through `term` ("" if it can).
std::string unmeasurable(const MetricSpec& term, const Observation& row, const Scenario& base) {
  std::vector<std::string> powers, targets;
  for (const auto& p : base.powers) powers.push_back(p.code);
  for (const auto& t : base.targets) targets.push_back(t.code);
  for (const auto& s : term.select)
    for (const std::string& label : s.labels) {
      if (label == "{partner}" && row.partner.empty()) return "the row names no partner";
      if (label == "{partner}" && !contains(powers, row.partner))
        return "the scenario has no power " + row.partner;
      if (label == "{state}" && row.state != "REGION" && !contains(targets, row.state))
        return "the scenario has no target " + row.state;
    }
  const Date last = base.row_date(base.ticks);  // the last row a run records (ticks: may end early)
  if (row.first < base.start || last < row.last)
    return "its period " + row.period + " is not within the simulated " + base.start.str().substr(0, 7) +
           ".." + last.str().substr(0, 7);
  return "";
}

std::string config_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

/// Refuses a term that keeps an axis for a row: every axis of its variable
/// is selected with one label ({state} may be combined for REGION rows).
void check_axes(const MetricSpec& term, const std::vector<std::string>& sum_over,
                const ObservationOperator& op, const std::string& key) {
  std::vector<std::string> axes;
  for (Axis a : results_variable(term.variable).dims) axes.emplace_back(axis_name(a));
  for (const std::string& axis : sum_over)
    if (!contains(axes, axis))
      throw UnknownKeyError(term.where, "operators." + op.name + "." + key + ".sum_over",
                            term.variable + " has no axis '" + axis + "' to sum over");
  for (const std::string& axis : axes) {
    if (contains(sum_over, axis)) continue;  // every label, or the listed ones, summed
    const auto s = std::find_if(term.select.begin(), term.select.end(),
                                [&](const MetricSpec::Selection& sel) { return sel.axis == axis; });
    if (s == term.select.end() || !s->single)
      throw RangeError(
          term.where, "operators." + op.name + "." + key + ".select",
          term.variable + " has the axis " + axis +
              ": select one label of it (a name, {state} or {partner}), so that the operator gives one "
              "value per row");
  }
}

}  // namespace

double to_scale(ObservationOperator::Scale scale, double x) {
  switch (scale) {
    case ObservationOperator::Scale::log: return x > 0.0 ? std::log(x) : kNaN;
    case ObservationOperator::Scale::log1p: return x > -1.0 ? std::log1p(x) : kNaN;
    default: return x;
  }
}

double from_scale(ObservationOperator::Scale scale, double y) {
  switch (scale) {
    case ObservationOperator::Scale::log: return std::exp(y);
    case ObservationOperator::Scale::log1p: return std::expm1(y);
    default: return y;
  }
}

double scale_slope(ObservationOperator::Scale scale, double x) {
  switch (scale) {
    case ObservationOperator::Scale::log: return 1.0 / x;
    case ObservationOperator::Scale::log1p: return 1.0 / (1.0 + x);
    default: return 1.0;
  }
}

const char* use_name(Target::Use use) {
  switch (use) {
    case Target::Use::fitted: return "fitted";
    case Target::Use::held_out: return "held_out";
    case Target::Use::excluded: return "excluded";
    case Target::Use::outside_period: return "not_measurable";
    case Target::Use::no_operator: return "no_operator";
  }
  return "";
}

Calibration::Calibration(CalibrationSpec spec) : spec_(std::move(spec)) {
  try {
    table_ = read_observations(spec_.observations);
  } catch (const FileError& e) {
    if (e.where().file != spec_.observations.string()) throw;
    throw FileError(
        spec_.observations_where, "observations.file",
        "cannot read the observations table '" + spec_.observations.string() + "': " + e.detail());
  }
  for (std::size_t i = 0; i < spec_.exclude.size(); ++i)
    if (!table_.find(spec_.exclude[i].first))
      throw ReferenceError(
          spec_.exclude_where[i], "observations.exclude." + spec_.exclude[i].first,
          "no row of " + spec_.observations.string() + " has the id " + spec_.exclude[i].first);
  for (const ObservationOperator& op : spec_.operators) {
    check_axes(op.value, op.value_sum_over, op, "value");
    if (op.divided_by) check_axes(*op.divided_by, op.divisor_sum_over, op, "divided_by");
  }
  const Sweep plain(spec_.sweep);  // the base and the priors checked once
  const Scenario& base = plain.base();
  for (const Observation& row : table_.rows) {
    Target t;
    t.row = &row;
    // The operator: the one naming the row's instrument, else the one for any instrument.
    int generic = -1;
    for (std::size_t k = 0; k < spec_.operators.size(); ++k) {
      const ObservationOperator& op = spec_.operators[k];
      if (op.quantity != row.quantity || (!op.unit.empty() && op.unit != row.unit)) continue;
      if (op.instrument == row.instrument) {
        if (t.op >= 0)
          throw ReferenceError(op.where, "operators." + op.name,
                               "operators " + spec_.operators[static_cast<std::size_t>(t.op)].name + " and " +
                                   op.name + " both read " + row.quantity + " from " + row.instrument);
        t.op = static_cast<int>(k);
      } else if (op.instrument.empty()) {
        if (generic >= 0)
          throw ReferenceError(op.where, "operators." + op.name,
                               "operators " + spec_.operators[static_cast<std::size_t>(generic)].name +
                                   " and " + op.name + " both read " + row.quantity + " from any instrument");
        generic = static_cast<int>(k);
      }
    }
    if (t.op < 0) t.op = generic;
    const auto excluded = std::find_if(spec_.exclude.begin(), spec_.exclude.end(),
                                       [&](const auto& e) { return e.first == row.id; });
    if (excluded != spec_.exclude.end()) {
      t.use = Target::Use::excluded;
      t.reason = excluded->second;
    } else if (t.op < 0) {
      t.use = Target::Use::no_operator;
      t.reason = "no operator reads " + row.quantity + " (" + row.instrument + ", " + row.unit + ")";
    } else {
      const ObservationOperator& op = spec_.operators[static_cast<std::size_t>(t.op)];
      std::string why = unmeasurable(op.value, row, base);
      if (why.empty() && op.divided_by) why = unmeasurable(*op.divided_by, row, base);
      if (why.empty() && row.state == "REGION" && op.region == ObservationOperator::Region::none)
        why = "a REGION row needs the operator's region: sum or mean";
      if (!why.empty()) {
        t.use = Target::Use::outside_period;
        t.reason = why;
      } else {
        t.use = row.last.year >= spec_.held_out_from ? Target::Use::held_out : Target::Use::fitted;
        t.metric = "o_" + row.id;
        t.metric_index = static_cast<int>(metrics_.size());
        metrics_.push_back(term_for(op.value, row, t.metric));
        if (op.divided_by) {
          t.divisor_metric = "o_" + row.id + "_divisor";
          t.divisor_index = static_cast<int>(metrics_.size());
          metrics_.push_back(term_for(*op.divided_by, row, t.divisor_metric));
        }
        const auto on_scale = [&](double v, const char* what) {
          const double y = to_scale(op.scale, v);
          if (!std::isfinite(y))
            throw RangeError(row.where, what,
                             "row " + row.id + " is read on a log scale by operator " + op.name +
                                 " and needs a " + what +
                                 (op.scale == ObservationOperator::Scale::log ? " > 0" : " > -1") + ", got " +
                                 config_number(v));
          return y;
        };
        t.observed = on_scale(row.value, "value");
        if (op.compare == ObservationOperator::Compare::band) {
          if (!row.has_lower && !row.has_upper)
            throw RangeError(row.where, "lower",
                             "row " + row.id + " is compared with its bounds by operator " + op.name +
                                 " (compare: band) and gives none: give lower, upper or both");
          t.band = true;
          t.lo = row.has_lower ? on_scale(row.lower, "lower") : -std::numeric_limits<double>::infinity();
          t.hi = row.has_upper ? on_scale(row.upper, "upper") : std::numeric_limits<double>::infinity();
          t.sd = op.error;
          if (!(t.sd > 0.0))
            throw RangeError(op.where, "operators." + op.name + ".error",
                             "an operator with compare: band needs an error > 0: the scale of a miss");
        } else {
          if ((row.has_lower != row.has_upper) && row.sd < 0.0)
            throw RangeError(row.where, row.has_lower ? "lower" : "upper",
                             "row " + row.id + " gives only a bound (" +
                                 (row.has_lower ? "at least " : "at most ") +
                                 config_number(row.has_lower ? row.lower : row.upper) +
                                 "): read it with an operator that has compare: band");
          const double sd_row = row.standard_deviation();
          t.sd = std::hypot(sd_row * scale_slope(op.scale, row.value), op.error);
          if (!(t.sd > 0.0))
            throw RangeError(row.where, "sd",
                             "row " + row.id + " has no uncertainty: give it an sd or a band, or operator " +
                                 op.name + " an error > 0");
        }
        t.weight = op.weight;
      }
    }
    targets_.push_back(std::move(t));
  }
  if (fitted() == 0)
    throw ReferenceError(
        spec_.observations_where, "observations",
        "no row of the table is fitted: every row is held out, excluded, unmeasurable or has no "
        "operator");
  spec_.sweep.declared_metrics = metrics_;
  // Built here once so that the labels, windows and names of every target's
  // metrics are checked now, not in the first generation.
  Eigen::MatrixXd one =
      Eigen::MatrixXd::Constant(1, static_cast<Eigen::Index>(spec_.sweep.parameters.size()), 0.5);
  (void)generation_sweep(spec_.sweep.seed, one);
}

Sweep Calibration::generation_sweep(std::uint64_t seed, const Eigen::MatrixXd& units) const {
  SweepSpec s = spec_.sweep;
  s.seed = seed;
  auto points = std::make_shared<UnitPoints>(s.parameters, units.rows());
  for (Eigen::Index i = 0; i < units.rows(); ++i)
    for (Eigen::Index j = 0; j < units.cols(); ++j)
      points->unit(i, static_cast<std::size_t>(j)) = units(i, j);
  return Sweep(std::move(s), std::move(points));
}

Sweep Calibration::replicate_sweep(std::uint64_t seed, int replicates) const {
  SweepSpec s = spec_.sweep;
  s.seed = seed;
  s.parameters.clear();
  s.replicates = replicates;
  return Sweep(std::move(s));
}

std::vector<double> Calibration::measure(const std::vector<Variable>& variables, std::int64_t run) const {
  const auto combined = [&](int index, ObservationOperator::Region region) {
    const Variable& v = variables.at(static_cast<std::size_t>(index));
    const std::size_t per_run = v.shape.empty() || v.shape[0] == 0 ? 0 : v.values.size() / v.shape[0];
    double sum = 0.0;
    for (std::size_t k = 0; k < per_run; ++k) {
      const double x = v.values[static_cast<std::size_t>(run) * per_run + k];
      if (v.missing(x)) return kNaN;
      sum += x;
    }
    if (per_run == 0) return kNaN;
    // Several elements: labels summed (sum_over) and, for a REGION row, the
    // targets; a mean over the targets divides by their number.
    if (region == ObservationOperator::Region::mean)
      for (std::size_t d = 1; d < v.dims.size(); ++d)
        if (v.dims[d] == "target") sum /= static_cast<double>(v.shape[d]);
    return sum;
  };
  std::vector<double> out(targets_.size(), kNaN);
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Target& t = targets_[i];
    if (t.metric_index < 0) continue;
    const ObservationOperator& op = spec_.operators[static_cast<std::size_t>(t.op)];
    out[i] = combined(t.metric_index, op.region);
    if (t.divisor_index >= 0) out[i] /= combined(t.divisor_index, op.region);
    out[i] *= op.factor;
  }
  return out;
}

double Calibration::distance(const std::vector<double>& measured) const {
  double sum = 0.0, weights = 0.0;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Target& t = targets_[i];
    if (t.use != Target::Use::fitted) continue;
    const ObservationOperator& op = spec_.operators[static_cast<std::size_t>(t.op)];
    double m = measured[i];
    m = to_scale(op.scale, m);
    if (!std::isfinite(m)) return std::numeric_limits<double>::infinity();
    const double r = t.band ? (m < t.lo   ? m - t.lo
                               : m > t.hi ? m - t.hi
                                          : 0.0) /
                                  t.sd
                            : (m - t.observed) / t.sd;
    sum += t.weight * r * r;
    weights += t.weight;
  }
  return weights > 0.0 ? std::sqrt(sum / weights) : 0.0;
}

std::int64_t Calibration::fitted() const {
  return std::count_if(targets_.begin(), targets_.end(),
                       [](const Target& t) { return t.use == Target::Use::fitted; });
}
std::int64_t Calibration::held_out() const {
  return std::count_if(targets_.begin(), targets_.end(),
                       [](const Target& t) { return t.use == Target::Use::held_out; });
}

}  // namespace geosim::calibration
