#pragma once
// Internal to the engine (not installed): HDF5 plumbing shared by the writers
// of netCDF-4 compatible files (io/results.cpp: one run; sweep/results_file.cpp:
// a sweep). Errors become RuntimeFailure, handles are RAII, and Writer creates
// dimensions and variables the way netCDF-C expects (the header of
// io/results.cpp lists what that takes). Templates are here, the rest in
// io/detail/hdf5.cpp.
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "geosim/core/errors.hpp"

namespace geosim::hdf5 {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// HDF5 plumbing: errors as exceptions, handles as RAII.

/// Turns off HDF5's automatic printing of its error stack for the lifetime of
/// the guard (per thread in a thread-safe HDF5), restoring it afterwards.
class SilenceHdf5 {
 public:
  SilenceHdf5();
  ~SilenceHdf5();
  SilenceHdf5(const SilenceHdf5&) = delete;
  SilenceHdf5& operator=(const SilenceHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The innermost message of HDF5's current error stack (the most specific
/// one, e.g. "unable to open file ... No such file or directory"), then clears it.
std::string hdf5_message();

/// Throws RuntimeFailure(what), with HDF5's innermost message if there is one.
[[noreturn]] void fail(const std::string& what);
/// `id` if valid, else fail(what).
hid_t check_id(hid_t id, const std::string& what);
/// fail(what) if `status` is negative.
void check(herr_t status, const std::string& what);

/// An owned HDF5 identifier of one kind (file, dataset, dataspace, ...).
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(hid_t id, const std::string& what) : id_(check_id(id, what)) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: handles are passed straight to the C API
  void reset() {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  /// Closes now and reports failure (a file's close is where data is flushed).
  void close(const std::string& what) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) check(Close(id), what);
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropList = Handle<H5Pclose>;

// ---------------------------------------------------------------------------
// Types.

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_SCHAR;
  else if constexpr (std::is_same_v<T, std::int16_t>) return H5T_NATIVE_SHORT;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else static_assert(sizeof(T) == 0, "no HDF5 type for T");
}

/// Little-endian file types, as netCDF-C writes them.
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
  else if constexpr (std::is_same_v<T, std::int8_t>) return H5T_STD_I8LE;
  else if constexpr (std::is_same_v<T, std::int16_t>) return H5T_STD_I16LE;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_STD_U64LE;
  else static_assert(sizeof(T) == 0, "no HDF5 type for T");
}

/// The value a variable with a fill stores where it has none: NaN for floats,
/// netCDF's default fill for integers (NC_FILL_BYTE, NC_FILL_INT, ...).
template <class T>
T fill_value() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::quiet_NaN();
  else if constexpr (std::is_same_v<T, std::int8_t>) return -127;
  else if constexpr (std::is_same_v<T, std::int16_t>) return -32767;
  else if constexpr (std::is_same_v<T, std::int32_t>) return -2147483647;
  else if constexpr (std::is_same_v<T, std::int64_t>) return -9223372036854775806LL;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return 18446744073709551614ULL;
  else static_assert(sizeof(T) == 0, "no fill value for T");
}

/// A variable-length UTF-8 string type.
Datatype vlen_utf8_type();

/// True if `s` is 7-bit ASCII without NUL.
bool is_ascii(std::string_view s);

// ---------------------------------------------------------------------------
// Attributes.

/// Creates a scalar attribute `name` of `type` on `obj` and writes `buf` (in `mem_type`).
void write_attribute(hid_t obj, const std::string& name, hid_t type, hid_t mem_type, const void* buf,
                     const std::string& where);

/// CF flags on `obj`: flag_values 0, 1, ... (int8), one per word of
/// `meanings`, and flag_meanings.
void flag_attributes(hid_t obj, const std::string& meanings, const std::string& where);

/// A text attribute. ASCII: fixed-length, NUL-padded scalar (netCDF reads it
/// as text, NC_CHAR). Anything else: scalar variable-length UTF-8 string
/// (netCDF reads it as a string attribute, NC_STRING).
void text_attribute(hid_t obj, const std::string& name, const std::string& value, const std::string& where);

/// Which geosim wrote a file: version, commit, compiler, build type (every results file).
void provenance_attributes(hid_t root);

/// Free text of any content (the scenario file as given): always a scalar
/// variable-length UTF-8 string, written byte for byte.
void utf8_attribute(hid_t obj, const std::string& name, const std::string& value, const std::string& where);

template <class T>
void number_attribute(hid_t obj, const std::string& name, T value, const std::string& where) {
  write_attribute(obj, name, file_type<T>(), native_type<T>(), &value, where);
}

// ---------------------------------------------------------------------------
// Datasets.

inline constexpr const char* kNoValuesScale = "This is a netCDF dimension but not a netCDF variable.";
inline constexpr std::size_t kChunkBytes = 1 << 16;  // target uncompressed chunk size
inline constexpr unsigned kDeflateLevel = 4;

/// Dataset creation properties netCDF-C uses: attribute creation order
/// tracked and indexed; fill value written never (we write every value).
PropList dataset_properties();

struct Dim {
  std::string name;
  hsize_t size = 0;
  hid_t scale = H5I_INVALID_HID;  // the dimension's dataset, owned by the Writer
};

/// How one variable is stored.
struct Storage {
  bool compress = true;
  std::vector<hsize_t> chunk;  // empty: chunk along the first axis automatically
  bool nan_fill = false;       // _FillValue = NaN (float types only)
  bool fill = false;           // _FillValue = fill_value<T>() (any type; NaN for floats)
};

/// The chunk shape a variable of `shape` and `elem_bytes` per value gets
/// under `storage`, or empty if it is stored contiguous (not compressed, no
/// values, or scalar). Automatic chunking: the whole extent on every axis but
/// the first; as many first-axis rows as fit kChunkBytes.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, const Storage& storage,
                                 std::size_t elem_bytes);

