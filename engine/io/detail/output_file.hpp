#pragma once
// Internal to the engine: the HDF5 file a writer creates (a run's results,
// a sweep's results), on a file driver that makes a full disk an ordinary,
// recoverable error.
//
// HDF5 1.10 frees an object's state when H5Fclose or H5Dclose fails to
// flush it but keeps its identifier, so the library's own shutdown at exit
// closes it again and crashes (or loops). So HDF5 must never see a write
// fail. The driver here forwards to HDF5's POSIX driver (sec2); when a write
// fails it records the operating system's error, tells HDF5 it succeeded,
// and drops every later write. The writer asks (check_writes) where it can
// stop early, and OutputFile::close() flushes, closes and reports it.
#include <hdf5.h>

#include <filesystem>
#include <memory>
#include <string>

#include "geosim/core/errors.hpp"

namespace geosim::hdf5 {

/// The operating system refused a write of an output file (disk full, file
/// size limit, quota, I/O error). what() is plain_write_error(error()).
class WriteFailure : public RuntimeFailure {
 public:
  explicit WriteFailure(int error);
  int error() const noexcept { return error_; }

 private:
  int error_;
};

/// One plain phrase for an errno of a failed write, e.g. "no space left on
/// device (the disk is full)".
std::string plain_write_error(int error);

/// What the output driver knows about one open file (shared with the driver).
struct OutputState {
  int error = 0;          // errno of the first failed write (0: none)
  bool dropping = false;  // writes are not attempted (after a failure, or the file is discarded)
};

/// An HDF5 file being written, created as create_netcdf_file does (fails if
/// `path` exists) but on the output driver.
class OutputFile {
 public:
  OutputFile() = default;
  static OutputFile create(const std::filesystem::path& path, std::size_t chunk_cache_bytes = 0);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { abandon(); }

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: handles are passed straight to the C API

  /// Throws WriteFailure if the system refused a write so far.
  void check_writes() const;
  /// Flushes everything written so far to the file, then check_writes().
  void finish_writing(const std::string& what);
  /// finish_writing(), then closes the file; throws WriteFailure if any
  /// write failed, even while closing.
  void close(const std::string& what);
  /// Stops writing and closes without reporting (the file is discarded).
  /// Objects of the file may be closed before or after.
  void abandon() noexcept;
  /// Drops every later write (the file is being discarded).
  void stop_writing() noexcept;
  /// The errno of the first failed write, 0 if none.
  int error() const noexcept { return state_ ? state_->error : 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  std::unique_ptr<OutputState> state_;
};

}  // namespace geosim::hdf5
