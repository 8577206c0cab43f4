#include "geosim/config/schema.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace geosim;
using namespace geosim::config;

namespace {
Schema channel_schema() {
  Schema s;
  s.add({.path = "channels.<channel>.decay",
         .type = ValueType::number,
         .unit = "per tick",
         .default_text = "0.02",
         .range = kUnitOpenHigh,
         .doc = "stock decay"});
  s.add({.path = "channels.<channel>.exponent",
         .type = ValueType::number,
         .default_text = "1",
         .range = Bounds{0.0, 10.0, true, false},
         .doc = "Tullock exponent"});
  s.add({.path = "output.agents",
         .type = ValueType::choice,
         .default_text = "none",
         .choices = {"none", "final"},
         .doc = "per-citizen output"});
  s.add({.path = "output.compress", .type = ValueType::boolean, .default_text = "true", .doc = "x"});
  s.add({.path = "time.ticks",
         .type = ValueType::integer,
         .default_text = "12",
         .range = Bounds{1.0, 100.0},
         .doc = "x"});
  return s;
}
}  // namespace

TEST_CASE("schema: children list the keys of a mapping in declaration order") {
  const Schema s = channel_schema();
  CHECK(s.children("") == std::vector<std::string>{"channels", "output", "time"});
  CHECK(s.children("channels.<channel>") == std::vector<std::string>{"decay", "exponent"});
  CHECK(s.children("output") == std::vector<std::string>{"agents", "compress"});
  CHECK(s.children("out").empty());
  CHECK(s.at("output.agents").key() == "agents");
}

TEST_CASE("schema: a key declared twice, an unknown key or a default out of range is a programming error") {
  Schema s = channel_schema();
  CHECK_THROWS_AS(s.add({.path = "output.agents", .type = ValueType::text}), std::logic_error);
  CHECK_THROWS_AS(s.at("output.nothing"), std::logic_error);
  CHECK_THROWS_AS(s.add({.path = "x", .type = ValueType::number, .default_text = "2", .range = kUnit}),
                  std::logic_error);
  CHECK_THROWS_AS(s.add({.path = "y", .type = ValueType::number, .default_text = "abc"}), std::logic_error);
}

TEST_CASE("schema: readers take the default and the range from the declaration") {
  const Schema s = channel_schema();
  const Node map = parse_text("decay: 0.5\n", "t.yaml");
  const Node empty = parse_text("{}\n", "t.yaml");
  CHECK(read_number(map, s.at("channels.<channel>.decay"), "channels.soft") == 0.5);
  CHECK(read_number(empty, s.at("channels.<channel>.decay"), "channels.soft") == 0.02);
  CHECK(read_number(empty, s.at("channels.<channel>.exponent"), "channels.soft") == 1.0);
  const Node bad = parse_text("decay: 1\n", "t.yaml");
  try {
    read_number(bad, s.at("channels.<channel>.decay"), "channels.soft");
    FAIL("a decay of 1 must be refused");
  } catch (const RangeError& e) {
    CHECK(e.key() == "channels.soft.decay");
    CHECK(e.where().line == 1);
    CHECK(std::string(e.what()).find("in [0, 1)") != std::string::npos);
  }
  CHECK(read_choice(empty, s.at("output.agents"), "output") == 0);
  CHECK(read_choice(parse_text("agents: final\n", "t.yaml"), s.at("output.agents"), "output") == 1);
  CHECK(read_boolean(empty, s.at("output.compress"), "output"));
  CHECK(read_integer(empty, s.at("time.ticks"), "time") == 12);
  CHECK(read_integer(parse_text("ticks: 1e2\n", "t.yaml"), s.at("time.ticks"), "time") == 100);
  CHECK_THROWS_AS(read_integer(parse_text("ticks: 101\n", "t.yaml"), s.at("time.ticks"), "time"), RangeError);
}

TEST_CASE("schema: check_keys refuses an undeclared key with a suggestion") {
  const Schema s = channel_schema();
  const Node map = parse_text("decay: 0.1\nexponnet: 2\n", "t.yaml");
  try {
    check_keys(map, "channels.soft", s, "channels.<channel>");
    FAIL("exponnet must be refused");
  } catch (const UnknownKeyError& e) {
    CHECK(e.key() == "channels.soft.exponnet");
    CHECK(e.where().line == 2);
    CHECK(std::string(e.what()).find("did you mean 'exponent'") != std::string::npos);
  }
}

TEST_CASE("schema: the table lists every key with its type, default and range") {
  const std::string table = to_table(channel_schema());
  CHECK(table.find("channels.<channel>.decay\tnumber\tper tick\t0.02\tin [0, 1)\tstock decay\n") !=
        std::string::npos);
  CHECK(table.find("output.agents\tchoice\t\tnone\tnone, final\t") != std::string::npos);
}

TEST_CASE("schema: match finds the declared key of a concrete path") {
  Schema s = channel_schema();
  s.add({.path = "events.<event>.actions", .type = ValueType::list, .doc = "x"});
  s.add({.path = "events.<event>.actions[].scale.factor", .type = ValueType::number, .doc = "x"});
  s.add({.path = "campaigns.channels", .type = ValueType::names, .doc = "x"});
  const SourceLocation origin{"--set", 0, 0};
  const auto match = [&](const char* path) { return s.match(split_key_path(path, origin)); };

  KeyMatch m = match("channels.soft.decay");
  REQUIRE(m.key);
  CHECK(m.key->path == "channels.<channel>.decay");
  CHECK_FALSE(m.list_item);
  m = match("events.sanctions.actions[rus].scale.factor");
  REQUIRE(m.key);
  CHECK(m.key->path == "events.<event>.actions[].scale.factor");
  m = match("campaigns.channels[1]");
  REQUIRE(m.key);
  CHECK(m.key->path == "campaigns.channels");
  CHECK(m.list_item);
  m = match("events.e.actions");
  REQUIRE(m.key);
  CHECK(m.key->type == ValueType::list);

  m = match("output.agnets");
  CHECK_FALSE(m.key);
  CHECK(m.problem == "unknown key 'agnets' in 'output' (did you mean 'agents'?)");
  CHECK(match("outptu.agents").problem.find("unknown key 'outptu' (did you mean 'output'?)") == 0);
  CHECK(match("output.agents.x").problem == "'output.agents' holds a single value, so it has no key 'x'");
  CHECK(match("output[0]").problem == "'output' is not a list, so [0] selects nothing in it");
  CHECK(match("campaigns.channels[0].x").problem.find("is a name, which has no keys") != std::string::npos);
  m = match("events.e.actions[0].scale");
  CHECK(m.mapping);
  CHECK(m.problem == "'events.e.actions[0].scale' is a mapping (its keys: factor), not a single value");
}
