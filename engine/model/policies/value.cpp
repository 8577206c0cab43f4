// `value`: splits the budget in proportion to the strategic values sv[p,t] (model.md section 3).
#include "geosim/model/policy.hpp"

namespace geosim::policies_builtin {
namespace {

class ValuePolicy final : public AllocationPolicy {
 public:
  std::string_view name() const override { return "value"; }

  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& value = ctx.scenario.powers[ctx.power].strategic_value;
    std::copy(value.begin(), value.end(), out.begin());
    split_proportionally(ctx.budget, out);
  }
};

}  // namespace

std::unique_ptr<const AllocationPolicy> value() { return std::make_unique<ValuePolicy>(); }

}  // namespace geosim::policies_builtin
