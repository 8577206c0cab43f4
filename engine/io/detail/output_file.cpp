// The output driver and OutputFile (io/detail/output_file.hpp). The driver
// wraps HDF5's sec2 driver through the public H5FD API, as HDF5's own family
// and multi drivers wrap theirs.
#include "io/detail/output_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <new>
#include <string>
#include <utility>

#include "io/detail/hdf5.hpp"

namespace geosim::hdf5 {

namespace {

struct DriverInfo {  // the driver's part of the file access properties
  OutputState* state;
};

struct GuardFile {
  H5FD_t pub;  // first: HDF5 sees a GuardFile as an H5FD_t
  H5FD_t* inner;
  OutputState* state;
};

GuardFile* guard(H5FD_t* f) { return reinterpret_cast<GuardFile*>(f); }
const GuardFile* guard(const H5FD_t* f) { return reinterpret_cast<const GuardFile*>(f); }

/// The errno of the failure on HDF5's error stack: sec2 writes it into its
/// message ("errno = 28"), which outlives any call that may reset errno.
int stack_errno(int fallback) {
  int found = 0;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
        const char* at = err->desc ? std::strstr(err->desc, "errno = ") : nullptr;
        if (at && *static_cast<int*>(out) == 0) *static_cast<int*>(out) = std::atoi(at + 8);
        return 0;
      },
      &found);
  return found > 0 ? found : fallback > 0 ? fallback : EIO;
}

/// A write or truncate that failed: recorded, later writes dropped, and HDF5
/// told it succeeded (its own error, wherever it surfaced, could leave a
/// half-closed object behind: see output_file.hpp).
herr_t failed(GuardFile* f, int err) {
  if (f->state->error == 0) f->state->error = stack_errno(err);
  f->state->dropping = true;
  H5Eclear2(H5E_DEFAULT);
  return 0;
}

H5FD_t* open(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
  if (!info || !info->state) return nullptr;
  const hid_t sec2 = H5Pcreate(H5P_FILE_ACCESS);
  if (sec2 < 0) return nullptr;
  H5FD_t* inner = H5Pset_fapl_sec2(sec2) < 0 ? nullptr : H5FDopen(name, flags, sec2, maxaddr);
  H5Pclose(sec2);
  if (!inner) return nullptr;
  auto* f = new (std::nothrow) GuardFile{};
  if (!f) {
    H5FDclose(inner);
    return nullptr;
  }
  f->inner = inner;
  f->state = info->state;
  return &f->pub;
}

herr_t close(H5FD_t* file) {
  GuardFile* f = guard(file);
  const herr_t rc = H5FDclose(f->inner);
  delete f;
  return rc;
}

int cmp(const H5FD_t* a, const H5FD_t* b) { return H5FDcmp(guard(a)->inner, guard(b)->inner); }

herr_t query(const H5FD_t* file, unsigned long* flags) {
  if (!file) {  // the driver's features without a file: sec2's
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
    return 0;
  }
  return H5FDquery(guard(file)->inner, flags) < 0 ? -1 : 0;
}

haddr_t get_eoa(const H5FD_t* file, H5FD_mem_t type) {
  return H5FDget_eoa(const_cast<H5FD_t*>(guard(file)->inner), type);
}
herr_t set_eoa(H5FD_t* file, H5FD_mem_t type, haddr_t addr) {
  return H5FDset_eoa(guard(file)->inner, type, addr);
}
haddr_t get_eof(const H5FD_t* file, H5FD_mem_t type) {
  return H5FDget_eof(const_cast<H5FD_t*>(guard(file)->inner), type);
}
herr_t get_handle(H5FD_t* file, hid_t fapl, void** handle) {
  return H5FDget_vfd_handle(guard(file)->inner, fapl, handle);
}
herr_t read(H5FD_t* file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void* buf) {
  return H5FDread(guard(file)->inner, type, dxpl, addr, size, buf);
}

/// Runs `op` on the inner file unless writes are being dropped; a failure is
/// recorded (failed()) and reported to HDF5 as success.
template <class Op>
herr_t guarded(H5FD_t* file, Op op) {
  GuardFile* f = guard(file);
  if (f->state->dropping) return 0;
  errno = 0;
  if (op(f->inner) >= 0) return 0;
  return failed(f, errno);
}

