// Proleptic Gregorian dates: parsing, printing, day counts, month arithmetic.
#include "geosim/core/dates.hpp"

#include <cstdio>

namespace geosim {

namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` ASCII digits starting at `pos`; -1 if any is not a digit.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Floor division for month arithmetic before year 0.
int floor_div(int a, int b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 7 && text.size() != 10) return std::nullopt;
  if (text[4] != '-') return std::nullopt;
  Date d;
  d.year = digits(text, 0, 4);
  d.month = digits(text, 5, 2);
  d.day = 1;
  if (text.size() == 10) {
    if (text[7] != '-') return std::nullopt;
    d.day = digits(text, 8, 2);
  }
  if (d.year < 0 || d.month < 1 || d.month > 12) return std::nullopt;
  if (d.day < 1 || d.day > days_in_month(d.year, d.month)) return std::nullopt;
  return d;
}

std::string Date::str() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

long Date::days_since_epoch() const {
  // Howard Hinnant's days_from_civil.
  const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;                          // [0, 399]
  const long mp = (month + 9) % 12;                        // March = 0
  const long doy = (153 * mp + 2) / 5 + day - 1;           // [0, 365]
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

Date Date::plus_months(int months) const {
  const int index = month_index() + months;
  Date d;
  d.year = floor_div(index, 12);
  d.month = index - d.year * 12 + 1;
  const int last = days_in_month(d.year, d.month);
  d.day = day > last ? last : day;
  return d;
}

}  // namespace geosim
