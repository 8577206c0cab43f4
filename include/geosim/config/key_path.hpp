#pragma once
// Key paths: how `--set`, sweep parameters and messages name one value of a
// configuration tree. Mapping keys are joined by dots; an item of a list is
// selected by its index or by its `name` key:
//   powers.CHN.budget.soft
//   events.sanctions_on_russia.actions[0].scale_budget.factor
//   events.sanctions_on_russia.actions[rus_economy].scale_budget.factor
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/core/errors.hpp"

namespace geosim::config {

/// One step of a key path: a mapping key, or an item of a list selected by
/// its index (`actions[0]`) or by the value of its `name` key
/// (`actions[rus_trade]`).
struct PathStep {
  enum class Kind { key, index, name };
  Kind kind = Kind::key;
  std::string text;       // the key, the index's digits or the item's name
  std::size_t index = 0;  // Kind::index
};

/// Splits a key path, `a.b[0].c` or `events.e.actions[rus_trade].scale_budget.factor`,
/// into steps. UsageError at `origin` for an empty component, an empty or
/// unclosed selector, or a selector without a key before it.
std::vector<PathStep> split_key_path(std::string_view dotted_path, const SourceLocation& origin);

/// The steps as a path again (split_key_path's inverse).
std::string join_key_path(const std::vector<PathStep>& steps);

}  // namespace geosim::config
