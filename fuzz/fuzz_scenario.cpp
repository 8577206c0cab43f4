// libFuzzer target: bytes -> scenario tree -> validated Scenario, as
// `geosim validate` reads a file, without touching the disk. A geosim
// InputError is the expected answer to bad input (the CLI's exit 2); any
// other exception, a crash, a sanitizer report, a timeout or running out of
// memory is a finding. Build and run: fuzz/README.md.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "geosim/config/node.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    geosim::config::Node tree = geosim::config::parse_text(text, "fuzz.yaml");
    // An `extends:` chain would read other files: the fuzzed file is its own
    // whole chain, as if its base were empty.
    if (tree.is_map()) std::erase_if(tree.entries, [](const auto& e) { return e.key == "extends"; });
    geosim::LoadOptions options;
    options.keep_resolved_yaml = (size % 2) == 0;  // exercise the emitter on half the inputs
    const geosim::Scenario s = geosim::scenario_from_tree(std::move(tree), "fuzz.yaml", text, options);
    (void)s.num_citizens();
  } catch (const geosim::InputError&) {
    // The expected answer to bad input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_scenario: unexpected %s\n", e.what());
    std::abort();
  }
  return 0;
}
