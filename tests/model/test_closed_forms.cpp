// The closed forms of model.md section 10, checked against World::step().
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "support/temp_files.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::action;
using geosim::testing::tiny_scenario;
using geosim::testing::use_policy;

TEST_CASE("stocks under a constant allocation follow S* + (S0 - S*)(1 - delta)^k") {
  Scenario s = tiny_scenario(1, 1, 1, 60);
  const double delta = 0.07, allocation = 2.5, s0 = 3.0;
  s.channels[economic].decay = delta;
  s.powers[0].budget = {allocation, 0.0, 0.0};
  use_policy(s, 0, "fixed");
  s.targets[0].initial_stock[0][economic] = s0;
  World world(s, 1);
  const double s_star = allocation / delta;  // eta = 1
  for (int k = 1; k <= 60; ++k) {
    world.step();
    CHECK(world.state().stock[economic](0, 0) ==
          doctest::Approx(s_star + (s0 - s_star) * std::pow(1.0 - delta, k)).epsilon(1e-12));
  }
}

TEST_CASE("institution bonus multiplies the stock inflow of leaders inside members only") {
  Scenario s = tiny_scenario(2, 2, 1, 1);
  s.channels[security].decay = 0.0;
  for (int p = 0; p < s.num_powers(); ++p) {
    s.powers[p].budget = {0.0, 4.0, 0.0};
    use_policy(s, p, "fixed");
  }
  s.institutions.push_back({"CSTO", {0}, {1}, {1.0, 1.5, 1.0}});
  World world(s, 1);
  world.step();
  const auto& stock = world.state().stock[security];
  CHECK(stock(0, 0) == doctest::Approx(2.0));  // leader, non-member target
  CHECK(stock(0, 1) == doctest::Approx(3.0));  // leader, member target: 2 x 1.5
  CHECK(stock(1, 1) == doctest::Approx(2.0));  // not a leader
}

TEST_CASE("Tullock shares computed separately sum to 1") {
  const double stocks[4] = {0.3, 7.0, 1e-3, 12.5};
  double shares[4];
  for (double exponent : {0.5, 1.0, 2.0, 3.7}) {
    const double self = tullock_shares(stocks, 4, 2.2, exponent, shares);
    double total = self;
    for (double share : shares) total += share;
    CHECK(std::abs(total - 1.0) < 1e-12);
  }
}

