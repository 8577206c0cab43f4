#pragma once
// What the geosim command's files share: exit statuses, option parsing, and
// the commands defined outside geosim_main.cpp.
#include <atomic>
#include <boost/program_options.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/sweep/sweep.hpp"

namespace geosim::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitBadInput = 2;

/// Parses `args` with the `visible` options and one positional argument called `positional_name`.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const std::string& positional_name);

/// Whether `path` holds a sweep file (a mapping with `base:` or `scenarios:`)
/// rather than a scenario; false if it cannot be read or parsed.
bool is_sweep_file(const std::filesystem::path& path);

/// "a,b,c" as {"a", "b", "c"}; "" as none.
std::vector<std::string> split_commas(const std::string& text);

/// Prints what a validated sweep will do: runs, memory with `jobs` runs at
/// once, the results file's size, and with `pilot` the time, from the
/// median of up to three pilot runs timed here (sweep_plan.cpp).
void describe_sweep(const Sweep& sweep, int jobs, bool pilot);

/// `geosim analyse SWEEP.h5`: Sobol indices or Morris effects (command_analyse.cpp).
int command_analyse(const std::vector<std::string>& args);
/// `geosim compare SWEEP.h5`: scenarios against a reference as paired differences (command_compare.cpp).
int command_compare(const std::vector<std::string>& args);
/// `geosim calibrate CALIB.yaml`: ABC calibration against observations (command_calibrate.cpp).
int command_calibrate(const std::vector<std::string>& args, const std::atomic<bool>* cancel);

}  // namespace geosim::cli
