// Scenario loading: file -> config tree (extends, --set) -> validated Scenario.
// The schema is documented key by key in docs/scenario-format.md; keep the two
// in step. Every error names the location of the offending value (or of the
// parent mapping when a required key is missing), its dotted key path and
// what was expected.
#include "geosim/scenario/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>

#include "geosim/config/node.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/scenario/readers.hpp"
#include "scenario/detail/registered.hpp"

namespace geosim {

std::int64_t Scenario::num_citizens() const {
  std::int64_t n = 0;
  for (const auto& t : targets) n += t.citizens;
  return n;
}

namespace {

namespace fs = std::filesystem;
using namespace config;  // the typed readers
using config::Node;

constexpr double kSumTolerance = 1e-9;

struct Names {
  std::vector<std::string> powers, targets, groups, institutions;
};

void check_sum(double sum, const Node& n, const std::string& path, const std::string& what) {
  if (std::fabs(sum - 1.0) > kSumTolerance)
    throw RangeError(n.where, path, what + " sum to " + fmt(sum) + ", expected 1");
}

// -------------------------------------------------------- the schema ----

class Validator {
 public:
  explicit Validator(Scenario& s) : s_(s) {}

  void run(const Node& root) {
    if (!root.is_map())
      throw TypeError(root.where, "",
                      "the top level must be a mapping of scenario keys, got " + describe(root));
    if (root.find("extends"))
      throw UsageError(root.find("extends")->where, "extends",
                       "'extends' can only be given in a scenario file, not with --set");
    check_keys(root, "",
               {"name", "description", "seed", "time", "channels", "opinion", "campaigns", "output",
                "powers", "targets", "groups", "institutions", "events"});
    s_.name = text(req(root, "name", "", "a string"), "name");
    s_.description = text_or(root, "description", "", "");
    s_.seed = 1;
    if (const Node* n = opt(root, "seed")) s_.seed = unsigned64(*n, "seed");
    time(req(root, "time", "", "a mapping with start, end and step"));
    channels(root);
    opinion_and_campaigns(root);
    output(root);
    names(root);
    for (std::size_t i = 0; i < power_nodes_.size(); ++i) power(i);
    for (std::size_t i = 0; i < target_nodes_.size(); ++i) target(i);
    for (std::size_t i = 0; i < group_nodes_.size(); ++i) group(i);
    if (const Node* n = opt(root, "institutions")) institutions(*n);
    if (const Node* n = opt(root, "events")) events(*n);
  }

 private:
  using Entry = std::pair<std::string, const Node*>;

  void time(const Node& t) {
    expect_map(t, "time", "a mapping with start, end and step");
    check_keys(t, "time", {"start", "end", "step"});
    s_.start = date(req(t, "start", "time", "a date YYYY-MM or YYYY-MM-DD"), "time.start");
    const Node& end_node = req(t, "end", "time", "a date YYYY-MM or YYYY-MM-DD");
    s_.end = date(end_node, "time.end");
    if (s_.end.month_index() < s_.start.month_index())
      throw DateError(end_node.where, "time.end",
                      "the last simulated month " + end_node.scalar + " is before time.start " +
                          s_.start.str());
    s_.step_months = 1;
    if (const Node* n = opt(t, "step")) {
      static const int kMonths[] = {1, 3, 12};
      s_.step_months = kMonths[choice(*n, "time.step", {"month", "quarter", "year"})];
    }
    s_.dt = s_.step_months / 12.0;
    s_.ticks = (s_.end.month_index() - s_.start.month_index()) / s_.step_months + 1;
    s_.scenario_ticks = s_.ticks;
  }

