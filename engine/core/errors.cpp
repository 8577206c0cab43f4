// Input errors that say where they happened: "file:line:col: key: detail".
#include "geosim/core/errors.hpp"

#include <utility>

namespace geosim {

std::string SourceLocation::str() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

namespace {

// what() must be a single line: newlines in a detail (yaml-cpp messages,
// echoed values) are flattened so the CLI prints exactly one line.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

std::string compose(const SourceLocation& where, const std::string& key, const std::string& detail) {
  std::string out = where.str();
  if (!out.empty()) out += ": ";
  if (!key.empty()) out += key + ": ";
  out += detail;
  return one_line(std::move(out));
}

}  // namespace

InputError::InputError(SourceLocation where, std::string key, std::string detail)
    : std::runtime_error(compose(where, key, detail)),
      where_(std::move(where)),
      key_(std::move(key)),
      detail_(std::move(detail)) {}

}  // namespace geosim
