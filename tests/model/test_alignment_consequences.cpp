// Alignment with consequences and multi-vector policy (docs/model.md
// section 6): access follows alignment; the self pull's independence and
// balancing.
#include <doctest/doctest.h>

#include <cmath>

#include "geosim/model/world.hpp"
#include "support/tiny_scenario.hpp"

using enum geosim::testing::TinyChannel;

using namespace geosim;
using geosim::testing::tiny_scenario;
using geosim::testing::use_policy;

TEST_CASE("alignment access: stocks follow the stock equation with eta scaled by exp(kappa (a - 1/(P+1)))") {
  Scenario s = tiny_scenario(2, 1, 1, 400);
  const double delta = 0.05, allocation = 1.5, kappa = 2.0;
  s.channels[economic].decay = delta;
  for (int p = 0; p < 2; ++p) {
    s.powers[p].budget = {allocation, 0.0, 0.0};
    use_policy(s, p, "fixed");
  }
  s.targets[0].responsiveness = 0.0;  // alignment stays at its initial value
  s.targets[0].initial_alignment = {0.6, 0.1, 0.3};
  s.targets[0].alignment_access = kappa;
  World world(s, 1);
  for (int k = 0; k < 400; ++k) world.step();
  for (int p = 0; p < 2; ++p) {
    const double a = s.targets[0].initial_alignment[p];
    // From a zero stock: S* (1 - (1 - delta)^k), S* = eta exp(kappa (a - 1/3)) A / delta.
    const double expected =
        std::exp(kappa * (a - 1.0 / 3.0)) * allocation / delta * (1.0 - std::pow(1.0 - delta, 400));
    CHECK(world.state().stock[economic](p, 0) == doctest::Approx(expected).epsilon(1e-9));
  }
  // The aligned power ends with more than the other, for the same money.
  CHECK(world.state().stock[economic](0, 0) > 2.5 * world.state().stock[economic](1, 0));
}

TEST_CASE("independence: the self term of the alignment's fixed point is scaled by exp(nu)") {
  Scenario s = tiny_scenario(2, 1, 1, 600);
  s.targets[0].initial_stock[0] = {3.0, 1.0, 2.0};
  s.targets[0].initial_stock[1] = {1.0, 1.0, 0.5};
  s.targets[0].autonomy = {1.0, 2.0, 0.5};
  s.targets[0].responsiveness = 0.1;
  const double nu = 0.7;
  s.targets[0].independence = nu;
  World world(s, 1);  // no budgets, no decay: constant influence
  double pull[3] = {0, 0, 0}, total = 0;
  for (int j = 0; j < 3; ++j) {
    for (int c = 0; c < geosim::testing::kTinyChannels; ++c)
      pull[j] += s.targets[0].channel_weights[c] *
                 (j < 2 ? world.state().influence[c](j, 0) : world.state().autonomy_share(c, 0));
    if (j == 2) pull[j] *= std::exp(nu);
    total += pull[j];
  }
  for (int k = 0; k < 600; ++k) world.step();
  for (int j = 0; j < 3; ++j)
    CHECK(world.state().alignment(j, 0) == doctest::Approx(pull[j] / total).epsilon(1e-9));
}

TEST_CASE("balancing: a dominated government hedges, and its self share grows with chi") {
  // One power holds nearly all influence: without balancing the government
  // aligns with it; with balancing its own share is larger, the more so the larger chi.
  const auto self_share = [](double chi) {
    Scenario s = tiny_scenario(2, 1, 1, 600);
    s.targets[0].initial_stock[0] = {10.0, 10.0, 10.0};
    s.targets[0].initial_stock[1] = {0.5, 0.5, 0.5};
    s.targets[0].autonomy = {1.0, 1.0, 1.0};
    s.targets[0].responsiveness = 0.1;
    s.targets[0].balancing = chi;
    World world(s, 1);
    for (int k = 0; k < 600; ++k) world.step();
    return world.state().alignment(2, 0);
  };
  const double none = self_share(0.0), some = self_share(1.0), more = self_share(3.0);
  MESSAGE("self share: chi 0 -> ", none, ", chi 1 -> ", some, ", chi 3 -> ", more);
  CHECK(some > none + 0.02);
  CHECK(more > some + 0.02);
}
