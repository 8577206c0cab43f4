#pragma once
// A validated scenario: the *description* of a run. Built once from YAML by
// load_scenario(); immutable while a World runs it. Every index below
// (power, target, group, institution, channel) is a position in these vectors,
// resolved from names at load time so the engine never looks names up.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/core/dates.hpp"
#include "geosim/core/errors.hpp"

namespace geosim {

/// The default of a numeric scenario key, as the scenario schema declares it
/// (scenario/schema.hpp): the initialisers below take their values from it,
/// so a scenario built in code starts where a scenario file that omits the
/// key would (std::logic_error for a path the schema does not declare).
double scenario_default(std::string_view schema_path);

/// One value per channel, in the scenario's channel order (Scenario::channels).
using PerChannel = std::vector<double>;
/// Values by power, then channel, each of which a scenario may give or leave
/// out (nullopt, so that it comes from elsewhere); an empty vector, or an
/// empty row of a power, gives none.
using ByPowerChannel = std::vector<std::vector<std::optional<double>>>;

// Registry entries named by a scenario (model/policy.hpp, model/action.hpp).
class AllocationPolicy;
class PolicySettings;
class ActionType;
class Action;

/// How a power splits one channel's budget over targets (model.md section 3):
/// a registered policy, resolved from its name at load time, and the settings
/// its own parser read from the power's keys.
struct PolicyUse {
  const AllocationPolicy* policy = nullptr;        // nullptr: the default policy (`value`)
  std::shared_ptr<const PolicySettings> settings;  // nullptr: the policy's defaults
};

/// A channel of influence, declared by the scenario (`channels:`): a name and
/// its own parameters. Its index is its position in Scenario::channels.
struct ChannelSpec {
  std::string name;
  double decay = scenario_default("channels.<channel>.decay");        // delta_c per tick, in [0,1)
  double exponent = scenario_default("channels.<channel>.exponent");  // Tullock r_c > 0
};

struct PowerSpec {
  std::string code, name;
  PerChannel budget{};                                        // b[p,c], budget units per tick
  double growth = scenario_default("powers.<power>.growth");  // g[p], per tick
  std::vector<PolicyUse> policy;                              // by channel
  std::vector<double> strategic_value;  // sv[p,t], by target (value, contest, richardson)
  PerChannel valence{};                 // v[c,p] in [-1,1]
  double labour_demand = scenario_default("powers.<power>.labour_demand");  // L[p] at the start
  double labour_growth = scenario_default("powers.<power>.labour_growth");  // gL[p], per tick
};

/// A target's labour migration to one host power (model.md section 12).
struct MigrationSpec {
  int host = -1;       // power index; -1: the target sends no migrants
  int channel = -1;    // the channel whose stock remittances add to
  double share = 0.0;  // m0_t in [0,1] (required when migration is given)
  double elasticity = scenario_default("targets.<target>.migration.elasticity");            // eps_t
  double attitude_effect = scenario_default("targets.<target>.migration.attitude_effect");  // zeta_t
  double adjustment = scenario_default("targets.<target>.migration.adjustment");  // lambda_m per tick
  double remittance = scenario_default("targets.<target>.migration.remittance");  // r_t per tick
  double leverage = scenario_default("targets.<target>.migration.leverage");      // eta_m
  bool active() const { return host >= 0; }
};

/// What a target changes in one group's parameters for its own citizens of
/// that group (targets.<target>.group_parameters.<group>): each value given
/// replaces the group's, the others stay the group's.
struct GroupOverride {
  std::optional<double> susceptibility, anchoring, peer_weight, noise;
  ByPowerChannel exposure, valence;
  std::vector<std::optional<double>> attitude_mean, attitude_sd;  // by power; empty: none given
};

struct TargetSpec {
  std::string code, name;
  std::int64_t citizens = static_cast<std::int64_t>(scenario_default("targets.<target>.citizens"));  // N_t
  std::vector<double> group_share;                                              // by group, sums to 1
  PerChannel channel_weights{};                                                 // w[t,c], sums to 1
  double responsiveness = scenario_default("targets.<target>.responsiveness");  // lambda_t
  double opinion_sensitivity = scenario_default("targets.<target>.opinion_sensitivity");  // beta_t
  double alignment_access = scenario_default("targets.<target>.alignment_access");        // kappa_t
  double independence = scenario_default("targets.<target>.independence");                // nu_t
  double balancing = scenario_default("targets.<target>.balancing");                      // chi_t
  std::vector<double> initial_alignment;  // by power, then self last (size P+1), sums to 1
  PerChannel autonomy{};                  // S[c,self,t]
  std::vector<PerChannel> initial_stock;  // S[c,p,t](0), by power
  double campaign_rate =
      scenario_default("targets.<target>.campaign_rate");  // kappa_t, per year per unit excess
  /// This target's overrides of the groups' parameters for its own citizens
  /// (targets.<target>.group_parameters), by group; empty: none.
  std::vector<GroupOverride> group_parameters;
  MigrationSpec migration{};  // none unless the target has `migration:`
};

struct GroupSpec {
  std::string name;
  double susceptibility = scenario_default("groups.<group>.susceptibility");  // alpha_g
  double anchoring = scenario_default("groups.<group>.anchoring");            // mu_g in [0,1]
  double peer_weight = scenario_default("groups.<group>.peer_weight");        // gamma_g
  double noise = scenario_default("groups.<group>.noise");                    // sigma_g
  std::vector<PerChannel> exposure;                                           // e[g,c,p], by power
  std::vector<double> attitude_mean;                                          // m[g,p], by power
  std::vector<double> attitude_sd;                                            // s[g,p], by power
  /// v[g,c,p]: the valence of power p's presence as this group's citizens
  /// perceive it (groups.<group>.valence), by power then channel; where it
  /// gives none, the power's own v[c,p] (PowerSpec::valence).
  ByPowerChannel valence;
};

/// The parameters of one group's citizens in one target with every value
/// resolved (Scenario::group_in): what the citizen update of model.md
/// section 7 and the initial draws use.
struct GroupParameters {
  double susceptibility = 0, anchoring = 0, peer_weight = 0, noise = 0;  // alpha, mu, gamma, sigma
  std::vector<PerChannel> exposure;                                      // e[g,c,p], by power
  std::vector<PerChannel> valence;                                       // v[g,c,p], by power
  std::vector<double> attitude_mean, attitude_sd;                        // m[g,p], s[g,p], by power
};

struct InstitutionSpec {
  std::string name;
  std::vector<int> leaders;  // power indices
  std::vector<int> members;  // target indices at the start
  PerChannel bonus;          // eta factor for each leader inside members, by channel
};

/// A survey instrument (model.md section 13): how a poll turns latent
/// attitudes into its published categories.
struct SurveySpec {
  std::string name, doc;
  double favourable_above = 0.0;    // c_f: a response above it is favourable
  double unfavourable_below = 0.0;  // c_u <= c_f: a response below it is unfavourable
  double response_sd = scenario_default("surveys.<survey>.response_sd");  // s, the instrument's noise
};

inline constexpr int kSelf = -1;  // "power" index of a target's own autonomy stock

/// One action of an event: a registered action type, resolved from its name
/// at load time, and the arguments its own parser read (indices, values).
struct EventAction {
  const ActionType* type = nullptr;      // its registry entry: name, argument keys
  std::shared_ptr<const Action> action;  // how it changes the world state
  std::string name;                      // its `name` ("" if it has none): key paths select it by it
};

struct EventSpec {
  std::string id;
  Date date;
  int tick = 0;  // tick at whose start it applies
  std::string note;
  std::vector<EventAction> actions;
};

struct CampaignSpec {
  double threshold = scenario_default("campaigns.threshold");               // theta_camp
  int duration = static_cast<int>(scenario_default("campaigns.duration"));  // D, ticks
  double penalty = scenario_default("campaigns.penalty");                   // phi in [0,1)
  std::vector<int> channels;  // the channels whose efficiency phi reduces (indices)
};

struct OutputSpec {
  enum class Agents { none, final } agents = Agents::none;
  /// Snapshot every citizen's attitudes at tick 0 and after ticks N, 2N, ... (0 = never).
  int agents_every = 0;
  /// Ticks of the snapshots of a run of `ticks` ticks: 0, N, 2N, ... <= ticks (empty if off).
  std::vector<int> snapshot_ticks(int ticks) const {
    std::vector<int> out;
    if (agents_every > 0)
      for (int k = 0; k <= ticks; k += agents_every) out.push_back(k);
    return out;
  }
};

struct Scenario {
  std::string name;
  std::string description;
  std::filesystem::path source_path;  // the file given on the command line
  std::string source_text;            // that file's text, exactly as read
  /// The files read (canonical paths): source_path and every file of its
  /// `extends` chain. A run refuses to write its results over any of them.
  std::vector<std::filesystem::path> input_files;
  /// The tree after extends and --set with every default written in, as YAML
  /// (scenario/defaults.hpp), and the defaults alone, one "path: value" per line.
  std::string resolved_yaml;
  std::string defaults_applied;

