// Plain messages for YAML syntax errors (yaml-cpp's ErrorMsg texts, in
// /usr/include/yaml-cpp/exceptions.h, mapped to what the author should fix).
#include "config/detail/syntax.hpp"

#include <yaml-cpp/exceptions.h>

namespace geosim::config::detail {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

/// Line `line` (1-based) of `text`, without its line break.
std::string_view line_of(std::string_view text, int line) {
  std::size_t begin = 0;
  for (int k = 1; k < line; ++k) {
    const std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  std::size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  std::string_view out = text.substr(begin, end - begin);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

bool is_list_item(std::string_view line) {
  const std::size_t first = line.find_first_not_of(' ');
  if (first == std::string_view::npos || line[first] != '-') return false;
  return first + 1 == line.size() || line[first + 1] == ' ';
}

}  // namespace

std::string plain_syntax_message(const std::string& parser_message, std::string_view text, int line,
                                 int /*column*/) {
  namespace E = YAML::ErrorMsg;
  const std::string& m = parser_message;
  if (m == E::TAB_IN_INDENTATION)
    return "a tab character in the indentation; YAML indents with spaces only (replace the tab with spaces)";
  if (m == E::END_OF_MAP) {
    if (is_list_item(line_of(text, line)))
      return "a list item ('- ...') inside a mapping, where a 'key: value' line was expected; a list "
             "belongs under a key of its own ('key:' then the '- ...' lines indented below it)";
    return "this line does not continue the mapping above it: expected a 'key: value' line at the "
           "mapping's indentation (check the indentation and for a missing ':')";
  }
  if (m == E::END_OF_SEQ)
    return "this line does not continue the list above it: expected a '- item' line at the list's "
           "indentation";
  if (m == E::END_OF_MAP_FLOW) return "a '{' mapping is not closed: expected ',' or '}' here";
  if (m == E::END_OF_SEQ_FLOW) return "a '[' list is not closed: expected ',' or ']' here";
  if (m == E::MAP_VALUE)
    return "a ':' where no value may start; a 'key: value' line cannot hold another 'key: value' (quote "
           "the value, or put the nested mapping on its own indented lines)";
  if (m == E::MAP_KEY) return "a '?' mapping key where none may start";
  if (m == E::BLOCK_ENTRY)
    return "a list item ('- ...') where none may start (after a 'key: value' on the same line, or at the "
           "wrong indentation)";
  if (m == E::FLOW_END) return "a closing ']' or '}' without its opening bracket";
  if (m == E::EOF_IN_SCALAR)
    return "a quoted string is not closed before the end of the file (a missing quote)";
  if (m == E::CHAR_IN_SCALAR || m == E::DOC_IN_SCALAR)
    return "a character that a plain (unquoted) string cannot hold here; quote the value";
  if (starts_with(m, E::INVALID_ESCAPE))
    return "an unknown escape sequence in a double-quoted string (write \\\\ for a backslash, or use single "
           "quotes)";
  if (starts_with(m, E::INVALID_UNICODE) || m == E::INVALID_HEX)
    return "a malformed \\x, \\u or \\U escape in a double-quoted string";
  if (m == E::UNKNOWN_TOKEN) return "a character that cannot start a YAML value here";
  if (m == E::UNKNOWN_ANCHOR || m == E::ALIAS_NOT_FOUND || m == E::ANCHOR_NOT_FOUND)
    return "an alias ('*name') whose anchor ('&name') is not defined above it, or an empty anchor name";
  if (m == E::MULTIPLE_TAGS || m == E::MULTIPLE_ANCHORS || m == E::MULTIPLE_ALIASES || m == E::ALIAS_CONTENT)
    return "more than one anchor, alias or tag on one value, or an alias with content of its own";
  if (m == E::CHAR_IN_BLOCK || m == E::ZERO_INDENT_IN_BLOCK)
    return "a '|' or '>' block string whose lines are not indented below its key";
  if (starts_with(m, E::YAML_VERSION) || m == E::YAML_DIRECTIVE_ARGS || m == E::YAML_MAJOR_VERSION ||
      m == E::REPEATED_YAML_DIRECTIVE || m == E::TAG_DIRECTIVE_ARGS || m == E::REPEATED_TAG_DIRECTIVE)
    return "a malformed YAML directive (a line starting with '%'); a scenario needs none";
  return "malformed YAML here (the parser reports: " + m + ")";
}

std::string normalise_line_breaks(std::string_view text) {
  std::string out(text);
  for (std::size_t k = 0; k < out.size(); ++k)
    if (out[k] == '\r' && (k + 1 == out.size() || out[k + 1] != '\n')) out[k] = '\n';
  return out;
}

}  // namespace geosim::config::detail
