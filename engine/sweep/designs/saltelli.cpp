// The Saltelli design (Saltelli et al. 2010, "Variance based sensitivity
// analysis of model output", Comput. Phys. Commun. 181): the sample from which
// first-order and total Sobol indices are estimated. N base points of a
// 2k-dimensional Sobol sequence give two N x k matrices, A (the first k
// coordinates) and B (the last k); each base point n is then run as k + 2
// points, in this order:
//   n (k + 2)         A_n
//   n (k + 2) + i     AB_i,n: A_n with parameter i - 1 taken from B_n (i = 1..k)
//   n (k + 2) + k + 1 B_n
// (the order SALib's saltelli.sample uses without second-order terms).
//
// The sequence is digitally shifted (each dimension's 32 bits XORed with a
// word drawn from the sweep seed): a shifted net is still a net, so with N a
// power of two each parameter has exactly one A point (and one B point) in
// each of N equal strata, and no base point sits at the origin, where A and B
// would coincide and the point would carry no information. Base point n is
// the same whatever N, so a larger N only adds base points.
#include <boost/random/sobol.hpp>
#include <cstdint>
#include <vector>

#include "geosim/run/resources.hpp"

#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

namespace {

constexpr std::size_t kSobolMaxDimension = 3667;   // Boost.Random's sobol tables
constexpr std::uint32_t kShiftSalt = 0x53414C54U;  // "SALT"

class Saltelli final : public SweepDesign {
 public:
  std::string name() const override { return "saltelli"; }
  std::string doc() const override {
    return "Saltelli sample for Sobol indices: samples x (parameters + 2) points";
  }
  config::Schema keys() const override {
    config::KeySpec samples = samples_key();
    samples.range.hi = static_cast<double>(std::int64_t{1} << 26);
    samples.doc =
        "N, the number of base points (a power of two balances them); the sweep has N (k + 2) points";
    return config::Schema().add(samples);
  }
  void validate(const DesignContext& context) const override {
    require_parameters(context, name());
    if (2 * context.spec.parameters.size() > kSobolMaxDimension)
      throw RangeError(context.parameters_where, "parameters",
                       "a Saltelli sample draws 2 coordinates per parameter from a Sobol sequence, which "
                       "supports at most " +
                           std::to_string(kSobolMaxDimension / 2) + " parameters");
  }
  // Base point n (point n) is the same for any samples > n.
  bool extends_by_samples() const override { return true; }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const std::int64_t n = spec.design_settings.integer("samples");
    const std::size_t k = spec.parameters.size();
    const auto per_base = static_cast<std::int64_t>(k + 2);
    auto points = std::make_unique<UnitPoints>(spec.parameters, n * per_base);
    std::vector<std::uint32_t> shift(2 * k);
    for (std::size_t j = 0; j < shift.size(); ++j)
      shift[j] = static_cast<std::uint32_t>(
          design_uniform(spec.seed, 0, static_cast<std::uint32_t>(j), kShiftSalt) * 0x1p32);
    // Point 0 of the sequence is the origin; Boost's engine yields the points
    // after it (Gray-code order), so the origin comes first, by hand.
    boost::random::sobol_engine<std::uint32_t, 32> gen(2 * k);
    std::vector<double> row(2 * k);
    for (std::int64_t b = 0; b < n; ++b) {
      for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = static_cast<double>((b == 0 ? 0U : gen()) ^ shift[j]) * 0x1p-32;
      const std::int64_t first = b * per_base;
      for (std::int64_t r = 0; r < per_base; ++r)
        for (std::size_t j = 0; j < k; ++j) {
          const bool from_b = r == per_base - 1 || r == static_cast<std::int64_t>(j) + 1;
          points->unit(first + r, j) = row[from_b ? k + j : j];
        }
    }
    return points;
  }
  std::int64_t points_bytes(const SweepSpec& spec) const override {
    return saturating_mul(sampled_points_bytes(spec, 0),
                          static_cast<std::int64_t>(spec.parameters.size() + 2));
  }
};

}  // namespace

std::unique_ptr<SweepDesign> make_saltelli() { return std::make_unique<Saltelli>(); }

}  // namespace geosim::sweep_designs
