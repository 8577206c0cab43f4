#pragma once
// The YAML parser's complaints in words: what is wrong at the reported place
// and what to write instead, never the parser's own text alone.
#include <string>
#include <string_view>

#include "geosim/core/errors.hpp"

namespace geosim::config::detail {

/// A plain sentence for the parser message `parser_message` raised at
/// (line, column) of `text` (1-based; 0 if unknown).
std::string plain_syntax_message(const std::string& parser_message, std::string_view text, int line,
                                 int column);

/// `text` with every lone carriage return (an old Mac line break, which YAML
/// 1.2 allows and yaml-cpp does not) made a line feed; CRLF is left alone.
std::string normalise_line_breaks(std::string_view text);

/// The first offset of `s` that is not UTF-8 text without control characters
/// (npos if none), saying what is wrong in `what`: tabs and line feeds are
/// allowed in `free_text`, carriage returns when `cr` (a whole file's breaks).
std::size_t bad_text(std::string_view s, bool free_text, bool cr, std::string* what);

/// The SyntaxError for bad text at byte `offset` of the file `filename`, at its line and column.
SyntaxError bad_file_text(const std::string& filename, std::string_view text, std::size_t offset,
                          const std::string& what);

}  // namespace geosim::config::detail
