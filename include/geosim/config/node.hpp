#pragma once
// The raw configuration tree: YAML read into our own nodes that remember the
// file, line and column each value came from. It is what `extends:` merges and
// `--set` overrides, before the schema (scenario.cpp) turns it into a Scenario.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geosim/core/errors.hpp"

namespace geosim::config {

struct Node {
  enum class Kind { null, scalar, sequence, map };
  struct Entry;  // a mapping entry: key and value (defined below, where Node is complete)
  Kind kind = Kind::null;
  std::string scalar;          // raw text of a scalar
  bool quoted = false;         // scalar was quoted (or tagged !!str): always a string
  std::vector<Node> items;     // sequence items
  std::vector<Entry> entries;  // mapping entries, file order, keys unique
  SourceLocation where;        // where the value starts
  SourceLocation key_where;    // for a mapping value: where its key starts

  bool is_map() const { return kind == Kind::map; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  const char* kind_name() const;  // "a mapping", "a list", "a scalar", "null"
};

struct Node::Entry {
  std::string key;
  Node value;
};

/// Reads one YAML document. Throws FileError (missing, unreadable, empty),
/// SyntaxError (malformed YAML, too many nodes after alias expansion),
/// DuplicateKeyError and TypeError (text that is not UTF-8 or holds control
/// characters: check_text). Never lets a yaml-cpp exception escape.
Node parse_file(const std::filesystem::path& path);
Node parse_text(std::string_view text, const std::string& filename);

/// Limits that make alias bombs and absurd nesting fail fast with SyntaxError.
inline constexpr std::size_t kMaxNodes = 1'000'000;  // nodes after alias expansion
inline constexpr int kMaxDepth = 64;                 // nested mappings/lists
/// Text (bytes of scalars) that aliases may add, all aliases together: one long
/// string aliased many times costs memory without adding nodes.
inline constexpr std::size_t kMaxAliasBytes = std::size_t{16} << 20;  // 16 MiB
/// Nodes that aliases may add, all aliases together: a few hundred bytes of
/// nested aliases reach kMaxNodes and take seconds to expand, while a large
/// literal file (100,000 powers) legitimately holds that many.
inline constexpr std::size_t kMaxAliasNodes = 100'000;

/// Where `s` stops being UTF-8 text without control characters: the byte
/// offset of the first invalid UTF-8 sequence (overlong, surrogate, above
/// U+10FFFF, truncated) or control character (U+0000..U+001F, U+007F,
/// U+0080..U+009F), with `what` describing it; npos if there is none. Tab and
/// newline are accepted when `free_text` is true (`description`, `note`).
std::size_t find_bad_text(std::string_view s, bool free_text, std::string* what = nullptr);

/// Free text: a value of a `description` or `note` key may hold tabs and newlines.
bool is_free_text_key(std::string_view key);

/// TypeError at the first key or scalar of `tree` that is not UTF-8 text
/// without control characters (find_bad_text), naming its dotted key path.
/// parse_text calls it on every document; set_path on every `--set` value.
void check_text(const Node& tree, const std::string& path = "");

/// The largest input file (scenario, `extends` base, sweep file) read: a
/// scenario is kilobytes; this bounds the memory a mistaken path can take.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{64} << 20;  // 64 MiB

/// A file's bytes, exactly. Throws FileError (missing, unreadable, not a
/// regular file, e.g. a directory, FIFO or /dev/zero, or larger than
/// kMaxInputFileBytes). Never blocks on a FIFO.
std::string read_file(const std::filesystem::path& path);

/// Deep merge: mappings merge key by key, anything else in `overlay` replaces
/// what `base` had. A null overlay value on a mapping entry keeps the key with a null value.
void merge(Node& base, const Node& overlay);

/// Canonical YAML text of a tree (block style, keys in order).
std::string to_yaml(const Node& node);

/// The same value on one line, as a --set value: a plain scalar as written,
/// a quoted one double-quoted (still a string when read back), collections in
/// flow style.
std::string to_flow_yaml(const Node& node);

/// The nearest of `candidates` to `word` by edit distance, or "" if none is
/// close. Bounded in time: a word longer than kMaxSuggestionLength gets no
/// suggestion, and only the first kMaxSuggestionCandidates candidates are examined.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
inline constexpr std::size_t kMaxSuggestionLength = 64;
inline constexpr std::size_t kMaxSuggestionCandidates = 10'000;

}  // namespace geosim::config
