// Option parsing shared by the geosim commands (cli.hpp).
// g++ 12 at -O2 reports a null dereference inside Boost.ProgramOptions'
// typed_value<std::string>::notify (its any_cast result is checked first);
// only in some translation units, depending on inlining. Not ours to fix.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include "cli.hpp"

namespace geosim::cli {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const std::string& positional_name) {
  po::options_description all;
  all.add(visible);
  all.add_options()(positional_name.c_str(), po::value<std::string>());
  po::positional_options_description positional;
  positional.add(positional_name.c_str(), 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace geosim::cli
