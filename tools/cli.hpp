#pragma once
// What the geosim command's files share: exit statuses, option parsing, and
// the commands defined outside geosim_main.cpp.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace geosim::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitBadInput = 2;

/// Parses `args` with the `visible` options and one positional argument called `positional_name`.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const std::string& positional_name);

/// `geosim analyse SWEEP.h5`: Sobol indices or Morris effects (command_analyse.cpp).
int command_analyse(const std::vector<std::string>& args);

}  // namespace geosim::cli
