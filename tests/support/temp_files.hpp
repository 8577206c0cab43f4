#pragma once
// A per-process scratch folder for tests that write input files.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace geosim::testing {

/// temp_directory_path()/geosim_<tag>_<pid>, created on first use.
inline std::filesystem::path temp_dir(const std::string& tag) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("geosim_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Writes `text` byte for byte to temp_dir(tag)/name and returns its path.
inline std::filesystem::path write_temp(const std::string& tag, const std::string& name,
                                        const std::string& text) {
  std::filesystem::path path = temp_dir(tag) / name;  // not const: returned by move
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

/// A fresh temp_directory_path()/geosim_<tag>_<pid> for one test case,
/// removed with everything in it when the object goes.
struct ScopedTempDir {
  std::filesystem::path path;
  explicit ScopedTempDir(const std::string& tag)
      : path(std::filesystem::temp_directory_path() / ("geosim_" + tag + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
};

}  // namespace geosim::testing
