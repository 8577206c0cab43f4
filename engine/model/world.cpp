// One tick in the order of model.md section 8.
#include "geosim/model/world.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geosim/model/policy.hpp"
#include "geosim/core/rng.hpp"

namespace geosim {

double tullock_shares(const double* stocks, int powers, double autonomy, double exponent,
                      double* shares) {
  // Shares are invariant to scaling all stocks; dividing by the largest keeps
  // x^r finite for big stocks and large exponents.
  double largest = autonomy;
  for (int p = 0; p < powers; ++p) largest = std::max(largest, stocks[p]);
  if (!(largest > 0.0)) {
    const double even = 1.0 / (powers + 1);
    std::fill(shares, shares + powers, even);
    return even;
  }
  const double self_term = std::pow(autonomy / largest, exponent);
  double denominator = self_term;
  for (int p = 0; p < powers; ++p) {  // each pow once: it is most of a small run's non-citizen time
    shares[p] = std::pow(stocks[p] / largest, exponent);
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
  double denominator = std::pow(autonomy / largest, exponent);
  double own = 0.0;
  for (int q = 0; q < powers; ++q) {
    const double term = std::pow((stocks[q] + (q == p ? extra : 0.0)) / largest, exponent);
    denominator += term;
    if (q == p) own = term;
  }
  return own / denominator;
}

World::World(const Scenario& scenario, std::uint64_t seed)
    : scenario_(scenario), seed_(seed), population_(scenario, seed) {
  const int P = scenario.num_powers(), T = scenario.num_targets(), G = scenario.num_groups();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  WorldState& s = state_;
  s.budget.resize(P, kChannels);
  s.growth.resize(P);
  for (int p = 0; p < P; ++p) {
    for (int c = 0; c < kChannels; ++c) s.budget(p, c) = scenario.powers[p].budget[c];
    s.growth[p] = scenario.powers[p].growth;
  }
  s.autonomy.resize(kChannels, T);
  s.autonomy_share.resize(kChannels, T);
  for (int c = 0; c < kChannels; ++c) {
    s.allocation[c] = Eigen::ArrayXXd::Constant(P, T, nan);  // nothing spent before the first tick
    s.stock[c].resize(P, T);
    s.influence[c].resize(P, T);
    for (int t = 0; t < T; ++t) {
      s.autonomy(c, t) = scenario.targets[t].autonomy[c];
      for (int p = 0; p < P; ++p) s.stock[c](p, t) = scenario.targets[t].initial_stock[p][c];
    }
  }
  s.alignment.resize(P + 1, T);
  for (int t = 0; t < T; ++t)
    for (int j = 0; j <= P; ++j) s.alignment(j, t) = scenario.targets[t].initial_alignment[j];
  s.attitude_mean = Eigen::ArrayXXd::Zero(P, T);
  s.negative_share = Eigen::ArrayXXd::Zero(P, T);
  s.positive_share = Eigen::ArrayXXd::Zero(P, T);
  s.group_mean.assign(G, Eigen::ArrayXXd::Constant(P, T, nan));
  s.group_negative = s.group_mean;
  s.group_positive = s.group_mean;
  s.campaigns_new = Eigen::ArrayXXi::Zero(P, T);
  s.campaigns_active = Eigen::ArrayXXi::Zero(P, T);
  s.member.assign(scenario.institutions.size(), std::vector<char>(T, 0));
  for (std::size_t i = 0; i < scenario.institutions.size(); ++i)
    for (int t : scenario.institutions[i].members) s.member[i][t] = 1;

  coeffs_.resize(static_cast<std::size_t>(T) * G * P);
  tallies_.resize(coeffs_.size());
  weights_.resize(T);
  alignment_target_.resize(P + 1);
  next_budget_.resize(P, kChannels);
  campaign_history_ = Eigen::ArrayXXi::Zero(P * T, scenario.campaigns.duration);

  compute_influence();
  population_.tally(static_cast<float>(scenario.negative_threshold), tallies_);
  reduce_tallies();
}

World::~World() = default;

void World::run(const std::vector<StepObserver*>& observers) {
  for (auto* observer : observers) observer->on_start(*this);
  while (state_.tick < scenario_.ticks) {
    step();
    for (auto* observer : observers) observer->on_step(*this);
  }
  for (auto* observer : observers) observer->on_finish(*this);
}

void World::step() {
  apply_events();                 // 1
  allocate();                     // 2
  update_stocks();                // 3
  compute_influence();
  update_citizens();              // 4
  update_alignment();             // 5
  draw_campaigns();               // 6
  grow_budgets();                 // 7
  ++state_.tick;
}

void World::apply_events() {
  WorldState& s = state_;
  const int T = scenario_.num_targets();
  const auto each = [](int chosen, int count, auto&& body) {
    if (chosen >= 0) body(chosen);
    else for (int i = 0; i < count; ++i) body(i);
  };
  for (; next_event_ < scenario_.events.size() && scenario_.events[next_event_].tick <= s.tick;
       ++next_event_) {
    for (const EventAction& a : scenario_.events[next_event_].actions) {
      using K = EventAction::Kind;
      switch (a.kind) {
        case K::scale_budget:
          each(a.channel, kChannels, [&](int c) { s.budget(a.power, c) *= a.value; });
          break;
        case K::set_budget:
          each(a.channel, kChannels, [&](int c) { s.budget(a.power, c) = a.value; });
          break;
        case K::set_growth: s.growth[a.power] = a.value; break;
        case K::add_stock:
        case K::set_stock:
          each(a.channel, kChannels, [&](int c) {
            each(a.target, T, [&](int t) {
              double& stock = a.power == kSelf ? s.autonomy(c, t) : s.stock[c](a.power, t);
              stock = std::max(0.0, a.kind == K::add_stock ? stock + a.value : a.value);
            });
          });
          break;
        case K::join: s.member[a.institution][a.target] = 1; break;
        case K::leave: s.member[a.institution][a.target] = 0; break;
      }
    }
  }
  // Stocks changed by events show in influence from this tick's update on.
}

void World::allocate() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets();
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < kChannels; ++c) {
      const AllocationContext ctx{scenario_, state_, p, c, state_.budget(p, c)};
      policy_for(scenario_.powers[p].policy[c]).allocate(ctx, weights_);
      for (int t = 0; t < T; ++t) state_.allocation[c](p, t) = weights_[t];
    }
}

