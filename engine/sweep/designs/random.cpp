// The random design: `samples` points drawn independently and uniformly
// (log-uniformly on a log scale) from the parameter box, from the sweep seed.
#include "geosim/run/resources.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

config::KeySpec samples_key() {
  return {.path = "samples",
          .type = config::ValueType::integer,
          .required = true,
          .range = {1.0, static_cast<double>(std::int64_t{1} << 31)},
          .doc = "number of points"};
}

std::int64_t sampled_points_bytes(const SweepSpec& spec, std::int64_t per_sample) {
  const auto doubles = static_cast<std::int64_t>(spec.parameters.size() * sizeof(double));
  return saturating_mul(spec.design_settings.integer("samples"), saturating_add(doubles, per_sample));
}

void require_parameters(const DesignContext& context, const std::string& design) {
  if (context.spec.parameters.empty())
    throw TypeError(context.design_where, "design", "a " + design + " design needs at least one parameter");
}

namespace {

class Random final : public SweepDesign {
 public:
  std::string name() const override { return "random"; }
  std::string doc() const override { return "independent uniform points"; }
  config::Schema keys() const override { return config::Schema().add(samples_key()); }
  void validate(const DesignContext& context) const override { require_parameters(context, name()); }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const std::int64_t n = spec.design_settings.integer("samples");
    auto points = std::make_unique<UnitPoints>(spec.parameters, n);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < points->dimensions(); ++j)
        points->unit(i, j) =
            design_uniform(spec.seed, static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(j), 0);
    return points;
  }
  std::int64_t points_bytes(const SweepSpec& spec) const override { return sampled_points_bytes(spec, 0); }
};

}  // namespace

std::unique_ptr<SweepDesign> make_random() { return std::make_unique<Random>(); }

}  // namespace geosim::sweep_designs
