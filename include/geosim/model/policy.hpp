#pragma once
// Allocation policies (model.md section 3). Each policy is one small unit
// behind this interface; a new one is a file in engine/policies/ and a line
// in the registry (engine/model/policy.cpp).
#include <span>

#include "geosim/scenario/scenario.hpp"
#include "geosim/model/world.hpp"

namespace geosim {

struct AllocationContext {
  const Scenario& scenario;
  const WorldState& state;
  int power;
  int channel;
  double budget;  // b[p,c] to split this tick
};

class AllocationPolicy {
 public:
  virtual ~AllocationPolicy() = default;
  /// Writes A[c,p,t] >= 0 for every target into `out` (size |T|), summing to the budget.
  virtual void allocate(const AllocationContext& ctx, std::span<double> out) const = 0;
  /// The budget for the next tick; by default grows by g[p].
  virtual double next_budget(const AllocationContext& ctx) const;
};

/// The registered policy of a kind.
const AllocationPolicy& policy_for(PolicyKind kind);

}  // namespace geosim
