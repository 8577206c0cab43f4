// The defaults a scenario takes: the schema's keys expanded over the tree's
// names, minus what the tree gives (scenario/defaults.hpp).
#include "geosim/scenario/defaults.hpp"

#include <algorithm>
#include <string_view>

#include "geosim/config/layers.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/scenario/schema.hpp"

namespace geosim {
namespace {

using config::KeySpec;
using config::Node;

const Node* child(const Node* n, std::string_view key) { return n && n->is_map() ? n->find(key) : nullptr; }

std::vector<std::string> keys_of(const Node* n) {
  std::vector<std::string> out;
  if (n && n->is_map())
    for (const auto& e : n->entries) out.push_back(e.key);
  return out;
}

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

class Expander {
 public:
  explicit Expander(const Node& tree) : tree_(tree) {
    powers_ = keys_of(child(&tree, "powers"));
    targets_ = keys_of(child(&tree, "targets"));
    groups_ = keys_of(child(&tree, "groups"));
    institutions_ = keys_of(child(&tree, "institutions"));
    events_ = keys_of(child(&tree, "events"));
    surveys_ = keys_of(child(&tree, "surveys"));
    const Node* channels = child(&tree, "channels");
    if (!channels)
      channels_ = keys_of(&default_channels_.emplace(
          config::parse_text(scenario_core_schema().at("channels").default_text, "")));
    else channels_ = keys_of(channels);
  }

  /// Appends the defaults of `key` (a scenario schema path) to `out`.
  void expand(const KeySpec& key, std::vector<AppliedDefault>& out) {
    if (key.required || key.path.find("[]") != std::string::npos) return;
    if (key.default_text.empty() && key.default_rule.rfind("no ", 0) == 0) return;  // absence means none
    key_ = &key;
    out_ = &out;
    parts_ = split(key.path);
    optional_at_ = optional_mapping();
    walk(0, &tree_, "", "");
  }

  /// Policy keys (paths relative to a power) for the powers whose policies read them.
  void expand_policy(const AllocationPolicy& policy, std::vector<AppliedDefault>& out) {
    for (const std::string& power : powers_) {
      if (!uses(power, policy.name())) continue;
      for (const KeySpec& k : policy.keys().keys()) {
        KeySpec whole = k;
        whole.path = "powers." + power + "." + k.path;
        expand(whole, out);
      }
    }
  }

 private:
  bool uses(const std::string& power, std::string_view policy) const {
    const Node* p = child(child(child(&tree_, "powers"), power), "policy");
    const std::string fallback = scenario_core_schema().at("powers.<power>.policy.<channel>").default_text;
    if (p && p->is_scalar()) return p->scalar == policy;
    return std::any_of(channels_.begin(), channels_.end(), [&](const std::string& c) {
      const Node* v = child(p, c);
      return (v && v->is_scalar() ? v->scalar : fallback) == policy;
    });
  }

  const std::vector<std::string>* names(std::string_view placeholder) const {
    if (placeholder == "<power>") return &powers_;
    if (placeholder == "<target>") return &targets_;
    if (placeholder == "<group>") return &groups_;
    if (placeholder == "<channel>") return &channels_;
    if (placeholder == "<institution>") return &institutions_;
    if (placeholder == "<event>") return &events_;
    if (placeholder == "<survey>") return &surveys_;
    return nullptr;
  }

  void walk(std::size_t i, const Node* node, const std::string& path, const std::string& entry) {
    if (node && !node->is_null() && !node->is_map()) return;  // given (a scalar or a list)
    if (i == parts_.size()) {
      if (!node || node->is_null()) leaf(path, entry);
      return;
    }
    const std::string_view part = parts_[i];
    const std::string prefix = path.empty() ? "" : path + ".";
    if (part.front() != '<') {
      const Node* next = child(node, part);
      if ((!next || next->is_null()) && i == optional_at_) return;  // not given: its keys take no defaults
      walk(i + 1, next, prefix + std::string(part), entry);
      return;
    }
    // Shares of a target that lists none: the rule fills them only with one group.
    if (key_->path == "targets.<target>.groups.<group>" && part == "<group>" && (node || groups_.size() != 1))
      return;
    const std::vector<std::string>* all = names(part);
    if (!all) return;
    std::vector<std::string> names = *all;
    if (key_->path == "targets.<target>.alignment.<power>" && part == "<power>") names.emplace_back("self");
    for (const std::string& name : names)
      walk(i + 1, child(node, name), prefix + name, i == 1 ? name : entry);
  }

