// Writing an analysis's netCDF file atomically (analysis/detail/report_output.hpp).
#include "analysis/detail/report_output.hpp"

#include <unistd.h>

#include <string>
#include <system_error>

#include "geosim/core/errors.hpp"
#include "io/detail/hdf5.hpp"
#include "io/detail/output_file.hpp"

namespace geosim::analysis::detail {

namespace fs = std::filesystem;

void write_report_file(const fs::path& path, const std::function<void(hid_t)>& contents) {
  const fs::path tmp = fs::path(path.string() + ".tmp." + std::to_string(::getpid()));
  std::error_code ec;
  try {
    const hdf5::SilenceHdf5 silence;
    hdf5::OutputFile file = hdf5::OutputFile::create(tmp);
    contents(file);
    file.close("close " + tmp.string());
    hdf5::sync_path(tmp, false);
    fs::rename(tmp, path);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    throw RuntimeFailure("cannot write " + path.string() + ": " + e.what() + "; nothing was written");
  }
}

}  // namespace geosim::analysis::detail