TEST_CASE("two equal stocks with zero autonomy get one half each") {
  const double stocks[2] = {5.0, 5.0};
  double shares[2];
  const double self = tullock_shares(stocks, 2, 0.0, 1.3, shares);
  CHECK(shares[0] == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(shares[1] == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(self == 0.0);
}

TEST_CASE("scaling every stock and the autonomy by one factor changes no share") {
  const double stocks[3] = {1.0, 4.0, 0.25};
  const double scaled[3] = {1.0 * 1e6, 4.0 * 1e6, 0.25 * 1e6};
  double shares[3], scaled_shares[3];
  const double self = tullock_shares(stocks, 3, 2.0, 1.7, shares);
  const double scaled_self = tullock_shares(scaled, 3, 2.0e6, 1.7, scaled_shares);
  CHECK(scaled_self == doctest::Approx(self).epsilon(1e-13));
  for (int p = 0; p < 3; ++p) CHECK(scaled_shares[p] == doctest::Approx(shares[p]).epsilon(1e-13));
}

TEST_CASE("zero stocks everywhere split influence evenly, self included") {
  const double stocks[3] = {0.0, 0.0, 0.0};
  double shares[3];
  const double self = tullock_shares(stocks, 3, 0.0, 1.0, shares);
  CHECK(self == doctest::Approx(0.25));
  for (double share : shares) CHECK(share == doctest::Approx(0.25));
}

TEST_CASE("alignment toward a constant target follows q + (a0 - q)(1 - lambda)^k") {
  Scenario s = tiny_scenario(2, 1, 1, 40);
  s.channels[economic].decay = s.channels[security].decay = s.channels[soft].decay = 0.0;
  s.targets[0].initial_stock[0] = {3.0, 1.0, 2.0};
  s.targets[0].initial_stock[1] = {1.0, 1.0, 0.5};
  s.targets[0].autonomy = {1.0, 2.0, 0.5};
  s.targets[0].channel_weights = {0.5, 0.3, 0.2};
  s.targets[0].responsiveness = 0.15;
  s.targets[0].initial_alignment = {0.1, 0.2, 0.7};
  World world(s, 1);  // no budgets, no decay: constant influence, so a constant target q
  std::vector<double> q(3, 0.0);
  for (int j = 0; j < 3; ++j)
    for (int c = 0; c < geosim::testing::kTinyChannels; ++c)
      q[j] += s.targets[0].channel_weights[c] *
              (j < 2 ? world.state().influence[c](j, 0) : world.state().autonomy_share(c, 0));
  for (int k = 1; k <= 40; ++k) {
    world.step();
    for (int j = 0; j < 3; ++j) {
      const double expected = q[j] + (s.targets[0].initial_alignment[j] - q[j]) * std::pow(0.85, k);
      CHECK(world.state().alignment(j, 0) == doctest::Approx(expected).epsilon(1e-12));
    }
  }
}

TEST_CASE("a noiseless citizen without peers converges to the closed-form attitude x*") {
  Scenario s = tiny_scenario(1, 1, 1, 400, 1);
  s.channels[economic].decay = s.channels[security].decay = s.channels[soft].decay = 0.0;
  s.targets[0].initial_stock[0] = {2.0, 1.0, 3.0};
  s.targets[0].autonomy = {2.0, 3.0, 1.0};
  s.powers[0].valence = {-0.6, 0.2, 0.9};
  GroupSpec& g = s.groups[0];
  g.susceptibility = 0.3;
  g.anchoring = 0.2;
  g.exposure[0] = {0.8, 0.3, 0.5};
  g.attitude_mean[0] = 0.1;  // x0
  World world(s, 7);
  double weight = 0.0, pull = 0.0;
  for (int c = 0; c < geosim::testing::kTinyChannels; ++c) {
    const double ei = g.exposure[0][c] * world.state().influence[c](0, 0);
    weight += ei;
    pull += ei * s.powers[0].valence[c];
  }
  const double alpha = g.susceptibility, mu = g.anchoring, x0 = 0.1;
  const double denominator = 1.0 - (1.0 - mu) * (1.0 - alpha * weight);
  REQUIRE(denominator > 0.0);
  const double x_star = ((1.0 - mu) * alpha * pull + mu * x0) / denominator;
  world.run();
  CHECK(world.population().attitudes(0, 0)[0] == doctest::Approx(x_star).epsilon(1e-5));
  CHECK(world.state().attitude_mean(0, 0) == doctest::Approx(x_star).epsilon(1e-5));
}

TEST_CASE("with one group, no noise and no clamping, the target mean does not depend on gamma") {
  auto run_with_gamma = [](double gamma) {
    Scenario s = tiny_scenario(2, 2, 1, 30, 500);
    s.targets[0].initial_stock[0] = {2.0, 1.0, 3.0};
    s.targets[1].initial_stock[1] = {1.0, 4.0, 1.0};
    for (auto& p : s.powers) {
      p.budget = {1.0, 0.5, 0.7};
      p.valence = {-0.3, 0.2, 0.5};
    }
    GroupSpec& g = s.groups[0];
    g.susceptibility = 0.2;
    g.anchoring = 0.1;
    g.peer_weight = gamma;
    g.exposure.assign(2, PerChannel{0.5, 0.2, 0.6});
    g.attitude_mean = {0.1, -0.1};
    g.attitude_sd = {0.15, 0.15};  // within [-1,1] with margin: clamp never binds
    World world(s, 11);
    Recorder recorder;
    world.run({&recorder});
    return recorder.record().values<double>("attitude_mean");
  };
  const auto without_peers = run_with_gamma(0.0);
  const auto with_peers = run_with_gamma(0.8);
  REQUIRE(without_peers.size() == with_peers.size());
  for (std::size_t i = 0; i < with_peers.size(); ++i)
    CHECK(with_peers[i] == doctest::Approx(without_peers[i]).epsilon(1e-5));
}

TEST_CASE("two Richardson rivals converge to the arms-race equilibrium") {
  Scenario s = tiny_scenario(2, 1, 1, 3000);
  s.dt = 1.0 / 12;
  const double a1 = 0.2, a2 = 0.3, m1 = 0.9, m2 = 0.7, h1 = 0.5, h2 = 0.2;
  const auto keys = [](double a, double m, double h, const char* rival) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "richardson: {reaction: %.17g, fatigue: %.17g, grievance: %.17g, rivals: [%s]}", a, m, h,
                  rival);
    return std::string(text);
  };
  use_policy(s, 0, "richardson", keys(a1, m1, h1, "P1"), {security});
  use_policy(s, 1, "richardson", keys(a2, m2, h2, "P0"), {security});
  s.powers[0].budget[security] = 0.1;
  s.powers[1].budget[security] = 3.0;
  World world(s, 1);
  world.run();
  const double denominator = m1 * m2 - a1 * a2;
  CHECK(world.state().budget(0, security) ==
        doctest::Approx((m2 * h1 + a1 * h2) / denominator).epsilon(1e-9));
  CHECK(world.state().budget(1, security) ==
        doctest::Approx((m1 * h2 + a2 * h1) / denominator).epsilon(1e-9));
}

