// Citizen groups: a group's parameters, a target's overrides of them, and
// the values a target's citizens get (scenario/detail/groups.hpp).
#include "scenario/detail/groups.hpp"

#include <cmath>
#include <limits>
#include <optional>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/readers.hpp"
#include "geosim/scenario/schema.hpp"

namespace geosim {

using namespace config;

namespace detail {
namespace {

constexpr std::string_view kGroup = "groups.<group>";
constexpr std::string_view kOverride = "targets.<target>.group_parameters.<group>";

const KeySpec& key(std::string_view prefix, std::string_view rest) {
  return scenario_core_schema().at(std::string(prefix) + "." + std::string(rest));
}

/// The number at `map.name`, within the range of the key `prefix.name`, if given.
std::optional<double> given_number(const Node& map, std::string_view name, const std::string& path,
                                   std::string_view prefix) {
  const Node* v = opt(map, name);
  if (!v) return std::nullopt;
  return number(*v, join(path, name), key(prefix, name).range);
}

/// A mapping of powers to per-channel mappings (`exposure`, `valence`): the values given.
ByPowerChannel given_by_power_channel(const Node& map, std::string_view name, const std::string& path,
                                      std::string_view prefix, const GroupNames& names) {
  const Node* m = opt(map, name);
  if (!m) return {};
  const Bounds range = key(prefix, std::string(name) + ".<power>.<channel>").range;
  const double absent = std::numeric_limits<double>::quiet_NaN();  // number() never reads a NaN
  ByPowerChannel out(names.powers.size());
  for_each_named(*m, join(path, name), "power", names.powers,
                 [&](int p, const Node& v, const std::string& pp) {
                   if (v.is_null()) return;
                   const PerChannel values = per_channel(v, pp, names.channels, absent, range);
                   out[p].assign(values.size(), std::nullopt);
                   for (std::size_t c = 0; c < values.size(); ++c)
                     if (!std::isnan(values[c])) out[p][c] = values[c];
                 });
  return out;
}

/// Every key of a group's mapping that is given (those under `prefix`), nothing more.
GroupOverride given(const Node& n, const std::string& path, std::string_view prefix,
                    const GroupNames& names) {
  check_keys(n, path, scenario_core_schema(), prefix);
  GroupOverride o;
  o.susceptibility = given_number(n, "susceptibility", path, prefix);
  o.anchoring = given_number(n, "anchoring", path, prefix);
  o.peer_weight = given_number(n, "peer_weight", path, prefix);
  o.noise = given_number(n, "noise", path, prefix);
  o.exposure = given_by_power_channel(n, "exposure", path, prefix, names);
  o.valence = given_by_power_channel(n, "valence", path, prefix, names);
  if (const Node* a = opt(n, "attitude")) {
    const std::string attitude = std::string(prefix) + ".attitude.<power>";
    o.attitude_mean.assign(names.powers.size(), std::nullopt);
    o.attitude_sd.assign(names.powers.size(), std::nullopt);
    for_each_named(*a, join(path, "attitude"), "power", names.powers,
                   [&](int p, const Node& v, const std::string& pp) {
                     if (v.is_null()) return;
                     expect_map(v, pp, "a mapping with mean and sd");
                     check_keys(v, pp, scenario_core_schema(), attitude);
                     o.attitude_mean[p] = given_number(v, "mean", pp, attitude);
                     o.attitude_sd[p] = given_number(v, "sd", pp, attitude);
                   });
  }
  return o;
}

/// dense[p][c] = *sparse[p][c] wherever sparse gives one.
void overlay(std::vector<PerChannel>& dense, const ByPowerChannel& sparse) {
  for (std::size_t p = 0; p < sparse.size() && p < dense.size(); ++p)
    for (std::size_t c = 0; c < sparse[p].size() && c < dense[p].size(); ++c)
      if (sparse[p][c]) dense[p][c] = *sparse[p][c];
}

void overlay(std::vector<double>& dense, const std::vector<std::optional<double>>& sparse) {
  for (std::size_t p = 0; p < sparse.size() && p < dense.size(); ++p)
    if (sparse[p]) dense[p] = *sparse[p];
}

/// Refuses values whose citizen update can overshoot (model.md section 7,
/// "Stability"): the slope (1-mu)(1 - alpha (sum_c e I + gamma)) is at most
/// 1 - mu <= 1 and falls linearly in the exposure-weighted influence, which
/// ranges over [0, sum_c e] as each I lies in [0,1]; so |slope| > 1 is
/// possible exactly when (1-mu)(alpha (sum_c e + gamma) - 1) > 1.
void check_stable(const GroupParameters& g, const Node& n, const std::string& path,
                  const std::vector<std::string>& powers) {
  for (std::size_t p = 0; p < powers.size(); ++p) {
    double exposure = 0.0;
    for (double e : g.exposure[p]) exposure += e;
    const double gain = (1.0 - g.anchoring) * (g.susceptibility * (exposure + g.peer_weight) - 1.0);
    if (gain > 1.0)
      throw RangeError(n.where, path,
                       "susceptibility " + fmt(g.susceptibility) + ", peer_weight " + fmt(g.peer_weight) +
                           ", anchoring " + fmt(g.anchoring) + " and exposure to " + powers[p] +
                           " summing to " + fmt(exposure) +
                           " make the citizen update unstable: (1 - anchoring) * (susceptibility * "
                           "(exposure + peer_weight) - 1) is " +
                           fmt(gain) + ", expected at most 1");
  }
}

}  // namespace

GroupSpec read_group(const Node& n, const std::string& path, const std::string& name, const GroupNames& names,
                     const std::vector<PowerSpec>& powers) {
  const GroupOverride values = given(n, path, kGroup, names);
  const auto or_default = [](const std::optional<double>& v, std::string_view rest) {
    return v.value_or(key(kGroup, rest).default_number());
  };
  GroupSpec g;
  g.name = name;
  g.susceptibility = or_default(values.susceptibility, "susceptibility");
  g.anchoring = or_default(values.anchoring, "anchoring");
  g.peer_weight = or_default(values.peer_weight, "peer_weight");
  g.noise = or_default(values.noise, "noise");
  const std::size_t P = names.powers.size(), C = names.channels.size();
  g.exposure.assign(P, PerChannel(C, key(kGroup, "exposure.<power>.<channel>").default_number()));
  overlay(g.exposure, values.exposure);
  g.attitude_mean.assign(P, key(kGroup, "attitude.<power>.mean").default_number());
  g.attitude_sd.assign(P, key(kGroup, "attitude.<power>.sd").default_number());
  overlay(g.attitude_mean, values.attitude_mean);
  overlay(g.attitude_sd, values.attitude_sd);
  g.valence = values.valence;
  check_stable(resolve_group(g, nullptr, powers), n, path, names.powers);
  return g;
}

std::vector<GroupOverride> read_group_parameters(const Node& n, const std::string& path,
                                                 const GroupNames& names,
                                                 const std::vector<GroupSpec>& groups,
                                                 const std::vector<PowerSpec>& powers) {
  std::vector<GroupOverride> out;
  for_each_named(n, path, "group", names.groups, [&](int g, const Node& v, const std::string& gp) {
    if (v.is_null()) return;
    expect_map(v, gp, "a mapping of the group's parameters for this target's citizens");
    if (out.empty()) out.resize(names.groups.size());
    out[g] = given(v, gp, kOverride, names);
    check_stable(resolve_group(groups[g], &out[g], powers), v, gp, names.powers);
  });
  return out;
}

GroupParameters resolve_group(const GroupSpec& group, const GroupOverride* o,
                              const std::vector<PowerSpec>& powers) {
  GroupParameters r;
  r.susceptibility = group.susceptibility;
  r.anchoring = group.anchoring;
  r.peer_weight = group.peer_weight;
  r.noise = group.noise;
  r.exposure = group.exposure;
  for (const PowerSpec& power : powers) r.valence.push_back(power.valence);
  overlay(r.valence, group.valence);
  r.attitude_mean = group.attitude_mean;
  r.attitude_sd = group.attitude_sd;
  if (!o) return r;
  r.susceptibility = o->susceptibility.value_or(r.susceptibility);
  r.anchoring = o->anchoring.value_or(r.anchoring);
  r.peer_weight = o->peer_weight.value_or(r.peer_weight);
  r.noise = o->noise.value_or(r.noise);
  overlay(r.exposure, o->exposure);
  overlay(r.valence, o->valence);
  overlay(r.attitude_mean, o->attitude_mean);
  overlay(r.attitude_sd, o->attitude_sd);
  return r;
}

}  // namespace detail

GroupParameters Scenario::group_in(int t, int g) const {
  const std::vector<GroupOverride>& overrides = targets[t].group_parameters;
  return detail::resolve_group(groups[g], overrides.empty() ? nullptr : &overrides[g], powers);
}

}  // namespace geosim
