// Citizen groups as the loader reads them (scenario/detail/groups.hpp): a
// target's overrides of a group's parameters (group_parameters) behave
// exactly as a group with those values would, for that target alone; a
// group's own valence; their errors.
#include "scenario/detail/groups.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "geosim/model/world.hpp"
#include "geosim/scenario/time_units.hpp"
#include "support/scenario_files.hpp"

using namespace geosim;
using namespace geosim::testing;

namespace {

/// Two targets and three groups: `students` and KGZ's extra keys vary. Given
/// per quarter and run monthly, so the overrides convert to the tick as the
/// group's own keys do. `value` allocation: no target's opinions reach
/// another's (campaigns change only their own target's efficiency).
std::string two_targets(const std::string& students, const std::string& kgz_extra) {
  return R"(name: groups
seed: 5
time: {start: 2013-09, end: 2016-08, step: month, rates_per: quarter}
campaigns: {penalty: 0.05, threshold: 0.25, duration: 2}
powers:
  RUS: {budget: {economic: 1, security: 1, soft: 2}, valence: {economic: 0.1, soft: 0.4}}
  CHN: {budget: {economic: 3, soft: 1}, valence: {economic: -0.3, soft: 0.3}}
targets:
  KAZ:
    citizens: 3000
    groups: {urban: 0.4, rural: 0.4, students: 0.2}
    stocks: {RUS: {economic: 5, soft: 10}, CHN: {economic: 5, soft: 1}}
    autonomy: {economic: 2, security: 2, soft: 2}
    opinion_sensitivity: 1
    campaign_rate: 20
  KGZ:
    citizens: 2000
    groups: {urban: 0.3, rural: 0.5, students: 0.2}
    stocks: {RUS: {economic: 3, soft: 6}, CHN: {economic: 4, soft: 2}}
    autonomy: {economic: 1, security: 1, soft: 1}
    opinion_sensitivity: 1
    campaign_rate: 20
)" + kgz_extra +
         R"(
groups:
  urban:
    susceptibility: 0.1
    anchoring: 0.02
    peer_weight: 0.1
    noise: 0.02
    exposure: {RUS: {soft: 1}, CHN: {economic: 1}}
    attitude: {RUS: {mean: 0.4, sd: 0.2}, CHN: {mean: -0.1, sd: 0.3}}
  rural: {exposure: {CHN: {economic: 1}}, attitude: {CHN: {mean: -0.2, sd: 0.3}}}
  students: )" +
         students + "\n";
}

// The students' own values; the override KGZ gives them; both together.
const char* kOwn =
    "{susceptibility: 0.2, exposure: {RUS: {soft: 0.5}, CHN: {soft: 0.5, economic: 0.3}}, attitude: {CHN: "
    "{mean: 0.1, sd: 0.2}}}";
const char* kOverride =
    "    group_parameters:\n"
    "      students: {susceptibility: 0.3, anchoring: 0.1, peer_weight: 0.2, noise: 0.05, exposure: {CHN: "
    "{soft: 1.5}}, attitude: {CHN: {mean: 0.3}}, valence: {CHN: {economic: -0.6}}}";
const char* kMerged =
    "{susceptibility: 0.3, anchoring: 0.1, peer_weight: 0.2, noise: 0.05, exposure: {RUS: {soft: 0.5}, CHN: "
    "{soft: 1.5, economic: 0.3}}, attitude: {CHN: {mean: 0.3, sd: 0.2}}, valence: {CHN: {economic: -0.6}}}";

Scenario load_text(const std::string& name, const std::string& text, const LoadOptions& options = {}) {
  return load_scenario(write_temp("groups_" + name + ".yaml", text), options);
}