namespace {

/// 10.4's setting: one power, one target, one group of noiseless citizens
/// without peers, under constant influence (no budgets, no decay).
Scenario anchored_public(int ticks, std::int64_t citizens) {
  Scenario s = tiny_scenario(1, 1, 1, ticks, citizens);
  s.targets[0].initial_stock[0] = {2.0, 1.0, 3.0};
  s.targets[0].autonomy = {2.0, 3.0, 1.0};
  s.powers[0].valence = {-0.6, 0.2, 0.9};
  GroupSpec& g = s.groups[0];
  g.susceptibility = 0.3;
  g.anchoring = 0.2;
  g.exposure[0] = {0.8, 0.3, 0.5};
  g.attitude_mean[0] = 0.1;
  g.attitude_sd[0] = 0.05;  // with shocks of 0.25, within [-1, 1] by far: no clamp binds
  return s;
}

/// E = sum_c e_c I_c of group g toward power 0 in target 0 (influence of row 0, constant).
double exposure_weighted_influence(const World& world, int g) {
  double weight = 0.0;
  for (int c = 0; c < world.scenario().num_channels(); ++c)
    weight += world.scenario().groups[g].exposure[0][c] * world.state().influence[c](0, 0);
  return weight;
}

void add_event(Scenario& s, int tick, const std::string& shift_attitudes_args) {
  EventSpec e{"shock", s.start.plus_months(tick), tick, "shock", {}};
  e.actions.push_back(action(s, "shift_attitudes", shift_attitudes_args));
  s.events.push_back(e);
}

}  // namespace

TEST_CASE(
    "a transient opinion shock decays at rate (1-mu)(1-alpha E), a persistent one moves x* by mu a/(1-s)") {
  constexpr int kTicks = 80, kShockTick = 10;
  constexpr double a = 0.25;
  for (const bool persistent : {false, true}) {
    const Scenario base = anchored_public(kTicks, 500);
    Scenario shocked = base;
    add_event(shocked, kShockTick,
              std::string("{power: P0, target: T0, group: all, amount: 0.25, persistent: ") +
                  (persistent ? "true}" : "false}"));
    World without(base, 3), with(shocked, 3);
    const double mu = base.groups[0].anchoring, alpha = base.groups[0].susceptibility;
    const double s = (1.0 - mu) * (1.0 - alpha * exposure_weighted_influence(without, 0));  // the slope
    // The shift of the fixed point (section 10.4's x* with x0 + a in place of x0).
    const double moved = persistent ? mu * a / (1.0 - s) : 0.0;
    std::vector<double> d(kTicks + 1, 0.0);  // shocked minus unshocked mean, by row
    for (int k = 1; k <= kTicks; ++k) {
      without.step();
      with.step();
      d[k] = with.state().attitude_mean(0, 0) - without.state().attitude_mean(0, 0);
      INFO("row " << k);
      if (k <= kShockTick) {
        CHECK(d[k] == 0.0);  // rows before the shock's tick ran: untouched
      } else {  // the shock applies at the start of tick kShockTick, before its update: row kShockTick + 1
        const int j = k - kShockTick;
        CHECK(d[k] == doctest::Approx(moved + (a - moved) * std::pow(s, j)).epsilon(2e-6).scale(1));
      }
    }
    MESSAGE("shock of " << a << " (" << std::string(persistent ? "persistent" : "transient") << ")"
                        << ": slope s = " << s << ", measured d(k+2)/d(k+1) = "
                        << (d[kShockTick + 2] - moved) / (d[kShockTick + 1] - moved) << ", final shift "
                        << d[kTicks] << " (closed form " << moved << ")");
    if (persistent) CHECK(d[kTicks] == doctest::Approx(moved).epsilon(1e-5));
  }
}

