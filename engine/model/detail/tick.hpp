#pragma once
// The stages of a tick (model.md section 8) and the working state they share.
// Each stage is a free function over that state, in its own file in
// engine/model/stages/; World::step() runs them in the order of the one list
// in engine/model/world.cpp. A new mechanism is a stage here, its file, and
// a line in that list (plus its scenario section and its results entries).
//
// Stages run every tick: they must not allocate (size scratch in
// make_tick()) nor look anything up by name.
#include <Eigen/Core>
#include <cstdint>
#include <string_view>
#include <vector>

#include "geosim/model/policy.hpp"
#include "geosim/model/population.hpp"
#include "geosim/model/world.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim::detail {

/// One (power, channel)'s policy and settings, resolved when the world is built.
struct PolicySlot {
  const AllocationPolicy* policy = nullptr;
  const PolicySettings* settings = nullptr;
};

/// What the stages read and write: the recorded state and the world's scratch.
struct Tick {
  Tick(const Scenario& scenario, std::uint64_t seed, WorldState& state, Population& population);

  const Scenario& scenario;
  std::uint64_t seed;
  WorldState& state;
  Population& population;

  std::size_t next_event = 0;                     // events: the first not yet applied
  std::vector<PolicyUse> policy_uses;             // allocation, budgets: [p * C + c], owns the settings
  std::vector<PolicySlot> policies;               // the same as plain pointers
  std::vector<GroupParameters> group_parameters;  // citizens: [t*G + g], Scenario::group_in(t, g)
  std::vector<UpdateCoefficients> coeffs;         // citizens: [(t*G + g)*P + p]
  std::vector<GroupTally> tallies;                // citizens: likewise
  std::vector<double> weights;                    // allocation: one power's split, by target
  std::vector<double> alignment_target;  // alignment: (power + self) unnormalised target of section 6
  std::vector<char> campaign_penalised;  // stocks: by channel, whether campaigns reduce its efficiency
  Eigen::ArrayXXd next_budget;           // budgets: power x channel
  Eigen::ArrayXXi campaign_history;      // campaigns: (P*T) x duration ring buffer of new campaigns
  // campaigns: [p*T + t], the running sum of its row of campaign_history
  std::vector<std::int64_t> campaign_active;
};

using StageFn = void (*)(Tick&);
struct Stage {
  std::string_view name;
  StageFn run;
};

// The stages, in tick order (the order itself is the list in world.cpp).
void apply_events(Tick& tick);       // stages/events.cpp
void allocate(Tick& tick);           // stages/allocation.cpp
void update_stocks(Tick& tick);      // stages/stocks.cpp
void migrate(Tick& tick);            // stages/migration.cpp
void compute_influence(Tick& tick);  // stages/influence.cpp
void update_citizens(Tick& tick);    // stages/citizens.cpp (then reduce_tallies)
void reduce_tallies(Tick& tick);     // stages/citizens.cpp: means and shares from the tallies
void reduce_surveys(Tick& tick);     // stages/surveys.cpp: survey shares, at the end of reduce_tallies
void update_alignment(Tick& tick);   // stages/alignment.cpp
void draw_campaigns(Tick& tick);     // stages/campaigns.cpp
void grow_budgets(Tick& tick);       // stages/budgets.cpp

/// After the stages: throws NonFiniteError naming the tick, its date, the
/// variable and its indices if an aggregate of the state is inf or NaN (finite.cpp).
void check_finite(const Tick& tick);

}  // namespace geosim::detail
