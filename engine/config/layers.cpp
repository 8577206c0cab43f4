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

/// Parses one file of the chain and takes its `extends:` key out of the tree.
/// Returns the base's path (empty: the chain ends here).
fs::path parse_layer(const fs::path& path, const std::string& text, Node& tree, SourceLocation& ext_where) {
  tree = config::parse_text(text, path.string());
  if (!tree.is_map()) return {};  // the validator reports it (for the top file)
  const auto it = std::find_if(tree.entries.begin(), tree.entries.end(),
                               [](const auto& e) { return e.key == "extends"; });
  if (it == tree.entries.end()) return {};
  const Node ext = it->value;
  tree.entries.erase(it);
  if (ext.is_null()) return {};
  if (!ext.is_scalar())
    throw TypeError(place(ext), "extends", "expected the path of a base scenario file, got " + describe(ext));
  ext_where = ext.where;
  return (path.parent_path() / ext.scalar).lexically_normal();
}

/// Reads `path` (whose bytes are `text`) and its `extends:` chain, top file
/// first, without recursion (a chain is at most kMaxExtendsDepth files deep),
/// then merges each file over its base, bottom up.
Node resolve(const fs::path& path, const std::string& text, std::vector<fs::path>* files) {
  std::vector<Node> layers(1);
  std::vector<fs::path> chain;  // canonical paths of the files read so far
  SourceLocation ext_where;
  fs::path base_path = parse_layer(path, text, layers.back(), ext_where);
  chain.push_back(canonical_or_absolute(path));
  while (!base_path.empty()) {
    const fs::path there = canonical_or_absolute(base_path);
    if (std::find(chain.begin(), chain.end(), there) != chain.end()) {
      std::string cycle;
      bool on = false;
      for (const auto& p : chain) {
        on = on || p == there;
        if (on) cycle += p.filename().string() + " -> ";
      }
      throw ReferenceError(ext_where, "extends", "extends cycle: " + cycle + there.filename().string());
    }
    if (chain.size() >= static_cast<std::size_t>(kMaxExtendsDepth))
      throw RangeError(ext_where, "extends",
                       "an extends chain may be at most " + std::to_string(kMaxExtendsDepth) +
                           " files deep (this file and its bases); '" + base_path.string() +
                           "' would be file " + std::to_string(chain.size() + 1));
    std::string base_text;
    try {
      base_text = config::read_file(base_path);
    } catch (const FileError& e) {
      throw FileError(ext_where, "extends",
                      "cannot read the base scenario '" + base_path.string() + "': " + e.detail());
    }
    layers.emplace_back();
    const fs::path here = base_path;
    base_path = parse_layer(here, base_text, layers.back(), ext_where);
    chain.push_back(there);
    if (!layers.back().is_map())
      throw TypeError(layers.back().where, "",
                      "the top level of a base scenario must be a mapping, got " + describe(layers.back()));
  }
  if (files) *files = chain;
  Node tree = std::move(layers.back());
  for (std::size_t i = layers.size() - 1; i-- > 0;) {
    config::merge(tree, layers[i]);
  }
  return tree;
}

}  // namespace

Node read_with_extends(const fs::path& path, std::string* source_text, std::vector<fs::path>* files) {
  std::string text = read_file(path);
  Node tree = resolve(path, text, files);
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
