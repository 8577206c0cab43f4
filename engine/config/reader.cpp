// The typed readers of config/reader.hpp.
#include "geosim/config/reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

namespace geosim::config {

// ------------------------------------------------------------ formatting ---

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string round_trip(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string fmt(double v) {
  std::ostringstream out;
  out.precision(12);
  out << v;
  return out.str();
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

/// "a list", "a mapping", "null", or the scalar as written.
std::string describe(const Node& n) {
  if (!n.is_scalar()) return n.kind_name();
  std::string text = n.scalar;
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return n.quoted ? "\"" + text + "\"" : text;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = config::nearest(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// Where to report a missing-or-null value: the value if it has a place, else its key.
const SourceLocation& place(const Node& n) { return n.where.file.empty() ? n.key_where : n.where; }

// --------------------------------------------------------------- access ----

/// The value of an optional key, or nullptr if absent or null.
const Node* opt(const Node& map, std::string_view key) {
  const Node* n = map.find(key);
  return n && !n->is_null() ? n : nullptr;
}

/// The value of a required key (missing or null: TypeError at the parent/key).
const Node& req(const Node& map, std::string_view key, const std::string& path, const std::string& what) {
  const Node* n = map.find(key);
  if (!n)
    throw TypeError(map.where, join(path, key),
                    "missing required key '" + std::string(key) + "' (" + what + ")");
  if (n->is_null()) throw TypeError(place(*n), join(path, key), "expected " + what + ", got null");
  return *n;
}

void expect_map(const Node& n, const std::string& path, const std::string& what) {
  if (!n.is_map()) throw TypeError(place(n), path, "expected " + what + ", got " + describe(n));
}

void expect_list(const Node& n, const std::string& path, const std::string& what) {
  if (!n.is_sequence()) throw TypeError(place(n), path, "expected " + what + ", got " + describe(n));
}

void check_keys(const Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : map.entries) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string hint = did_you_mean(key, allowed);
    throw UnknownKeyError(
        value.key_where, join(path, key),
        "unknown key '" + key + "'" + (hint.empty() ? "; expected one of: " + list_names(allowed) : hint));
  }
}

// --------------------------------------------------------------- scalars ----

std::string expected_number(const Bounds& b) {
  const std::string s = b.str();
  return s.empty() ? "a number" : "a number " + s;
}

double number(const Node& n, const std::string& path, const Bounds& b) {
  // The message is built only for an error: formatting the bounds cost more
  // than reading the number (a sweep validates a scenario per point).
  const auto what = [&b] { return expected_number(b); };
  if (!n.is_scalar() || n.quoted)
    throw TypeError(place(n), path, "expected " + what() + ", got " + describe(n));
  std::string_view s = n.scalar;
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == ".nan" || lower == ".inf" || lower == "+.inf" || lower == "-.inf")
    throw RangeError(n.where, path, "expected a finite number, got " + n.scalar);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size())
    throw TypeError(n.where, path, "expected " + what() + ", got " + describe(n));
  if (ec == std::errc::result_out_of_range) {
    // Out of a double's range: an exponent too large, or so small that it would round to 0.
    const std::size_t e = lower.find('e');
    const bool tiny = e != std::string::npos && e + 1 < lower.size() && lower[e + 1] == '-';
    throw RangeError(n.where, path,
                     tiny ? "got " + n.scalar +
                                ", too small for a double (the smallest is about 4.9e-324); write 0 if you "
                                "mean zero"
                          : "got " + n.scalar + ", too large for a double (the largest is about 1.8e308)");
  }
  if (!std::isfinite(v)) throw RangeError(n.where, path, "expected a finite number, got " + n.scalar);
  if (!b.contains(v)) throw RangeError(n.where, path, "expected " + what() + ", got " + n.scalar);
  return v;
}

double number_or(const Node& map, std::string_view key, const std::string& path, double fallback,
                 const Bounds& b) {
  const Node* n = opt(map, key);
  return n ? number(*n, join(path, key), b) : fallback;
}

std::int64_t integer(const Node& n, const std::string& path, std::int64_t min) {
  const auto what = [min] { return "an integer >= " + std::to_string(min); };
  if (!n.is_scalar() || n.quoted)
    throw TypeError(place(n), path, "expected " + what() + ", got " + describe(n));
  std::string_view s = n.scalar;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    // 1e6 or 1000.0 are integers too; 1.5, .nan and "abc" are not.
    const double d = number(n, path);
    if (d != std::floor(d)) throw TypeError(n.where, path, "expected " + what() + ", got " + n.scalar);
    if (std::fabs(d) > 9.0e15) throw RangeError(n.where, path, "integer too large: " + n.scalar);
    v = static_cast<std::int64_t>(d);
  }
  if (v < min) throw RangeError(n.where, path, "expected " + what() + ", got " + n.scalar);
  return v;
}

