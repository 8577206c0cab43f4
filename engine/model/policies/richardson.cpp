// `richardson`: the budget follows a Richardson arms race (meant for a
// security channel, but any channel may use it),
//   b' = max(0, b + dt * (a * sum_{q rival} b_q - m * b + h)),
// every power's next budget computed from this tick's budgets of all; the
// allocation is as `value` (model.md section 3).
#include <algorithm>

#include "geosim/model/policy.hpp"

namespace geosim::policies_builtin {
namespace {

struct RichardsonSettings final : PolicySettings {
  double reaction = 0.0;   // a_p, per year
  double fatigue = 0.0;    // m_p, per year
  double grievance = 0.0;  // h_p, budget units per period per year, converted to per tick
  // The default, every other power, is not stored: a list per power would
  // take memory growing with the square of the number of powers.
  bool all_others = true;
  std::vector<int> rivals;  // power indices, if !all_others

  bool has_rival(int q, int self) const {
    return all_others ? q != self : std::find(rivals.begin(), rivals.end(), q) != rivals.end();
  }
  std::size_t bytes() const override { return sizeof(*this) + rivals.capacity() * sizeof(int); }
};

class RichardsonPolicy final : public AllocationPolicy {
 public:
  std::string_view name() const override { return "richardson"; }

  const config::Schema& keys() const override {
    using config::ValueType;
    static const config::Schema keys = config::Schema()
                                           .add({.path = "richardson.reaction",
                                                 .type = ValueType::number,
                                                 .unit = "per year",
                                                 .default_text = "0",
                                                 .range = config::kNonNeg,
                                                 .doc = "a_p, reaction to rivals' budgets"})
                                           .add({.path = "richardson.fatigue",
                                                 .type = ValueType::number,
                                                 .unit = "per year",
                                                 .default_text = "0",
                                                 .range = config::kNonNeg,
                                                 .doc = "m_p, fatigue"})
                                           .add({.path = "richardson.grievance",
                                                 .type = ValueType::number,
                                                 .unit = "budget units per period per year",
                                                 .per_time = config::TimeScaling::flow,
                                                 .default_text = "0",
                                                 .doc = "h_p, grievance"})
                                           .add({.path = "richardson.rivals",
                                                 .type = ValueType::names,
                                                 .default_rule = "every other power",
                                                 .doc = "rival powers: distinct, not the power itself"});
    return keys;
  }

  std::shared_ptr<const PolicySettings> parse(const PolicyInput& in) const override {
    auto r = std::make_shared<RichardsonSettings>();
    const config::Node* rn = config::opt(in.power, "richardson");
    if (!rn) return r;
    const std::string rp = config::join(in.path, "richardson");
    config::expect_map(*rn, rp, "a mapping with reaction, fatigue, grievance and rivals");
    config::check_keys(*rn, rp, keys(), "richardson");
    r->reaction = config::read_number(*rn, keys().at("richardson.reaction"), rp);
    r->fatigue = config::read_number(*rn, keys().at("richardson.fatigue"), rp);
    r->grievance = config::read_number(*rn, keys().at("richardson.grievance"), rp);
    if (const config::Node* rivals = config::opt(*rn, "rivals")) {
      const std::string lp = config::join(rp, "rivals");
      r->rivals = config::name_list(*rivals, lp, "power", in.powers);
      r->all_others = false;
      for (std::size_t k = 0; k < r->rivals.size(); ++k)
        if (r->rivals[k] == in.self)
          throw RangeError(rivals->items[k].where, config::indexed(lp, k), "a power cannot be its own rival");
    }
    return r;
  }

  // A pair of mutual rivals with a_p a_q > m_p m_q has no equilibrium (model.md
  // section 3): their budgets grow exponentially from any start, so the run
  // ends in inf or in meaningless numbers. Refused at load, reported once per
  // pair (by the first of the two in file order).
  void check(const Scenario& sc, int p, int c, const SourceLocation& where,
             const std::string& path) const override {
    const auto* mine = static_cast<const RichardsonSettings*>(sc.powers[p].policy[c].settings.get());
    // No reaction (the default), no runaway: a product of fatigues is never negative.
    if (!mine || mine->reaction == 0.0) return;
    const int powers = static_cast<int>(sc.powers.size());
    const int count = mine->all_others ? powers : static_cast<int>(mine->rivals.size());
    for (int k = 0; k < count; ++k) {
      const int q = mine->all_others ? k : mine->rivals[k];  // rivals in the order of the list
      if (q < p || q == p || sc.powers[q].policy[c].policy != this) continue;
      const auto* theirs = static_cast<const RichardsonSettings*>(sc.powers[q].policy[c].settings.get());
      if (!theirs || !theirs->has_rival(p, q)) continue;
      const double reactions = mine->reaction * theirs->reaction, fatigues = mine->fatigue * theirs->fatigue;
      if (reactions > fatigues)
        throw RangeError(where, config::join(path, "richardson"),
                         "the arms race of " + sc.powers[p].code + " and " + sc.powers[q].code + " on " +
                             sc.channels[c].name + " has no equilibrium: the product of their reactions " +
                             config::fmt(reactions) + " exceeds the product of their fatigues " +
                             config::fmt(fatigues) + " (richardson.reaction and richardson.fatigue)");
    }
  }

  void allocate(const AllocationContext& ctx, std::span<double> out) const override {
    const auto& value = ctx.scenario.powers[ctx.power].strategic_value;
    std::copy(value.begin(), value.end(), out.begin());
    split_proportionally(ctx.budget, out);
  }

  double next_budget(const AllocationContext& ctx) const override {
    const auto& spec = static_cast<const RichardsonSettings&>(*ctx.settings);
    double rivals = 0.0;  // summed in the same order whether the list is explicit or not
    if (spec.all_others) {
      const int powers = ctx.scenario.num_powers();
      for (int q = 0; q < powers; ++q)
        if (q != ctx.power) rivals += ctx.state.budget(q, ctx.channel);
    } else {
      for (int q : spec.rivals) rivals += ctx.state.budget(q, ctx.channel);
    }
    const double b = ctx.budget;
    return std::max(0.0, b + ctx.scenario.dt * (spec.reaction * rivals - spec.fatigue * b + spec.grievance));
  }
};

}  // namespace

std::unique_ptr<const AllocationPolicy> richardson() { return std::make_unique<RichardsonPolicy>(); }

}  // namespace geosim::policies_builtin
