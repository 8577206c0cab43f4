// A scenario's policies and actions read through the registries
// (engine/scenario/detail/registered.hpp).
#include "scenario/detail/registered.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace geosim;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    detail::read_policy_names(config::parse_text(yaml, "t.yaml"), "powers.P");
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

TEST_CASE("registered: policy names per channel, the default elsewhere, channel restrictions") {
  const auto chosen = detail::read_policy_names(
      config::parse_text("policy: {economic: contest, security: richardson}\n", "t.yaml"), "powers.P");
  CHECK(chosen[economic] == policies().find("contest"));
  CHECK(chosen[security] == policies().find("richardson"));
  CHECK(chosen[soft] == &default_policy());
  CHECK(error_of("policy: richardson\n")
            .find("powers.P.policy: richardson is allowed for the security channel only "
                  "(write policy: {security: richardson})") != std::string::npos);
  CHECK(error_of("policy: {soft: richardson}\n")
            .find("powers.P.policy.soft: richardson is allowed for the security channel only") !=
        std::string::npos);
  CHECK(error_of("policy: [value]\n")
            .find("expected one of fixed, value, contest or a mapping of channels to policies") !=
        std::string::npos);
  CHECK(
      error_of("policy: contset\n")
          .find("expected one of fixed, value, contest, richardson, got contset (did you mean 'contest'?)") !=
      std::string::npos);
}