  void channels(const Node& root) {
    for (auto& ch : s_.channels) ch = ChannelSpec{0.02, 1.0};
    const Node* n = opt(root, "channels");
    if (!n) return;
    expect_map(*n, "channels", "a mapping of channels (economic, security, soft)");
    check_keys(*n, "channels", channel_names());
    for (int c = 0; c < kChannels; ++c) {
      const Node* ch = opt(*n, kChannelNames[c]);
      if (!ch) continue;
      const std::string p = join("channels", kChannelNames[c]);
      expect_map(*ch, p, "a mapping with decay and exponent");
      check_keys(*ch, p, {"decay", "exponent"});
      s_.channels[c].decay = number_or(*ch, "decay", p, 0.02, kUnitOpenHigh);
      s_.channels[c].exponent = number_or(*ch, "exponent", p, 1.0, Bounds{0.0, 10.0, true, false});
    }
  }

  void opinion_and_campaigns(const Node& root) {
    s_.negative_threshold = 0.2;
    if (const Node* n = opt(root, "opinion")) {
      expect_map(*n, "opinion");
      check_keys(*n, "opinion", {"negative_threshold"});
      s_.negative_threshold =
          number_or(*n, "negative_threshold", "opinion", 0.2, Bounds{0.0, 1.0, true, true});
    }
    s_.campaigns = CampaignSpec{0.2, 6, 0.0};
    if (const Node* n = opt(root, "campaigns")) {
      expect_map(*n, "campaigns");
      check_keys(*n, "campaigns", {"threshold", "duration", "penalty"});
      s_.campaigns.threshold = number_or(*n, "threshold", "campaigns", 0.2, kUnit);
      if (const Node* d = opt(*n, "duration")) {
        const std::int64_t v = integer(*d, "campaigns.duration", 1);
        if (v > 1'000'000) throw RangeError(d->where, "campaigns.duration", "expected an integer in [1, 1000000], got " + d->scalar);
        s_.campaigns.duration = static_cast<int>(v);
      }
      s_.campaigns.penalty = number_or(*n, "penalty", "campaigns", 0.0, kUnitOpenHigh);
    }
  }

  void output(const Node& root) {
    s_.output.agents = OutputSpec::Agents::none;
    const Node* n = opt(root, "output");
    if (!n) return;
    expect_map(*n, "output");
    check_keys(*n, "output", {"agents", "agents_every"});
    if (const Node* a = opt(*n, "agents"))
      s_.output.agents = choice(*a, "output.agents", {"none", "final"}) == 0
                             ? OutputSpec::Agents::none
                             : OutputSpec::Agents::final;
    if (const Node* e = opt(*n, "agents_every")) {
      const std::int64_t v = integer(*e, "output.agents_every", 1);
      if (v > 1'000'000)
        throw RangeError(e->where, "output.agents_every",
                         "expected an integer in [1, 1000000], got " + e->scalar);
      s_.output.agents_every = static_cast<int>(v);
    }
  }

  /// Collects the names of powers, targets, groups and institutions (file order)
  /// and checks that power, target and group names are valid and distinct.
  void names(const Node& root) {
    struct Seen {
      std::string kind;
      SourceLocation where;
    };
    std::map<std::string, Seen> seen;
    auto collect = [&](const char* key, const std::string& kind, std::vector<Entry>& nodes,
                       std::vector<std::string>& list, bool required, bool shared) {
      const Node* n = required ? &req(root, key, "", "a mapping of " + kind + "s") : opt(root, key);
      if (!n) return;
      expect_map(*n, key, "a mapping of " + kind + "s");
      if (required && n->entries.empty())
        throw RangeError(n->where, key, "expected at least one " + kind);
      for (const auto& [name, value] : n->entries) {
        const std::string p = join(key, name);
        check_name(name, value, p, kind);
        if (shared) {
          const auto [it, inserted] = seen.emplace(name, Seen{kind, value.key_where});
          if (!inserted)
            throw ReferenceError(value.key_where, p,
                                 "the name '" + name + "' is already used by a " + it->second.kind +
                                     " (" + it->second.where.str() +
                                     "); power, target and group names must be distinct");
        }
        if (!value.is_null()) expect_map(value, p, "a mapping of " + kind + " settings");
        nodes.emplace_back(name, &value);
        list.push_back(name);
      }
    };
    collect("powers", "power", power_nodes_, names_.powers, true, true);
    collect("targets", "target", target_nodes_, names_.targets, true, true);
    collect("groups", "group", group_nodes_, names_.groups, true, true);
    collect("institutions", "institution", institution_nodes_, names_.institutions, false, false);
  }