class Writer {
 public:
  explicit Writer(hid_t file) : file_(file) {}

  /// A dimension with a coordinate variable of values (time).
  template <class T>
  const Dim& coordinate(const std::string& name, const std::vector<T>& values, const std::string& units,
                        const std::string& long_name) {
    Dataset ds = create<T>(name, {values.size()}, Storage{false, {}, false});
    write_all(ds, name, values.data());
    text_attribute(ds, "units", units, name);
    text_attribute(ds, "long_name", long_name, name);
    return add_dim(name, values.size(), std::move(ds), name.c_str());
  }

  /// A dimension labelled by strings (power codes, channel names, ...).
  const Dim& label_coordinate(const std::string& name, const std::vector<std::string>& labels,
                              const std::string& long_name);

  /// A dimension without values (netCDF's "dimension but not a variable").
  const Dim& plain_dimension(const std::string& name, hsize_t size);

  /// A numeric variable over `dims`, data row-major; checks the size.
  template <class T>
  hid_t variable(const std::string& name, const std::vector<const Dim*>& dims, const std::vector<T>& data,
                 const std::string& units, const std::string& long_name, Storage storage = {}) {
    std::vector<hsize_t> shape;
    std::size_t count = 1;
    for (const Dim* d : dims) {
      shape.push_back(d->size);
      count *= d->size;
    }
    if (data.size() != count)
      throw RuntimeFailure("internal error: variable " + name + " has " + std::to_string(data.size()) +
                           " values, expected " + std::to_string(count));
    Dataset ds = create<T>(name, shape, storage);
    write_all(ds, name, data.data());
    return finish(std::move(ds), name, dims, units, long_name);
  }

  /// A numeric variable whose data the caller writes (final agents).
  template <class T>
  hid_t empty_variable(const std::string& name, const std::vector<const Dim*>& dims, const std::string& units,
                       const std::string& long_name, Storage storage) {
    std::vector<hsize_t> shape;
    shape.reserve(dims.size());
    for (const Dim* d : dims) shape.push_back(d->size);
    Dataset ds = create<T>(name, shape, storage);
    return finish(std::move(ds), name, dims, units, long_name);
  }

  /// A variable of variable-length UTF-8 strings over `dims` whose data the
  /// caller writes (contiguous: HDF5 does not compress variable-length data).
  hid_t empty_string_variable(const std::string& name, const std::vector<const Dim*>& dims,
                              const std::string& long_name);

  hid_t file() const { return file_; }

  /// A 1-D variable of variable-length UTF-8 strings.
  void string_variable(const std::string& name, const Dim& dim, const std::vector<std::string>& values,
                       const std::string& long_name);

 private:
  template <class T>
  Dataset create(const std::string& name, const std::vector<hsize_t>& shape, const Storage& storage) {
    Dataspace space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                    "create dataspace for " + name);
    PropList dcpl = dataset_properties();
    const std::vector<hsize_t> chunk = chunk_shape(shape, storage, sizeof(T));
    if (!chunk.empty()) {
      check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "set chunking of " + name);
      check(H5Pset_shuffle(dcpl), "set shuffle filter of " + name);
      check(H5Pset_deflate(dcpl, kDeflateLevel), "set deflate filter of " + name);
    }
    const bool fill = storage.fill || (std::is_floating_point_v<T> && storage.nan_fill);
    if (fill) {
      const T value = fill_value<T>();
      check(H5Pset_fill_value(dcpl, native_type<T>(), &value), "set fill value of " + name);
    }
    Dataset ds(H5Dcreate2(file_, name.c_str(), file_type<T>(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
               "create variable " + name);
    // _FillValue must come first among the attributes for netCDF-C.
    if (fill) number_attribute<T>(ds, "_FillValue", fill_value<T>(), name);
    return ds;
  }

  Dataset create_strings(const std::string& name, const std::vector<hsize_t>& shape);

  template <class T>
  void write_all(hid_t ds, const std::string& name, const T* data) {
    Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
    if (H5Sget_simple_extent_npoints(space) == 0) return;
    check(H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  }

  void write_strings(hid_t ds, const std::string& name, const std::vector<std::string>& values);
  const Dim& add_dim(const std::string& name, hsize_t size, Dataset ds, const char* scale_name);
  hid_t finish(Dataset ds, const std::string& name, const std::vector<const Dim*>& dims,
               const std::string& units, const std::string& long_name);

  hid_t file_;
  std::vector<Dataset> owned_;  // dimension scales and variables, closed with the Writer
  std::vector<std::unique_ptr<Dim>> dims_;
};

// ---------------------------------------------------------------------------
// Files.

/// The current UTC time as 2024-01-02T03:04:05Z.
std::string utc_now_iso8601();

/// fsync a file or directory; best effort for directories (some filesystems refuse).
void sync_path(const fs::path& path, bool directory);

// ---------------------------------------------------------------------------
// Reading back.

File open_for_reading(const fs::path& path);

/// The last component of an object's path in its file.
std::string object_basename(hid_t obj);

/// The creation and access properties of a file set up as netCDF-C does: link
/// and attribute creation order tracked and indexed, libver bounds
/// EARLIEST..V18. `chunk_cache_bytes` > 0 bounds the chunk cache of each
/// dataset (default 1 MB).
struct NetcdfFileProperties {
  PropList creation, access;
};
NetcdfFileProperties netcdf_file_properties(std::size_t chunk_cache_bytes = 0);

/// A new, empty file with netcdf_file_properties(). Fails if `path` exists.
File create_netcdf_file(const fs::path& path, std::size_t chunk_cache_bytes = 0);

}  // namespace geosim::hdf5
