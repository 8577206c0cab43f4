// `contest`: a softmax over targets of sv * (the share p would gain from an
// even split of its budget), temperature tau: money flows where influence is
// contested (model.md section 3).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "geosim/model/policy.hpp"

namespace geosim::policies_builtin {
namespace {

struct ContestSettings final : PolicySettings {
  double temperature = 0.0;  // tau
};

// tullock_share_of(stocks, P, p, autonomy, exponent, extra) for every power p
// of one target costs P pows each, P^2 per target and tick (300 powers x 300
// targets: 2 x 27 million pows per channel and tick). Its terms do not depend
// on p unless p's extra stock raises the largest stock: they are computed
// once per target and input (the cache is checked against the stocks
// themselves) and summed in tullock_share_of's order, so the results are the
// same bits. When p's extra stock is the largest, the terms are scaled by it
// instead; they are kept for the last such largest (powers with equal stocks
// and budgets, e.g. all at zero stock at the start, share them).
struct Scaled {
  double largest = NAN, self = 0.0;
  std::vector<double> terms;  // pow((stocks[q] + 0.0) / largest, exponent)

  void scale(const double* stocks, int powers, double autonomy, double exponent, double by) {
    largest = by;
    self = tullock_term(autonomy / by, exponent);
    terms.resize(static_cast<std::size_t>(powers));
    for (int q = 0; q < powers; ++q) terms[q] = tullock_term((stocks[q] + 0.0) / by, exponent);
  }
  // tullock_share_of's sum, with p's own term.
  double share(int powers, int p, double own) const {
    double denominator = self;
    for (int q = 0; q < powers; ++q) denominator += q == p ? own : terms[q];
    return own / denominator;
  }
};
struct TargetTerms {
  std::vector<double> stocks;  // the column the terms are for
  double autonomy = NAN, exponent = NAN;
  Scaled common;             // by the largest of autonomy and stocks
  double denominator = 0.0;  // of common, extra = 0
  Scaled raised;             // by the last stocks[p] + extra above common.largest
};

TargetTerms& terms_for(TargetTerms& e, const double* stocks, int powers, double autonomy, double exponent) {
  const std::size_t bytes = sizeof(double) * static_cast<std::size_t>(powers);
  // The cache is keyed on the exact bits of its inputs (-0.0 and NaN included).
  // NOLINTBEGIN(bugprone-suspicious-memory-comparison)
  if (static_cast<int>(e.stocks.size()) == powers &&
      std::memcmp(&e.autonomy, &autonomy, sizeof autonomy) == 0 &&
      std::memcmp(&e.exponent, &exponent, sizeof exponent) == 0 &&
      std::memcmp(e.stocks.data(), stocks, bytes) == 0)
    return e;
  // NOLINTEND(bugprone-suspicious-memory-comparison)
  e.stocks.assign(stocks, stocks + powers);
  e.autonomy = autonomy;
  e.exponent = exponent;
  e.raised.largest = NAN;
  // Sized now, so that no later tick allocates (tests/model/test_no_allocation.cpp).
  e.common.terms.resize(static_cast<std::size_t>(powers));
  e.raised.terms.resize(static_cast<std::size_t>(powers));
  // As tullock_share_of with extra = 0.
  double largest = autonomy;
  for (int q = 0; q < powers; ++q) largest = std::max(largest, stocks[q]);
  e.common.largest = largest;
  if (!(largest > 0.0)) return e;
  e.common.scale(stocks, powers, autonomy, exponent, largest);
  e.denominator = e.common.self;
  for (int q = 0; q < powers; ++q) e.denominator += e.common.terms[q];
  return e;
}

/// tullock_share_of(stocks, P, p, autonomy, exponent, extra), the same bits.
double share_of(TargetTerms& e, const double* stocks, int powers, int p, double autonomy, double exponent,
                double extra) {
  const double largest = e.common.largest, mine = stocks[p] + extra;
  if (!(std::max(largest, mine) > 0.0)) return 1.0 / (powers + 1);  // no stock anywhere
  if (!(mine > largest)) {
    if (extra == 0.0) return e.common.terms[p] / e.denominator;
    return e.common.share(powers, p, tullock_term(mine / largest, exponent));
  }
  // p's stock with the extra is the largest: everything is scaled by it.
  // NOLINTNEXTLINE(bugprone-suspicious-memory-comparison): keyed on the exact bits, as above
  if (std::memcmp(&e.raised.largest, &mine, sizeof mine) != 0)
    e.raised.scale(stocks, powers, autonomy, exponent, mine);
  return e.raised.share(powers, p, tullock_term(mine / mine, exponent));
}

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
    const int powers = static_cast<int>(stock.rows());
    // One entry per (channel, target), per thread (sweeps run worlds in parallel).
    thread_local std::vector<TargetTerms> cache;
    const std::size_t entries = static_cast<std::size_t>(ctx.scenario.num_channels()) * targets;
    if (cache.size() < entries) cache.resize(entries);
    double highest = -INFINITY;
    for (int t = 0; t < targets; ++t) {
      const double autonomy = ctx.state.autonomy(ctx.channel, t);
      const double* column = stock.col(t).data();
      TargetTerms& terms = terms_for(cache[static_cast<std::size_t>(ctx.channel) * targets + t], column,
                                     powers, autonomy, exponent);
      const double before = share_of(terms, column, powers, ctx.power, autonomy, exponent, 0.0);
      const double after = share_of(terms, column, powers, ctx.power, autonomy, exponent, extra);
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