  int P() const { return static_cast<int>(names_.powers.size()); }
  int T() const { return static_cast<int>(names_.targets.size()); }
  int G() const { return static_cast<int>(names_.groups.size()); }

  static const Node& body(const Entry& e) {
    static const Node kEmpty = [] {
      Node n;
      n.kind = Node::Kind::map;
      return n;
    }();
    return e.second->is_null() ? kEmpty : *e.second;
  }

  void power(std::size_t i) {
    const auto& [code, node] = power_nodes_[i];
    const Node& n = body(power_nodes_[i]);
    const std::string path = join("powers", code);
    // The power's own keys, then those of every registered policy.
    check_keys(n, path,
               detail::power_keys({"name", "budget", "growth", "policy", "strategic_value", "valence"}));
    PowerSpec p;
    p.code = code;
    p.name = text_or(n, "name", path, code);
    p.budget = per_channel_or(n, "budget", path, 0.0, kNonNeg);
    p.growth = number_or(n, "growth", path, 0.0, kAboveMinusOne);
    const auto chosen = detail::read_policy_names(n, path);
    p.strategic_value.assign(T(), 1.0);
    if (const Node* sv = opt(n, "strategic_value"))
      for_each_named(*sv, join(path, "strategic_value"), "target", names_.targets,
                     [&](int t, const Node& v, const std::string& pp) {
                       p.strategic_value[t] = number(v, pp, kNonNeg);
                     });
    p.valence = per_channel_or(n, "valence", path, 0.0, kSigned);
    p.policy = detail::read_policy_settings(
        PolicyInput{n, path, static_cast<int>(i), names_.powers, names_.targets}, chosen);
    s_.powers.push_back(std::move(p));
  }

  void target(std::size_t i) {
    const auto& [code, node] = target_nodes_[i];
    const Node& n = body(target_nodes_[i]);
    const std::string path = join("targets", code);
    check_keys(n, path,
               {"name", "citizens", "groups", "channel_weights", "responsiveness",
                "opinion_sensitivity", "alignment", "autonomy", "stocks", "campaign_rate"});
    TargetSpec t;
    t.code = code;
    t.name = text_or(n, "name", path, code);
    t.citizens = 1000;
    if (const Node* c = opt(n, "citizens")) t.citizens = integer(*c, join(path, "citizens"), 0);

    t.group_share.assign(G(), 0.0);
    if (const Node* g = opt(n, "groups")) {
      const std::string gp = join(path, "groups");
      for_each_named(*g, gp, "group", names_.groups, [&](int k, const Node& v, const std::string& pp) {
        t.group_share[k] = number(v, pp, kUnit);
      });
      check_sum(std::accumulate(t.group_share.begin(), t.group_share.end(), 0.0), *g, gp,
                "group shares");
    } else if (G() == 1) {
      t.group_share[0] = 1.0;
    } else {
      throw TypeError(n.where.file.empty() ? node->key_where : n.where, join(path, "groups"),
                      "missing required key 'groups' (the shares of the groups " +
                          list_names(names_.groups) + "; required when there is more than one group)");
    }

    t.channel_weights = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    if (const Node* w = opt(n, "channel_weights")) {
      const std::string wp = join(path, "channel_weights");
      t.channel_weights = per_channel(*w, wp, 0.0, kNonNeg);
      check_sum(t.channel_weights[0] + t.channel_weights[1] + t.channel_weights[2], *w, wp,
                "channel weights");
    }
    t.responsiveness = number_or(n, "responsiveness", path, 0.1, kUnit);
    t.opinion_sensitivity = number_or(n, "opinion_sensitivity", path, 0.0, kNonNeg);

    t.initial_alignment.assign(P() + 1, 1.0 / (P() + 1));
    if (const Node* a = opt(n, "alignment")) {
      const std::string ap = join(path, "alignment");
      t.initial_alignment.assign(P() + 1, 0.0);
      for_each_named(
          *a, ap, "power", names_.powers,
          [&](int p, const Node& v, const std::string& pp) {
            t.initial_alignment[p < 0 ? P() : p] = number(v, pp, kUnit);
          },
          {"self"});
      check_sum(std::accumulate(t.initial_alignment.begin(), t.initial_alignment.end(), 0.0), *a,
                ap, "alignment shares");
    }
    t.autonomy = per_channel_or(n, "autonomy", path, 0.0, kNonNeg);
    t.initial_stock.assign(P(), PerChannel{});
    if (const Node* st = opt(n, "stocks"))
      for_each_named(*st, join(path, "stocks"), "power", names_.powers,
                     [&](int p, const Node& v, const std::string& pp) {
                       if (!v.is_null()) t.initial_stock[p] = per_channel(v, pp, 0.0, kNonNeg);
                     });
    t.campaign_rate = number_or(n, "campaign_rate", path, 0.0, kNonNeg);
    s_.targets.push_back(std::move(t));
  }

