// A scenario's policies and actions read through the registries
// (engine/scenario/detail/registered.hpp).
#include "scenario/detail/registered.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/tiny_scenario.hpp"

using namespace geosim;
using enum geosim::testing::TinyChannel;

namespace {
const std::vector<std::string> kChannels{"economic", "security", "soft"};

std::string error_of(const std::string& yaml) {
  try {
    detail::read_policy_names(config::parse_text(yaml, "t.yaml"), "powers.P", kChannels);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("registered: a power may hold its own keys and every registered policy's") {
  CHECK(detail::power_keys({"name", "policy"}) ==
        std::vector<std::string>{"name", "policy", "fixed_weights", "temperature", "richardson"});
}

TEST_CASE("registered: policy names per channel, the default elsewhere") {
  const auto chosen = detail::read_policy_names(
      config::parse_text("policy: {economic: contest, security: richardson}\n", "t.yaml"), "powers.P",
      kChannels);
  REQUIRE(chosen.size() == 3);
  CHECK(chosen[economic] == policies().find("contest"));
  CHECK(chosen[security] == policies().find("richardson"));
  CHECK(chosen[soft] == &default_policy());
  // One name sets every channel, whatever the channels are called.
  const auto everywhere = detail::read_policy_names(config::parse_text("policy: richardson\n", "t.yaml"),
                                                    "powers.P", {"trade", "arms"});
  CHECK(everywhere == std::vector<const AllocationPolicy*>(2, policies().find("richardson")));
  CHECK(
      error_of("policy: {cultural: value}\n").find("powers.P.policy.cultural: unknown channel 'cultural'") !=
      std::string::npos);
  CHECK(error_of("policy: [value]\n")
            .find("expected one of fixed, value, contest, richardson or a mapping of channels to policies") !=
        std::string::npos);
  CHECK(
      error_of("policy: contset\n")
          .find("expected one of fixed, value, contest, richardson, got contset (did you mean 'contest'?)") !=
      std::string::npos);
}
