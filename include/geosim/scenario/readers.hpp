#pragma once
// Readers of scenario values shared by the loader and by the policies and
// event actions registered with it (model/policy.hpp, model/action.hpp):
// per-channel mappings and channel names. Errors as in config/reader.hpp.
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/reader.hpp"
#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// The channel names, in index order (economic, security, soft).
const std::vector<std::string>& channel_names();
/// {economic: x, security: y, soft: z}, each optional (default `fallback`).
PerChannel per_channel(const config::Node& n, const std::string& path, double fallback,
                       const config::Bounds& b);
/// per_channel() of an optional key; `fallback` for every channel if absent.
PerChannel per_channel_or(const config::Node& map, std::string_view key, const std::string& path,
                          double fallback, const config::Bounds& b);

}  // namespace geosim