  void group(std::size_t i) {
    const auto& [name, node] = group_nodes_[i];
    const Node& n = body(group_nodes_[i]);
    const std::string path = join("groups", name);
    check_keys(n, path,
               {"susceptibility", "anchoring", "peer_weight", "noise", "exposure", "attitude"});
    GroupSpec g;
    g.name = name;
    g.susceptibility = number_or(n, "susceptibility", path, 0.1, kUnit);
    g.anchoring = number_or(n, "anchoring", path, 0.0, kUnit);
    g.peer_weight = number_or(n, "peer_weight", path, 0.0, kNonNeg);
    g.noise = number_or(n, "noise", path, 0.0, kNonNeg);
    g.exposure.assign(P(), PerChannel{});
    if (const Node* e = opt(n, "exposure"))
      for_each_named(*e, join(path, "exposure"), "power", names_.powers,
                     [&](int p, const Node& v, const std::string& pp) {
                       if (!v.is_null()) g.exposure[p] = per_channel(v, pp, 0.0, kNonNeg);
                     });
    g.attitude_mean.assign(P(), 0.0);
    g.attitude_sd.assign(P(), 0.0);
    if (const Node* a = opt(n, "attitude"))
      for_each_named(*a, join(path, "attitude"), "power", names_.powers,
                     [&](int p, const Node& v, const std::string& pp) {
                       if (v.is_null()) return;
                       expect_map(v, pp, "a mapping with mean and sd");
                       check_keys(v, pp, {"mean", "sd"});
                       g.attitude_mean[p] = number_or(v, "mean", pp, 0.0, kSigned);
                       g.attitude_sd[p] = number_or(v, "sd", pp, 0.0, kNonNeg);
                     });
    s_.groups.push_back(std::move(g));
  }

  void institutions(const Node&) {
    for (const auto& entry : institution_nodes_) {
      const std::string path = join("institutions", entry.first);
      const Node& n = body(entry);
      check_keys(n, path, {"leaders", "members", "bonus"});
      InstitutionSpec inst;
      inst.name = entry.first;
      const Node& leaders = req(n, "leaders", path, "a list of at least one power");
      inst.leaders = name_list(leaders, join(path, "leaders"), "power", names_.powers);
      if (inst.leaders.empty())
        throw RangeError(leaders.where, join(path, "leaders"), "expected at least one leader power");
      if (const Node* m = opt(n, "members"))
        inst.members = name_list(*m, join(path, "members"), "target", names_.targets);
      inst.bonus = per_channel_or(n, "bonus", path, 1.0, kPositive);
      s_.institutions.push_back(std::move(inst));
    }
  }

