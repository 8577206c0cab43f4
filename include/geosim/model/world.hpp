#pragma once
// The running simulation: state that step() advances one tick at a time by
// an ordered list of stages, in the order of model.md section 8 (the list is
// in engine/model/world.cpp, the stages in engine/model/stages/). Observers (the Recorder, progress bars)
// watch it through StepObserver without touching the loop.
#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "geosim/model/population.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Everything a row of the results holds. Arrays are (power x target) unless noted.
struct WorldState {
  int tick = 0;                             // ticks done; the row index
  Eigen::ArrayXXd budget;                   // power x channel, for the next tick
  std::vector<Eigen::ArrayXXd> allocation;  // A[c], by channel: spent in the last tick
  std::vector<Eigen::ArrayXXd> stock;       // S[c], by channel
  std::vector<Eigen::ArrayXXd> influence;   // I[c], by channel
  Eigen::ArrayXXd autonomy;                 // channel x target: S[c,self,t]
  Eigen::ArrayXXd autonomy_share;           // channel x target: I[c,self,t]
  Eigen::ArrayXXd alignment;                // (power + self) x target; last row is self
  Eigen::ArrayXXd attitude_mean;            // o[t,p]
  Eigen::ArrayXXd negative_share, positive_share;
  std::vector<Eigen::ArrayXXd> group_mean, group_negative, group_positive;  // by group; NaN if empty
  std::vector<Eigen::ArrayXXd> group_variance;  // by group: population variance of x; NaN if empty
  // The survey measurement model (model.md section 13), by survey; 0 where a target has no citizens:
  std::vector<Eigen::ArrayXXd> survey_favourable, survey_unfavourable;
  Eigen::ArrayXXi campaigns_new;          // drawn this tick, act from the next
  Eigen::ArrayXXi campaigns_active;       // acting during the next tick
  std::vector<std::vector<char>> member;  // [institution][target]
  std::vector<double> growth;             // g[p], events may change it
  // Labour migration (model.md section 12):
  Eigen::ArrayXd labour_demand;  // L[p], by power, for the next tick; events may scale it
  Eigen::ArrayXd migrant_share;  // m[t], by target; NaN where the target sends no migrants
  Eigen::ArrayXd remittances;    // R[t], by target, sent in the last tick; NaN in row 0 and without migration
};

class World;
namespace detail {
struct Tick;  // the stages' working state (engine/model/detail/tick.hpp)
}

/// Watches a run (Taskflow-style observer): called after construction (row 0),
/// after each step() and once at the end.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void on_start(const World&) {}
  virtual void on_step(const World&) {}
  virtual void on_finish(const World&) {}
};

class World {
 public:
  /// Builds the initial state (row 0) of `scenario` with the given seed.
  World(const Scenario& scenario, std::uint64_t seed);
  /// The World keeps a reference to its scenario: from a temporary it would dangle.
  World(Scenario&&, std::uint64_t) = delete;
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World();

  /// Advances one tick: runs every stage in order (model.md section 8). Allocates nothing.
  void step();
  /// The names of the stages of a tick, in the order step() runs them.
  static std::vector<std::string_view> stage_names();
  /// Runs the scenario's remaining ticks, notifying observers.
  void run(const std::vector<StepObserver*>& observers = {});

  const Scenario& scenario() const { return scenario_; }
  const WorldState& state() const { return state_; }
  const Population& population() const { return population_; }
  std::uint64_t seed() const { return seed_; }
  int tick() const { return state_.tick; }

 private:
  /// time.spin_up: the tick's stages but events, campaigns and budget growth,
  /// `ticks` times, unrecorded; row 0 is the state they reach.
  void spin_up(int ticks);

  const Scenario& scenario_;
  std::uint64_t seed_;
  WorldState state_;
  Population population_;
  std::unique_ptr<detail::Tick> tick_;  // scratch sized once, so a tick allocates nothing
};

/// ratio^exponent, a term of the Tullock contest: std::pow, except that an
/// exponent of exactly 1 (most channels) gives the ratio itself without the
/// call. std::pow(x, 1.0) is x, bit for bit (glibc's pow is within 0.52 ULP,
/// and x is exact): the same results, and a third of a small run's pow time.
inline double tullock_term(double ratio, double exponent) {
  return exponent == 1.0 ? ratio : std::pow(ratio, exponent);
}

/// Tullock shares (model.md section 5) for one target and channel: fills
/// shares[p] for each power and returns self's share. Exposed for tests.
double tullock_shares(const double* stocks, int powers, double autonomy, double exponent, double* shares);
/// The share of power p alone if it had `extra` more stock (the contest policy's look-ahead).
double tullock_share_of(const double* stocks, int powers, int p, double autonomy, double exponent,
                        double extra);

}  // namespace geosim
