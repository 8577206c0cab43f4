// The grid design: one point per combination of levels, the first parameter
// varying slowest (row-major). Values, steps, or a continuous range with
// `levels` (endpoints included); reads no keys of its own.
#include <cstdint>

#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

namespace {

class GridPoints final : public DesignPoints {
 public:
  explicit GridPoints(std::vector<ParameterSpec> parameters) : parameters_(std::move(parameters)) {
    strides_.assign(parameters_.size(), 1);
    for (std::size_t j = parameters_.size(); j-- > 1;) strides_[j - 1] = strides_[j] * parameters_[j].count();
    for (const auto& p : parameters_) {
      count_ *= p.count();
      if (count_ > (std::int64_t{1} << 40))
        throw RangeError(p.values_where, "parameters." + p.path, "the grid has more than 2^40 points");
    }
  }
  std::int64_t count() const override { return count_; }
  std::string value(std::int64_t point, std::size_t j) const override {
    const ParameterSpec& p = parameters_[j];
    return p.at_level((point / strides_[j]) % p.count());
  }
  double unit(std::int64_t point, std::size_t j) const override {
    const std::int64_t n = parameters_[j].count();
    return n > 1 ? static_cast<double>((point / strides_[j]) % n) / static_cast<double>(n - 1) : 0.0;
  }

 private:
  std::vector<ParameterSpec> parameters_;
  std::vector<std::int64_t> strides_;
  std::int64_t count_ = 1;
};

class Grid final : public SweepDesign {
 public:
  std::string name() const override { return "grid"; }
  std::string doc() const override { return "one point per combination of levels"; }
  void validate(const DesignContext& context) const override {
    for (const auto& p : context.spec.parameters) {
      if (p.count() == 0)
        throw TypeError(p.values_where, "parameters." + p.path,
                        "a continuous range in a grid needs 'levels' (or 'step')");
      if (p.distribution != ParameterSpec::Distribution::uniform || !p.weights.empty())
        throw TypeError(p.values_where, "parameters." + p.path,
                        "a grid takes every level once: a distribution or weights apply to sampling designs "
                        "(random, lhs, sobol, saltelli, morris)");
    }
  }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    return std::make_unique<GridPoints>(spec.parameters);
  }
};

}  // namespace

std::unique_ptr<SweepDesign> make_grid() { return std::make_unique<Grid>(); }

}  // namespace geosim::sweep_designs
