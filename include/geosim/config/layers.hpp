#pragma once
// How a file's configuration tree is built from layers: the file merged over
// the chain of bases it `extends`, then `--set` overrides. Tree operations
// only; what the keys mean is the loaders' business.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/key_path.hpp"
#include "geosim/config/node.hpp"

namespace geosim::config {

/// The longest `extends` chain: the file itself and its bases.
inline constexpr int kMaxExtendsDepth = 64;

/// Reads `path` and merges it over its `extends:` chain (each base relative to
/// the file naming it; `extends` is dropped from the result). `source_text`,
/// if given, receives the bytes of `path` itself; `files`, if given, the
/// canonical paths of `path` and of every base, in chain order. Throws
/// FileError (a missing base, at its `extends` key), ReferenceError (a cycle),
/// RangeError (a chain deeper than kMaxExtendsDepth), TypeError, SyntaxError.
Node read_with_extends(const std::filesystem::path& path, std::string* source_text = nullptr,
                       std::vector<std::filesystem::path>* files = nullptr);

/// Sets the value at a key path (`powers.CHN.budget.soft`,
/// `events.e.actions[0].scale_budget.factor`; split_key_path); `value_text` is
/// parsed as YAML. Missing mappings on the way are created, except entries of
/// `collections` (dotted paths of mappings whose keys name things, such as
/// `powers` or `events`): a path creates such an entry only when it ends at
/// it, giving the whole entry (`powers.CNH={...}`), never through a mistyped
/// name deeper down. List items are never created: a selector names an item
/// that exists. UsageError if the path runs through a non-mapping, a missing
/// entry or item (with the nearest name), or selects in a non-list.
void set_path(Node& root, std::string_view dotted_path, std::string_view value_text,
              const SourceLocation& origin, std::span<const std::string> collections = {});

/// The node at a key path, or nullptr if the tree lacks it.
const Node* find_path(const Node& root, const std::vector<PathStep>& steps);

/// Applies "dotted.path=value" overrides in order (set_path); UsageError,
/// located at `--set`, for one without `=` or with an empty path.
void apply_overrides(Node& tree, const std::vector<std::string>& overrides,
                     std::span<const std::string> collections = {});

}  // namespace geosim::config