double World::efficiency(int c, int p, int t) const {
  double eta = 1.0;
  for (std::size_t i = 0; i < scenario_.institutions.size(); ++i) {
    if (!state_.member[i][t]) continue;
    const auto& leaders = scenario_.institutions[i].leaders;
    if (std::find(leaders.begin(), leaders.end(), p) != leaders.end())
      eta *= scenario_.institutions[i].bonus[c];
  }
  if (c == economic && state_.campaigns_active(p, t) > 0)
    eta *= std::pow(1.0 - scenario_.campaigns.penalty, state_.campaigns_active(p, t));
  return eta;
}

void World::update_stocks() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets();
  for (int c = 0; c < kChannels; ++c) {
    const double keep = 1.0 - scenario_.channels[c].decay;
    for (int t = 0; t < T; ++t)
      for (int p = 0; p < P; ++p) {
        double& stock = state_.stock[c](p, t);
        stock = std::max(0.0, keep * stock + efficiency(c, p, t) * state_.allocation[c](p, t));
      }
  }
}

void World::compute_influence() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets();
  for (int c = 0; c < kChannels; ++c)
    for (int t = 0; t < T; ++t)
      state_.autonomy_share(c, t) =
          tullock_shares(state_.stock[c].col(t).data(), P, state_.autonomy(c, t),
                         scenario_.channels[c].exponent, state_.influence[c].col(t).data());
}

