// The Morris design (Morris 1991, "Factorial sampling plans for preliminary
// computational experiments", Technometrics 33; the trajectories of Campolongo,
// Cariboni and Saltelli 2007): r one-at-a-time trajectories on a grid of p
// levels {0, 1/(p-1), ..., 1} of every parameter's unit coordinate. A
// trajectory is k + 1 points: its first point x(0), then x(m) = x(m-1) with
// parameter pi(m) moved by +delta or -delta, delta = p / (2 (p - 1)), each
// parameter moved once, in a random order pi. Trajectory t is points
// t (k + 1) .. t (k + 1) + k. The base level of each parameter is uniform on
// the levels from which a step of delta stays in [0, 1], its direction
// uniform, so every level is visited equally often in expectation.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "geosim/run/resources.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"

namespace geosim::sweep_designs {

namespace {

constexpr std::uint32_t kBaseSalt = 0x4D4F5231U;       // "MOR1"
constexpr std::uint32_t kDirectionSalt = 0x4D4F5232U;  // "MOR2"
constexpr std::uint32_t kOrderSalt = 0x4D4F5233U;      // "MOR3"

class Morris final : public SweepDesign {
 public:
  std::string name() const override { return "morris"; }
  std::string doc() const override {
    return "Morris one-at-a-time trajectories: trajectories x (parameters + 1) points";
  }
  config::Schema keys() const override {
    config::Schema s;
    s.add({.path = "trajectories",
           .type = config::ValueType::integer,
           .required = true,
           .range = {1.0, static_cast<double>(std::int64_t{1} << 26)},
           .doc = "r, the number of trajectories; the sweep has r (k + 1) points"});
    s.add(
        {.path = "morris_levels",
         .type = config::ValueType::integer,
         .default_text = "4",
         .range = {2.0, 1000.0},
         .doc = "p, the grid levels of every parameter's unit coordinate (even); steps are p / (2 (p - 1))"});
    return s;
  }
  void validate(const DesignContext& context) const override {
    require_parameters(context, name());
    const DesignSettings& settings = context.spec.design_settings;
    if (settings.integer("morris_levels") % 2 != 0)
      throw RangeError(settings.where("morris_levels"), "morris_levels",
                       "expected an even number of levels (so that every step is p / (2 (p - 1)) and every "
                       "level is reached equally often), got " +
                           settings.text("morris_levels"));
  }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const std::int64_t r = spec.design_settings.integer("trajectories");
    const std::int64_t p = spec.design_settings.integer("morris_levels");
    const std::size_t k = spec.parameters.size();
    const auto per_trajectory = static_cast<std::int64_t>(k + 1);
    auto points = std::make_unique<UnitPoints>(spec.parameters, r * per_trajectory);
    const std::int64_t delta_levels = p / 2;  // delta = (p / 2) / (p - 1)
    std::vector<std::int64_t> level(k);       // each parameter's grid level in 0 .. p - 1
    std::vector<std::int64_t> move(k);        // its step in levels: +delta_levels or -delta_levels
    std::vector<std::size_t> order(k);
    for (std::int64_t t = 0; t < r; ++t) {
      const auto index = static_cast<std::uint64_t>(t);
      for (std::size_t j = 0; j < k; ++j) {
        const auto dim = static_cast<std::uint32_t>(j);
        // Base level in 0 .. p - 1 - delta_levels: a step of delta from it stays on the grid.
        const auto base = std::min<std::int64_t>(
            static_cast<std::int64_t>(design_uniform(spec.seed, index, dim, kBaseSalt) *
                                      static_cast<double>(p - delta_levels)),
            p - delta_levels - 1);
        const bool down = design_uniform(spec.seed, index, dim, kDirectionSalt) < 0.5;
        // Moving down starts delta above the base level.
        level[j] = base + (down ? delta_levels : 0);
        move[j] = down ? -delta_levels : delta_levels;
        order[j] = j;
      }
      for (std::size_t m = k; m-- > 1;) {  // Fisher-Yates with our own uniforms (portable)
        const auto pick = std::min<std::size_t>(
            static_cast<std::size_t>(
                design_uniform(spec.seed, index, static_cast<std::uint32_t>(m), kOrderSalt) *
                static_cast<double>(m + 1)),
            m);
        std::swap(order[m], order[pick]);
      }
      const std::int64_t first = t * per_trajectory;
      const auto write = [&](std::int64_t row) {
        for (std::size_t j = 0; j < k; ++j)
          points->unit(first + row, j) = static_cast<double>(level[j]) / static_cast<double>(p - 1);
      };
      write(0);
      for (std::size_t m = 0; m < k; ++m) {
        level[order[m]] += move[order[m]];
        write(static_cast<std::int64_t>(m) + 1);
      }
    }
    return points;
  }
  std::int64_t points_bytes(const SweepSpec& spec) const override {
    const auto doubles = static_cast<std::int64_t>(spec.parameters.size() * sizeof(double));
    return saturating_mul(saturating_mul(spec.design_settings.integer("trajectories"), doubles),
                          static_cast<std::int64_t>(spec.parameters.size() + 1));
  }
};

}  // namespace

std::unique_ptr<SweepDesign> make_morris() { return std::make_unique<Morris>(); }

}  // namespace geosim::sweep_designs