  void leaf(const std::string& path, const std::string& entry) {
    AppliedDefault d{path, key_->default_text, "", key_->per_time};
    const std::string& rule = key_->default_rule;
    const bool map_given = parent_given(path);
    if (key_->path == "targets.<target>.groups.<group>") {
      d.value = "1";
    } else if (key_->path == "targets.<target>.channel_weights.<channel>") {
      d.value = map_given ? "0" : config::round_trip(1.0 / static_cast<double>(channels_.size()));
    } else if (key_->path == "targets.<target>.alignment.<power>") {
      d.value = map_given ? "0" : config::round_trip(1.0 / static_cast<double>(powers_.size() + 1));
    } else if (key_->path == "campaigns.channels") {
      d.value = declared_channels(key_->default_text);
    } else if (rule == "the code") {
      d.value = entry;
    } else if (d.value.empty()) {
      d.rule = rule;
    }
    if (!rule.empty() && d.rule.empty()) d.rule = rule;
    out_->push_back(std::move(d));
  }

  /// The channels of a default list of channels that the scenario declares:
  /// what the loader uses (a scenario without `economic` penalises none).
  std::string declared_channels(const std::string& default_list) const {
    const Node list = config::parse_text(default_list, "default");
    std::string out = "[";
    for (const Node& item : list.items) {
      if (std::find(channels_.begin(), channels_.end(), item.scalar) == channels_.end()) continue;
      out += (out.size() > 1 ? ", " : "") + item.scalar;
    }
    return out + "]";
  }

  /// The part of parts_ that ends a mapping whose absence means none (a
  /// target's `migration`), whose keys have defaults only where it is given;
  /// npos if no prefix of the key is one.
  std::size_t optional_mapping() const {
    std::string pattern;
    for (std::size_t i = 0; i + 1 < parts_.size(); ++i) {
      pattern += (i ? "." : "") + std::string(parts_[i]);
      const KeySpec* k = scenario_core_schema().find(pattern);
      if (k && k->type == config::ValueType::mapping && k->default_rule.rfind("no ", 0) == 0) return i;
    }
    return std::string::npos;
  }

  /// Whether the mapping holding `path`'s last key is in the tree.
  bool parent_given(const std::string& path) const {
    const Node* n = &tree_;
    const auto parts = split(path);
    for (std::size_t i = 0; i + 1 < parts.size() && n; ++i) n = child(n, parts[i]);
    return n != nullptr && n->is_map();
  }

  const Node& tree_;
  std::optional<Node> default_channels_;
  std::vector<std::string> powers_, targets_, groups_, channels_, institutions_, events_, surveys_;
  const KeySpec* key_ = nullptr;
  std::vector<AppliedDefault>* out_ = nullptr;
  std::vector<std::string_view> parts_;
  std::size_t optional_at_ = std::string::npos;
};

}  // namespace

std::vector<AppliedDefault> applied_defaults(const Node& tree) {
  std::vector<AppliedDefault> out;
  Expander expander(tree);
  for (const KeySpec& k : scenario_core_schema().keys()) {
    expander.expand(k, out);
    // Policy keys where the schema lists them (scenario_schema()).
    if (k.path == "powers.<power>.valence.<channel>")
      for (const auto& policy : policies()) expander.expand_policy(*policy, out);
  }
  return out;
}

Node with_defaults(Node tree, const std::vector<AppliedDefault>& defaults) {
  const SourceLocation origin{"default", 0, 0};
  for (const AppliedDefault& d : defaults)
    if (!d.value.empty()) config::set_path(tree, d.path, d.value, origin);
  return tree;
}

std::string defaults_text(const std::vector<AppliedDefault>& defaults) {
  std::string out;
  for (const AppliedDefault& d : defaults) {
    out += d.path + ": ";
    out += d.value.empty() ? "(" + d.rule + ")" : d.value;
    if (!d.value.empty() && !d.rule.empty()) out += "  (" + d.rule + ")";
    out += '\n';
  }
  return out;
}

}  // namespace geosim
