// Channels declared by the scenario: any number, with their own names and
// parameters, from the YAML file through the tick to the results file. Each
// case checks closed forms per channel, so a channel read at another's index
// (or a hidden assumption of three) fails.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

using namespace geosim;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Two powers, one target: A spends on `trade` only, B on `arms` only, each
// all of it on the one target (`fixed`). trade decays, arms does not.
constexpr const char* kTwoChannels = R"(name: two channels
time: {start: 2020-01, end: 2020-12, rates_per: month}
channels:
  trade: {decay: 0.1, exponent: 1}
  arms: {decay: 0, exponent: 2}
powers:
  A: {budget: {trade: 1}, policy: fixed}
  B: {budget: {arms: 2}, policy: {arms: richardson}, richardson: {grievance: 0}}
targets:
  T:
    citizens: 0
    channel_weights: {trade: 0.25, arms: 0.75}
    responsiveness: 1
groups:
  public: {}
)";

/// Element (row, c, p, t) of a (time, channel, power, target) series.
double at(const std::vector<double>& v, int row, int c, int p, int t, int C, int P, int T) {
  return v[((static_cast<std::size_t>(row) * C + c) * P + p) * T + t];
}

}  // namespace

TEST_CASE("channels: a scenario with two channels of its own names runs and writes them") {
  testing::ScopedTempDir dir("channels_two");
  const fs::path yaml = dir.path / "two.yaml";
  write_file(yaml, kTwoChannels);
  const Scenario s = load_scenario(yaml);
  REQUIRE(s.channel_names() == std::vector<std::string>{"trade", "arms"});
  CHECK(s.channels[0].decay == 0.1);
  CHECK(s.channels[1].exponent == 2.0);
  CHECK(s.powers[0].budget == PerChannel{1.0, 0.0});
  CHECK(s.targets[0].channel_weights == PerChannel{0.25, 0.75});
  CHECK(s.campaigns.channels.empty());  // the default, economic, is not declared (and phi is 0)

  const fs::path out = dir.path / "two.h5";
  const RunResult r = run(s, RunOptions{.output = out});
  const int C = 2, P = 2, T = 1;
  const auto stock = r.record.as_doubles("stock");
  const auto influence = r.record.as_doubles("influence");
  const auto alignment = r.record.as_doubles("alignment");
  const auto budget = r.record.as_doubles("budget");
  for (int k = 1; k <= s.ticks; ++k) {
    // trade: S_k = 0.9 S_{k-1} + 1 from 0; arms: S_k = 2k (richardson with no reaction keeps b).
    CHECK(at(stock, k, 0, 0, 0, C, P, T) == doctest::Approx((1.0 - std::pow(0.9, k)) / 0.1).epsilon(1e-12));
    CHECK(at(stock, k, 1, 1, 0, C, P, T) == doctest::Approx(2.0 * k).epsilon(1e-12));
    CHECK(at(stock, k, 0, 1, 0, C, P, T) == 0.0);
    CHECK(at(stock, k, 1, 0, 0, C, P, T) == 0.0);
    // Each channel has one spender and no autonomy: it takes all the influence there.
    CHECK(at(influence, k, 0, 0, 0, C, P, T) == 1.0);
    CHECK(at(influence, k, 1, 1, 0, C, P, T) == 1.0);
    // lambda = 1: alignment is the channel-weighted influence, A by trade, B by arms.
    CHECK(alignment[(static_cast<std::size_t>(k) * P + 0) * T] == doctest::Approx(0.25));
    CHECK(alignment[(static_cast<std::size_t>(k) * P + 1) * T] == doctest::Approx(0.75));
    CHECK(budget[(static_cast<std::size_t>(k) * P + 1) * C + 1] == 2.0);
  }
  CHECK(read_labels(out, "channel") == std::vector<std::string>{"trade", "arms"});
}

TEST_CASE("channels: five channels, each with its own decay, policy and event") {
  std::string yaml = R"(name: five channels
time: {start: 2020-01, end: 2021-12, rates_per: month}
channels:
)";
  const std::vector<std::string> names{"trade", "aid", "arms", "media", "diaspora"};
  const std::vector<double> decay{0.0, 0.05, 0.1, 0.2, 0.5};
  for (std::size_t c = 0; c < names.size(); ++c)
    yaml += "  " + names[c] + ": {decay: " + std::to_string(decay[c]) + "}\n";
  yaml += R"(campaigns: {penalty: 0.5, channels: [aid, diaspora]}
