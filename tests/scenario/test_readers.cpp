// Per-channel readers shared by the loader, policies and actions.
#include "geosim/scenario/readers.hpp"

#include <doctest/doctest.h>

using namespace geosim;

TEST_CASE("readers: per-channel mappings take a fallback for unlisted channels") {
  const std::vector<std::string> channels{"economic", "security", "soft"};
  const config::Node n = config::parse_text("w: {security: 2}\n", "t.yaml");
  const PerChannel w = per_channel_or(n, "w", "x", channels, 1.0, config::kNonNeg);
  CHECK(w == PerChannel{1.0, 2.0, 1.0});
  CHECK(per_channel_or(n, "absent", "x", channels, 0.5, config::kNonNeg) == PerChannel{0.5, 0.5, 0.5});
  const config::Node bad = config::parse_text("w: {securty: 2}\n", "t.yaml");
  CHECK_THROWS_AS(per_channel_or(bad, "w", "x", channels, 1.0, config::kNonNeg), UnknownKeyError);
  const config::Node negative = config::parse_text("w: {soft: -1}\n", "t.yaml");
  CHECK_THROWS_AS(per_channel_or(negative, "w", "x", channels, 1.0, config::kNonNeg), RangeError);
}

TEST_CASE("readers: the channels are the scenario's, in its order") {
  const std::vector<std::string> two{"trade", "media"};
  const config::Node n = config::parse_text("w: {media: 3}\n", "t.yaml");
  CHECK(per_channel_or(n, "w", "x", two, 0.0, config::kNonNeg) == PerChannel{0.0, 3.0});
  try {
    (void)per_channel_or(config::parse_text("w: {soft: 1}\n", "t.yaml"), "w", "x", two, 0.0, config::kNonNeg);
    FAIL("a channel the scenario does not declare was accepted");
  } catch (const UnknownKeyError& e) {
    CHECK(std::string(e.what()).find(
              "x.w.soft: unknown channel 'soft'; the scenario's channels are trade, media") !=
          std::string::npos);
  }
  try {
    (void)per_channel_or(config::parse_text("w: 1\n", "t.yaml"), "w", "x", two, 0.0, config::kNonNeg);
    FAIL("a scalar was accepted as a per-channel mapping");
  } catch (const TypeError& e) {
    CHECK(std::string(e.what()).find("a mapping of channels (trade, media)") != std::string::npos);
  }
}
