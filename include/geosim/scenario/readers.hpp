#pragma once
// Readers of scenario values shared by the loader and by the policies and
// event actions registered with it (model/policy.hpp, model/action.hpp):
// per-channel mappings. Errors as in config/reader.hpp.
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// UnknownKeyError for a key of `map` that is not one of the scenario's `channels`.
void check_channels(const config::Node& map, const std::string& path,
                    const std::vector<std::string>& channels);
/// A mapping of the scenario's `channels` to numbers ({economic: x, soft: z}),
/// each optional (default `fallback`); another key is an UnknownKeyError.
PerChannel per_channel(const config::Node& n, const std::string& path,
                       const std::vector<std::string>& channels, double fallback, const config::Bounds& b);
/// per_channel() of an optional key; `fallback` for every channel if absent.
PerChannel per_channel_or(const config::Node& map, std::string_view key, const std::string& path,
                          const std::vector<std::string>& channels, double fallback, const config::Bounds& b);

}  // namespace geosim
