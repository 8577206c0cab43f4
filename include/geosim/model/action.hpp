#pragma once
// Event actions (docs/scenario-format.md, events), registered by name. An
// action is one file (engine/model/actions/<name>.cpp) that owns its name,
// its argument keys (config::KeySpecs), how it parses them (into an Action
// holding resolved indices and values) and how it changes the world state;
// plus one line in register_builtin_actions() (engine/model/action.cpp). A
// test or a plugin registers its own with actions().add(...).
//
// The loader checks the argument keys against the declared ones, then calls
// the parser; the events stage calls Action::apply at the event's tick, then
// Action::apply_to_citizens (which only actions that change citizens override).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/schema.hpp"
#include "geosim/model/registries.hpp"
#include "geosim/model/world.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// One parsed action of an event: its arguments, resolved, and how it applies.
class Action {
 public:
  virtual ~Action() = default;
  /// Changes the state at the start of the event's tick. Must not allocate.
  virtual void apply(const Scenario& scenario, WorldState& state) const = 0;
  /// Changes the citizens at the start of the event's tick, after apply();
  /// returns whether it changed any, so that the events stage recomputes the
  /// means and shares this tick's update reads (xbar, model.md section 7).
  /// Most actions change none. Must not allocate.
  virtual bool apply_to_citizens(const Scenario&, Population&) const { return false; }
};

/// What an action's parser reads: the mapping of its arguments, whose keys the
/// loader has already checked against the declared ones. The readers take the
/// expected values, defaults and ranges from the argument's KeySpec and throw
/// the usual InputErrors naming file:line:col and `path.key`.
struct ActionInput {
  const config::Node& args;                // the mapping of arguments
  const std::string& path;                 // e.g. "events.e.actions[0].scale_budget"
  const std::vector<std::string>& powers;  // names, in file order
  const std::vector<std::string>& targets;
  const std::vector<std::string>& groups;
  const std::vector<std::string>& institutions;
  const std::vector<std::string>& channels;  // the scenario's channels, in its order

  /// A power index; a word of key.choices (e.g. `self`) gives kSelf.
  int power(const config::KeySpec& key) const;
  /// A target index; a word of key.choices (e.g. `all`) gives -1.
  int target(const config::KeySpec& key) const;
  /// A group index; a word of key.choices (e.g. `all`) gives -1.
  int group(const config::KeySpec& key) const;
  /// An institution index.
  int institution(const config::KeySpec& key) const;
  /// A channel index; a word of key.choices (e.g. `all`) gives -1.
  int channel(const config::KeySpec& key) const;
  /// A number within key.range (its default if absent and not required).
  double number(const config::KeySpec& key) const;
  /// true or false (its default if absent and not required).
  bool boolean(const config::KeySpec& key) const;
};

class ActionType {
 public:
  virtual ~ActionType() = default;
  /// The name a scenario uses (`- scale_budget: {...}`).
  virtual std::string_view name() const = 0;
  /// Its arguments, paths relative to the action's mapping (`factor`).
  virtual const config::Schema& keys() const = 0;
  /// Reads its arguments (keys already checked) into an Action.
  virtual std::shared_ptr<const Action> parse(const ActionInput& input) const = 0;
};

/// An ActionType made of a name, its keys and a parser (most actions need no class of their own).
std::unique_ptr<const ActionType> make_action_type(
    std::string name, config::Schema keys,
    std::function<std::shared_ptr<const Action>(const ActionInput&)> parse);

using ActionRegistry = Registry<ActionType>;

/// The registry every scenario resolves action names in (the built-in ones on first use).
ActionRegistry& actions();
/// Adds the engine's actions, in the order messages list them.
void register_builtin_actions(ActionRegistry& registry);
/// Every registered action's arguments as paths of the scenario file
/// (`events.<event>.actions[].scale_budget.factor`).
config::Schema action_keys();

/// The action `name` with `args` (a mapping) for `scenario` (whose powers,
/// targets, groups, institutions and channels must be complete), checked as the loader checks
/// it; `path` names it in messages. For scenarios built in code;
/// std::logic_error if no action has that name.
EventAction make_event_action(const Scenario& scenario, std::string_view name, const config::Node& args,
                              const std::string& path = "action");

// Arguments several actions take, declared once (required, with their docs).
/// `power`: a power name, or also `self` (the target's own autonomy).
config::KeySpec power_argument(bool or_self);
/// `target`: a target name, or also `all`.
config::KeySpec target_argument(bool or_all);
/// `channel`: a channel name, or also `all`.
config::KeySpec channel_argument();
/// `group`: a citizen group name, or also `all`.
config::KeySpec group_argument();
/// `institution`: an institution name.
config::KeySpec institution_argument();

/// Calls fn(i) for i = chosen, or for every i in [0, count) if chosen < 0 (`all`).
template <class Fn>
void for_each_index(int chosen, int count, Fn&& fn) {
  if (chosen >= 0) fn(chosen);
  else
    for (int i = 0; i < count; ++i) fn(i);
}

}  // namespace geosim