TEST_CASE("a shock is in the peer term of its own tick: the target mean still does not depend on gamma") {
  auto run_with_gamma = [](double gamma) {
    Scenario s = anchored_public(30, 500);
    s.groups[0].peer_weight = gamma;
    add_event(s, 5, "{power: P0, target: all, group: G0, amount: -0.25}");
    World world(s, 11);
    Recorder recorder;
    world.run({&recorder});
    return recorder.record().values<double>("attitude_mean");
  };
  const auto without_peers = run_with_gamma(0.0);
  const auto with_peers = run_with_gamma(0.8);
  REQUIRE(without_peers.size() == with_peers.size());
  for (std::size_t i = 0; i < with_peers.size(); ++i)
    CHECK(with_peers[i] == doctest::Approx(without_peers[i]).epsilon(1e-5));
}

TEST_CASE("an opinion shock dated in a month applies at the start of that month's tick") {
  // Citizens who do not move (no susceptibility, anchoring or noise): each
  // row's mean is the last one's, plus the shock from its tick on.
  const auto path = geosim::testing::write_temp("closed_forms", "shock_date.yaml", R"(name: shock-date
time: {start: 2020-01, end: 2020-12, rates_per: month}
powers: {P: {}}
targets: {T: {citizens: 300}}
groups: {G: {susceptibility: 0, attitude: {P: {mean: 0.2, sd: 0.1}}}}
events:
  shock:
    date: 2020-04-20
    note: a scandal
    actions: [{shift_attitudes: {power: P, target: T, group: G, amount: -0.5}}]
)");
  const Scenario s = load_scenario(path);
  REQUIRE(s.events.size() == 1);
  CHECK(s.events[0].tick == 3);
  World world(s, 1);
  Recorder recorder;
  world.run({&recorder});
  const auto& mean = recorder.record().values<double>("attitude_mean");  // [row][power][target], 1 x 1
  REQUIRE(mean.size() == 13);
  for (int k = 1; k <= 12; ++k) {
    INFO("row " << k);
    // Row k is the state after tick k - 1: the shock of tick 3 shows from row 4 on.
    CHECK(mean[k] - mean[0] == doctest::Approx(k <= 3 ? 0.0 : -0.5).epsilon(1e-6).scale(1));
  }
  MESSAGE("shock of -0.5 dated 2020-04-20 (tick 3): mean row 3 " << mean[3] << ", row 4 " << mean[4]);
}

TEST_CASE("two groups with opposite valences converge to their own fixed points: a divided public") {
  Scenario s = tiny_scenario(1, 1, 2, 300, 4000);
  s.targets[0].initial_stock[0] = {3.0, 0.0, 3.0};
  s.targets[0].autonomy = {1.0, 1.0, 1.0};
  s.powers[0].valence = {0.1, 0.0, 0.2};  // what the power's presence means to no group here
  s.groups[0].valence = {{0.9, std::nullopt, 0.8}};
  s.groups[1].valence = {{-0.9, std::nullopt, -0.8}};
  for (GroupSpec& g : s.groups) {
    g.susceptibility = 0.3;
    g.anchoring = 0.05;
    g.exposure[0] = {1.0, 0.0, 1.0};
    g.attitude_sd[0] = 0.1;
  }
  World world(s, 5);
  std::vector<double> x_star(2), x0(2);
  for (int g = 0; g < 2; ++g) {
    double weight = 0.0, pull = 0.0;
    for (int c = 0; c < geosim::testing::kTinyChannels; ++c) {
      const double ei = s.groups[g].exposure[0][c] * world.state().influence[c](0, 0);
      weight += ei;
      pull += ei * s.groups[g].valence[0][c].value_or(s.powers[0].valence[c]);
    }
    const double alpha = s.groups[g].susceptibility, mu = s.groups[g].anchoring;
    x0[g] = world.state().group_mean[g](0, 0);  // the mean of the group's x0 (no clamp binds)
    const double denominator = 1.0 - (1.0 - mu) * (1.0 - alpha * weight);
    REQUIRE(denominator > 0.0);
    x_star[g] = ((1.0 - mu) * alpha * pull + mu * x0[g]) / denominator;
  }
  world.run();
  for (int g = 0; g < 2; ++g)
    CHECK(world.state().group_mean[g](0, 0) == doctest::Approx(x_star[g]).epsilon(1e-5));
  const double positive = world.state().positive_share(0, 0), negative = world.state().negative_share(0, 0);
  CHECK(positive > 0.25);
  CHECK(negative > 0.25);
  MESSAGE("divided public: group means " << world.state().group_mean[0](0, 0) << " and "
                                         << world.state().group_mean[1](0, 0) << " (closed form " << x_star[0]
                                         << " and " << x_star[1] << "); positive share " << positive
                                         << ", negative share " << negative);
}