std::uint64_t unsigned64(const Node& n, const std::string& path) {
  const std::string what = "an integer in [0, 18446744073709551615]";
  if (!n.is_scalar() || n.quoted)
    throw TypeError(place(n), path, "expected " + what + ", got " + describe(n));
  std::string_view s = n.scalar;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (!s.empty() && s.front() == '-') {
    integer(n, path, std::numeric_limits<std::int64_t>::min());  // TypeError if not an integer
    throw RangeError(n.where, path, "expected " + what + ", got " + n.scalar);
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range)
    throw RangeError(n.where, path, "expected " + what + ", got " + n.scalar);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    throw TypeError(n.where, path, "expected " + what + ", got " + describe(n));
  return v;
}

std::string text(const Node& n, const std::string& path) {
  if (!n.is_scalar()) throw TypeError(place(n), path, "expected a string, got " + describe(n));
  return n.scalar;
}

std::string text_or(const Node& map, std::string_view key, const std::string& path, std::string fallback) {
  const Node* n = opt(map, key);
  return n ? text(*n, join(path, key)) : std::move(fallback);
}

bool boolean(const Node& n, const std::string& path) {
  if (n.is_scalar() && !n.quoted && (n.scalar == "true" || n.scalar == "false")) return n.scalar == "true";
  if (n.is_scalar() && !n.quoted) {
    // YAML 1.1 spellings some tools write: say what to write instead.
    std::string lower = n.scalar;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool yes = lower == "yes" || lower == "on" || lower == "y" || lower == "true";
    const bool no = lower == "no" || lower == "off" || lower == "n" || lower == "false";
    if (yes || no)
      throw TypeError(
          n.where, path,
          "expected true or false, got " + n.scalar + " (write " + (yes ? "true" : "false") + ")");
  }
  throw TypeError(place(n), path, "expected true or false, got " + describe(n));
}

/// One of `choices` (a scalar); returns its index.
int choice(const Node& n, const std::string& path, const std::vector<std::string>& choices) {
  const std::string what = "one of " + list_names(choices);
  if (!n.is_scalar()) throw TypeError(place(n), path, "expected " + what + ", got " + describe(n));
  const auto it = std::find(choices.begin(), choices.end(), n.scalar);
  if (it == choices.end())
    throw RangeError(n.where, path,
                     "expected " + what + ", got " + describe(n) + did_you_mean(n.scalar, choices));
  return static_cast<int>(it - choices.begin());
}

Date date(const Node& n, const std::string& path) {
  if (!n.is_scalar())
    throw TypeError(place(n), path, "expected a date YYYY-MM or YYYY-MM-DD, got " + describe(n));
  const auto d = Date::parse(n.scalar);
  if (!d) throw DateError(n.where, path, "expected a real date YYYY-MM or YYYY-MM-DD, got " + describe(n));
  return *d;
}

// ------------------------------------------------------------------ names ----

bool valid_name(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void check_name(const std::string& name, const Node& value, const std::string& path,
                const std::string& kind) {
  if (!valid_name(name))
    throw RangeError(value.key_where, path,
                     "invalid " + kind + " name '" + name + "': names must match [A-Za-z][A-Za-z0-9_]*");
  if (name == "self" || name == "all")
    throw RangeError(value.key_where, path, "'" + name + "' is reserved and cannot be a " + kind + " name");
}

/// Index of `name` among the `kind`s defined; ReferenceError otherwise.
/// `extra` (e.g. "self", "all") are accepted and return -1 - position.
int resolve(const std::string& name, const SourceLocation& where, const std::string& path,
            const std::string& kind, const std::vector<std::string>& defined,
            const std::vector<std::string>& extra) {
  const auto it = std::find(defined.begin(), defined.end(), name);
  if (it != defined.end()) return static_cast<int>(it - defined.begin());
  const auto e = std::find(extra.begin(), extra.end(), name);
  if (e != extra.end()) return -1 - static_cast<int>(e - extra.begin());
  std::vector<std::string> all = defined;
  all.insert(all.end(), extra.begin(), extra.end());
  std::string detail = "undefined " + kind + " '" + name + "'" + did_you_mean(name, all) + "; defined " +
                       kind + "s: " + list_names(defined);
  if (!extra.empty()) detail += " (or " + list_names(extra) + ")";
  throw ReferenceError(where, path, detail);
}

int resolve_scalar(const Node& n, const std::string& path, const std::string& kind,
                   const std::vector<std::string>& defined, const std::vector<std::string>& extra) {
  if (!n.is_scalar()) throw TypeError(place(n), path, "expected a " + kind + " name, got " + describe(n));
  return resolve(n.scalar, n.where, path, kind, defined, extra);
}

std::vector<int> name_list(const Node& n, const std::string& path, const std::string& kind,
                           const std::vector<std::string>& defined) {
  expect_list(n, path, "a list of " + kind + " names");
  std::vector<int> out;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const int idx = resolve_scalar(n.items[i], indexed(path, i), kind, defined);
    if (std::find(out.begin(), out.end(), idx) != out.end())
      throw RangeError(n.items[i].where, indexed(path, i),
                       kind + " '" + n.items[i].scalar + "' is listed twice");
    out.push_back(idx);
  }
  return out;
}

}  // namespace geosim::config
