// `contest`: a softmax over targets of sv * (the share p would gain from an
// even split of its budget), temperature tau: money flows where influence is
// contested (model.md section 3).
#include <algorithm>
#include <cmath>

#include "geosim/model/policy.hpp"

namespace geosim::policies_builtin {
namespace {

struct ContestSettings final : PolicySettings {
  double temperature = 0.0;  // tau
};

class ContestPolicy final : public AllocationPolicy {
 public:
  std::string_view name() const override { return "contest"; }

  const config::Schema& keys() const override {
    static const config::Schema keys = config::Schema().add({.path = "temperature",
                                                             .type = config::ValueType::number,
                                                             .default_text = "0.05",
                                                             .range = config::kPositive,
                                                             .doc = "tau, softmax temperature of `contest`"});
    return keys;
  }

  std::shared_ptr<const PolicySettings> parse(const PolicyInput& in) const override {
    auto s = std::make_shared<ContestSettings>();
    s->temperature = config::read_number(in.power, keys().at("temperature"), in.path);
    return s;
  }

  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const PowerSpec& power = ctx.scenario.powers[ctx.power];
    const double temperature = static_cast<const ContestSettings&>(*ctx.settings).temperature;
    const int targets = static_cast<int>(out.size());
    const double extra = ctx.budget / targets;
    const double exponent = ctx.scenario.channels[ctx.channel].exponent;
    const Eigen::ArrayXXd& stock = ctx.state.stock[ctx.channel];
    double highest = -INFINITY;
    for (int t = 0; t < targets; ++t) {
      const double autonomy = ctx.state.autonomy(ctx.channel, t);
      const double before =
          tullock_share_of(stock.col(t).data(), stock.rows(), ctx.power, autonomy, exponent, 0.0);
      const double after =
          tullock_share_of(stock.col(t).data(), stock.rows(), ctx.power, autonomy, exponent, extra);
      out[t] = power.strategic_value[t] * (after - before) / temperature;
      highest = std::max(highest, out[t]);
    }
    for (double& score : out) score = std::exp(score - highest);  // stable softmax
    split_proportionally(ctx.budget, out);
  }
};

}  // namespace

std::unique_ptr<const AllocationPolicy> contest() { return std::make_unique<ContestPolicy>(); }

}  // namespace geosim::policies_builtin
