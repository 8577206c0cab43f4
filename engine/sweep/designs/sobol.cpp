// The Sobol design (Sobol' 1967): `samples` points of a low-discrepancy
// sequence; the first 2^m points put one point in each 1/2^m interval of
// every parameter. Not randomised: the sweep seed does not change it.
#include <boost/random/sobol.hpp>

#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

namespace {

constexpr std::size_t kSobolMaxDimension = 3667;  // Boost.Random's sobol tables

class Sobol final : public SweepDesign {
 public:
  std::string name() const override { return "sobol"; }
  std::string doc() const override { return "Sobol low-discrepancy sequence"; }
  config::Schema keys() const override { return config::Schema().add(samples_key()); }
  void validate(const DesignContext& context) const override {
    require_parameters(context, name());
    if (context.spec.parameters.size() > kSobolMaxDimension)
      throw RangeError(
          context.parameters_where, "parameters",
          "Sobol sequences support at most " + std::to_string(kSobolMaxDimension) + " parameters");
  }
  // Base point n (point n) is the same for any samples > n.
  bool extends_by_samples() const override { return true; }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const std::int64_t n = spec.design_settings.integer("samples");
    auto points = std::make_unique<UnitPoints>(spec.parameters, n);
    // The origin, then Boost.Random's sobol engine (which starts after the
    // origin, in Gray-code order). So the first 2^m points are the classic net.
    boost::random::sobol_engine<std::uint32_t, 32> gen(points->dimensions());
    for (std::int64_t i = 1; i < n; ++i)
      for (std::size_t j = 0; j < points->dimensions(); ++j)
        points->unit(i, j) = static_cast<double>(gen()) * 0x1p-32;
    return points;
  }
  std::int64_t points_bytes(const SweepSpec& spec) const override { return sampled_points_bytes(spec, 0); }
};

}  // namespace

std::unique_ptr<SweepDesign> make_sobol() { return std::make_unique<Sobol>(); }

}  // namespace geosim::sweep_designs