  void events(const Node& n) {
    expect_map(n, "events", "a mapping of event ids to events");
    const Date last_day = [&] {
      Date d = s_.end;
      d.day = 31;
      while (!Date::parse(d.str())) --d.day;
      return d;
    }();
    for (const auto& [id, value] : n.entries) {
      const std::string path = join("events", id);
      expect_map(value, path, "an event (a mapping with date, note and actions)");
      check_keys(value, path, {"date", "note", "enabled", "actions"});
      EventSpec e;
      e.id = id;
      const Node& dn = req(value, "date", path, "a date YYYY-MM or YYYY-MM-DD");
      e.date = date(dn, join(path, "date"));
      bool enabled = true;
      if (const Node* en = opt(value, "enabled")) enabled = boolean(*en, join(path, "enabled"));
      // A disabled event is still checked, but its date may lie outside the
      // period: a shorter scenario that extends a longer one disables those.
      if (enabled && (e.date < s_.start || last_day < e.date))
        throw DateError(dn.where, join(path, "date"),
                        "event date " + e.date.str() + " is outside the simulated period " +
                            s_.start.str() + " .. " + last_day.str());
      e.tick = (e.date.month_index() - s_.start.month_index()) / s_.step_months;
      e.note = text(req(value, "note", path, "a string"), join(path, "note"));
      const Node& actions = req(value, "actions", path, "a non-empty list of actions");
      const std::string ap = join(path, "actions");
      expect_list(actions, ap, "a non-empty list of actions");
      if (actions.items.empty()) throw RangeError(actions.where, ap, "expected at least one action");
      for (std::size_t k = 0; k < actions.items.size(); ++k)
        e.actions.push_back(detail::read_action(actions.items[k], indexed(ap, k), names_.powers,
                                                names_.targets, names_.institutions));
      if (enabled) s_.events.push_back(std::move(e));
    }
    std::stable_sort(s_.events.begin(), s_.events.end(),
                     [](const EventSpec& a, const EventSpec& b) { return a.tick < b.tick; });
  }

  Scenario& s_;
  Names names_;
  std::vector<Entry> power_nodes_, target_nodes_, group_nodes_, institution_nodes_;
};

// ------------------------------------------------------ extends, --set ----

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
    throw TypeError(place(ext), "extends",
                    "expected the path of a base scenario file, got " + describe(ext));
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
    throw ReferenceError(ext.where, "extends",
                         "extends cycle: " + cycle + there.filename().string());
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

config::Node read_scenario_tree(const std::filesystem::path& path, std::string* source_text) {
  std::string text = config::read_file(path);
  std::vector<fs::path> chain;
  Node tree = resolve(path, text, chain);
  if (source_text) *source_text = std::move(text);
  return tree;
}

Scenario scenario_from_tree(config::Node tree, const std::filesystem::path& source,
                            std::string source_text, const LoadOptions& options) {
  if (options.ticks != -1 && options.ticks < 1)
    throw UsageError({"--ticks", 0, 0}, "",
                     "expected an integer >= 1, got " + std::to_string(options.ticks));
  Scenario s;
  s.source_path = source;
  s.source_text = std::move(source_text);

  const SourceLocation origin{"--set", 0, 0};
  for (const auto& o : options.overrides) {
    const std::size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(origin, "", "expected PATH=VALUE (e.g. powers.CHN.budget.soft=2), got '" + o + "'");
    config::set_path(tree, std::string_view(o).substr(0, eq), std::string_view(o).substr(eq + 1),
                     origin);
  }
  // Emitting YAML is a few percent of a small run: sweeps skip it per run.
  if (options.keep_resolved_yaml) s.resolved_yaml = config::to_yaml(tree);
  Validator(s).run(tree);

  // Events at ticks >= s.ticks stay in the list: the run never reaches them and
  // the results record them as skipped (event_applied = 0).
  if (options.ticks >= 1) s.ticks = options.ticks;
  if (options.has_seed) s.seed = options.seed;
  return s;
}

Scenario load_scenario(const std::filesystem::path& path, const LoadOptions& options) {
  if (options.ticks != -1 && options.ticks < 1)
    throw UsageError({"--ticks", 0, 0}, "",
                     "expected an integer >= 1, got " + std::to_string(options.ticks));
  std::string text;
  Node tree = read_scenario_tree(path, &text);
  return scenario_from_tree(std::move(tree), path, std::move(text), options);
}

}  // namespace geosim
