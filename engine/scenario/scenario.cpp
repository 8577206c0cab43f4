// The scenario validator: config tree -> validated Scenario, each key read
// through the scenario schema (engine/scenario/schema.cpp), policies and
// actions through their registries (registered.cpp). Every error names the
// location of the offending value (or of the parent mapping when a required
// key is missing), its dotted key path and what was expected.
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
#include "geosim/model/policy.hpp"
#include "geosim/scenario/readers.hpp"
#include "geosim/scenario/schema.hpp"
#include "scenario/detail/groups.hpp"
#include "scenario/detail/registered.hpp"
#include "scenario/detail/validator.hpp"

namespace geosim {

std::vector<std::string> Scenario::channel_names() const {
  std::vector<std::string> out;
  for (const auto& c : channels) out.push_back(c.name);
  return out;
}

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
  std::vector<std::string> powers, targets, groups, institutions, channels, surveys;
};

/// The declaration of a key (a path of scenario_core_schema()).
const KeySpec& key(std::string_view schema_path) { return scenario_core_schema().at(schema_path); }

/// The number at the schema key's place in `map`, with its default and range.
double num(const Node& map, std::string_view schema_path, const std::string& path) {
  return read_number(map, key(schema_path), path);
}

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
               {"name", "description", "seed", "time", "channels", "opinion", "campaigns", "output", "powers",
                "targets", "groups", "institutions", "events", "surveys"});
    s_.name = text(req(root, "name", "", "a string"), "name");
    s_.description = text_or(root, "description", "", "");
    s_.seed = static_cast<std::uint64_t>(key("seed").default_number());
    if (const Node* n = opt(root, "seed")) s_.seed = unsigned64(*n, "seed");
    time(req(root, "time", "", "a mapping with start, end, step and rates_per"));
    channels(root);
    opinion_and_campaigns(root);
    output(root);
    names(root);
    for (std::size_t i = 0; i < power_nodes_.size(); ++i) power(i);
    for (std::size_t i = 0; i < power_nodes_.size(); ++i) check_policies(i);
    for (std::size_t i = 0; i < target_nodes_.size(); ++i) target(i);
    for (std::size_t i = 0; i < group_nodes_.size(); ++i) group(i);
    for (std::size_t i = 0; i < target_nodes_.size(); ++i) group_parameters(i);
    if (const Node* n = opt(root, "institutions")) institutions(*n);
    if (const Node* n = opt(root, "events")) events(*n);
    for (const auto& entry : survey_nodes_)
      s_.surveys.push_back(detail::read_survey(entry.first, body(entry), join("surveys", entry.first)));
  }

 private:
  using Entry = std::pair<std::string, const Node*>;

  static const Node& empty_map() {
    static const Node kEmpty = [] {
      Node n;
      n.kind = Node::Kind::map;
      return n;
    }();
    return kEmpty;
  }

  /// An optional top-level mapping whose keys the schema declares under `name`
  /// (an empty mapping if absent, so every key takes its default).
  static const Node& section(const Node& root, const char* name) {
    const Node* n = opt(root, name);
    if (!n) return empty_map();
    expect_map(*n, name);
    check_keys(*n, name, scenario_core_schema(), name);
    return *n;
  }

  void time(const Node& t) {
    expect_map(t, "time", "a mapping with start, end, step and rates_per");
    check_keys(t, "time", scenario_core_schema(), "time");
    s_.start = date(req(t, "start", "time", "a date YYYY-MM or YYYY-MM-DD"), "time.start");
    const Node& end_node = req(t, "end", "time", "a date YYYY-MM or YYYY-MM-DD");
    s_.end = date(end_node, "time.end");
    if (s_.end.month_index() < s_.start.month_index())
      throw DateError(
          end_node.where, "time.end",
          "the last simulated month " + end_node.scalar + " is before time.start " + s_.start.str());
    static const int kMonths[] = {1, 3, 12};  // of month, quarter, year
    s_.step_months = kMonths[read_choice(t, key("time.step"), "time")];
    req(t, "rates_per", "time",
        "the period the scenario's budgets, rates and durations are given per: month, quarter or year; add "
        "`rates_per: month` under time: if they are per month (they were per tick, and ticks were months)");
    s_.rates_per_months = kMonths[read_choice(t, key("time.rates_per"), "time")];
    s_.dt = s_.step_months / 12.0;
    s_.ticks = (s_.end.month_index() - s_.start.month_index()) / s_.step_months + 1;
    s_.scenario_ticks = s_.ticks;
    s_.spin_up_ticks = static_cast<int>(std::lround(num(t, "time.spin_up", "time") * 12.0 / s_.step_months));
  }

  /// The channels the scenario declares, in file order; without `channels:`,
  /// the schema's default set.
  void channels(const Node& root) {
    static const Node kDefault = config::parse_text(key("channels").default_text, "the default channels");
    const Node* n = opt(root, "channels");
    if (!n) n = &kDefault;
    expect_map(*n, "channels", "a mapping of channel names to their settings");
    if (n->entries.empty()) throw RangeError(n->where, "channels", "expected at least one channel");
    for (const auto& [name, value] : n->entries) {
      const std::string p = join("channels", name);
      check_name(name, value, p, "channel");
      ChannelSpec c;
      c.name = name;
      if (!value.is_null()) {
        expect_map(value, p, "a mapping with decay and exponent");
        check_keys(value, p, scenario_core_schema(), "channels.<channel>");
      }
      const Node& body = value.is_null() ? empty_map() : value;
      c.decay = num(body, "channels.<channel>.decay", p);
      c.exponent = num(body, "channels.<channel>.exponent", p);
      s_.channels.push_back(std::move(c));
    }
    names_.channels = s_.channel_names();
  }

  /// A per-channel mapping whose values the schema declares at `schema_path` (`....<channel>`).
  PerChannel per_channel(const Node& n, const std::string& path, std::string_view schema_path) const {
    const KeySpec& k = key(schema_path);
    return geosim::per_channel(n, path, names_.channels, k.default_number(), k.range);
  }

  /// The per-channel mapping at `map.name`; every channel at its default if absent.
  PerChannel per_channel_or(const Node& map, std::string_view name, const std::string& path,
                            std::string_view schema_path) const {
    const Node* n = opt(map, name);
    if (!n) return PerChannel(names_.channels.size(), key(schema_path).default_number());
    return per_channel(*n, join(path, name), schema_path);
  }

  void opinion_and_campaigns(const Node& root) {
    const Node& opinion = section(root, "opinion");
    s_.negative_threshold = num(opinion, "opinion.negative_threshold", "opinion");
    const Node& campaigns = section(root, "campaigns");
    s_.campaigns.threshold = num(campaigns, "campaigns.threshold", "campaigns");
    s_.campaigns.duration = static_cast<int>(read_integer(campaigns, key("campaigns.duration"), "campaigns"));
    s_.campaigns.penalty = num(campaigns, "campaigns.penalty", "campaigns");
    campaign_channels(campaigns);
  }

  /// The channels campaigns penalise: named in `campaigns.channels`, or the
  /// schema's default, which must then be declared if the penalty acts at all.
  void campaign_channels(const Node& campaigns) {
    const KeySpec& k = key("campaigns.channels");
    if (const Node* n = opt(campaigns, "channels")) {
      s_.campaigns.channels = name_list(*n, "campaigns.channels", "channel", names_.channels);
      return;
    }
    static const Node fallback = config::parse_text(k.default_text, "the default of campaigns.channels");
    for (const Node& item : fallback.items) {
      const auto it = std::find(names_.channels.begin(), names_.channels.end(), item.scalar);
      if (it != names_.channels.end()) {
        s_.campaigns.channels.push_back(static_cast<int>(it - names_.channels.begin()));
      } else if (s_.campaigns.penalty > 0.0) {
        const Node* penalty = opt(campaigns, "penalty");  // given, since it is above its default of 0
        throw ReferenceError(penalty ? penalty->where : campaigns.where, "campaigns.channels",
                             "campaigns.penalty is " + fmt(s_.campaigns.penalty) +
                                 " but the default penalised channel '" + item.scalar +
                                 "' is not declared (channels: " + list_names(names_.channels) +
                                 "); name the channels campaigns penalise in campaigns.channels");
      }
    }
  }

  void output(const Node& root) {
    const Node& n = section(root, "output");
    s_.output.agents = read_choice(n, key("output.agents"), "output") == 0 ? OutputSpec::Agents::none
                                                                           : OutputSpec::Agents::final;
    s_.output.agents_every = 0;  // no snapshots unless asked
    if (opt(n, "agents_every"))
      s_.output.agents_every = static_cast<int>(read_integer(n, key("output.agents_every"), "output"));
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
                       std::vector<std::string>& list, bool shared) {
      const std::vector<std::string>& needed = scenario_required_collections();
      const bool required = std::find(needed.begin(), needed.end(), key) != needed.end();
      const Node* n = required ? &req(root, key, "", "a mapping of " + kind + "s") : opt(root, key);
      if (!n) return;
      expect_map(*n, key, "a mapping of " + kind + "s");
      if (required && n->entries.empty()) throw RangeError(n->where, key, "expected at least one " + kind);
      for (const auto& [name, value] : n->entries) {
        const std::string p = join(key, name);
        check_name(name, value, p, kind);
        if (shared) {
          const auto [it, inserted] = seen.emplace(name, Seen{kind, value.key_where});
          if (!inserted)
            throw ReferenceError(value.key_where, p,
                                 "the name '" + name + "' is already used by a " + it->second.kind + " (" +
                                     it->second.where.str() +
                                     "); power, target and group names must be distinct");
        }
        if (!value.is_null()) expect_map(value, p, "a mapping of " + kind + " settings");
        nodes.emplace_back(name, &value);
        list.push_back(name);
      }
    };
    collect("powers", "power", power_nodes_, names_.powers, true);
    collect("targets", "target", target_nodes_, names_.targets, true);
    collect("groups", "group", group_nodes_, names_.groups, true);
    collect("institutions", "institution", institution_nodes_, names_.institutions, false);
    collect("surveys", "survey", survey_nodes_, names_.surveys, false);
  }

  int P() const { return static_cast<int>(names_.powers.size()); }
  int T() const { return static_cast<int>(names_.targets.size()); }
  int G() const { return static_cast<int>(names_.groups.size()); }
  int C() const { return static_cast<int>(names_.channels.size()); }

  static const Node& body(const Entry& e) { return e.second->is_null() ? empty_map() : *e.second; }

  void power(std::size_t i) {
    const auto& [code, node] = power_nodes_[i];
    const Node& n = body(power_nodes_[i]);
    const std::string path = join("powers", code);
    // The power's own keys, then those of every registered policy.
    check_keys(n, path,
               detail::power_keys({"name", "budget", "growth", "labour_demand", "labour_growth", "policy",
                                   "strategic_value", "valence"}));
    PowerSpec p;
    p.code = code;
    p.name = text_or(n, "name", path, code);
    p.budget = per_channel_or(n, "budget", path, "powers.<power>.budget.<channel>");
    p.growth = num(n, "powers.<power>.growth", path);
    p.labour_demand = num(n, "powers.<power>.labour_demand", path);
    p.labour_growth = num(n, "powers.<power>.labour_growth", path);
    const auto chosen = detail::read_policy_names(n, path, names_.channels);
    const KeySpec& sv_key = key("powers.<power>.strategic_value.<target>");
    p.strategic_value.assign(T(), sv_key.default_number());
    if (const Node* sv = opt(n, "strategic_value"))
      for_each_named(*sv, join(path, "strategic_value"), "target", names_.targets,
                     [&](int t, const Node& v, const std::string& pp) {
                       p.strategic_value[t] = number(v, pp, sv_key.range);
                     });
    p.valence = per_channel_or(n, "valence", path, "powers.<power>.valence.<channel>");
    p.policy = detail::read_policy_settings(
        PolicyInput{n, path, static_cast<int>(i), names_.powers, names_.targets, names_.channels}, chosen);
    s_.powers.push_back(std::move(p));
  }

  /// Each policy's checks against the whole scenario (richardson: a pair of
  /// rivals without an equilibrium is refused).
  void check_policies(std::size_t i) {
    const std::string path = join("powers", power_nodes_[i].first);
    const SourceLocation& where = body(power_nodes_[i]).where;
    for (int c = 0; c < C(); ++c) {
      const AllocationPolicy* policy = s_.powers[i].policy[c].policy;
      if (policy) policy->check(s_, static_cast<int>(i), c, where, path);
    }
  }

  void target(std::size_t i) {
    const auto& [code, node] = target_nodes_[i];
    const Node& n = body(target_nodes_[i]);
    const std::string path = join("targets", code);
    check_keys(n, path, scenario_core_schema(), "targets.<target>");
    TargetSpec t;
    t.code = code;
    t.name = text_or(n, "name", path, code);
    t.citizens = read_integer(n, key("targets.<target>.citizens"), path);
    if (__builtin_add_overflow(citizens_, t.citizens, &citizens_))  // every later count is 64-bit
      throw RangeError(
          n.find("citizens") ? n.find("citizens")->where : n.where, join(path, "citizens"),
          "the citizens of all targets add up to more than 9223372036854775807 (a 64-bit count)");

    t.group_share.assign(G(), 0.0);
    if (const Node* g = opt(n, "groups")) {
      const std::string gp = join(path, "groups");
      for_each_named(*g, gp, "group", names_.groups, [&](int k, const Node& v, const std::string& pp) {
        t.group_share[k] = number(v, pp, key("targets.<target>.groups.<group>").range);
      });
      check_sum(std::accumulate(t.group_share.begin(), t.group_share.end(), 0.0), *g, gp, "group shares");
    } else if (G() == 1) {
      t.group_share[0] = 1.0;
    } else {
      throw TypeError(n.where.file.empty() ? node->key_where : n.where, join(path, "groups"),
                      "missing required key 'groups' (the shares of the groups " + list_names(names_.groups) +
                          "; required when there is more than one group)");
    }

    t.channel_weights.assign(C(), 1.0 / C());  // even, unless given
    if (const Node* w = opt(n, "channel_weights")) {
      const std::string wp = join(path, "channel_weights");
      t.channel_weights = geosim::per_channel(*w, wp, names_.channels, 0.0,
                                              key("targets.<target>.channel_weights.<channel>").range);
      check_sum(std::accumulate(t.channel_weights.begin(), t.channel_weights.end(), 0.0), *w, wp,
                "channel weights");
    }
    t.responsiveness = num(n, "targets.<target>.responsiveness", path);
    t.opinion_sensitivity = num(n, "targets.<target>.opinion_sensitivity", path);
    t.alignment_access = num(n, "targets.<target>.alignment_access", path);
    t.independence = num(n, "targets.<target>.independence", path);
    t.balancing = num(n, "targets.<target>.balancing", path);

    t.initial_alignment.assign(P() + 1, 1.0 / (P() + 1));
    if (const Node* a = opt(n, "alignment")) {
      const std::string ap = join(path, "alignment");
      t.initial_alignment.assign(P() + 1, 0.0);
      for_each_named(*a, ap, "power", names_.powers,
                     [&](int p, const Node& v, const std::string& pp) {
                       t.initial_alignment[p < 0 ? P() : p] =
                           number(v, pp, key("targets.<target>.alignment.<power>").range);
                     },
                     {"self"});
      const double sum = std::accumulate(t.initial_alignment.begin(), t.initial_alignment.end(), 0.0);
      if (!opt(*a, "self") && sum < 1.0 - kSumTolerance)
        throw RangeError(a->where, ap,
                         "alignment shares sum to " + fmt(sum) + ", expected 1; 'self' (the target's own, " +
                             "non-aligned share) is not given: add self: " + fmt(1.0 - sum) +
                             " if that is the rest");
      check_sum(sum, *a, ap, "alignment shares");
    }
    t.autonomy = per_channel_or(n, "autonomy", path, "targets.<target>.autonomy.<channel>");
    constexpr std::string_view kStocks = "targets.<target>.stocks.<power>.<channel>";
    const PerChannel every_stock(C(), key(kStocks).default_number());
    t.initial_stock.assign(P(), every_stock);
    if (const Node* st = opt(n, "stocks"))
      for_each_named(*st, join(path, "stocks"), "power", names_.powers,
                     [&](int p, const Node& v, const std::string& pp) {
                       if (!v.is_null()) t.initial_stock[p] = per_channel(v, pp, kStocks);
                     });
    t.campaign_rate = num(n, "targets.<target>.campaign_rate", path);
    if (const Node* m = opt(n, "migration"))
      t.migration = detail::read_migration(*m, join(path, "migration"), names_.powers, names_.channels);
    s_.targets.push_back(std::move(t));
  }

  void group(std::size_t i) {
    const std::string& name = group_nodes_[i].first;
    s_.groups.push_back(
        detail::read_group(body(group_nodes_[i]), join("groups", name), name, group_names(), s_.powers));
  }

  /// A target's group_parameters, read once the groups are (each override is
  /// checked with the group's values it does not replace).
  void group_parameters(std::size_t i) {
    const Node* n = opt(body(target_nodes_[i]), "group_parameters");
    if (!n) return;
    const std::string path = join(join("targets", target_nodes_[i].first), "group_parameters");
    s_.targets[i].group_parameters =
        detail::read_group_parameters(*n, path, group_names(), s_.groups, s_.powers);
  }

  detail::GroupNames group_names() const { return {names_.powers, names_.groups, names_.channels}; }

  void institutions(const Node&) {
    for (const auto& entry : institution_nodes_) {
      const std::string path = join("institutions", entry.first);
      const Node& n = body(entry);
      check_keys(n, path, scenario_core_schema(), "institutions.<institution>");
      InstitutionSpec inst;
      inst.name = entry.first;
      const Node& leaders = req(n, "leaders", path, "a list of at least one power");
      inst.leaders = name_list(leaders, join(path, "leaders"), "power", names_.powers);
      if (inst.leaders.empty())
        throw RangeError(leaders.where, join(path, "leaders"), "expected at least one leader power");
      if (const Node* m = opt(n, "members"))
        inst.members = name_list(*m, join(path, "members"), "target", names_.targets);
      inst.bonus = per_channel_or(n, "bonus", path, "institutions.<institution>.bonus.<channel>");
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
                        "event date " + e.date.str() + " is outside the simulated period " + s_.start.str() +
                            " .. " + last_day.str());
      e.tick = (e.date.month_index() - s_.start.month_index()) / s_.step_months;
      e.note = text(req(value, "note", path, "a string"), join(path, "note"));
      const Node& actions = req(value, "actions", path, "a non-empty list of actions");
      e.actions = detail::read_actions(actions, join(path, "actions"), names_.powers, names_.targets,
                                       names_.groups, names_.institutions, names_.channels);
      if (enabled) s_.events.push_back(std::move(e));
    }
    std::stable_sort(s_.events.begin(), s_.events.end(),
                     [](const EventSpec& a, const EventSpec& b) { return a.tick < b.tick; });
  }

  Scenario& s_;
  std::int64_t citizens_ = 0;  // of the targets read so far
  Names names_;
  std::vector<Entry> power_nodes_, target_nodes_, group_nodes_, institution_nodes_, survey_nodes_;
};

// ------------------------------------------------------ extends, --set ----

}  // namespace

void validate_scenario(const config::Node& tree, Scenario& s) { Validator(s).run(tree); }

}  // namespace geosim