void World::update_citizens() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets(), G = scenario_.num_groups();
  for (int t = 0; t < T; ++t)
    for (int g = 0; g < G; ++g) {
      const GroupSpec& group = scenario_.groups[g];
      for (int p = 0; p < P; ++p) {
        // drift = sum_c e I (v - x) + gamma (xbar - x) = pull - (exposure + gamma) x + gamma xbar
        double exposure = 0.0, pull = 0.0;
        for (int c = 0; c < kChannels; ++c) {
          const double weight = group.exposure[p][c] * state_.influence[c](p, t);
          exposure += weight;
          pull += weight * scenario_.powers[p].valence[c];
        }
        const double xbar = state_.attitude_mean(p, t);
        const double alpha = group.susceptibility, mu = group.anchoring, gamma = group.peer_weight;
        UpdateCoefficients& k = coeffs_[(t * G + g) * P + p];
        k.offset = static_cast<float>((1.0 - mu) * alpha * (pull + gamma * xbar));
        k.slope = static_cast<float>((1.0 - mu) * (1.0 - alpha * (exposure + gamma)));
        k.anchor = static_cast<float>(mu);
        k.noise = static_cast<float>(group.noise);
      }
    }
  population_.update(coeffs_, state_.tick, static_cast<float>(scenario_.negative_threshold), tallies_);
  reduce_tallies();
}

void World::reduce_tallies() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets(), G = scenario_.num_groups();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int t = 0; t < T; ++t)
    for (int p = 0; p < P; ++p) {
      GroupTally total;
      for (int g = 0; g < G; ++g) {
        const GroupTally& part = tallies_[(t * G + g) * P + p];
        const double n = static_cast<double>(part.count);
        state_.group_mean[g](p, t) = part.count ? part.sum / n : nan;
        state_.group_negative[g](p, t) = part.count ? part.negative / n : nan;
        state_.group_positive[g](p, t) = part.count ? part.positive / n : nan;
        total.sum += part.sum;
        total.negative += part.negative;
        total.positive += part.positive;
        total.count += part.count;
      }
      // A target without citizens has a neutral public: mean 0, no shares.
      const double n = std::max<double>(1.0, static_cast<double>(total.count));
      state_.attitude_mean(p, t) = total.sum / n;
      state_.negative_share(p, t) = total.negative / n;
      state_.positive_share(p, t) = total.positive / n;
    }
}

void World::update_alignment() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets();
  for (int t = 0; t < T; ++t) {
    const TargetSpec& target = scenario_.targets[t];
    double total = 0.0;
    for (int j = 0; j <= P; ++j) {  // j == P is self, whose public attitude is 0
      double weighted = 0.0;
      for (int c = 0; c < kChannels; ++c)
        weighted += target.channel_weights[c] *
                    (j < P ? state_.influence[c](j, t) : state_.autonomy_share(c, t));
      const double opinion = j < P ? state_.attitude_mean(j, t) : 0.0;
      alignment_target_[j] = weighted * std::exp(target.opinion_sensitivity * opinion);
      total += alignment_target_[j];
    }
    if (!(total > 0.0)) continue;  // no pull anywhere: alignment stays
    const double lambda = target.responsiveness;
    for (int j = 0; j <= P; ++j)
      state_.alignment(j, t) = (1.0 - lambda) * state_.alignment(j, t) + lambda * alignment_target_[j] / total;
  }
}

void World::draw_campaigns() {
  const int P = scenario_.num_powers(), T = scenario_.num_targets();
  const int duration = scenario_.campaigns.duration;
  const int slot = state_.tick % duration;
  for (int t = 0; t < T; ++t)
    for (int p = 0; p < P; ++p) {
      const double excess = std::max(0.0, state_.negative_share(p, t) - scenario_.campaigns.threshold);
      const double rate = scenario_.targets[t].campaign_rate * excess * scenario_.dt;
      int drawn = 0;
      if (rate > 0.0) {
        const auto w = rng::philox(seed_, static_cast<std::uint32_t>(t * P + p),
                                   static_cast<std::uint32_t>(state_.tick), rng::campaigns, 0);
        drawn = rng::poisson(rate, rng::uniform_double(w[0], w[1]));
      }
      state_.campaigns_new(p, t) = drawn;
      campaign_history_(p * T + t, slot) = drawn;
      state_.campaigns_active(p, t) = campaign_history_.row(p * T + t).sum();
    }
}

void World::grow_budgets() {
  const int P = scenario_.num_powers();
  // Every power's next budget is computed from this tick's budgets, then all are set.
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < kChannels; ++c) {
      const AllocationContext ctx{scenario_, state_, p, c, state_.budget(p, c)};
      next_budget_(p, c) = policy_for(scenario_.powers[p].policy[c]).next_budget(ctx);
    }
  state_.budget = next_budget_;
}

}  // namespace geosim
