// Reading a calibration file (calibration.hpp; docs/calibration.md): the
// sweep keys it shares with a sweep file (base, set, ticks, parameters as the
// priors, seed) go through the sweep loader; the rest is read here.
#include <charconv>
#include <cmath>

#include "geosim/calibration/calibration.hpp"
#include "geosim/config/reader.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::calibration {

namespace {

using config::Node;

const std::vector<std::string> kSweepKeys = {"name",  "description", "base", "set",
                                             "ticks", "parameters",  "seed"};
const std::vector<std::string> kOwnKeys = {"observations", "operators", "abc", "predictive"};

Node scalar_node(const std::string& text, const SourceLocation& where) {
  Node n;
  n.kind = Node::Kind::scalar;
  n.scalar = text;
  n.where = where;
  n.key_where = where;
  return n;
}

/// A metric term of an operator: a declared metric without name or window.
MetricSpec read_term(const Node& item, const std::string& path, std::vector<std::string>& sum_over) {
  config::expect_map(item, path, "a metric: variable, select, reduce and sum_over (docs/calibration.md)");
  config::check_keys(item, path, {"variable", "select", "reduce", "quantile", "sum_over"});
  Node named = item;
  if (const Node* axes = config::opt(item, "sum_over")) {
    const std::string sp = config::join(path, "sum_over");
    config::expect_list(*axes, sp,
                        "a list of axes whose labels the term sums (power, target, channel, group, survey)");
    for (std::size_t i = 0; i < axes->items.size(); ++i)
      sum_over.push_back(config::text(axes->items[i], config::indexed(sp, i)));
    std::erase_if(named.entries, [](const Node::Entry& e) { return e.key == "sum_over"; });
  }
  named.entries.insert(named.entries.begin(), Node::Entry{"name", scalar_node("operator_term", item.where)});
  return sweep_detail::read_metric(named, path, {});
}

ObservationOperator read_operator(const std::string& name, const Node& n, const std::string& path) {
  ObservationOperator op;
  op.name = name;
  op.where = n.key_where;
  config::expect_map(n, path, "an operator: quantity, value, error, ... (docs/calibration.md)");
  config::check_keys(n, path,
                     {"doc", "quantity", "instrument", "unit", "value", "divided_by", "scale", "compare",
                      "error", "region", "weight", "factor"});
  op.doc = config::text(config::req(n, "doc", path, "what the operator measures and why"),
                        config::join(path, "doc"));
  op.quantity = config::text(config::req(n, "quantity", path, "the quantity of the rows it reads"),
                             config::join(path, "quantity"));
  op.instrument = config::text_or(n, "instrument", path, "");
  op.unit = config::text_or(n, "unit", path, "");
  op.value = read_term(config::req(n, "value", path, "the model's measure"), config::join(path, "value"),
                       op.value_sum_over);
  if (const Node* d = config::opt(n, "divided_by"))
    op.divided_by = read_term(*d, config::join(path, "divided_by"), op.divisor_sum_over);
  if (const Node* s = config::opt(n, "scale"))
    op.scale = static_cast<ObservationOperator::Scale>(
        config::choice(*s, config::join(path, "scale"), {"linear", "log", "log1p"}));
  if (const Node* c = config::opt(n, "compare"))
    op.compare = static_cast<ObservationOperator::Compare>(
        config::choice(*c, config::join(path, "compare"), {"value", "band"}));
  op.error = config::number(config::req(n, "error", path, "the operator's own error (sd on its scale)"),
                            config::join(path, "error"), config::kNonNeg);
  if (const Node* r = config::opt(n, "region"))
    op.region = static_cast<ObservationOperator::Region>(
        config::choice(*r, config::join(path, "region"), {"none", "sum", "mean"}));
  op.weight = config::number_or(n, "weight", path, 1.0, config::kNonNeg);
  op.factor = config::number_or(n, "factor", path, 1.0, config::kPositive);
  return op;
}

}  // namespace

