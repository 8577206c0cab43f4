#pragma once
// The YAML parser's complaints in words: what is wrong at the reported place
// and what to write instead, never the parser's own text alone.
#include <string>
#include <string_view>

namespace geosim::config::detail {

/// A plain sentence for the parser message `parser_message` raised at
/// (line, column) of `text` (1-based; 0 if unknown).
std::string plain_syntax_message(const std::string& parser_message, std::string_view text, int line,
                                 int column);

/// `text` with every lone carriage return (an old Mac line break, which YAML
/// 1.2 allows and yaml-cpp does not) made a line feed; CRLF is left alone.
std::string normalise_line_breaks(std::string_view text);

}  // namespace geosim::config::detail
