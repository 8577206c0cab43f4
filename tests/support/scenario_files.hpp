#pragma once
// Loading scenario files in tests: the fixtures' folder, the error a load
// must throw, and where it must say the problem is.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <typeinfo>

#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

namespace geosim::testing {

namespace fs = std::filesystem;

inline const fs::path kData = GEOSIM_TEST_DATA_DIR;

inline fs::path bad(const std::string& name) { return kData / "bad" / name; }

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Loads `path`, requires exactly the error E, and returns what().
template <class E>
std::string load_error(const fs::path& path, const LoadOptions& options = {}) {
  try {
    load_scenario(path, options);
  } catch (const std::exception& e) {
    INFO("what(): " << e.what());
    CHECK_MESSAGE(typeid(e) == typeid(E), "threw " << typeid(e).name() << " instead of " << typeid(E).name());
    return e.what();
  }
  FAIL("no exception thrown for " << path);
  return {};
}

/// The error must say `file:line:` (the location) and `: key: ` (the dotted key).
inline void check_where(const std::string& what, const std::string& file_line, const std::string& key) {
  INFO("what(): " << what);
  CHECK(contains(what, file_line + ":"));
  if (!key.empty()) CHECK(contains(what, ": " + key + ": "));
  CHECK(what.find('\n') == std::string::npos);
}

inline fs::path write_temp(const std::string& name, const std::string& text) {
  return write_temp("scenario_test", name, text);
}

inline std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A complete small scenario around a variable part (for temp files).
inline std::string scenario_with(const std::string& extra) {
  return "name: t\ntime: {start: 2013-09, end: 2014-08, rates_per: month}\n"
         "powers: {RUS: {}, CHN: {}}\ntargets: {KAZ: {}, KGZ: {}}\ngroups: {public: {}}\n" +
         extra;
}

}  // namespace geosim::testing
