#pragma once
// CSV files the loaders read (a sweep's design table, the observations of a
// calibration): a header line, then rows of as many fields, RFC 4180 quoting
// within a line, blank lines skipped, blanks around a field dropped. Every
// cell remembers its line and column for messages.
#include <string>
#include <string_view>
#include <vector>

#include "geosim/core/errors.hpp"

namespace geosim::config {

struct CsvTable {
  struct Row {
    int line = 0;
    std::vector<std::string> cells;
    std::vector<int> columns;  // where each cell starts (1-based)
  };
  std::string file;
  std::vector<std::string> header;
  std::vector<SourceLocation> header_where;
  std::vector<Row> rows;

  SourceLocation where(const Row& row, std::size_t column) const {
    return SourceLocation{file, row.line, row.columns.at(column)};
  }
  /// The index of the header column `name`, or npos.
  std::size_t column(std::string_view name) const;
};

/// Parses CSV text (`file` names it in messages). Throws SyntaxError for a
/// quoted field left open, TypeError for a row whose field count differs from
/// the header's (naming both counts) or a header cell that is empty.
CsvTable parse_csv(std::string_view text, const std::string& file);

}  // namespace geosim::config
