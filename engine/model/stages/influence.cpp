// Stage 3 (continued): influence from the new stocks, by Tullock shares
// (model.md section 5).
#include <algorithm>
#include <cmath>

#include "model/detail/tick.hpp"

namespace geosim {

double tullock_shares(const double* stocks, int powers, double autonomy, double exponent, double* shares) {
  // Shares are invariant to scaling all stocks; dividing by the largest keeps
  // x^r finite for big stocks and large exponents.
  double largest = autonomy;
  for (int p = 0; p < powers; ++p) largest = std::max(largest, stocks[p]);
  if (!(largest > 0.0)) {
    const double even = 1.0 / (powers + 1);
    std::fill(shares, shares + powers, even);
    return even;
  }
  const double self_term = tullock_term(autonomy / largest, exponent);
  double denominator = self_term;
  for (int p = 0; p < powers; ++p) {  // each pow once: it is most of a small run's non-citizen time
    shares[p] = tullock_term(stocks[p] / largest, exponent);
    denominator += shares[p];
  }
  for (int p = 0; p < powers; ++p) shares[p] /= denominator;
  return self_term / denominator;
}

double tullock_share_of(const double* stocks, int powers, int p, double autonomy, double exponent,
                        double extra) {
  double largest = std::max(autonomy, stocks[p] + extra);
  for (int q = 0; q < powers; ++q) largest = std::max(largest, stocks[q]);
  if (!(largest > 0.0)) return 1.0 / (powers + 1);
  double denominator = tullock_term(autonomy / largest, exponent);
  double own = 0.0;
  for (int q = 0; q < powers; ++q) {
    const double term = tullock_term((stocks[q] + (q == p ? extra : 0.0)) / largest, exponent);
    denominator += term;
    if (q == p) own = term;
  }
  return own / denominator;
}

namespace detail {

void compute_influence(Tick& k) {
  const int P = k.scenario.num_powers(), T = k.scenario.num_targets(), C = k.scenario.num_channels();
  WorldState& s = k.state;
  for (int c = 0; c < C; ++c)
    for (int t = 0; t < T; ++t)
      s.autonomy_share(c, t) = tullock_shares(s.stock[c].col(t).data(), P, s.autonomy(c, t),
                                              k.scenario.channels[c].exponent, s.influence[c].col(t).data());
}

}  // namespace detail
}  // namespace geosim
