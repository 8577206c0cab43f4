// libFuzzer target: bytes -> validated SweepSpec, as `geosim sweep` reads a
// sweep file before it loads the base scenario, without touching the disk. A
// geosim InputError is the expected answer to bad input (the CLI's exit 2);
// anything else is a finding (fuzz_scenario.cpp says which). Build and run:
// fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "geosim/core/errors.hpp"
#include "geosim/sweep/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const geosim::SweepSpec spec = geosim::sweep_spec_from_text(text, "sweeps/fuzz.yaml");
    (void)spec;
  } catch (const geosim::InputError&) {
    // The expected answer to bad input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_sweep: unexpected %s\n", e.what());
    std::abort();
  }
  return 0;
}
