// Readers of per-channel values, shared by the loader, policies and actions.
#include "geosim/scenario/readers.hpp"

#include <algorithm>

namespace geosim {

using namespace config;

void check_channels(const Node& map, const std::string& path, const std::vector<std::string>& channels) {
  for (const auto& entry : map.entries)
    if (std::find(channels.begin(), channels.end(), entry.key) == channels.end())
      throw UnknownKeyError(entry.value.key_where, join(path, entry.key),
                            "unknown channel '" + entry.key + "'" + did_you_mean(entry.key, channels) +
                                "; the scenario's channels are " + list_names(channels) +
                                " (a scenario that declares `channels:` lists every channel it uses)");
}

PerChannel per_channel(const Node& n, const std::string& path, const std::vector<std::string>& channels,
                       double fallback, const Bounds& b) {
  expect_map(n, path, "a mapping of channels (" + list_names(channels) + ")");
  check_channels(n, path, channels);
  PerChannel out(channels.size());
  for (std::size_t c = 0; c < channels.size(); ++c) out[c] = number_or(n, channels[c], path, fallback, b);
  return out;
}

PerChannel per_channel_or(const Node& map, std::string_view key, const std::string& path,
                          const std::vector<std::string>& channels, double fallback, const Bounds& b) {
  const Node* n = opt(map, key);
  if (!n) return PerChannel(channels.size(), fallback);
  return per_channel(*n, join(path, key), channels, fallback, b);
}

}  // namespace geosim