  Date start;
  Date end;             // last simulated month
  int step_months = 1;  // tick length
  /// The period the file gives budgets, rates and durations per (time.rates_per);
  /// the loader has converted them to the tick (scenario/time_units.hpp).
  int rates_per_months = 1;
  double dt = 1.0 / 12;    // tick length in years
  int ticks = 0;           // K
  int scenario_ticks = 0;  // K before any --ticks override
  int spin_up_ticks = 0;   // ticks run before row 0 (time.spin_up), not recorded
  std::uint64_t seed = static_cast<std::uint64_t>(scenario_default("seed"));

  std::vector<ChannelSpec> channels;                                           // in the file's order
  double negative_threshold = scenario_default("opinion.negative_threshold");  // theta_neg
  CampaignSpec campaigns;
  OutputSpec output;

  std::vector<PowerSpec> powers;
  std::vector<TargetSpec> targets;
  std::vector<GroupSpec> groups;
  std::vector<InstitutionSpec> institutions;
  std::vector<SurveySpec> surveys;  // in the file's order
  std::vector<EventSpec> events;    // sorted by tick, then file order

  int num_powers() const { return static_cast<int>(powers.size()); }
  int num_targets() const { return static_cast<int>(targets.size()); }
  int num_groups() const { return static_cast<int>(groups.size()); }
  int num_channels() const { return static_cast<int>(channels.size()); }
  std::vector<std::string> channel_names() const;
  std::int64_t num_citizens() const;
  /// Group g's parameters for the citizens of target t: the group's own,
  /// target t's group_parameters over them, and each power's own valence
  /// where neither gives the group one (engine/scenario/groups.cpp).
  GroupParameters group_in(int t, int g) const;
  /// Whether some target sends labour migrants (model.md section 12).
  bool has_migration() const;
  /// Whether the scenario declares surveys (model.md section 13).
  bool has_surveys() const;
  Date row_date(int row) const { return start.plus_months(row * step_months); }
};

struct LoadOptions {
  std::vector<std::string> overrides;  // "dotted.path=value", applied in order
  int ticks = -1;  // 1..the scenario's ticks: run only the first N (events beyond are skipped)
  bool has_seed = false;
  std::uint64_t seed = 0;
  /// false: leave Scenario::resolved_yaml and defaults_applied empty (sweeps keep one per base)
  bool keep_resolved_yaml = true;
};

/// Reads, merges (`extends:`), overrides (`--set`) and validates a scenario.
/// Throws an InputError subclass naming file:line:col and the key on bad input.
Scenario load_scenario(const std::filesystem::path& path, const LoadOptions& options = {});

/// The two halves of load_scenario, for callers that build many scenarios
/// from one file (sweeps): read the file and resolve its `extends:` chain
/// once, then apply each run's overrides and validate. load_scenario(path, o)
/// is scenario_from_tree(read_scenario_tree(path, &text), path, text, o).
config::Node read_scenario_tree(const std::filesystem::path& path, std::string* source_text = nullptr,
                                std::vector<std::filesystem::path>* files = nullptr);
Scenario scenario_from_tree(config::Node tree, const std::filesystem::path& source, std::string source_text,
                            const LoadOptions& options = {});

}  // namespace geosim
