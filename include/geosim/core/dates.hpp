#pragma once
// Calendar dates for the scenario timeline (proleptic Gregorian).
#include <optional>
#include <string>
#include <string_view>

namespace geosim {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  // A false positive: clang-tidy 14 takes the literal `0` a defaulted <=> compares with for a null pointer.
  friend auto operator<=>(const Date&, const Date&) = default;  // NOLINT(modernize-use-nullptr): see above

  /// Parses "YYYY-MM" (day 1) or "YYYY-MM-DD"; nullopt if malformed or not a real date.
  static std::optional<Date> parse(std::string_view text);
  std::string str() const;        // "YYYY-MM-DD"
  long days_since_epoch() const;  // days since 1970-01-01
  int month_index() const { return year * 12 + (month - 1); }
  Date plus_months(int months) const;  // keeps day clamped to the month's length
};

}  // namespace geosim
