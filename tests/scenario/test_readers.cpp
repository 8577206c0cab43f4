// Per-channel readers shared by the loader, policies and actions.
#include "geosim/scenario/readers.hpp"

#include <doctest/doctest.h>

using namespace geosim;

TEST_CASE("readers: per-channel mappings take a fallback for unlisted channels") {
  CHECK(channel_names() == std::vector<std::string>{"economic", "security", "soft"});
  const config::Node n = config::parse_text("w: {security: 2}\n", "t.yaml");
  const PerChannel w = per_channel_or(n, "w", "x", 1.0, config::kNonNeg);
  CHECK(w == PerChannel{1.0, 2.0, 1.0});
  CHECK(per_channel_or(n, "absent", "x", 0.5, config::kNonNeg) == PerChannel{0.5, 0.5, 0.5});
  const config::Node bad = config::parse_text("w: {securty: 2}\n", "t.yaml");
  CHECK_THROWS_AS(per_channel_or(bad, "w", "x", 1.0, config::kNonNeg), UnknownKeyError);
  const config::Node negative = config::parse_text("w: {soft: -1}\n", "t.yaml");
  CHECK_THROWS_AS(per_channel_or(negative, "w", "x", 1.0, config::kNonNeg), RangeError);
}
