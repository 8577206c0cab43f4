// extends chains and --set overrides (config/layers.hpp).
#include "geosim/config/layers.hpp"

#include <algorithm>
#include <string>

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

namespace {

/// Why a path may not run through an entry that does not exist: a typo in an
/// entry's name must not create one with every other value defaulted.
std::string missing_entry_message(const Node& collection, const std::string& collection_path,
                                  const std::string& name) {
  std::vector<std::string> names;
  names.reserve(collection.entries.size());
  for (const auto& e : collection.entries) names.push_back(e.key);
  const std::string near = nearest(name, names);
  return "there is no '" + name + "' in " + collection_path +
         (!near.empty()        ? " (did you mean '" + near + "'?)"
          : names.empty()      ? std::string(" (it is empty)")
          : names.size() <= 12 ? " (it has " + list_names(names) + ")"
                               : " (it has " + std::to_string(names.size()) + " entries)") +
         "; an override adds an entry only when it gives the whole entry, e.g. " + collection_path + "." +
         name + "={...}";
}

/// The item of the list `node` (at `walked`) that `step` selects.
Node& select_item(Node& node, const PathStep& step, const std::string& walked, const std::string& whole,
                  const SourceLocation& origin) {
  if (node.is_null())
    throw UsageError(origin, whole,
                     "'" + walked + "' is not given (its default applies), so [" + step.text +
                         "] selects nothing in it; set the whole list instead, e.g. " + walked + "=[...]");
  if (!node.is_sequence())
    throw UsageError(origin, whole,
                     "'" + walked + "' is " + node.kind_name() + ", not a list, so [" + step.text +
                         "] selects nothing in it");
  const std::size_t n = node.items.size();
  if (step.kind == PathStep::Kind::index) {
    if (step.index < n) return node.items[step.index];
    throw UsageError(origin, whole,
                     "'" + walked + "' has " + std::to_string(n) + (n == 1 ? " item" : " items") +
                         (n == 0 ? "" : " (indices 0 to " + std::to_string(n - 1) + ")") +
                         ", so there is no [" + step.text + "]; an override never adds an item");
  }
  std::vector<std::string> names;
  for (Node& item : node.items) {
    const Node* name = item.is_map() ? item.find("name") : nullptr;
    if (!name || !name->is_scalar()) continue;
    if (name->scalar == step.text) return item;
    names.push_back(name->scalar);
  }
  const std::string near = nearest(step.text, names);
  throw UsageError(
      origin, whole,
      "no item of '" + walked + "' is named '" + step.text + "'" +
          (!near.empty()        ? " (did you mean '" + near + "'?)"
           : names.empty()      ? " (its items have no `name`: select one by index, e.g. " + walked + "[0])"
           : names.size() <= 12 ? " (its named items are " + list_names(names) + ")"
                                : std::string()));
}

}  // namespace

void set_path(Node& root, std::string_view dotted_path, std::string_view value_text,
              const SourceLocation& origin, std::span<const std::string> collections) {
  const std::string whole(dotted_path);
  const std::vector<PathStep> steps = split_key_path(dotted_path, origin);

  std::string what;
  if (find_bad_text(value_text, false, &what) != std::string_view::npos ||
      find_bad_text(dotted_path, false, &what) != std::string_view::npos)
    throw UsageError(origin, find_bad_text(dotted_path, false) == std::string_view::npos ? whole : "",
                     "expected UTF-8 text without control characters (" + what + ")");
  Node value;
  try {
    value = parse_text(value_text, origin.file);
  } catch (const FileError&) {  // empty text: null
    value = Node{};
  } catch (const InputError& e) {
    throw UsageError(origin, whole,
                     "cannot parse the value '" + std::string(value_text) + "' as YAML: " + e.detail());
  }
  // Locations of a --set value: the origin, whatever the parser recorded.
  auto relocate = [&origin](auto& self, Node& n) -> void {
    n.where = origin;
    if (!n.key_where.file.empty()) n.key_where = origin;
    for (auto& item : n.items) self(self, item);
    for (auto& [k, v] : n.entries) self(self, v);
  };
  relocate(relocate, value);

  Node* node = &root;
  std::string walked;
  for (const PathStep& step : steps) {
    if (step.kind != PathStep::Kind::key) {
      node = &select_item(*node, step, walked, whole, origin);
      walked += "[" + step.text + "]";
      continue;
    }
    const std::string& part = step.text;
    if (node->is_null()) {
      node->kind = Node::Kind::map;
      if (node->where.file.empty()) node->where = origin;
    }
    if (!node->is_map())
      throw UsageError(origin, whole,
                       "cannot set a key inside '" + (walked.empty() ? std::string("(top)") : walked) +
                           "', which is " + node->kind_name() + ", not a mapping");
    Node* next = node->find(part);
    if (!next && &step != &steps.back() &&
        std::find(collections.begin(), collections.end(), walked) != collections.end())
      throw UsageError(origin, whole, missing_entry_message(*node, walked, part));
    if (!next) {
      Node fresh;
      fresh.where = origin;
      fresh.key_where = origin;
      node->entries.push_back({part, std::move(fresh)});
      next = &node->entries.back().value;
    }
    walked += (walked.empty() ? "" : ".") + part;
    node = next;
  }
  value.key_where = origin;
  *node = std::move(value);
}

const Node* find_path(const Node& root, const std::vector<PathStep>& steps) {
  const Node* node = &root;
  for (const PathStep& step : steps) {
    if (step.kind == PathStep::Kind::key) {
      node = node->is_map() ? node->find(step.text) : nullptr;
    } else if (!node->is_sequence()) {
      node = nullptr;
    } else if (step.kind == PathStep::Kind::index) {
      node = step.index < node->items.size() ? &node->items[step.index] : nullptr;
    } else {
      const auto named = std::find_if(node->items.begin(), node->items.end(), [&](const Node& item) {
        const Node* name = item.is_map() ? item.find("name") : nullptr;
        return name && name->is_scalar() && name->scalar == step.text;
      });
      node = named == node->items.end() ? nullptr : &*named;
    }
    if (!node) return nullptr;
  }
  return node;
}

void apply_overrides(Node& tree, const std::vector<std::string>& overrides,
                     std::span<const std::string> collections) {
  const SourceLocation origin{"--set", 0, 0};
  for (const auto& o : overrides) {
    const std::size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(origin, "", "expected PATH=VALUE (e.g. powers.CHN.budget.soft=2), got '" + o + "'");
    set_path(tree, std::string_view(o).substr(0, eq), std::string_view(o).substr(eq + 1), origin,
             collections);
  }
}

}  // namespace geosim::config
