// Calendar dates: parsing, printing, day counts and month arithmetic.
#include <doctest/doctest.h>

#include "geosim/core/dates.hpp"

using namespace geosim;

TEST_CASE("dates: parse accepts YYYY-MM and YYYY-MM-DD") {
  CHECK(Date::parse("2013-09") == Date{2013, 9, 1});
  CHECK(Date::parse("2024-02-29") == Date{2024, 2, 29});
  CHECK(Date::parse("2000-02-29").has_value());
}

TEST_CASE("dates: parse rejects impossible dates and garbage") {
  CHECK_FALSE(Date::parse("2013-13").has_value());
  CHECK_FALSE(Date::parse("2013-00").has_value());
  CHECK_FALSE(Date::parse("2021-02-30").has_value());
  CHECK_FALSE(Date::parse("2023-02-29").has_value());
  CHECK_FALSE(Date::parse("1900-02-29").has_value());
  CHECK_FALSE(Date::parse("2013-9").has_value());
  CHECK_FALSE(Date::parse("2013-09-1").has_value());
  CHECK_FALSE(Date::parse("2013/09").has_value());
  CHECK_FALSE(Date::parse("20a3-09").has_value());
  CHECK_FALSE(Date::parse("").has_value());
  CHECK_FALSE(Date::parse("2013-09-01T00").has_value());
}

TEST_CASE("dates: str, days_since_epoch, plus_months") {
  CHECK(Date{2013, 9, 1}.str() == "2013-09-01");
  CHECK(Date{1970, 1, 1}.days_since_epoch() == 0);
  CHECK(Date{1970, 1, 2}.days_since_epoch() == 1);
  CHECK(Date{1969, 12, 31}.days_since_epoch() == -1);
  CHECK(Date{2000, 3, 1}.days_since_epoch() == 11017);
  CHECK(Date{2013, 9, 1}.days_since_epoch() == 15949);
  CHECK(Date{2013, 9, 1}.plus_months(4) == Date{2014, 1, 1});
  CHECK(Date{2014, 1, 31}.plus_months(1) == Date{2014, 2, 28});
  CHECK(Date{2014, 3, 15}.plus_months(-3) == Date{2013, 12, 15});
  CHECK(Date{2013, 9, 1}.plus_months(12).month_index() == Date{2013, 9, 1}.month_index() + 12);
}
