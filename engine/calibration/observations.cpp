#include "geosim/calibration/observations.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "geosim/config/csv.hpp"
#include "geosim/config/node.hpp"

namespace geosim::calibration {

namespace {

bool parse_number(const std::string& s, double& v) {
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return !s.empty() && ec == std::errc() && p == end && std::isfinite(v);
}

bool is_slug(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// One end of a period: YYYY (whole year: January or December) or YYYY-MM.
std::optional<Date> period_end(const std::string& s, bool last) {
  if (s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Date{std::stoi(s), last ? 12 : 1, 1};
  if (s.size() == 7) return Date::parse(s);
  return std::nullopt;
}

}  // namespace

double Observation::standard_deviation() const {
  if (sd >= 0.0) return sd;
  if (has_band()) return (upper - lower) / 4.0;
  return 0.0;
}

const Observation* ObservationTable::find(const std::string& id) const {
  for (const Observation& o : rows)
    if (o.id == id) return &o;
  return nullptr;
}

const std::vector<std::string>& observation_columns() {
  static const std::vector<std::string> columns = {
      "id",    "quantity", "instrument", "state",  "partner",   "period",      "value", "sd",
      "lower", "upper",    "unit",       "source", "publisher", "source_year", "url",   "note"};
  return columns;
}

ObservationTable read_observations(const std::filesystem::path& path) {
  const config::CsvTable csv = config::parse_csv(config::read_file(path), path.string());
  const std::vector<std::string>& columns = observation_columns();
  if (csv.header != columns) {
    std::size_t j = 0;
    while (j < csv.header.size() && j < columns.size() && csv.header[j] == columns[j]) ++j;
    const SourceLocation where =
        j < csv.header_where.size() ? csv.header_where[j] : SourceLocation{path.string(), 1, 1};
    throw TypeError(
        where, j < columns.size() ? columns[j] : csv.header[j],
        "expected the header " +
            [&] {
              std::string h;
              for (const auto& c : columns) h += (h.empty() ? "" : ",") + c;
              return h;
            }() +
            (j < columns.size() ? "; column " + std::to_string(j + 1) + " should be '" + columns[j] + "'"
                                : "; there are more columns than that"));
  }
  ObservationTable table;
  table.file = path;
  std::set<std::string> ids;
  for (const auto& row : csv.rows) {
    const auto cell = [&](const char* name) -> const std::string& { return row.cells[csv.column(name)]; };
    const auto where = [&](const char* name) { return csv.where(row, csv.column(name)); };
    const auto required = [&](const char* name, const std::string& what) {
      if (cell(name).empty()) throw TypeError(where(name), name, "expected " + what + ", got an empty cell");
      return cell(name);
    };
    Observation o;
    o.where = SourceLocation{csv.file, row.line, 1};
    o.id = required("id", "the row's id");
    if (!is_slug(o.id))
      throw RangeError(where("id"), "id",
                       "expected an id of lower-case letters, digits and _, got '" + o.id + "'");
    if (!ids.insert(o.id).second)
      throw DuplicateKeyError(where("id"), "id", "the id '" + o.id + "' is used by an earlier row");
    o.quantity = required("quantity", "the quantity measured");
    o.instrument = required("instrument", "who measured it (the survey question or statistics)");
    if (!is_slug(o.quantity) || !is_slug(o.instrument))
      throw RangeError(where(is_slug(o.quantity) ? "instrument" : "quantity"),
                       is_slug(o.quantity) ? "instrument" : "quantity",
                       "expected lower-case letters, digits and _");
    o.state = required("state", "a state's code or REGION");
    o.partner = cell("partner");
    o.period = required("period", "a period: YYYY, YYYY..YYYY, YYYY-MM or YYYY-MM..YYYY-MM");
    {
      const auto dots = o.period.find("..");
      const std::string a = o.period.substr(0, dots),
                        b = dots == std::string::npos ? a : o.period.substr(dots + 2);
      const auto first = period_end(a, false), last = period_end(b, true);
      if (!first || !last || *last < *first)
        throw DateError(
            where("period"), "period",
            "expected YYYY, YYYY..YYYY, YYYY-MM or YYYY-MM..YYYY-MM (first not after last), got '" +
                o.period + "'");
      o.first = *first, o.last = *last;
    }
    if (!parse_number(required("value", "the observed value"), o.value))
      throw TypeError(where("value"), "value", "expected a finite number, got '" + cell("value") + "'");
    if (!cell("sd").empty() && (!parse_number(cell("sd"), o.sd) || o.sd < 0.0))
      throw RangeError(where("sd"), "sd",
                       "expected a number >= 0 (or an empty cell), got '" + cell("sd") + "'");
    for (const char* bound : {"lower", "upper"}) {
      if (cell(bound).empty()) continue;
      double& v = bound[0] == 'l' ? o.lower : o.upper;
      if (!parse_number(cell(bound), v))
        throw TypeError(where(bound), bound,
                        "expected a number (or an empty cell), got '" + cell(bound) + "'");
      (bound[0] == 'l' ? o.has_lower : o.has_upper) = true;
    }
    if ((o.has_lower && o.lower > o.value) || (o.has_upper && o.value > o.upper))
      throw RangeError(where(o.has_lower && o.lower > o.value ? "lower" : "upper"), "lower",
                       "expected lower <= value <= upper, got " + cell("lower") + " <= " + cell("value") +
                           " <= " + cell("upper"));
    o.unit = required("unit", "the value's unit (share, count, USD million, ...)");
    o.source = required("source", "the source's title: every figure is cited");
    o.publisher = required("publisher", "the source's publisher");
    double year = 0;
    if (!parse_number(required("source_year", "the source's year"), year) || year != std::floor(year) ||
        year < 1900 || year > 2100)
      throw RangeError(where("source_year"), "source_year",
                       "expected a year, got '" + cell("source_year") + "'");
    o.source_year = static_cast<int>(year);
    o.url = cell("url");
    o.note = cell("note");
    table.rows.push_back(std::move(o));
  }
  if (table.rows.empty())
    throw FileError(SourceLocation{path.string(), 0, 0}, "", "the observations table has no rows");
  return table;
}

}  // namespace geosim::calibration
