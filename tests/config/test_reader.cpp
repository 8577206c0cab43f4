// The typed readers every loader shares: one set of rules for scenario and sweep files.
#include "geosim/config/reader.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace geosim;
using namespace geosim::config;

namespace {
Node value(const std::string& yaml) {
  return parse_text("v: " + yaml + "\n", "t.yaml").entries.front().value;
}

template <class Error, class Fn>
std::string message_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("expected an error");
  return "";
}
}  // namespace

TEST_CASE("reader: numbers are plain YAML numbers within their bounds") {
  CHECK(number(value("2.5"), "v") == 2.5);
  CHECK(number(value("+2"), "v") == 2.0);
  CHECK(number(value("1e-3"), "v", kPositive) == 1e-3);
  CHECK(message_of<TypeError>([] { number(value("\"2\""), "v"); }).find("expected a number, got \"2\"") !=
        std::string::npos);
  CHECK(message_of<TypeError>([] { number(value("1.5x"), "v"); }).find("got 1.5x") != std::string::npos);
  CHECK(message_of<RangeError>([] { number(value(".nan"), "v"); }).find("expected a finite number") !=
        std::string::npos);
  CHECK(message_of<RangeError>([] { number(value("-.inf"), "v"); }).find("expected a finite number") !=
        std::string::npos);
  CHECK(message_of<RangeError>([] {
          number(value("1e999"), "v");
        }).find("got 1e999, too large for a double (the largest is about 1.8e308)") != std::string::npos);
  // Below a double's range it would round to 0: said as such, not "expected a finite number".
  CHECK(message_of<RangeError>([] { number(value("1e-400"), "v"); })
            .find("got 1e-400, too small for a double (the smallest is about 4.9e-324); write 0 if you mean "
                  "zero") != std::string::npos);
  CHECK(number(value("5e-324"), "v") > 0.0);  // the smallest subnormal is still a number
  CHECK(message_of<RangeError>([] { number(value("1"), "v", kUnitOpenHigh); }).find("in [0, 1)") !=
        std::string::npos);
}

TEST_CASE("reader: integers may be written 1e6 or 1000.0, not 1.5") {
  CHECK(integer(value("1000"), "v", 0) == 1000);
  CHECK(integer(value("1e6"), "v", 0) == 1000000);
  CHECK(integer(value("1000.0"), "v", 0) == 1000);
  CHECK_THROWS_AS(integer(value("1.5"), "v", 0), TypeError);
  CHECK_THROWS_AS(integer(value(".nan"), "v", 0), RangeError);
  CHECK(message_of<RangeError>([] { integer(value("-1"), "v", 0); }).find("expected an integer >= 0") !=
        std::string::npos);
  CHECK(unsigned64(value("18446744073709551615"), "v") == 18446744073709551615ULL);
  CHECK_THROWS_AS(unsigned64(value("18446744073709551616"), "v"), RangeError);
  CHECK_THROWS_AS(unsigned64(value("-1"), "v"), RangeError);
}

TEST_CASE("reader: booleans are true or false, YAML 1.1 spellings say what to write") {
  CHECK(boolean(value("true"), "v"));
  CHECK_FALSE(boolean(value("false"), "v"));
  CHECK(message_of<TypeError>([] { boolean(value("yes"), "v"); }).find("got yes (write true)") !=
        std::string::npos);
  CHECK(message_of<TypeError>([] { boolean(value("Off"), "v"); }).find("got Off (write false)") !=
        std::string::npos);
  CHECK(message_of<TypeError>([] { boolean(value("1"), "v"); }).find("expected true or false, got 1") !=
        std::string::npos);
  CHECK_THROWS_AS(boolean(value("\"true\""), "v"), TypeError);  // a quoted string is not a boolean
}

TEST_CASE("reader: choices and names suggest the nearest valid one") {
  CHECK(choice(value("quarter"), "time.step", {"month", "quarter", "year"}) == 1);
  CHECK(message_of<RangeError>([] {
          choice(value("quater"), "time.step", {"month", "quarter", "year"});
        }).find("(did you mean 'quarter'?)") != std::string::npos);
  const std::vector<std::string> powers{"RUS", "CHN"};
  CHECK(resolve_scalar(value("CHN"), "p", "power", powers) == 1);
  CHECK(resolve_scalar(value("self"), "p", "power", powers, {"self"}) == -1);
  CHECK(message_of<ReferenceError>([&] {
          resolve_scalar(value("CHM"), "p", "power", powers);
        }).find("undefined power 'CHM' (did you mean 'CHN'?); defined powers: RUS, CHN") !=
        std::string::npos);
  const Node twice = parse_text("v: [RUS, CHN, RUS]\n", "t.yaml").entries.front().value;
  CHECK(message_of<RangeError>([&] { name_list(twice, "v", "power", powers); }).find("listed twice") !=
        std::string::npos);
}

TEST_CASE("reader: unknown keys and missing required keys are located and explained") {
  const Node map = parse_text("a: 1\nbudjet: 2\n", "t.yaml");
  const std::string unknown = message_of<UnknownKeyError>([&] { check_keys(map, "p", {"a", "budget"}); });
  CHECK(unknown == "t.yaml:2:1: p.budjet: unknown key 'budjet' (did you mean 'budget'?)");
  const std::string missing = message_of<TypeError>([&] { req(map, "name", "p", "a string"); });
  CHECK(missing.find("p.name: missing required key 'name' (a string)") != std::string::npos);
  CHECK(opt(map, "nothing") == nullptr);
  CHECK(valid_name("KAZ_2"));
  CHECK_FALSE(valid_name("2KAZ"));
  CHECK_FALSE(valid_name("K-Z"));
}
