// The Latin hypercube design (McKay, Beckman, Conover 1979): `samples`
// points, exactly one in each of the `samples` equal strata of every
// parameter, strata paired at random and each point uniform in its stratum.
#include <algorithm>

#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

namespace {

class Lhs final : public SweepDesign {
 public:
  std::string name() const override { return "lhs"; }
  std::string doc() const override {
    return "Latin hypercube: one point in each of the samples strata of every parameter";
  }
  config::Schema keys() const override { return config::Schema().add(samples_key()); }
  void validate(const DesignContext& context) const override { require_parameters(context, name()); }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const std::int64_t samples = spec.design_settings.integer("samples");
    auto points = std::make_unique<UnitPoints>(spec.parameters, samples);
    const auto n = static_cast<std::size_t>(samples);
    constexpr double kBelowOne = 0x1.fffffffffffffp-1;
    std::vector<std::int64_t> perm(n);
    for (std::size_t j = 0; j < points->dimensions(); ++j) {
      const auto dim = static_cast<std::uint32_t>(j);
      for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::int64_t>(i);
      for (std::size_t k = n; k-- > 1;) {  // Fisher-Yates with our own uniforms (portable)
        const auto r = std::min<std::size_t>(
            static_cast<std::size_t>(design_uniform(spec.seed, k, dim, 0x100) * static_cast<double>(k + 1)),
            k);
        std::swap(perm[k], perm[r]);
      }
      for (std::size_t i = 0; i < n; ++i)
        points->unit(static_cast<std::int64_t>(i), j) =
            std::min(kBelowOne, (static_cast<double>(perm[i]) + design_uniform(spec.seed, i, dim, 0x200)) /
                                    static_cast<double>(n));
    }
    return points;
  }
  // The permutation: one int64 per sample.
  std::int64_t points_bytes(const SweepSpec& spec) const override { return sampled_points_bytes(spec, 8); }
};

}  // namespace

std::unique_ptr<SweepDesign> make_lhs() { return std::make_unique<Lhs>(); }

}  // namespace geosim::sweep_designs
