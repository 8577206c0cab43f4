#pragma once
// Internal to the engine: the HDF5 file a writer creates (a run's results,
// a sweep's results), on a file driver that makes a full disk an ordinary,
// recoverable error.
//
// HDF5 1.10 frees a file's state when H5Fclose (or H5Dclose) fails to flush
// but keeps its identifier, so the library's own shutdown at exit closes it
// again and crashes. The driver here forwards to HDF5's POSIX driver (sec2)
// and remembers the operating system's error of the first write that fails;
// from then on it drops every write and reports success, so that the file's
// objects and the file itself always close. OutputFile::close() flushes
// first (a failure there is an ordinary error, handles intact) and reports
// any write that failed, even one hidden during the close.
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
  bool closing = false;   // a failed write is recorded but reported as success
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

  /// Flushes everything written so far (throws on failure: WriteFailure if
  /// the system refused a write) and from then on hides failed writes, so
  /// that closing the file's objects cannot fail half-way. Call it before
  /// closing the objects of a file to keep.
  void finish_writing(const std::string& what);
  /// finish_writing() if not done, then closes the file; throws WriteFailure
  /// if any write failed, even one hidden since finish_writing().
  void close(const std::string& what);
  /// Stops writing and closes without reporting (the file is discarded).
  /// Objects of the file may be closed before or after.
  void abandon() noexcept;
  /// Drops every later write: call before closing the objects of a file
  /// being discarded.
  void stop_writing() noexcept;
  /// The errno of the first failed write, 0 if none.
  int error() const noexcept { return state_ ? state_->error : 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  std::unique_ptr<OutputState> state_;
};

}  // namespace geosim::hdf5
