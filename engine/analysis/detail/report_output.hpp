#pragma once
// The analyses' netCDF files (sensitivity, comparison) are written whole or
// not at all.
#include <hdf5.h>

#include <filesystem>
#include <functional>

namespace geosim::analysis::detail {

/// Creates a netCDF-4 file beside `path`, lets `contents` fill it, syncs it
/// and renames it to `path`. On any failure the temporary is removed and
/// nothing at `path` changes (RuntimeFailure).
void write_report_file(const std::filesystem::path& path, const std::function<void(hid_t)>& contents);

}  // namespace geosim::analysis::detail
