// extends chains and --set overrides (config/layers.hpp).
#include "geosim/config/layers.hpp"

#include <algorithm>

#include "geosim/config/reader.hpp"

namespace geosim::config {
namespace {

namespace fs = std::filesystem;

fs::path canonical_or_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? fs::absolute(p) : c;
}

/// Parses `path` (whose bytes are `text`) and resolves its `extends:` chain.
Node resolve(const fs::path& path, const std::string& text, std::vector<fs::path>& chain) {
  Node tree = config::parse_text(text, path.string());
  if (!tree.is_map()) return tree;  // the validator reports it (for the top file)
  const auto it = std::find_if(tree.entries.begin(), tree.entries.end(),
                               [](const auto& e) { return e.key == "extends"; });
  if (it == tree.entries.end()) return tree;
  const Node ext = it->value;
  tree.entries.erase(it);
  if (ext.is_null()) return tree;
  if (!ext.is_scalar())
    throw TypeError(place(ext), "extends", "expected the path of a base scenario file, got " + describe(ext));
  const fs::path base_path = (path.parent_path() / ext.scalar).lexically_normal();
  const fs::path here = canonical_or_absolute(path);
  const fs::path there = canonical_or_absolute(base_path);
  chain.push_back(here);
  if (std::find(chain.begin(), chain.end(), there) != chain.end()) {
    std::string cycle;
    bool on = false;
    for (const auto& p : chain) {
      on = on || p == there;
      if (on) cycle += p.filename().string() + " -> ";
    }
    throw ReferenceError(ext.where, "extends", "extends cycle: " + cycle + there.filename().string());
  }
  std::string base_text;
  try {
    base_text = config::read_file(base_path);
  } catch (const FileError& e) {
    throw FileError(ext.where, "extends",
                    "cannot read the base scenario '" + base_path.string() + "': " + e.detail());
  }
  Node base = resolve(base_path, base_text, chain);
  chain.pop_back();
  if (!base.is_map())
    throw TypeError(base.where, "",
                    "the top level of a base scenario must be a mapping, got " + describe(base));
  config::merge(base, tree);
  return base;
}

}  // namespace

Node read_with_extends(const fs::path& path, std::string* source_text) {
  std::string text = read_file(path);
  std::vector<fs::path> chain;
  Node tree = resolve(path, text, chain);
  if (source_text) *source_text = std::move(text);
  return tree;
}

void apply_overrides(Node& tree, const std::vector<std::string>& overrides) {
  const SourceLocation origin{"--set", 0, 0};
  for (const auto& o : overrides) {
    const std::size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(origin, "", "expected PATH=VALUE (e.g. powers.CHN.budget.soft=2), got '" + o + "'");
    set_path(tree, std::string_view(o).substr(0, eq), std::string_view(o).substr(eq + 1), origin);
  }
}

}  // namespace geosim::config
