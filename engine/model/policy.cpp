// The allocation policies of model.md section 3 and their registry.
// A new policy: a class here (or in its own file) and a line in policy_for().
#include "geosim/model/policy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace geosim {
namespace {

/// Splits `budget` in proportion to non-negative weights; evenly if they are all zero.
void split_proportionally(double budget, std::span<double> weights_then_out) {
  const double total = std::accumulate(weights_then_out.begin(), weights_then_out.end(), 0.0);
  const double even = 1.0 / static_cast<double>(weights_then_out.size());
  for (double& w : weights_then_out) w = budget * (total > 0.0 ? w / total : even);
}

class FixedPolicy final : public AllocationPolicy {
 public:
  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& weights = ctx.scenario.powers[ctx.power].fixed_weights;
    for (std::size_t t = 0; t < out.size(); ++t) out[t] = weights[t][ctx.channel];
    split_proportionally(ctx.budget, out);
  }
};

class ValuePolicy : public AllocationPolicy {
 public:
  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& value = ctx.scenario.powers[ctx.power].strategic_value;
    std::copy(value.begin(), value.end(), out.begin());
    split_proportionally(ctx.budget, out);
  }
};

/// Softmax over targets of sv * (the share p would gain from an even split):
/// money flows where influence is contested.
class ContestPolicy final : public AllocationPolicy {
 public:
  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const PowerSpec& power = ctx.scenario.powers[ctx.power];
    const int targets = static_cast<int>(out.size());
    const double extra = ctx.budget / targets;
    const double exponent = ctx.scenario.channels[ctx.channel].exponent;
    const Eigen::ArrayXXd& stock = ctx.state.stock[ctx.channel];
    double highest = -INFINITY;
    for (int t = 0; t < targets; ++t) {
      const double autonomy = ctx.state.autonomy(ctx.channel, t);
      const double before = tullock_share_of(stock.col(t).data(), stock.rows(), ctx.power, autonomy,
                                             exponent, 0.0);
      const double after = tullock_share_of(stock.col(t).data(), stock.rows(), ctx.power, autonomy,
                                            exponent, extra);
      out[t] = power.strategic_value[t] * (after - before) / power.temperature;
      highest = std::max(highest, out[t]);
    }
    for (double& score : out) score = std::exp(score - highest);  // stable softmax
    split_proportionally(ctx.budget, out);
  }
};

/// Security budgets follow a Richardson arms race; allocation as `value`.
class RichardsonPolicy final : public ValuePolicy {
 public:
  double next_budget(const AllocationContext& ctx) const override {
    const RichardsonSpec& spec = ctx.scenario.powers[ctx.power].richardson;
    double rivals = 0.0;
    for (int q : spec.rivals) rivals += ctx.state.budget(q, ctx.channel);
    const double b = ctx.budget;
    return std::max(0.0, b + ctx.scenario.dt * (spec.reaction * rivals - spec.fatigue * b + spec.grievance));
  }
};

}  // namespace

double AllocationPolicy::next_budget(const AllocationContext& ctx) const {
  return ctx.budget * (1.0 + ctx.state.growth[ctx.power]);
}

const AllocationPolicy& policy_for(PolicyKind kind) {
  static const FixedPolicy fixed;
  static const ValuePolicy value;
  static const ContestPolicy contest;
  static const RichardsonPolicy richardson;
  switch (kind) {
    case PolicyKind::fixed: return fixed;
    case PolicyKind::value: return value;
    case PolicyKind::contest: return contest;
    case PolicyKind::richardson: return richardson;
  }
  return value;
}

}  // namespace geosim
