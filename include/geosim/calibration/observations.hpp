#pragma once
// The observations a model is compared with (docs/calibration.md,
// "Observations"): one CSV table, one row per observed figure with where it
// came from. Read and checked here; what the model says about each row is
// the business of the observation operators (calibration.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/core/dates.hpp"
#include "geosim/core/errors.hpp"

namespace geosim::calibration {

struct Observation {
  std::string id;          // unique, [a-z0-9_]
  std::string quantity;    // what was measured, e.g. unfavourable_share, trade_turnover
  std::string instrument;  // who measured it, or which survey question: cab, iri, national_statistics, ...
  std::string state;       // a target's code (KAZ), or REGION
  std::string partner;     // a power's code (CHN), or "" for totals
  std::string period;      // as written: 2019, 2015..2019, 2018-01..2020-08
  Date first, last;        // the period's first and last month
  double value = 0.0;
  double sd = -1.0;                 // < 0: not given
  double lower = 0.0, upper = 0.0;  // bounds: "more than 40" is lower 40 alone
  bool has_lower = false, has_upper = false;
  bool has_band() const { return has_lower && has_upper; }
  std::string unit, source, publisher, url, note;
  int source_year = 0;
  SourceLocation where;  // its row (column 1)

  /// Its measurement's standard deviation in its own units: sd if given,
  /// else a band read as +-2 sd, else 0 (the operator's error carries it).
  double standard_deviation() const;
};

struct ObservationTable {
  std::filesystem::path file;
  std::vector<Observation> rows;
  /// The row with this id, or nullptr.
  const Observation* find(const std::string& id) const;
};

/// The columns, in order, every table has.
const std::vector<std::string>& observation_columns();

/// Reads and checks a table: the header is observation_columns(); every row
/// has a unique id, a period (YYYY, YYYY..YYYY, YYYY-MM, YYYY-MM..YYYY-MM), a
/// finite value, a non-negative sd, bounds lower <= value <= upper (either,
/// both or neither), a unit, and a source with its publisher and year: a figure
/// without a source is refused. InputError subclasses at file:line:column.
ObservationTable read_observations(const std::filesystem::path& path);

}  // namespace geosim::calibration
