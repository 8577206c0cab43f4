// The world: its initial state (row 0) and one tick as an ordered list of
// stages, each a free function over the state in engine/model/stages/.
#include "geosim/model/world.hpp"

#include <limits>

#include "model/detail/tick.hpp"

namespace geosim {
namespace {

// One tick, in the order of model.md section 8. This list is that order.
constexpr detail::Stage kTick[] = {
    {"events", detail::apply_events},   // 1. events dated at this tick
    {"allocation", detail::allocate},   // 2. split budgets by policy
    {"stocks", detail::update_stocks},  // 3. stocks, remittances, then influence from them
    {"migration", detail::migrate},     //    migrant shares and remittances (section 12)
    {"influence", detail::compute_influence},
    {"citizens", detail::update_citizens},    // 4. citizens, then means and shares
    {"alignment", detail::update_alignment},  // 5. alignment
    {"campaigns", detail::draw_campaigns},    // 6. new campaigns, acting from the next tick
    {"budgets", detail::grow_budgets},        // 7. budgets for the next tick
};

/// What a spin-up tick leaves out (time.spin_up): no events, no campaigns, and
/// the budgets stay at their start values.
bool skipped_in_spin_up(std::string_view stage) {
  return stage == "events" || stage == "campaigns" || stage == "budgets";
}

}  // namespace

namespace detail {

Tick::Tick(const Scenario& sc, std::uint64_t seed_, WorldState& state_, Population& population_)
    : scenario(sc), seed(seed_), state(state_), population(population_) {
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups(), C = sc.num_channels();
  // Each (power, channel)'s policy and settings, resolved once.
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < C; ++c) {
      policy_uses.push_back(resolve_policy_use(sc, p, sc.powers[p].policy[c]));
      policies.push_back({policy_uses.back().policy, policy_uses.back().settings.get()});
    }
  // Each (target, group)'s parameters, the target's overrides and the group's valences resolved once.
  for (int t = 0; t < T; ++t)
    for (int g = 0; g < G; ++g) group_parameters.push_back(sc.group_in(t, g));
  coeffs.resize(static_cast<std::size_t>(T) * G * P);
  tallies.resize(coeffs.size());
  weights.resize(T);
  alignment_target.resize(P + 1);
  campaign_penalised.assign(C, 0);
  for (int c : sc.campaigns.channels) campaign_penalised[c] = 1;
  next_budget.resize(P, C);
  campaign_history = Eigen::ArrayXXi::Zero(P * T, sc.campaigns.duration);
  campaign_active.assign(static_cast<std::size_t>(P) * T, 0);
}

}  // namespace detail

World::World(const Scenario& scenario, std::uint64_t seed)
    : scenario_(scenario), seed_(seed), population_(scenario, seed) {
  const int P = scenario.num_powers(), T = scenario.num_targets(), G = scenario.num_groups(),
            C = scenario.num_channels();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  WorldState& s = state_;
  s.budget.resize(P, C);
  s.growth.resize(P);
  for (int p = 0; p < P; ++p) {
    for (int c = 0; c < C; ++c) s.budget(p, c) = scenario.powers[p].budget[c];
    s.growth[p] = scenario.powers[p].growth;
  }
  s.autonomy.resize(C, T);
  s.autonomy_share.resize(C, T);
  s.allocation.resize(C);
  s.stock.resize(C);
  s.influence.resize(C);
  for (int c = 0; c < C; ++c) {
    s.allocation[c] = Eigen::ArrayXXd::Constant(P, T, nan);  // nothing spent before the first tick
    s.stock[c].resize(P, T);
    s.influence[c].resize(P, T);
    for (int t = 0; t < T; ++t) {
      s.autonomy(c, t) = scenario.targets[t].autonomy[c];
      for (int p = 0; p < P; ++p) s.stock[c](p, t) = scenario.targets[t].initial_stock[p][c];
    }
  }
  s.alignment.resize(P + 1, T);
  for (int t = 0; t < T; ++t)
    for (int j = 0; j <= P; ++j) s.alignment(j, t) = scenario.targets[t].initial_alignment[j];
  s.attitude_mean = Eigen::ArrayXXd::Zero(P, T);
  s.negative_share = Eigen::ArrayXXd::Zero(P, T);
  s.positive_share = Eigen::ArrayXXd::Zero(P, T);
  s.group_mean.assign(G, Eigen::ArrayXXd::Constant(P, T, nan));
  s.group_negative = s.group_mean;
  s.group_positive = s.group_mean;
  s.group_variance = s.group_mean;
  s.survey_favourable.assign(scenario.surveys.size(), Eigen::ArrayXXd::Zero(P, T));
  s.survey_unfavourable = s.survey_favourable;
  s.campaigns_new = Eigen::ArrayXXi::Zero(P, T);
  s.campaigns_active = Eigen::ArrayXXi::Zero(P, T);
  s.labour_demand.resize(P);
  for (int p = 0; p < P; ++p) s.labour_demand[p] = scenario.powers[p].labour_demand;
  s.migrant_share = Eigen::ArrayXd::Constant(T, nan);  // no migration
  s.remittances = Eigen::ArrayXd::Constant(T, nan);    // nothing sent yet
  for (int t = 0; t < T; ++t)
    if (scenario.targets[t].migration.active()) s.migrant_share[t] = scenario.targets[t].migration.share;
  s.member.assign(scenario.institutions.size(), std::vector<char>(T, 0));
  for (std::size_t i = 0; i < scenario.institutions.size(); ++i)
    for (int t : scenario.institutions[i].members) s.member[i][t] = 1;

  tick_ = std::make_unique<detail::Tick>(scenario, seed, state_, population_);
  // Row 0: influence of the initial stocks, means and shares of the initial attitudes.
  detail::compute_influence(*tick_);
  population_.tally(static_cast<float>(scenario.negative_threshold), tick_->tallies);
  detail::reduce_tallies(*tick_);
  if (scenario.spin_up_ticks > 0) spin_up(scenario.spin_up_ticks);
}

void World::spin_up(int ticks) {
  // The spin-up's ticks are numbered -ticks .. -1: their random numbers (the
  // tick is a Philox counter word) never meet those of a recorded tick.
  for (int k = 0; k < ticks; ++k) {
    state_.tick = k - ticks;
    for (const detail::Stage& stage : kTick)
      if (!skipped_in_spin_up(stage.name)) stage.run(*tick_);
    detail::check_finite(*tick_);
  }
  state_.tick = 0;
  // Row 0 as without a spin-up: nothing spent before the first tick.
  for (auto& a : state_.allocation) a = std::numeric_limits<double>::quiet_NaN();
  state_.remittances.setConstant(std::numeric_limits<double>::quiet_NaN());
}

World::~World() = default;

std::vector<std::string_view> World::stage_names() {
  std::vector<std::string_view> out;
  for (const detail::Stage& stage : kTick) out.push_back(stage.name);
  return out;
}

void World::run(const std::vector<StepObserver*>& observers) {
  for (auto* observer : observers) observer->on_start(*this);
  while (state_.tick < scenario_.ticks) {
    step();
    for (auto* observer : observers) observer->on_step(*this);
  }
  for (auto* observer : observers) observer->on_finish(*this);
}

void World::step() {
  for (const detail::Stage& stage : kTick) stage.run(*tick_);
  detail::check_finite(*tick_);  // finite or refused: a diverged run stops here
  ++state_.tick;
}

}  // namespace geosim
