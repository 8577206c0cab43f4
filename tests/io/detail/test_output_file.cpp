// The output driver (engine/io/detail/output_file.hpp): a write the system
// refuses is one plain error, and every handle of the file still closes, so
// HDF5's shutdown at exit has nothing left to close (it used to crash there).
// The refusal is injected with the file size limit (RLIMIT_FSIZE, EFBIG).
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <vector>

#include "io/detail/hdf5.hpp"
#include "io/detail/output_file.hpp"
#include "support/temp_files.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::hdf5;

namespace {

/// Limits the size of files this process writes, for its lifetime.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // write() returns EFBIG instead of killing us
    getrlimit(RLIMIT_FSIZE, &old_);
    const rlimit limit{bytes, old_.rlim_max};
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int) = SIG_DFL;
};

/// Writes `n` doubles as dataset "d" of `file`; returns H5Dwrite's status.
herr_t write_doubles(hid_t file, hsize_t n) {
  Dataspace space(H5Screate_simple(1, &n, nullptr), "space");
  Dataset ds(H5Dcreate2(file, "d", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create d");
  const std::vector<double> values(n, 1.5);
  return H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
}

}  // namespace

TEST_CASE("output file: a refused write is hidden from HDF5 and reported with the system's reason") {
  const testing::ScopedTempDir dir("output_file_full");
  const fs::path path = dir.path / "full.h5";
  const SilenceHdf5 silence;
  {
    const FileSizeLimit limit(16 << 10);
    OutputFile file = OutputFile::create(path);
    CHECK(write_doubles(file, 100000) >= 0);  // 800 kB past a 16 kB limit
    CHECK(file.error() == EFBIG);
    CHECK_THROWS_AS(file.check_writes(), WriteFailure);
    try {
      file.close("close");
      FAIL("close did not report the failed write");
    } catch (const WriteFailure& e) {
      CHECK(e.error() == EFBIG);
      CHECK(std::string(e.what()) == plain_write_error(EFBIG));
    }
  }
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);  // nothing left for HDF5's shutdown
}

TEST_CASE("output file: a write refused while a dataset closes is reported, and nothing dangles") {
  // Closing a dataset flushes its buffered values; in HDF5 1.10 a failure
  // there left an identifier that the library's shutdown closed again.
  const testing::ScopedTempDir dir("output_file_close");
  const fs::path path = dir.path / "close.h5";
  const SilenceHdf5 silence;
  {
    const FileSizeLimit limit(1024);
    OutputFile file = OutputFile::create(path);
    CHECK(write_doubles(file, 10) >= 0);  // the values go out as the dataset closes
    CHECK(file.error() == EFBIG);
    CHECK_THROWS_AS(file.close("close"), WriteFailure);
  }
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

TEST_CASE("output file: abandoned after a failure, with its datasets still open") {
  const testing::ScopedTempDir dir("output_file_abandon");
  const fs::path path = dir.path / "abandon.h5";
  const SilenceHdf5 silence;
  {
    const FileSizeLimit limit(4096);
    OutputFile file = OutputFile::create(path);
    const hsize_t n = 400000;  // 3.2 MB: more than the chunk cache holds
    Dataspace space(H5Screate_simple(1, &n, nullptr), "space");
    PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), "dcpl");
    const hsize_t chunk = 1000;
    check(H5Pset_chunk(dcpl, 1, &chunk), "chunk");
    Dataset ds(H5Dcreate2(file, "d", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "create d");
    const std::vector<double> values(n, 2.5);
    CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
    CHECK(file.error() == EFBIG);
    file.abandon();  // the dataset closes after the file, as when a writer unwinds
  }
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
  // The library is still usable: a new file writes and closes normally.
  OutputFile file = OutputFile::create(dir.path / "after.h5");
  CHECK(write_doubles(file, 10) >= 0);
  file.close("close");
  CHECK(file.error() == 0);
}

TEST_CASE("output file: plain sentences for the system's reasons") {
  CHECK(plain_write_error(ENOSPC) == "no space left on device (the disk is full)");
  CHECK(plain_write_error(EFBIG).find("file too large") != std::string::npos);
  CHECK(plain_write_error(EDQUOT).find("quota") != std::string::npos);
  CHECK(plain_write_error(EACCES) == "permission denied");
}