herr_t write(H5FD_t* file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void* buf) {
  return guarded(file, [&](H5FD_t* inner) { return H5FDwrite(inner, type, dxpl, addr, size, buf); });
}

herr_t flush(H5FD_t* file, hid_t dxpl, hbool_t closing) {
  return guarded(file, [&](H5FD_t* inner) { return H5FDflush(inner, dxpl, closing); });
}

herr_t truncate(H5FD_t* file, hid_t dxpl, hbool_t closing) {
  return guarded(file, [&](H5FD_t* inner) { return H5FDtruncate(inner, dxpl, closing); });
}

herr_t lock(H5FD_t* file, hbool_t rw) { return H5FDlock(guard(file)->inner, rw); }
herr_t unlock(H5FD_t* file) { return H5FDunlock(guard(file)->inner); }

hid_t driver_id() {
  static const H5FD_class_t cls = [] {
    H5FD_class_t c{};
    c.name = "geosim_output";
    c.maxaddr = static_cast<haddr_t>(std::numeric_limits<std::int64_t>::max());
    c.fc_degree = H5F_CLOSE_WEAK;
    c.fapl_size = sizeof(DriverInfo);
    c.open = open;
    c.close = close;
    c.cmp = cmp;
    c.query = query;
    c.get_eoa = get_eoa;
    c.set_eoa = set_eoa;
    c.get_eof = get_eof;
    c.get_handle = get_handle;
    c.read = read;
    c.write = write;
    c.flush = flush;
    c.truncate = truncate;
    c.lock = lock;
    c.unlock = unlock;
    const H5FD_mem_t map[] = H5FD_FLMAP_DICHOTOMY;
    std::copy(std::begin(map), std::end(map), std::begin(c.fl_map));
    return c;
  }();
  // Registered again if the library was closed and reopened (ids do not survive H5close).
  static hid_t id = H5I_INVALID_HID;
  if (id < 0 || H5Iis_valid(id) <= 0) id = check_id(H5FDregister(&cls), "register the output file driver");
  return id;
}

}  // namespace

WriteFailure::WriteFailure(int error) : RuntimeFailure(plain_write_error(error)), error_(error) {}

std::string plain_write_error(int error) {
  switch (error) {
    case ENOSPC: return "no space left on device (the disk is full)";
    case EFBIG: return "the file would exceed the largest file size allowed (file too large)";
    case EDQUOT: return "the disk quota is exhausted";
    case EIO: return "an input/output error on the device";
    case EROFS: return "the file system is read-only";
    default: {
      std::string text = std::strerror(error);
      if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
      return text;
    }
  }
}

OutputFile OutputFile::create(const std::filesystem::path& path, std::size_t chunk_cache_bytes) {
  OutputFile out;
  out.state_ = std::make_unique<OutputState>();
  const NetcdfFileProperties p = netcdf_file_properties(chunk_cache_bytes);
  const DriverInfo info{out.state_.get()};
  check(H5Pset_driver(p.access, driver_id(), &info), "set the output file driver");
  out.id_ = check_id(H5Fcreate(path.c_str(), H5F_ACC_EXCL, p.creation, p.access), "create " + path.string());
  return out;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), state_(std::move(other.state_)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    abandon();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    state_ = std::move(other.state_);
  }
  return *this;
}

void OutputFile::check_writes() const {
  if (error() != 0) throw WriteFailure(error());
}

void OutputFile::finish_writing(const std::string& what) {
  if (id_ < 0) return;
  const herr_t rc = H5Fflush(id_, H5F_SCOPE_LOCAL);
  check_writes();
  check(rc, what);
}

void OutputFile::close(const std::string& what) {
  if (id_ < 0) return;
  finish_writing(what);
  const herr_t rc = H5Fclose(std::exchange(id_, H5I_INVALID_HID));
  check_writes();
  check(rc, what);
}

void OutputFile::stop_writing() noexcept {
  if (state_) state_->dropping = true;
}

void OutputFile::abandon() noexcept {
  if (id_ < 0) return;
  stop_writing();
  H5Fclose(std::exchange(id_, H5I_INVALID_HID));
  H5Eclear2(H5E_DEFAULT);
}

}  // namespace geosim::hdf5
