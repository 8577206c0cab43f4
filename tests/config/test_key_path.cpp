// Key paths: splitting `a.b[0].c[name]` into steps, and back.
#include "geosim/config/key_path.hpp"

#include <doctest/doctest.h>

#include "support/thrown.hpp"

using namespace geosim;
using namespace geosim::config;
using geosim::testing::thrown;

namespace {
const SourceLocation kOrigin{"--set", 0, 0};
}  // namespace

TEST_CASE("key_path: keys, indices and names become steps, and join back to the same text") {
  const auto steps = split_key_path("events.sanctions.actions[2].scale_budget.factor", kOrigin);
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].kind == PathStep::Kind::key);
  CHECK(steps[1].text == "sanctions");
  CHECK(steps[2].text == "actions");
  CHECK(steps[3].kind == PathStep::Kind::index);
  CHECK(steps[3].index == 2);
  CHECK(steps[4].text == "scale_budget");
  CHECK(join_key_path(steps) == "events.sanctions.actions[2].scale_budget.factor");

  const auto named = split_key_path("events.e.actions[rus_economy].set_growth.value", kOrigin);
  REQUIRE(named.size() == 6);
  CHECK(named[3].kind == PathStep::Kind::name);
  CHECK(named[3].text == "rus_economy");
  CHECK(join_key_path(named) == "events.e.actions[rus_economy].set_growth.value");

  const auto last = split_key_path("campaigns.channels[0]", kOrigin);
  REQUIRE(last.size() == 3);
  CHECK(last[2].kind == PathStep::Kind::index);
  CHECK(split_key_path("seed", kOrigin).size() == 1);
  CHECK(split_key_path("a[0][1]", kOrigin).size() == 3);
}

TEST_CASE("key_path: malformed paths are UsageErrors that say what is wrong") {
  const auto refused = [](const char* path) {
    return thrown<UsageError>([&] { split_key_path(path, kOrigin); });
  };
  CHECK(refused("a..b").find("an empty component") != std::string::npos);
  CHECK(refused("a.b.").find("an empty component") != std::string::npos);
  CHECK(refused("").find("an empty component") != std::string::npos);
  CHECK(refused("[0].a").find("a selector without a key") != std::string::npos);
  CHECK(refused("a.[0]").find("a selector without a key") != std::string::npos);
  CHECK(refused("a[0").find("an unclosed [") != std::string::npos);
  CHECK(refused("a[0.b]").find("an unclosed [") != std::string::npos);
  CHECK(refused("a[]").find("an empty []") != std::string::npos);
  CHECK(refused("a]").find("a ']' without '['") != std::string::npos);
  CHECK(refused("a[0]b").find("text right after ']'") != std::string::npos);
  CHECK(refused("a[12345678901]").find("an index too large") != std::string::npos);
  const std::string what = refused("a..b");
  CHECK(what.find("--set: a..b: ") == 0);
}
