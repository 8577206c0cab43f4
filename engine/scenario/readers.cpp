// Readers of per-channel values, shared by the loader, policies and actions.
#include "geosim/scenario/readers.hpp"

namespace geosim {

using namespace config;

const std::vector<std::string>& channel_names() {
  static const std::vector<std::string> names(kChannelNames.begin(), kChannelNames.end());
  return names;
}

PerChannel per_channel(const Node& n, const std::string& path, double fallback, const Bounds& b) {
  expect_map(n, path, "a mapping of channels (economic, security, soft)");
  check_keys(n, path, channel_names());
  PerChannel out{};
  for (int c = 0; c < kChannels; ++c) out[c] = number_or(n, kChannelNames[c], path, fallback, b);
  return out;
}

PerChannel per_channel_or(const Node& map, std::string_view key, const std::string& path, double fallback,
                          const Bounds& b) {
  const Node* n = opt(map, key);
  if (!n) {
    PerChannel out;
    out.fill(fallback);
    return out;
  }
  return per_channel(*n, join(path, key), fallback, b);
}

}  // namespace geosim
