#pragma once
// Allocation policies (model.md section 3), registered by name. A policy is
// one file (engine/model/policies/<name>.cpp) that owns its name, the keys it reads from a power's mapping
// (as config::KeySpecs), the parser that turns them into its settings for one power, and its behaviour; plus
// one line in register_builtin_policies() (engine/model/policy.cpp). A test or a plugin registers its own
// with policies().add(...).
//
// Hot path: the loader resolves each (power, channel) to its policy and
// settings; a tick makes one virtual call per (power, channel) to allocate
// and one to grow the budget, and looks nothing up.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/schema.hpp"
#include "geosim/model/registries.hpp"
#include "geosim/model/world.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// A policy's own settings for one power (e.g. contest's temperature), made
/// by its parser; policies downcast it to their own type.
class PolicySettings {
 public:
  virtual ~PolicySettings() = default;
  /// Bytes these settings hold, themselves included, for the memory estimate
  /// (geosim/run/resources.hpp). Settings that grow with the scenario (lists
  /// of powers or targets) must count what they store.
  virtual std::size_t bytes() const { return sizeof(PolicySettings); }
};

/// What a policy's parser reads from: one power's mapping in the scenario file.
struct PolicyInput {
  const config::Node& power;                 // the power's settings (a mapping, maybe empty)
  const std::string& path;                   // its dotted path, e.g. "powers.RUS"
  int self;                                  // the power's index
  const std::vector<std::string>& powers;    // every power's name, in file order
  const std::vector<std::string>& targets;   // every target's name, in file order
  const std::vector<std::string>& channels;  // every channel's name, in the scenario's order
};

struct AllocationContext {
  const Scenario& scenario;
  const WorldState& state;
  int power;
  int channel;
  double budget;                   // b[p,c] to split this tick
  const PolicySettings* settings;  // what the policy's parser made for this power (may be null)
};

class AllocationPolicy {
 public:
  virtual ~AllocationPolicy() = default;
  /// The name a scenario uses (`policy: contest`).
  virtual std::string_view name() const = 0;
  /// The keys it reads from a power's mapping, paths relative to the power
  /// (`temperature`, `richardson.reaction`). Empty by default.
  virtual const config::Schema& keys() const;
  /// Reads and checks its keys for one power (every power is checked, whether
  /// or not it uses the policy). Null by default: no settings.
  virtual std::shared_ptr<const PolicySettings> parse(const PolicyInput& input) const;
  /// Checks power `power`'s use of the policy on `channel` against the whole
  /// scenario, once every power is read (richardson refuses a pair of rivals
  /// without an equilibrium); throws an InputError at `where` / `path` (the
  /// power's mapping). Nothing by default.
  virtual void check(const Scenario& scenario, int power, int channel, const SourceLocation& where,
                     const std::string& path) const;
  /// Writes A[c,p,t] >= 0 for every target into `out` (size |T|), summing to the budget.
  virtual void allocate(const AllocationContext& ctx, std::span<double> out) const = 0;
  /// The budget for the next tick; by default grows by g[p].
  virtual double next_budget(const AllocationContext& ctx) const;
};

using PolicyRegistry = Registry<AllocationPolicy>;

/// The registry every scenario resolves policy names in (the built-in ones on first use).
PolicyRegistry& policies();
/// Adds the engine's policies, in the order messages list them.
void register_builtin_policies(PolicyRegistry& registry);
/// The policy of a channel whose power names none (`value`, model.md section 3).
const AllocationPolicy& default_policy();
/// Every registered policy's keys as paths of the scenario file (`powers.<power>.temperature`).
config::Schema policy_keys();

/// The policy `name` with the settings its parser reads from `power_settings`
/// (a power's mapping) for power `power` of `scenario` (whose powers and
/// targets must be complete). For scenarios built in code; std::logic_error
/// if no policy has that name.
PolicyUse make_policy_use(const Scenario& scenario, int power, std::string_view name,
                          const config::Node& power_settings);
/// `use` with the policy and settings filled in (the defaults for null ones).
PolicyUse resolve_policy_use(const Scenario& scenario, int power, const PolicyUse& use);

/// Splits `budget` in proportion to non-negative weights; evenly if they are all zero.
void split_proportionally(double budget, std::span<double> weights_then_out);

}  // namespace geosim
