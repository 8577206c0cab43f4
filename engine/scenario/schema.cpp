// The scenario schema: one declaration per key. A default or a range is
// written here and nowhere else.
#include "geosim/scenario/schema.hpp"

#include <algorithm>

#include "geosim/model/action.hpp"
#include "geosim/model/policy.hpp"

namespace geosim {

double scenario_default(std::string_view schema_path) {
  return scenario_core_schema().at(schema_path).default_number();
}

namespace {

using config::Bounds;
using config::KeySpec;
using config::Schema;
using config::ValueType;
using V = ValueType;
constexpr Bounds kNonNeg = config::kNonNeg, kPositive = config::kPositive, kUnit = config::kUnit,
                 kUnitOpenHigh = config::kUnitOpenHigh, kSigned = config::kSigned;

void top_level(Schema& s) {
  s.add({.path = "extends",
         .type = V::text,
         .default_rule = "no base",
         .doc = "path of a base scenario, relative to this file's directory"});
  s.add({.path = "name",
         .type = V::text,
         .required = true,
         .doc = "the scenario's name (may come from the base)"});
  s.add({.path = "description", .type = V::text, .default_text = "\"\"", .doc = "free text"});
  s.add({.path = "seed",
         .type = V::integer,
         .default_text = "1",
         .range = kNonNeg,
         .doc = "random seed, up to 2^64-1; --seed overrides it"});
  s.add({.path = "time.start",
         .type = V::date,
         .required = true,
         .doc = "the date of row 0 (the initial state)"});
  s.add({.path = "time.end",
         .type = V::date,
         .required = true,
         .doc = "the last simulated month (inclusive); not before start's month; its day is ignored"});
  s.add({.path = "time.step",
         .type = V::choice,
         .default_text = "month",
         .choices = {"month", "quarter", "year"},
         .doc = "tick length: step_months = 1, 3, 12; dt = step_months / 12 years"});
  s.add({.path = "time.rates_per",
         .type = V::choice,
         .required = true,
         .choices = {"month", "quarter", "year"},
         .doc =
             "the period every budget, rate and duration of the scenario is given per; the engine converts "
             "them to the step, so changing the step keeps the scenario's meaning"});
  s.add({.path = "time.spin_up",
         .type = V::number,
         .unit = "years",
         .default_text = "0",
         .range = config::Bounds{0.0, 1000.0, false, false},
         .doc = "years run before time.start and not recorded, budgets held at their start values and no "
                "events or campaigns, so that row 0 is the state the model's own equations reach from the "
                "initial values instead of those values (docs/model.md, section 8)"});
  s.add({.path = "channels",
         .type = V::mapping,
         .default_text = "{economic: {}, security: {}, soft: {}}",
         .doc = "the channels of influence, in order: names mapped to their settings (below)"});
  s.add({.path = "channels.<channel>.decay",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::fraction,
         .default_text = "0.02",
         .range = kUnitOpenHigh,
         .doc = "`delta_c`, stock depreciation"});
  s.add({.path = "channels.<channel>.exponent",
         .type = V::number,
         .default_text = "1",
         .range = Bounds{0.0, 10.0, true, false},
         .doc = "`r_c`, Tullock contest exponent"});
  s.add({.path = "opinion.negative_threshold",
         .type = V::number,
         .default_text = "0.2",
         .range = Bounds{0.0, 1.0, true, true},
         .doc = "`theta_neg`: an attitude x < -theta is negative, x > theta positive"});
  s.add({.path = "campaigns.threshold",
         .type = V::number,
         .default_text = "0.2",
         .range = kUnit,
         .doc = "`theta_camp`, negative share above which campaigns start"});
  s.add({.path = "campaigns.duration",
         .type = V::integer,
         .unit = "periods",
         .per_time = config::TimeScaling::duration,
         .default_text = "6",
         .range = Bounds{1.0, 1e6},
         .doc = "`D`, how long each campaign lasts"});
  s.add(
      {.path = "campaigns.penalty",
       .type = V::number,
       .default_text = "0",
       .range = kUnitOpenHigh,
       .doc = "`phi`: each active campaign multiplies the efficiency of the penalised channels by 1 - phi"});
  s.add({.path = "campaigns.channels",
         .type = V::names,
         .default_text = "[economic]",
         .doc = "the channels whose efficiency campaigns reduce (the default needs `economic` declared if "
                "phi > 0)"});
  s.add({.path = "output.agents",
         .type = V::choice,
         .default_text = "none",
         .choices = {"none", "final"},
         .doc = "`final` also writes every citizen's final attitudes"});
  s.add({.path = "output.agents_every",
         .type = V::integer,
         .unit = "periods",
         .per_time = config::TimeScaling::duration,
         .default_rule = "no snapshots",
         .range = Bounds{1.0, 1e6},
         .doc = "also writes every citizen's attitudes at tick 0 and after ticks N, 2N, ..."});
}

void powers(Schema& s) {
  s.add({.path = "powers.<power>.name", .type = V::text, .default_rule = "the code", .doc = "display name"});
  s.add({.path = "powers.<power>.budget.<channel>",
         .type = V::number,
         .unit = "budget units per period",
         .per_time = config::TimeScaling::flow,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`b[p,c]`"});
  s.add({.path = "powers.<power>.growth",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::compound,
         .default_text = "0",
         .range = Bounds{-1.0, config::kInf, true, false},
         .doc = "`g[p]`: b *= 1 + g after each tick"});
  s.add(
      {.path = "powers.<power>.labour_demand",
       .type = V::number,
       .default_text = "1",
       .range = kNonNeg,
       .doc = "`L[p]` at the start: the power's demand for migrant labour, an index (model.md section 12)"});
  s.add({.path = "powers.<power>.labour_growth",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::compound,
         .default_text = "0",
         .range = Bounds{-1.0, config::kInf, true, false},
         .doc = "`gL[p]`: L *= 1 + gL after each tick"});
  s.add({.path = "powers.<power>.policy.<channel>",
         .type = V::name,
         .default_text = "value",
         .doc = "allocation policy of the channel (model.md section 3); a single name sets every channel"});
  s.add({.path = "powers.<power>.strategic_value.<target>",
         .type = V::number,
         .default_text = "1",
         .range = kNonNeg,
         .doc = "`sv[p,t]`"});
  s.add({.path = "powers.<power>.valence.<channel>",
         .type = V::number,
         .default_text = "0",
         .range = kSigned,
         .doc = "`v[c,p]`, where presence pulls opinion"});
}

/// A target's labour migration to one host power (model.md section 12). Its
/// keys take their defaults only where the mapping is given.
void migration(Schema& s) {
  s.add({.path = "targets.<target>.migration",
         .type = V::mapping,
         .default_rule = "no migration",
         .doc = "labour migration from the target to one host power, and the remittances it sends home"});
  s.add({.path = "targets.<target>.migration.host",
         .type = V::name,
         .required = true,
         .doc = "`h`, the power whose labour market the target's migrants work in"});
  s.add({.path = "targets.<target>.migration.share",
         .type = V::number,
         .required = true,
         .range = kUnit,
         .doc = "`m0_t`, share of the target's population working in the host at the start"});
  s.add({.path = "targets.<target>.migration.elasticity",
         .type = V::number,
         .default_text = "1",
         .range = kNonNeg,
         .doc = "`eps_t`: the target share moves with L[h]^eps"});
  s.add(
      {.path = "targets.<target>.migration.attitude_effect",
       .type = V::number,
       .default_text = "0",
       .doc =
           "`zeta_t`: the target share moves with exp(zeta * o[t,h]), o the mean attitude toward the host"});
  s.add({.path = "targets.<target>.migration.adjustment",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::fraction,
         .default_text = "0.1",
         .range = kUnit,
         .doc = "`lambda_m`, share of the gap to the target share that closes in a period"});
  s.add({.path = "targets.<target>.migration.remittance",
         .type = V::number,
         .unit = "budget units per period per unit of share",
         .per_time = config::TimeScaling::flow,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`r_t`: remittances R = r * m * L[h]"});
  s.add({.path = "targets.<target>.migration.leverage",
         .type = V::number,
         .default_text = "1",
         .range = kNonNeg,
         .doc = "`eta_m`: the host's stock in the target gains eta_m * R a tick"});
  s.add({.path = "targets.<target>.migration.channel",
         .type = V::name,
         .default_text = "economic",
         .doc = "the channel whose stock remittances add to (the default needs `economic` declared)"});
}

void targets(Schema& s) {
  s.add(
      {.path = "targets.<target>.name", .type = V::text, .default_rule = "the code", .doc = "display name"});
  s.add({.path = "targets.<target>.citizens",
         .type = V::integer,
         .unit = "agents",
         .default_text = "1000",
         .range = kNonNeg,
         .doc = "`N_t`"});
  s.add({.path = "targets.<target>.groups.<group>",
         .type = V::number,
         .default_rule = "1 with one group, else required",
         .range = kUnit,
         .doc = "group shares, summing to 1; unlisted groups 0"});
  s.add({.path = "targets.<target>.channel_weights.<channel>",
         .type = V::number,
         .default_rule = "1 / channels without the mapping, 0 when unlisted in it",
         .range = kNonNeg,
         .doc = "`w[t,c]`, summing to 1"});
  s.add({.path = "targets.<target>.responsiveness",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::fraction,
         .default_text = "0.1",
         .range = kUnit,
         .doc = "`lambda_t`"});
  s.add({.path = "targets.<target>.opinion_sensitivity",
         .type = V::number,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`beta_t`"});
  s.add({.path = "targets.<target>.alignment_access",
         .type = V::number,
         .default_text = "0",
         .range = config::Bounds{0.0, 20.0, false, false},
         .doc = "`kappa_t`: a power's stock inflow in the target is multiplied by exp(kappa_t (a[t,p] - "
                "1/(|P|+1))), so the government's alignment opens or closes its access"});
  s.add({.path = "targets.<target>.independence",
         .type = V::number,
         .default_text = "0",
         .range = config::Bounds{-10.0, 10.0, false, false},
         .doc =
             "`nu_t`: the government's own (self) pull in the alignment target is multiplied by exp(nu_t): "
             "a standing preference for a multi-vector policy"});
  s.add(
      {.path = "targets.<target>.balancing",
       .type = V::number,
       .default_text = "0",
       .range = config::Bounds{0.0, 20.0, false, false},
       .doc =
           "`chi_t`: the self pull is also multiplied by exp(chi_t (max_p a[t,p] - 1/(|P|+1))): the more one "
           "power dominates the alignment, the more the government hedges"});
  s.add({.path = "targets.<target>.alignment.<power>",
         .type = V::number,
         .default_rule = "uniform over the powers and self without the mapping, 0 when unlisted in it",
         .range = kUnit,
         .doc = "initial `a[t,.]` (a power or `self`), summing to 1"});
  s.add({.path = "targets.<target>.autonomy.<channel>",
         .type = V::number,
         .unit = "stock units",
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`S[c,self,t]`"});
  s.add({.path = "targets.<target>.stocks.<power>.<channel>",
         .type = V::number,
         .unit = "stock units",
         .default_text = "0",
         .range = kNonNeg,
         .doc = "initial `S[c,p,t]`"});
  s.add({.path = "targets.<target>.campaign_rate",
         .type = V::number,
         .unit = "campaigns per year per unit of excess negative share",
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`kappa_t`"});
  migration(s);
}

void groups(Schema& s) {
  s.add({.path = "groups.<group>.susceptibility",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::fraction,
         .default_text = "0.1",
         .range = kUnit,
         .doc = "`alpha_g`"});
  s.add({.path = "groups.<group>.anchoring",
         .type = V::number,
         .unit = "per period",
         .per_time = config::TimeScaling::fraction,
         .default_text = "0",
         .range = kUnit,
         .doc = "`mu_g`, pull back to the initial attitude"});
  s.add({.path = "groups.<group>.peer_weight",
         .type = V::number,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`gamma_g`"});
  s.add({.path = "groups.<group>.noise",
         .type = V::number,
         .unit = "attitude units per period",
         .per_time = config::TimeScaling::spread,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`sigma_g`"});
  s.add({.path = "groups.<group>.exposure.<power>.<channel>",
         .type = V::number,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`e[g,c,p]`"});
  s.add({.path = "groups.<group>.attitude.<power>.mean",
         .type = V::number,
         .default_text = "0",
         .range = kSigned,
         .doc = "mean of the initial attitudes ~ Normal(mean, sd), clipped to [-1, 1]"});
  s.add({.path = "groups.<group>.attitude.<power>.sd",
         .type = V::number,
         .default_text = "0",
         .range = kNonNeg,
         .doc = "standard deviation of the initial attitudes"});
  s.add({.path = "groups.<group>.valence.<power>.<channel>",
         .type = V::number,
         .default_rule = "no override: the power's valence",
         .range = kSigned,
         .doc = "`v[g,c,p]`, the valence of the power's presence as the group's citizens perceive it"});
}

/// A target's group_parameters: every key of a group again, for the target's
/// own citizens of that group, declared from the group's declarations (so the
/// ranges, units and time scaling are the group's, written once).
void group_overrides(Schema& s) {
  constexpr std::string_view kGroup = "groups.<group>.";
  std::vector<KeySpec> overrides;
  for (const KeySpec& k : s.keys()) {
    if (!k.path.starts_with(kGroup)) continue;
    KeySpec o = k;
    o.path = "targets.<target>.group_parameters.<group>." + k.path.substr(kGroup.size());
    o.default_text.clear();
    o.default_rule = "no override: the group's value";
    o.doc = k.doc + ", for this target's citizens of the group";
    overrides.push_back(std::move(o));
  }
  for (KeySpec& o : overrides) s.add(std::move(o));
}

void institutions_and_events(Schema& s) {
  s.add({.path = "institutions.<institution>.leaders",
         .type = V::names,
         .required = true,
         .doc = "the powers that get the bonus: at least one, distinct"});
  s.add({.path = "institutions.<institution>.members",
         .type = V::names,
         .default_text = "[]",
         .doc = "targets that are members at the start; events join / leave change them"});
  s.add({.path = "institutions.<institution>.bonus.<channel>",
         .type = V::number,
         .default_text = "1",
         .range = kPositive,
         .doc = "efficiency factor `eta` of each leader's allocation inside member targets"});
  s.add({.path = "events.<event>.date",
         .type = V::date,
         .required = true,
         .doc = "within [time.start, last day of time.end's month]"});
  s.add({.path = "events.<event>.note",
         .type = V::text,
         .required = true,
         .doc = "what happened (recorded in the results)"});
  s.add({.path = "events.<event>.enabled",
         .type = V::boolean,
         .default_text = "true",
         .doc = "false drops the event (still validated; its date may lie outside the period)"});
  s.add({.path = "events.<event>.actions",
         .type = V::list,
         .required = true,
         .doc = "at least one action: a mapping with exactly one action name (and optionally `name`)"});
  s.add({.path = "events.<event>.actions[].name",
         .type = V::text,
         .default_rule = "none",
         .doc = "a name for the action, unique within its event, so that a key path can select it as "
                "actions[NAME] (besides actions[INDEX]); not only digits, no '.', '[' or ']'"});
}

/// Survey instruments (model.md section 13): the cuts of their categories on
/// the attitude scale and their response noise.
void surveys(Schema& s) {
  s.add({.path = "surveys.<survey>.doc",
         .type = V::text,
         .default_text = "\"\"",
         .doc = "what the survey asks and who publishes it"});
  s.add({.path = "surveys.<survey>.favourable_above",
         .type = V::number,
         .required = true,
         .range = kSigned,
         .doc = "`c_f`: a response above it counts as favourable"});
  s.add({.path = "surveys.<survey>.unfavourable_below",
         .type = V::number,
         .required = true,
         .range = kSigned,
         .doc = "`c_u`: a response below it counts as unfavourable; at most `favourable_above`"});
  s.add({.path = "surveys.<survey>.response_sd",
         .type = V::number,
         .unit = "attitude units",
         .default_text = "0",
         .range = kNonNeg,
         .doc = "`s`: standard deviation of the response noise, response = attitude + s Z"});
}

Schema build() {
  Schema s;
  top_level(s);
  powers(s);
  targets(s);
  groups(s);
  group_overrides(s);
  institutions_and_events(s);
  surveys(s);
  return s;
}

}  // namespace

const config::Schema& scenario_core_schema() {
  static const config::Schema schema = build();
  return schema;
}

const std::vector<std::string>& scenario_collections() {
  static const std::vector<std::string> collections = [] {
    std::vector<std::string> out;
    for (const config::KeySpec& k : scenario_core_schema().keys()) {
      const std::string_view p = k.path;
      const std::size_t dot = p.find('.');
      if (dot == std::string_view::npos || p.substr(dot + 1, 1) != "<") continue;
      const std::string top(p.substr(0, dot));
      if (std::find(out.begin(), out.end(), top) == out.end()) out.push_back(top);
    }
    return out;
  }();
  return collections;
}

const std::vector<std::string>& scenario_required_collections() {
  static const std::vector<std::string> required{"powers", "targets", "groups"};
  return required;
}

void write_in_default_channels(config::Node& tree, const std::vector<std::string>& overrides) {
  if (!tree.is_map() || tree.find("channels")) return;
  if (std::none_of(overrides.begin(), overrides.end(),
                   [](const std::string& o) { return o.starts_with("channels."); }))
    return;
  config::Node channels = config::parse_text(scenario_core_schema().at("channels").default_text, "default");
  tree.entries.push_back({"channels", std::move(channels)});
}

config::Schema scenario_schema() {
  config::Schema all;
  for (const config::KeySpec& k : scenario_core_schema().keys()) {
    all.add(k);
    // Each registered policy's and action's keys, where the format puts them.
    if (k.path == "powers.<power>.valence.<channel>") all.add(policy_keys());
    if (k.path == "events.<event>.actions[].name") all.add(action_keys());
  }
  return all;
}

}  // namespace geosim
