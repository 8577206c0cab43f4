#include "geosim/config/csv.hpp"

#include <algorithm>

namespace geosim::config {

namespace {

/// Splits one line into fields (RFC 4180 quoting within the line) and where each starts.
std::vector<std::string> fields(const std::string& line, const std::string& file, int number,
                                std::vector<int>& columns) {
  std::vector<std::string> out(1);
  columns.assign(1, 1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
      columns.push_back(static_cast<int>(i) + 2);
    } else {
      out.back() += c;
    }
  }
  if (quoted)
    throw SyntaxError(SourceLocation{file, number, static_cast<int>(line.size())}, "",
                      "a quoted field is not closed on its line");
  for (auto& f : out) {  // surrounding blanks are not part of a value
    const auto b = f.find_first_not_of(" \t"), e = f.find_last_not_of(" \t");
    f = b == std::string::npos ? "" : f.substr(b, e - b + 1);
  }
  return out;
}

}  // namespace

std::size_t CsvTable::column(std::string_view name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? std::string::npos : static_cast<std::size_t>(it - header.begin());
}

CsvTable parse_csv(std::string_view text, const std::string& file) {
  CsvTable t;
  t.file = file;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    CsvTable::Row row;
    row.line = number;
    row.cells = fields(line, file, number, row.columns);
    if (t.header.empty() && t.rows.empty() && t.header_where.empty()) {
      for (std::size_t j = 0; j < row.cells.size(); ++j) {
        const SourceLocation where{file, number, row.columns[j]};
        if (row.cells[j].empty()) throw TypeError(where, "", "expected a name as every column's header");
        t.header.push_back(row.cells[j]);
        t.header_where.push_back(where);
      }
      continue;
    }
    if (row.cells.size() != t.header.size())
      throw TypeError(SourceLocation{file, number, 1}, "",
                      "expected " + std::to_string(t.header.size()) +
                          " fields (one per header column), got " + std::to_string(row.cells.size()));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace geosim::config
