// Text a file or a value may hold: UTF-8 without control characters (tabs
// and line breaks only in free text), checked before anything is written to
// a results file that other tools must be able to read.
#include <string>
#include <string_view>

#include "config/detail/syntax.hpp"
#include "geosim/config/node.hpp"
#include "geosim/core/errors.hpp"

namespace geosim::config {

namespace {

std::string hex_byte(unsigned char c) {
  static const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

std::string code_point(char32_t cp) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "U+";
  for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) out += digits[(cp >> shift) & 15];
  return out;
}

}  // namespace

namespace detail {

/// find_bad_text, with carriage returns also accepted when `cr` (line breaks of a whole file).
std::size_t bad_text(std::string_view s, bool free_text, bool cr, std::string* what) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const bool allowed =
          c >= 0x20 ? c != 0x7F : (free_text && (c == '\t' || c == '\n')) || (cr && c == '\r');
      if (!allowed) {
        if (what) *what = "control character " + code_point(c);
        return i;
      }
      ++i;
      continue;
    }
    // The length of the sequence and the smallest code point it may encode (no overlongs).
    std::size_t len = 0;
    char32_t cp = 0, min = 0;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07, min = 0x10000;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
      if (what) *what = "byte " + hex_byte(c) + " is not UTF-8";
      return i;
    }
    if (cp <= 0x9F) {  // C1 controls
      if (what) *what = "control character " + code_point(cp);
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

SyntaxError bad_file_text(const std::string& filename, std::string_view text, std::size_t offset,
                          const std::string& what) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t k = 0; k < offset; ++k)
    if (text[k] == '\n') ++line, line_start = k + 1;
  return SyntaxError({filename, line, static_cast<int>(offset - line_start) + 1}, "",
                     "expected UTF-8 text without control characters (" + what + ")");
}

}  // namespace detail

using detail::bad_text;

std::size_t find_bad_text(std::string_view s, bool free_text, std::string* what) {
  return bad_text(s, free_text, false, what);
}

bool is_free_text_key(std::string_view key) { return key == "description" || key == "note"; }

void check_text(const Node& tree, const std::string& path) {
  std::string what;
  const auto fail = [&](const SourceLocation& where, const std::string& key, const std::string& detail) {
    throw TypeError(where, key, "expected UTF-8 text without control characters (" + detail + ")");
  };
  if (tree.is_scalar()) {
    const std::size_t dot = path.rfind('.');
    const bool free = is_free_text_key(dot == std::string::npos ? path : path.substr(dot + 1));
    if (bad_text(tree.scalar, free, false, &what) != std::string_view::npos) fail(tree.where, path, what);
  }
  for (std::size_t i = 0; i < tree.items.size(); ++i)
    check_text(tree.items[i], path + "[" + std::to_string(i) + "]");
  for (const auto& [key, value] : tree.entries) {
    if (bad_text(key, false, false, &what) != std::string_view::npos)
      fail(value.key_where, path, "in a key: " + what);
    check_text(value, path.empty() ? key : path + "." + key);
  }
}

}  // namespace geosim::config
