// The table design: points made elsewhere (OpenTURNS, scipy.stats.qmc, an
// EMA-style experiment, a spreadsheet), one per row of a CSV file whose
// header names the parameters by their key paths:
//
//   powers.CHN.budget.soft,events.sanctions.actions[0].scale_budget.factor,time.step
//   1.5,0.7,month
//   2.5,0.5,quarter
//
// Cells are YAML scalars as for --set (numbers, booleans, dates, names);
// fields may be quoted ("a,b"), blank lines are skipped. The columns become
// the sweep's parameters: a numeric column is validated at its minimum and
// maximum, any other at each distinct value, like listed values. The file's
// checksum is part of the sweep's identity, so editing it and resuming is
// refused. Design coordinates are not defined (design_unit is NaN).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "geosim/config/csv.hpp"
#include "geosim/config/key_path.hpp"
#include "geosim/config/node.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/sweep/sweep.hpp"
#include "sweep/designs/designs.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_designs {

namespace {

namespace fs = std::filesystem;

/// The table's path: relative to the sweep file's folder.
fs::path table_path(const SweepSpec& spec) {
  return spec.file.parent_path() / spec.design_settings.text("table");
}

struct Table {
  std::vector<std::string> header;
  std::vector<SourceLocation> header_where;
  std::vector<std::string> cells;  // row-major, rows x header.size()
  std::size_t rows = 0;
};

Table read_table(const SweepSpec& spec) {
  const fs::path path = table_path(spec);
  std::string text;
  try {
    text = config::read_file(path);
  } catch (const FileError& e) {
    throw FileError(spec.design_settings.where("table"), "table",
                    "cannot read the design table '" + path.string() + "': " + e.detail());
  }
  const config::CsvTable csv = config::parse_csv(text, path.string());
  Table t;
  for (std::size_t j = 0; j < csv.header.size(); ++j) {
    const std::string& name = csv.header[j];
    const SourceLocation& where = csv.header_where[j];
    config::split_key_path(name, where);  // UsageError with what is wrong
    if (std::find(t.header.begin(), t.header.end(), name) != t.header.end())
      throw DuplicateKeyError(where, name, "the column '" + name + "' appears twice in the header");
    t.header.push_back(name);
    t.header_where.push_back(where);
  }
  for (const auto& row : csv.rows) {
    for (std::size_t j = 0; j < row.cells.size(); ++j)
      if (row.cells[j].empty())
        throw TypeError(
            csv.where(row, j), t.header[j],
            "empty cell in column '" + t.header[j] + "': every point gives every parameter a value");
    t.cells.insert(t.cells.end(), row.cells.begin(), row.cells.end());
    ++t.rows;
  }
  const std::string& file = csv.file;
  if (t.header.empty() || t.rows == 0)
    throw FileError(SourceLocation{file, 0, 0}, "",
                    "the design table needs a header of key paths and at least one row of values");
  return t;
}

bool as_number(const std::string& s, double& v) {
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end && std::isfinite(v);
}

class TablePoints final : public DesignPoints {
 public:
  explicit TablePoints(Table t) : t_(std::move(t)) {}
  std::int64_t count() const override { return static_cast<std::int64_t>(t_.rows); }
  std::string value(std::int64_t point, std::size_t j) const override {
    return t_.cells[static_cast<std::size_t>(point) * t_.header.size() + j];
  }
  double unit(std::int64_t, std::size_t) const override { return std::numeric_limits<double>::quiet_NaN(); }

 private:
  Table t_;
};

class TableDesign final : public SweepDesign {
 public:
  std::string name() const override { return "table"; }
  std::string doc() const override {
    return "one point per row of a CSV file whose columns are parameter paths";
  }
  config::Schema keys() const override {
    return config::Schema().add({.path = "table",
                                 .type = config::ValueType::text,
                                 .required = true,
                                 .doc = "the CSV file of points (relative to the sweep file): a header of "
                                        "parameter key paths, one row per point"});
  }
  void complete(SweepSpec& spec) const override {
    if (!spec.parameters.empty())
      throw TypeError(
          spec.parameters_where, "parameters",
          "the table design takes its parameters from the table's header; leave out 'parameters'");
    const Table t = read_table(spec);
    for (std::size_t j = 0; j < t.header.size(); ++j) {
      ParameterSpec p;
      p.path = t.header[j];
      p.where = p.values_where = t.header_where[j];
      // Numbers: validated at their extremes; anything else at each distinct value.
      double lo = std::numeric_limits<double>::infinity(), hi = -lo, v = 0.0;
      bool numeric = true;
      for (std::size_t r = 0; r < t.rows && numeric; ++r) {
        numeric = as_number(t.cells[r * t.header.size() + j], v);
        lo = std::min(lo, v), hi = std::max(hi, v);
      }
      if (numeric) {
        p.lo = lo, p.hi = hi;
      } else {
        std::set<std::string> seen;
        for (std::size_t r = 0; r < t.rows; ++r)
          if (const std::string& cell = t.cells[r * t.header.size() + j]; seen.insert(cell).second)
            p.values.push_back(cell);
      }
      spec.parameters.push_back(std::move(p));
    }
  }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    return std::make_unique<TablePoints>(read_table(spec));
  }
  std::int64_t points_bytes(const SweepSpec& spec) const override {
    std::error_code ec;
    const auto size = fs::file_size(table_path(spec), ec);
    // The cells as strings: their text plus a string object each, at most one per byte.
    return ec ? 0 : saturating_mul(static_cast<std::int64_t>(size), 40);
  }
  std::string identity(const SweepSpec& spec) const override {
    const std::string text = config::read_file(table_path(spec));
    char buf[40];
    std::snprintf(buf, sizeof buf, "table fnv1a64 %016llx",
                  static_cast<unsigned long long>(sweep_detail::fnv1a64(text.data(), text.size())));
    return buf;
  }
};

}  // namespace

std::unique_ptr<SweepDesign> make_table() { return std::make_unique<TableDesign>(); }

}  // namespace geosim::sweep_designs
