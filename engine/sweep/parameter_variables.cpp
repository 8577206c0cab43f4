// Each sweep parameter as a results variable of its own (docs/sweeps.md,
// "Output"): named by its path, a number or (booleans, dates, names) a
// string, so a reader never parses values back from `overrides`.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "geosim/config/key_path.hpp"
#include "geosim/scenario/schema.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {

double parameter_number(std::string_view text) {
  double v = 0.0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return std::numeric_limits<double>::quiet_NaN();
  return v;
}

std::vector<ParameterVariable> parameter_variables(const Sweep& sweep) {
  const config::Schema schema = scenario_schema();
  std::vector<ParameterVariable> out;
  for (const ParameterSpec& p : sweep.spec().parameters) {
    ParameterVariable v;
    v.name = p.path;
    v.numeric = p.is_range() || std::all_of(p.values.begin(), p.values.end(), [](const std::string& x) {
                  return std::isfinite(parameter_number(x));
                });
    const config::KeyMatch match = schema.match(config::split_key_path(p.path, p.where));
    v.units = match.key && !match.key->unit.empty() ? match.key->unit : "1";
    v.long_name = "sweep parameter " + p.path + (match.key ? ": " + match.key->doc : std::string());
    if (!p.also.empty()) {
      v.long_name += " (also sets";
      for (const ParameterSpec::Tied& t : p.also) v.long_name += " " + t.path;
      v.long_name += ")";
    }
    out.push_back(std::move(v));
  }
  return out;
}

void check_parameter_names(const Sweep& sweep, const Layout& layout) {
  // The variables every sweep file has, and the coordinates it may have.
  std::vector<std::string> taken{"run",
                                 "point",
                                 "replicate",
                                 "scenario_index",
                                 "seed",
                                 "parameter_value",
                                 "design_unit",
                                 "overrides",
                                 "command",
                                 "parameter",
                                 "run_status",
                                 "run_error",
                                 "scenario",
                                 "scenario_file",
                                 "scenario_resolved",
                                 "scenario_ticks",
                                 "scenario_start_date",
                                 "power",
                                 "target",
                                 "channel",
                                 "group",
                                 "institution",
                                 "survey",
                                 "time",
                                 "power_name",
                                 "target_name"};
  for (const Field* f : layout.fields) taken.push_back(f->name);
  for (const auto& [dim, labels] : layout.subset_dims) taken.push_back(dim);
  for (const ParameterSpec& p : sweep.spec().parameters)
    if (std::find(taken.begin(), taken.end(), p.path) != taken.end())
      throw ReferenceError(p.where, "parameters." + p.path,
                           "the parameter's results variable would take the name of the results variable '" +
                               p.path + "'; a sweep parameter is stored under its path");
}

}  // namespace geosim::sweep_detail