CalibrationSpec load_calibration_spec(const std::filesystem::path& path) {
  const Node root = config::parse_file(path);
  if (!root.is_map())
    throw TypeError(config::place(root), "", "the top level of a calibration file must be a mapping");
  std::vector<std::string> allowed = kSweepKeys;
  allowed.insert(allowed.end(), kOwnKeys.begin(), kOwnKeys.end());
  config::check_keys(root, "", allowed);

  CalibrationSpec c;
  c.file = path;
  // The sweep part: a sampling design's coordinates are what the sampler moves.
  Node sweep;
  sweep.kind = Node::Kind::map;
  sweep.where = root.where;
  for (const auto& e : root.entries)
    if (std::find(kSweepKeys.begin(), kSweepKeys.end(), e.key) != kSweepKeys.end())
      sweep.entries.push_back(e);
  if (!config::opt(root, "parameters"))
    config::req(root, "parameters", "", "the priors: a mapping of key paths to ranges (docs/calibration.md)");
  sweep.entries.push_back(Node::Entry{"design", scalar_node("random", root.where)});
  sweep.entries.push_back(Node::Entry{"samples", scalar_node("1", root.where)});
  sweep.entries.push_back(
      Node::Entry{"metrics", Node{Node::Kind::sequence, {}, false, {}, {}, root.where, root.where}});
  c.sweep = sweep_spec_from_tree(sweep, path, false);
  for (const ParameterSpec& p : c.sweep.parameters)
    if (!p.is_range())
      for (const std::string& v : p.values) {
        double x = 0;
        const char* end = v.data() + v.size();
        if (std::from_chars(v.data(), end, x).ptr != end)
          throw TypeError(p.values_where, "parameters." + p.path,
                          "a prior must be numeric (a range, or numeric values), got the value '" + v + "'");
      }

  const Node& obs = config::req(root, "observations", "", "the observations table and what is held out");
  config::expect_map(obs, "observations", "a mapping: file, held_out_from, exclude");
  config::check_keys(obs, "observations", {"file", "held_out_from", "exclude"});
  const Node& file = config::req(obs, "file", "observations", "the observations table (CSV)");
  c.observations = (path.parent_path() / config::text(file, "observations.file")).lexically_normal();
  c.observations_where = file.where;
  c.held_out_from =
      static_cast<int>(config::integer(config::req(obs, "held_out_from", "observations",
                                                   "the first year held out (rows ending in or after it)"),
                                       "observations.held_out_from", 1900));
  if (const Node* ex = config::opt(obs, "exclude")) {
    config::expect_map(*ex, "observations.exclude", "a mapping of row ids to the reason each is left out");
    for (const auto& [id, reason] : ex->entries) {
      c.exclude.emplace_back(id, config::text(reason, config::join("observations.exclude", id)));
      c.exclude_where.push_back(reason.key_where);
    }
  }

  const Node& ops = config::req(root, "operators", "", "how the model measures each kind of observation");
  config::expect_map(ops, "operators", "a mapping of operator names to operators");
  for (const auto& [name, n] : ops.entries)
    c.operators.push_back(read_operator(name, n, config::join("operators", name)));
  if (c.operators.empty()) throw TypeError(ops.where, "operators", "expected at least one operator");

  if (const Node* abc = config::opt(root, "abc")) {
    config::expect_map(*abc, "abc", "the sampler's settings");
    config::check_keys(
        *abc, "abc", {"method", "particles", "keep", "min_acceptance", "max_simulations", "max_generations"});
    if (const Node* n = config::opt(*abc, "method"))
      c.abc.method = static_cast<AbcSettings::Method>(config::choice(*n, "abc.method", {"apmc", "smc"}));
    if (const Node* n = config::opt(*abc, "particles"))
      c.abc.particles = config::integer(*n, "abc.particles", 4);
    if (const Node* n = config::opt(*abc, "keep"))
      c.abc.keep = config::number(*n, "abc.keep", config::Bounds{0.0, 1.0, true, true});
    if (const Node* n = config::opt(*abc, "min_acceptance"))
      c.abc.min_acceptance = config::number(*n, "abc.min_acceptance", config::kUnit);
    if (const Node* n = config::opt(*abc, "max_simulations"))
      c.abc.max_simulations = config::integer(*n, "abc.max_simulations", 4);
    if (const Node* n = config::opt(*abc, "max_generations"))
      c.abc.max_generations = static_cast<int>(config::integer(*n, "abc.max_generations", 1));
    if (c.abc.max_simulations < c.abc.particles)
      throw RangeError(abc->where, "abc.max_simulations", "expected at least abc.particles simulations");
  }
  c.abc.seed = c.sweep.seed;
  if (const Node* pred = config::opt(root, "predictive")) {
    config::expect_map(*pred, "predictive", "the predictive check's settings");
    config::check_keys(*pred, "predictive", {"draws"});
    if (const Node* n = config::opt(*pred, "draws"))
      c.predictive_draws = config::integer(*n, "predictive.draws", 2);
  }
  return c;
}

}  // namespace geosim::calibration
