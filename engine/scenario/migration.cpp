// A target's `migration:` mapping (model.md section 12), read through the
// scenario schema (engine/scenario/schema.cpp).
#include <algorithm>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/schema.hpp"
#include "scenario/detail/validator.hpp"

namespace geosim {

bool Scenario::has_migration() const {
  return std::any_of(targets.begin(), targets.end(),
                     [](const TargetSpec& t) { return t.migration.active(); });
}

namespace detail {

using namespace config;

MigrationSpec read_migration(const Node& n, const std::string& path, const std::vector<std::string>& powers,
                             const std::vector<std::string>& channels) {
  constexpr std::string_view kPrefix = "targets.<target>.migration";
  const Schema& schema = scenario_core_schema();
  const auto key = [&](std::string_view name) -> const KeySpec& {
    return schema.at(std::string(kPrefix) + "." + std::string(name));
  };
  expect_map(n, path, "a mapping with host, share and the migration's parameters");
  check_keys(n, path, schema, kPrefix);
  MigrationSpec m;
  m.host = resolve_scalar(req(n, "host", path, "a power name"), join(path, "host"), "power", powers);
  m.share = read_number(n, key("share"), path);
  m.elasticity = read_number(n, key("elasticity"), path);
  m.attitude_effect = read_number(n, key("attitude_effect"), path);
  m.adjustment = read_number(n, key("adjustment"), path);
  m.remittance = read_number(n, key("remittance"), path);
  m.leverage = read_number(n, key("leverage"), path);
  // The channel remittances add to: named, or the schema's default, which
  // must then be declared (a name in code would break scenarios with
  // channels of their own).
  if (const Node* c = opt(n, "channel")) {
    m.channel = resolve_scalar(*c, join(path, "channel"), "channel", channels);
  } else {
    const std::string& fallback = key("channel").default_text;
    const auto it = std::find(channels.begin(), channels.end(), fallback);
    if (it == channels.end())
      throw ReferenceError(n.where, join(path, "channel"),
                           "remittances add to the default channel '" + fallback +
                               "', which the scenario does not declare (channels: " + list_names(channels) +
                               "); name the channel they add to in " + join(path, "channel"));
    m.channel = static_cast<int>(it - channels.begin());
  }
  return m;
}

}  // namespace detail
}  // namespace geosim