/// Every value of target t in the world's state and population, as doubles (bits compared).
std::vector<double> target_values(const World& w, int t) {
  const WorldState& s = w.state();
  std::vector<double> out;
  const auto column = [&](const auto& a) {
    for (Eigen::Index r = 0; r < a.rows(); ++r) out.push_back(static_cast<double>(a(r, t)));
  };
  for (std::size_t c = 0; c < s.stock.size(); ++c) {
    column(s.allocation[c]);
    column(s.stock[c]);
    column(s.influence[c]);
  }
  column(s.autonomy_share);
  column(s.alignment);
  column(s.attitude_mean);
  column(s.negative_share);
  column(s.positive_share);
  for (std::size_t g = 0; g < s.group_mean.size(); ++g) {
    column(s.group_mean[g]);
    column(s.group_negative[g]);
    column(s.group_positive[g]);
  }
  column(s.campaigns_new);
  column(s.campaigns_active);
  for (int p = 0; p < w.population().num_powers(); ++p)
    for (float x : w.population().attitudes(t, p)) out.push_back(x);
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("group_parameters: a target's override is exactly the group with those values, for that target") {
  const Scenario overridden = load_text("overridden", two_targets(kOwn, kOverride));
  const Scenario merged = load_text("merged", two_targets(kMerged, ""));
  const Scenario plain = load_text("plain", two_targets(kOwn, ""));
  constexpr int KAZ = 0, KGZ = 1;
  REQUIRE(overridden.targets[KGZ].group_parameters.size() == 3);
  CHECK(overridden.targets[KAZ].group_parameters.empty());
  // Per quarter, converted to the month as the group's own keys are.
  CHECK(*overridden.targets[KGZ].group_parameters[2].susceptibility ==
        per_tick(config::TimeScaling::fraction, 0.3, 1.0 / 3));
  CHECK(overridden.group_in(KGZ, 2).susceptibility == merged.groups[2].susceptibility);
  CHECK(overridden.group_in(KGZ, 2).exposure == merged.group_in(KGZ, 2).exposure);  // CHN economic stays 0.3
  CHECK(overridden.group_in(KGZ, 2).valence == merged.group_in(KGZ, 2).valence);

  World a(overridden, 7), b(merged, 7), c(plain, 7);
  int differs = 0;  // ticks at which KGZ under the override differs from KGZ without it
  for (int k = 0; k <= overridden.ticks; ++k) {
    if (k > 0) {
      a.step();
      b.step();
      c.step();
    }
    INFO("row " << k);
    CHECK(same_bits(target_values(a, KGZ), target_values(b, KGZ)));  // the override = the group's values
    CHECK(same_bits(target_values(a, KAZ), target_values(c, KAZ)));  // another target: unchanged
    differs += !same_bits(target_values(a, KGZ), target_values(c, KGZ));
  }
  CHECK(differs == overridden.ticks + 1);  // the override does change KGZ, from its initial draws on
  MESSAGE("KGZ CHN mean after " << overridden.ticks << " ticks: " << a.state().attitude_mean(1, KGZ)
                                << " with the override, " << b.state().attitude_mean(1, KGZ)
                                << " with the group's values, " << c.state().attitude_mean(1, KGZ)
                                << " without; KAZ " << a.state().attitude_mean(1, KAZ) << " and "
                                << c.state().attitude_mean(1, KAZ));
}

TEST_CASE("group_parameters: --set reaches an override, and a group's valence replaces the power's") {
  LoadOptions options;
  options.overrides = {"targets.KGZ.group_parameters.students.anchoring=0.25",
                       "groups.rural.valence.CHN.soft=-0.5"};
  const Scenario s = load_text("set", two_targets(kOwn, ""), options);
  REQUIRE(s.targets[1].group_parameters.size() == 3);
  CHECK(*s.targets[1].group_parameters[2].anchoring ==
        per_tick(config::TimeScaling::fraction, 0.25, 1.0 / 3));
  CHECK(s.group_in(1, 2).anchoring == *s.targets[1].group_parameters[2].anchoring);
  CHECK(s.group_in(0, 2).anchoring == s.groups[2].anchoring);  // KAZ keeps the group's
  const GroupParameters rural = s.group_in(0, 1);
  CHECK(rural.valence[1][2] == -0.5);                         // CHN soft: the group's own
  CHECK(rural.valence[1][0] == s.powers[1].valence[0]);       // CHN economic: the power's
  CHECK(s.group_in(0, 0).valence[1] == s.powers[1].valence);  // urban: every value the power's
}

TEST_CASE("group_parameters: bad overrides are refused like the group's own keys") {
  const std::string students = two_targets(kOwn, "    group_parameters:\n      studnets: {anchoring: 0.1}");
  std::string what = load_error<ReferenceError>(write_temp("groups_unknown_group.yaml", students));
  check_where(what, "groups_unknown_group.yaml:24", "targets.KGZ.group_parameters.studnets");
  CHECK(contains(what, "undefined group 'studnets' (did you mean 'students'?)"));
  what = load_error<UnknownKeyError>(
      write_temp("groups_unknown_key.yaml",
                 two_targets(kOwn, "    group_parameters:\n      students: {anchorign: 0.1}")));
  check_where(what, "groups_unknown_key.yaml:24", "targets.KGZ.group_parameters.students.anchorign");
  CHECK(contains(what, "did you mean 'anchoring'?"));
  what = load_error<RangeError>(write_temp(
      "groups_range.yaml", two_targets(kOwn, "    group_parameters:\n      students: {anchoring: 1.5}")));
  check_where(what, "groups_range.yaml:24", "targets.KGZ.group_parameters.students.anchoring");
  CHECK(contains(what, "expected a number in [0, 1]"));
  // Stable with the group's values, unstable with the target's: refused at the override.
  what = load_error<RangeError>(write_temp(
      "groups_unstable.yaml",
      two_targets(
          kOwn,
          "    group_parameters:\n      students: {susceptibility: 1, exposure: {CHN: {economic: 4}}}")));
  check_where(what, "groups_unstable.yaml:24", "targets.KGZ.group_parameters.students");
  CHECK(contains(what, "make the citizen update unstable"));
  what = load_error<RangeError>(
      write_temp("groups_valence.yaml", two_targets("{valence: {CHN: {economic: -1.5}}}", "")));
  check_where(what, "groups_valence.yaml:33", "groups.students.valence.CHN.economic");
  what = load_error<ReferenceError>(
      write_temp("groups_valence_power.yaml", two_targets("{valence: {USA: {economic: 0.5}}}", "")));
  check_where(what, "groups_valence_power.yaml:33", "groups.students.valence.USA");
}