powers:
  P:
    budget: {trade: 1, aid: 1, arms: 1, media: 1, diaspora: 1}
    policy: {trade: fixed, media: contest}
  Q: {}
targets:
  T: {citizens: 0, autonomy: {media: 2}}
groups:
  public: {}
events:
  cut:
    date: 2020-07
    note: the media budget halves, the diaspora budget stops
    actions:
      - scale_budget: {power: P, channel: media, factor: 0.5}
      - set_budget: {power: P, channel: diaspora, value: 0}
)";
  testing::ScopedTempDir dir("channels_five");
  const fs::path path = dir.path / "five.yaml";
  write_file(path, yaml);
  const Scenario s = load_scenario(path);
  REQUIRE(s.channel_names() == names);
  CHECK(s.campaigns.channels == std::vector<int>{1, 4});
  CHECK(s.targets[0].channel_weights == PerChannel(5, 0.2));
  CHECK(s.targets[0].autonomy == PerChannel{0.0, 0.0, 0.0, 2.0, 0.0});
  CHECK(s.powers[0].policy[0].policy->name() == "fixed");
  CHECK(s.powers[0].policy[3].policy->name() == "contest");

  const fs::path out = dir.path / "five.h5";
  const RunResult r = run(s, RunOptions{.output = out});
  const int C = 5, P = 2, T = 1;
  const auto stock = r.record.as_doubles("stock");
  const auto budget = r.record.as_doubles("budget");
  const int event_tick = 6;  // 2020-07 is the start of tick 6 (rows 7.. see its budgets)
  for (int c = 0; c < C; ++c) {
    double expected = 0.0;  // S_k = (1 - delta_c) S_{k-1} + b_c(k)
    for (int k = 1; k <= s.ticks; ++k) {
      double spent = 1.0;
      if (k - 1 >= event_tick && names[c] == "media") spent = 0.5;
      if (k - 1 >= event_tick && names[c] == "diaspora") spent = 0.0;
      expected = (1.0 - decay[c]) * expected + spent;  // no campaigns without citizens
      CHECK(at(stock, k, c, 0, 0, C, P, T) == doctest::Approx(expected).epsilon(1e-12));
      CHECK(budget[(static_cast<std::size_t>(k) * P + 0) * C + c] == spent);
    }
  }
  CHECK(read_labels(out, "channel") == names);
}

TEST_CASE("channels: a scenario that declares channels uses only those, names are checked") {
  testing::ScopedTempDir dir("channels_bad");
  auto error_of = [&](const std::string& yaml) -> std::string {
    const fs::path path = dir.path / "bad.yaml";
    write_file(path, yaml);
    try {
      (void)load_scenario(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  const std::string head = "name: x\ntime: {start: 2020-01, end: 2020-12, rates_per: month}\n";
  const std::string rest = "targets: {T: {}}\ngroups: {g: {}}\n";
  CHECK(error_of(head + "channels: {trade: {}}\npowers: {P: {valence: {trdae: 1}}}\n" + rest)
            .find("powers.P.valence.trdae: unknown channel 'trdae' (did you mean 'trade'?); the scenario's "
                  "channels are trade") != std::string::npos);
  CHECK(error_of(head + "channels: {}\npowers: {P: {}}\n" + rest)
            .find("channels: expected at least one channel") != std::string::npos);
  CHECK(error_of(head + "channels: {trade: {}, self: {}}\npowers: {P: {}}\n" + rest)
            .find("channels.self: 'self' is reserved") != std::string::npos);
  CHECK(error_of(head + "channels: {trade: {}}\ncampaigns: {channels: [arms]}\npowers: {P: {}}\n" + rest)
            .find("campaigns.channels[0]: undefined channel 'arms'") != std::string::npos);
  const std::string event =
      "events: {e: {date: 2020-02, note: n, actions: [{add_stock: {power: P, target: T, channel: soft, "
      "amount: 1}}]}}\n";
  CHECK(error_of(head + "channels: {trade: {}}\npowers: {P: {}}\n" + rest + event)
            .find("channel: undefined channel 'soft'; defined channels: trade (or all)") !=
        std::string::npos);
}
