// The event action registry, the argument readers every action shares, and
// the list of the engine's own actions (one file each in engine/model/actions/).
#include "geosim/model/action.hpp"

#include <stdexcept>

namespace geosim {

// The built-in actions, one file each in engine/model/actions/.
namespace actions_builtin {
std::unique_ptr<const ActionType> scale_budget();
std::unique_ptr<const ActionType> set_budget();
std::unique_ptr<const ActionType> set_growth();
std::unique_ptr<const ActionType> add_stock();
std::unique_ptr<const ActionType> set_stock();
std::unique_ptr<const ActionType> join();
std::unique_ptr<const ActionType> leave();
std::unique_ptr<const ActionType> shift_attitudes();
std::unique_ptr<const ActionType> scale_labour_demand();
}  // namespace actions_builtin

void register_builtin_actions(ActionRegistry& registry) {
  registry.add(actions_builtin::scale_budget());
  registry.add(actions_builtin::set_budget());
  registry.add(actions_builtin::set_growth());
  registry.add(actions_builtin::add_stock());
  registry.add(actions_builtin::set_stock());
  registry.add(actions_builtin::join());
  registry.add(actions_builtin::leave());
  registry.add(actions_builtin::shift_attitudes());
  registry.add(actions_builtin::scale_labour_demand());
}

ActionRegistry& actions() {
  static ActionRegistry registry = [] {
    ActionRegistry r;
    register_builtin_actions(r);
    return r;
  }();
  return registry;
}

config::Schema action_keys() {
  config::Schema out;
  for (const auto& type : actions()) {
    if (type->name() == "name")
      throw std::logic_error("event action 'name': the name is reserved for naming an action in its list");
    for (config::KeySpec key : type->keys().keys()) {
      key.path = "events.<event>.actions[]." + std::string(type->name()) + "." + key.path;
      out.add(std::move(key));
    }
  }
  return out;
}

namespace {

class FunctionActionType final : public ActionType {
 public:
  FunctionActionType(std::string name, config::Schema keys,
                     std::function<std::shared_ptr<const Action>(const ActionInput&)> parse)
      : name_(std::move(name)), keys_(std::move(keys)), parse_(std::move(parse)) {}
  std::string_view name() const override { return name_; }
  const config::Schema& keys() const override { return keys_; }
  std::shared_ptr<const Action> parse(const ActionInput& input) const override { return parse_(input); }

 private:
  std::string name_;
  config::Schema keys_;
  std::function<std::shared_ptr<const Action>(const ActionInput&)> parse_;
};

/// "a power name", "a power name or self", "a target name or all".
std::string name_or(const std::string& kind, const std::vector<std::string>& extra) {
  const bool vowel = kind.find_first_of("aeiou") == 0;
  std::string out = (vowel ? "an " : "a ") + kind + " name";
  for (const auto& word : extra) out += " or " + word;
  return out;
}

/// A name of `kind` at key.key(); the words of key.choices give -1.
int name_arg(const ActionInput& in, const config::KeySpec& key, const std::string& kind,
             const std::vector<std::string>& defined) {
  const std::string k(key.key());
  const config::Node& v = config::req(in.args, k, in.path, name_or(kind, key.choices));
  const int i = config::resolve_scalar(v, config::join(in.path, k), kind, defined, key.choices);
  return i < 0 ? -1 : i;
}

}  // namespace

std::unique_ptr<const ActionType> make_action_type(
    std::string name, config::Schema keys,
    std::function<std::shared_ptr<const Action>(const ActionInput&)> parse) {
  return std::make_unique<FunctionActionType>(std::move(name), std::move(keys), std::move(parse));
}

int ActionInput::power(const config::KeySpec& key) const {
  const int p = name_arg(*this, key, "power", powers);
  return p < 0 ? kSelf : p;
}

int ActionInput::target(const config::KeySpec& key) const { return name_arg(*this, key, "target", targets); }

int ActionInput::group(const config::KeySpec& key) const { return name_arg(*this, key, "group", groups); }

int ActionInput::institution(const config::KeySpec& key) const {
  return name_arg(*this, key, "institution", institutions);
}

config::KeySpec power_argument(bool or_self) {
  if (!or_self)
    return {.path = "power", .type = config::ValueType::name, .required = true, .doc = "the power"};
  return {.path = "power",
          .type = config::ValueType::name,
          .required = true,
          .choices = {"self"},
          .doc = "the power, or self for the target's autonomy"};
}

config::KeySpec target_argument(bool or_all) {
  if (!or_all)
    return {.path = "target", .type = config::ValueType::name, .required = true, .doc = "the target"};
  return {.path = "target",
          .type = config::ValueType::name,
          .required = true,
          .choices = {"all"},
          .doc = "the target, or all"};
}

config::KeySpec channel_argument() {
  return {.path = "channel",
          .type = config::ValueType::name,
          .required = true,
          .choices = {"all"},
          .doc = "the channel, or all"};
}

config::KeySpec group_argument() {
  return {.path = "group",
          .type = config::ValueType::name,
          .required = true,
          .choices = {"all"},
          .doc = "the citizen group, or all"};
}

config::KeySpec institution_argument() {
  return {.path = "institution", .type = config::ValueType::name, .required = true, .doc = "the institution"};
}

int ActionInput::channel(const config::KeySpec& key) const {
  return name_arg(*this, key, "channel", channels);
}

double ActionInput::number(const config::KeySpec& key) const { return config::read_number(args, key, path); }

bool ActionInput::boolean(const config::KeySpec& key) const { return config::read_boolean(args, key, path); }

EventAction make_event_action(const Scenario& scenario, std::string_view name, const config::Node& args,
                              const std::string& path) {
  const ActionType* type = actions().find(name);
  if (!type) throw std::logic_error("no action '" + std::string(name) + "' is registered");
  std::vector<std::string> powers, targets, groups, institutions, channels = scenario.channel_names();
  for (const auto& p : scenario.powers) powers.push_back(p.code);
  for (const auto& t : scenario.targets) targets.push_back(t.code);
  for (const auto& g : scenario.groups) groups.push_back(g.name);
  for (const auto& i : scenario.institutions) institutions.push_back(i.name);
  config::expect_map(args, path, "a mapping of action arguments");
  config::check_keys(args, path, type->keys(), "");
  return {type, type->parse(ActionInput{args, path, powers, targets, groups, institutions, channels})};
}

}  // namespace geosim
