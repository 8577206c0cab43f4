// model.md section 9: the same seed gives identical results whatever the thread count.
#include <doctest/doctest.h>

#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/resources.hpp"
#include "support/tiny_scenario.hpp"

using namespace geosim;
using geosim::testing::action;
using geosim::testing::tiny_scenario;

namespace {
Scenario noisy_scenario() {
  // Above Population::kParallelThreshold, so the update really runs on several threads.
  Scenario s = tiny_scenario(5, 3, 2, 24, 40000);  // 5 powers: two Philox words per citizen
  s.targets[1].citizens = 33333;
  s.targets[2].group_share = {0.3, 0.7};
  for (int p = 0; p < 5; ++p) {
    s.powers[p].budget = {1.0 + p, 0.5, 0.3 * p};
    s.powers[p].valence = {-0.4, 0.1, 0.6};
  }
  for (auto& g : s.groups) {
    g.susceptibility = 0.3;
    g.peer_weight = 0.2;
    g.noise = 0.05;
    g.exposure.assign(5, PerChannel{0.5, 0.3, 0.8});
    g.attitude_sd.assign(5, 0.3);
  }
  s.targets[0].campaign_rate = 50.0;
  return s;
}

RunRecord run(const Scenario& s, std::uint64_t seed, int threads) {
  set_thread_count(threads);
  World world(s, seed);
  Recorder recorder;
  world.run({&recorder});
  set_thread_count(0);
  return recorder.record();
}
}  // namespace

TEST_CASE("1, 2 and 4 threads give bit-identical records") {
  const Scenario s = noisy_scenario();
  const RunRecord one = run(s, 99, 1);
  for (int threads : {2, 4}) {
    const RunRecord many = run(s, 99, threads);
    CHECK(many.values<double>("attitude_mean") == one.values<double>("attitude_mean"));
    CHECK(many.values<double>("group_negative_share") == one.values<double>("group_negative_share"));
    CHECK(many.values<double>("alignment") == one.values<double>("alignment"));
    CHECK(many.values<std::int32_t>("campaigns_new") == one.values<std::int32_t>("campaigns_new"));
  }
}

TEST_CASE("with opinion shocks, group valences and a target's overrides, 1, 2 and 4 threads agree") {
  Scenario s = noisy_scenario();
  s.groups[1].valence = {{-0.8, std::nullopt, std::nullopt}, {}, {0.5, 0.5, 0.5}};
  s.targets[2].group_parameters.resize(2);
  s.targets[2].group_parameters[0].susceptibility = 0.1;
  s.targets[2].group_parameters[0].valence = {{}, {0.9, 0.9, 0.9}};
  EventSpec e{"shock", s.start.plus_months(6), 6, "shock", {}};
  e.actions.push_back(action(s, "shift_attitudes", "{power: P0, target: all, group: G1, amount: -0.4}"));
  e.actions.push_back(
      action(s, "shift_attitudes", "{power: P3, target: T2, group: all, amount: 0.3, persistent: true}"));
  s.events.push_back(e);
  const RunRecord one = run(s, 99, 1);
  CHECK(one.values<double>("attitude_mean") != run(noisy_scenario(), 99, 1).values<double>("attitude_mean"));
  for (int threads : {2, 4}) {
    const RunRecord many = run(s, 99, threads);
    CHECK(many.values<double>("attitude_mean") == one.values<double>("attitude_mean"));
    CHECK(many.values<double>("group_negative_share") == one.values<double>("group_negative_share"));
    CHECK(many.values<double>("alignment") == one.values<double>("alignment"));
  }
}

TEST_CASE("another seed gives different citizen results") {
  const Scenario s = noisy_scenario();
  CHECK(run(s, 1, 2).values<double>("attitude_mean") != run(s, 2, 2).values<double>("attitude_mean"));
}
