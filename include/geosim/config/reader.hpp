#pragma once
// Typed readers over the configuration tree, shared by every loader (scenario
// and sweep files): each reads one value, checks its type and range, and on
// bad input throws an InputError subclass naming the value's file:line:col,
// its dotted key path and what was expected. One set of rules for every file:
// numbers are plain YAML numbers (`.nan` and `.inf` are range errors),
// integers may be written `1e6` or `1000.0`, booleans are `true` or `false`.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/node.hpp"
#include "geosim/core/dates.hpp"
#include "geosim/core/errors.hpp"

namespace geosim::config {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// ------------------------------------------------------------ formatting ---

/// `path.key`, or `key` at the top level.
std::string join(const std::string& path, std::string_view key);
/// `path[i]`.
std::string indexed(const std::string& path, std::size_t i);
/// A number as written in messages (12 significant digits).
std::string fmt(double v);
/// The shortest text that reads back as exactly `v`.
std::string round_trip(double v);
/// "a, b, c", or "(none)".
std::string list_names(const std::vector<std::string>& names);
/// "a list", "a mapping", "null", or the scalar as written.
std::string describe(const Node& n);
/// " (did you mean 'x'?)" for the nearest candidate, or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
/// Where to report a missing-or-null value: the value if it has a place, else its key.
const SourceLocation& place(const Node& n);

// ---------------------------------------------------------------- access ---

/// The value of an optional key, or nullptr if absent or null.
const Node* opt(const Node& map, std::string_view key);
/// The value of a required key (missing or null: TypeError at the parent/key).
const Node& req(const Node& map, std::string_view key, const std::string& path, const std::string& what);
void expect_map(const Node& n, const std::string& path, const std::string& what = "a mapping");
void expect_list(const Node& n, const std::string& path, const std::string& what);
/// UnknownKeyError for the first key of `map` not in `allowed`, with a suggestion.
void check_keys(const Node& map, const std::string& path, const std::vector<std::string>& allowed);

// --------------------------------------------------------------- scalars ---

struct Bounds {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  std::string str() const {
    if (lo == -kInf && hi == kInf) return "";
    if (hi == kInf) return std::string(lo_open ? "> " : ">= ") + fmt(lo);
    if (lo == -kInf) return std::string(hi_open ? "< " : "<= ") + fmt(hi);
    return std::string("in ") + (lo_open ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hi_open ? ")" : "]");
  }
};
inline constexpr Bounds kAny{};
inline constexpr Bounds kNonNeg{0.0, kInf, false, false};
inline constexpr Bounds kPositive{0.0, kInf, true, false};
inline constexpr Bounds kUnit{0.0, 1.0, false, false};         // [0,1]
inline constexpr Bounds kUnitOpenHigh{0.0, 1.0, false, true};  // [0,1)
inline constexpr Bounds kSigned{-1.0, 1.0, false, false};      // [-1,1]
inline constexpr Bounds kAboveMinusOne{-1.0, kInf, true, false};

/// "a number", or "a number in [0, 1]" etc.
std::string expected_number(const Bounds& b);
/// A finite number within `b`.
double number(const Node& n, const std::string& path, const Bounds& b = kAny);
double number_or(const Node& map, std::string_view key, const std::string& path, double fallback,
                 const Bounds& b = kAny);
/// An integer >= min (`1e6` and `1000.0` count; `1.5` does not).
std::int64_t integer(const Node& n, const std::string& path, std::int64_t min);
std::uint64_t unsigned64(const Node& n, const std::string& path);
std::string text(const Node& n, const std::string& path);
std::string text_or(const Node& map, std::string_view key, const std::string& path, std::string fallback);
/// `true` or `false`; YAML 1.1's yes/no/on/off get a message saying what to write.
bool boolean(const Node& n, const std::string& path);
/// One of `choices` (a scalar); returns its index.
int choice(const Node& n, const std::string& path, const std::vector<std::string>& choices);
/// A real date, YYYY-MM or YYYY-MM-DD.
Date date(const Node& n, const std::string& path);

// ----------------------------------------------------------------- names ---

/// [A-Za-z][A-Za-z0-9_]*
bool valid_name(std::string_view s);
/// RangeError unless `name` is a valid name and not reserved (self, all).
void check_name(const std::string& name, const Node& value, const std::string& path, const std::string& kind);
/// Index of `name` among the `kind`s defined; ReferenceError otherwise.
/// `extra` (e.g. "self", "all") are accepted and return -1 - position.
int resolve(const std::string& name, const SourceLocation& where, const std::string& path,
            const std::string& kind, const std::vector<std::string>& defined,
            const std::vector<std::string>& extra = {});
int resolve_scalar(const Node& n, const std::string& path, const std::string& kind,
                   const std::vector<std::string>& defined, const std::vector<std::string>& extra = {});
/// A mapping whose keys are names of `kind`: calls fn(index, value, path) per entry.
template <class Fn>
void for_each_named(const Node& map, const std::string& path, const std::string& kind,
                    const std::vector<std::string>& defined, Fn fn,
                    const std::vector<std::string>& extra = {}) {
  expect_map(map, path, "a mapping of " + kind + " names");
  for (const auto& [key, value] : map.entries) {
    const std::string p = join(path, key);
    fn(resolve(key, value.key_where, p, kind, defined, extra), value, p);
  }
}

/// A list of distinct names of `kind`.
std::vector<int> name_list(const Node& n, const std::string& path, const std::string& kind,
                           const std::vector<std::string>& defined);

}  // namespace geosim::config
