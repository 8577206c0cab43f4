// `fixed`: splits the budget by the power's weights f[p,t,c], normalised (model.md section 3).
#include "geosim/model/policy.hpp"
#include "geosim/scenario/readers.hpp"

namespace geosim::policies_builtin {
namespace {

struct FixedSettings final : PolicySettings {
  std::vector<PerChannel> weights;  // f[p,t,c], by target
  std::size_t bytes() const override {
    std::size_t out = sizeof(*this) + weights.capacity() * sizeof(PerChannel);
    for (const PerChannel& w : weights) out += w.capacity() * sizeof(double);
    return out;
  }
};

class FixedPolicy final : public AllocationPolicy {
 public:
  std::string_view name() const override { return "fixed"; }

  const config::Schema& keys() const override {
    static const config::Schema keys =
        config::Schema().add({.path = "fixed_weights.<target>.<channel>",
                              .type = config::ValueType::number,
                              .default_text = "1",
                              .range = config::kNonNeg,
                              .doc = "f[p,t,c], weight of the target in the channel's budget under `fixed`"});
    return keys;
  }

  std::shared_ptr<const PolicySettings> parse(const PolicyInput& in) const override {
    const config::KeySpec& key = keys().at("fixed_weights.<target>.<channel>");
    const double fallback = key.default_number();
    auto s = std::make_shared<FixedSettings>();
    s->weights.assign(in.targets.size(), PerChannel(in.channels.size(), fallback));
    if (const config::Node* fw = config::opt(in.power, "fixed_weights"))
      config::for_each_named(*fw, config::join(in.path, "fixed_weights"), "target", in.targets,
                             [&](int t, const config::Node& v, const std::string& pp) {
                               if (!v.is_null())
                                 s->weights[t] = per_channel(v, pp, in.channels, fallback, key.range);
                             });
    return s;
  }

  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& weights = static_cast<const FixedSettings&>(*ctx.settings).weights;
    for (std::size_t t = 0; t < out.size(); ++t) out[t] = weights[t][ctx.channel];
    split_proportionally(ctx.budget, out);
  }
};

}  // namespace

std::unique_ptr<const AllocationPolicy> fixed() { return std::make_unique<FixedPolicy>(); }

}  // namespace geosim::policies_builtin
