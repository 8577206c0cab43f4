// HDF5 results files, netCDF-4 compatible. The layout is documented in
// docs/results-format.md; keep the two in step (and bump
// kResultsFormatVersion on any incompatible change).
//
// How the file is made readable by netCDF-C, xarray and ncdump (see
// /work/shared/ecosystem-notes.md): creation order tracked and indexed on
// links and attributes, libver bounds EARLIEST..V18, every dimension a
// dimension scale attached to every axis of every variable, ASCII attributes
// as fixed-length NUL-padded scalars, free text as scalar variable-length
// UTF-8 strings, and time as CF "days since" numbers.
#include "geosim/output.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "geosim/build_info.hpp"
#include "geosim/errors.hpp"
#include "geosim/population.hpp"

namespace geosim {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// HDF5 plumbing: errors as exceptions, handles as RAII.

/// Turns off HDF5's automatic printing of its error stack for the lifetime of
/// the guard (per thread in a thread-safe HDF5), restoring it afterwards.
class SilenceHdf5 {
 public:
  SilenceHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~SilenceHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  SilenceHdf5(const SilenceHdf5&) = delete;
  SilenceHdf5& operator=(const SilenceHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The innermost message of HDF5's current error stack (the most specific
/// one, e.g. "unable to open file ... No such file or directory"), then clears it.
std::string hdf5_message() {
  std::string innermost;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* out) -> herr_t {
        if (err->desc && *err->desc) *static_cast<std::string*>(out) = err->desc;
        return 0;
      },
      &innermost);
  H5Eclear2(H5E_DEFAULT);
  return innermost;
}

[[noreturn]] void fail(const std::string& what) {
  const std::string detail = hdf5_message();
  throw RuntimeFailure(detail.empty() ? what : what + " (HDF5: " + detail + ")");
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}
void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

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

Datatype vlen_utf8_type() {
  Datatype type(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set variable string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8 character set");
  return type;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80 && c != '\0'; });
}

// ---------------------------------------------------------------------------
// Attributes.

/// Creates a scalar attribute `name` of `type` on `obj` and writes `buf` (in `mem_type`).
void write_attribute(hid_t obj, const std::string& name, hid_t type, hid_t mem_type,
                     const void* buf, const std::string& where) {
  Dataspace space(H5Screate(H5S_SCALAR), "create scalar dataspace");
  Attribute attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                 "create attribute " + name + " on " + where);
  check(H5Awrite(attr, mem_type, buf), "write attribute " + name + " on " + where);
}

/// A text attribute. ASCII: fixed-length, NUL-padded scalar (netCDF reads it
/// as text, NC_CHAR). Anything else: scalar variable-length UTF-8 string
/// (netCDF reads it as a string attribute, NC_STRING).
void text_attribute(hid_t obj, const std::string& name, const std::string& value,
                    const std::string& where) {
  if (!is_ascii(value)) {
    Datatype type = vlen_utf8_type();
    const char* ptr = value.c_str();
    write_attribute(obj, name, type, type, &ptr, where);
    return;
  }
  Datatype type(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(type, std::max<std::size_t>(value.size(), 1)), "set string size");
  check(H5Tset_strpad(type, H5T_STR_NULLTERM), "set string padding");
  check(H5Tset_cset(type, H5T_CSET_ASCII), "set ASCII character set");
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attribute(obj, name, type, type, padded.data(), where);
}

/// Free text of any content (the scenario file as given): always a scalar
/// variable-length UTF-8 string, written byte for byte.
void utf8_attribute(hid_t obj, const std::string& name, const std::string& value,
                    const std::string& where) {
  Datatype type = vlen_utf8_type();
  const char* ptr = value.c_str();
  write_attribute(obj, name, type, type, &ptr, where);
}

template <class T>
void number_attribute(hid_t obj, const std::string& name, T value, const std::string& where) {
  write_attribute(obj, name, file_type<T>(), native_type<T>(), &value, where);
}

// ---------------------------------------------------------------------------
// Datasets.

constexpr const char* kNoValuesScale = "This is a netCDF dimension but not a netCDF variable.";
constexpr std::size_t kChunkBytes = 1 << 16;  // target uncompressed chunk size
constexpr unsigned kDeflateLevel = 4;

/// Dataset creation properties netCDF-C uses: attribute creation order
/// tracked and indexed; fill value written never (we write every value).
PropList dataset_properties() {
  PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), "create dataset properties");
  check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set attribute creation order");
  return dcpl;
}

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
};

class Writer {
 public:
  explicit Writer(hid_t file) : file_(file) {}

  /// A dimension with a coordinate variable of values (time).
  template <class T>
  const Dim& coordinate(const std::string& name, const std::vector<T>& values,
                        const std::string& units, const std::string& long_name) {
    Dataset ds = create<T>(name, {values.size()}, Storage{false, {}, false});
    write_all(ds, name, values.data());
    text_attribute(ds, "units", units, name);
    text_attribute(ds, "long_name", long_name, name);
    return add_dim(name, values.size(), std::move(ds), name.c_str());
  }

  /// A dimension labelled by strings (power codes, channel names, ...).
  const Dim& label_coordinate(const std::string& name, const std::vector<std::string>& labels,
                              const std::string& long_name) {
    Dataset ds = create_strings(name, {labels.size()});
    write_strings(ds, name, labels);
    text_attribute(ds, "long_name", long_name, name);
    return add_dim(name, labels.size(), std::move(ds), name.c_str());
  }

  /// A dimension without values (netCDF's "dimension but not a variable").
  const Dim& plain_dimension(const std::string& name, hsize_t size) {
    Dataspace space(H5Screate_simple(1, &size, nullptr), "create dataspace for " + name);
    PropList dcpl = dataset_properties();
    Dataset ds(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32BE, space, H5P_DEFAULT, dcpl,
                          H5P_DEFAULT),
               "create dimension " + name);
    char scale_name[128];
    std::snprintf(scale_name, sizeof scale_name, "%s%10d", kNoValuesScale, static_cast<int>(size));
    return add_dim(name, size, std::move(ds), scale_name);
  }

  /// A numeric variable over `dims`, data row-major; checks the size.
  template <class T>
  hid_t variable(const std::string& name, const std::vector<const Dim*>& dims,
                 const std::vector<T>& data, const std::string& units,
                 const std::string& long_name, Storage storage = {}) {
    std::vector<hsize_t> shape;
    std::size_t count = 1;
    for (const Dim* d : dims) {
      shape.push_back(d->size);
      count *= d->size;
    }
    if (data.size() != count)
      throw RuntimeFailure("internal error: variable " + name + " has " +
                           std::to_string(data.size()) + " values, expected " +
                           std::to_string(count));
    Dataset ds = create<T>(name, shape, storage);
    write_all(ds, name, data.data());
    return finish(std::move(ds), name, dims, units, long_name);
  }

  /// A numeric variable whose data the caller writes (final agents).
  template <class T>
  hid_t empty_variable(const std::string& name, const std::vector<const Dim*>& dims,
                       const std::string& units, const std::string& long_name, Storage storage) {
    std::vector<hsize_t> shape;
    for (const Dim* d : dims) shape.push_back(d->size);
    Dataset ds = create<T>(name, shape, storage);
    return finish(std::move(ds), name, dims, units, long_name);
  }

  /// A 1-D variable of variable-length UTF-8 strings.
  void string_variable(const std::string& name, const Dim& dim,
                       const std::vector<std::string>& values, const std::string& long_name) {
    if (values.size() != dim.size)
      throw RuntimeFailure("internal error: variable " + name + " has " +
                           std::to_string(values.size()) + " values, expected " +
                           std::to_string(dim.size));
    Dataset ds = create_strings(name, {dim.size});
    write_strings(ds, name, values);
    finish(std::move(ds), name, {&dim}, "", long_name);
  }

 private:
  template <class T>
  Dataset create(const std::string& name, const std::vector<hsize_t>& shape, Storage storage) {
    Dataspace space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                    "create dataspace for " + name);
    PropList dcpl = dataset_properties();
    const bool any_zero = std::find(shape.begin(), shape.end(), 0) != shape.end();
    if (storage.compress && !any_zero && !shape.empty()) {
      std::vector<hsize_t> chunk = storage.chunk;
      if (chunk.empty()) {
        // Whole extent on every axis but the first; as many first-axis rows as fit kChunkBytes.
        chunk = shape;
        std::size_t row_bytes = sizeof(T);
        for (std::size_t i = 1; i < shape.size(); ++i) row_bytes *= shape[i];
        chunk[0] = std::clamp<hsize_t>(kChunkBytes / row_bytes, 1, shape[0]);
      }
      for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = std::min(chunk[i], shape[i]);
      check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()),
            "set chunking of " + name);
      check(H5Pset_shuffle(dcpl), "set shuffle filter of " + name);
      check(H5Pset_deflate(dcpl, kDeflateLevel), "set deflate filter of " + name);
    }
    if constexpr (std::is_floating_point_v<T>) {
      if (storage.nan_fill) {
        const T nan = std::numeric_limits<T>::quiet_NaN();
        check(H5Pset_fill_value(dcpl, native_type<T>(), &nan), "set fill value of " + name);
      }
    }
    Dataset ds(H5Dcreate2(file_, name.c_str(), file_type<T>(), space, H5P_DEFAULT, dcpl,
                          H5P_DEFAULT),
               "create variable " + name);
    if constexpr (std::is_floating_point_v<T>) {
      if (storage.nan_fill) {
        // _FillValue must come first among the attributes for netCDF-C.
        number_attribute<T>(ds, "_FillValue", std::numeric_limits<T>::quiet_NaN(), name);
      }
    }
    return ds;
  }

  Dataset create_strings(const std::string& name, const std::vector<hsize_t>& shape) {
    Dataspace space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                    "create dataspace for " + name);
    PropList dcpl = dataset_properties();
    Datatype type = vlen_utf8_type();
    return Dataset(H5Dcreate2(file_, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                   "create variable " + name);
  }

  template <class T>
  void write_all(hid_t ds, const std::string& name, const T* data) {
    Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
    if (H5Sget_simple_extent_npoints(space) == 0) return;
    check(H5Dwrite(ds, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  }

  void write_strings(hid_t ds, const std::string& name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) ptrs.push_back(v.c_str());
    Datatype type = vlen_utf8_type();
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
  }

  const Dim& add_dim(const std::string& name, hsize_t size, Dataset ds, const char* scale_name) {
    check(H5DSset_scale(ds, scale_name), "make " + name + " a dimension scale");
    Dim dim{name, size, ds.get()};
    owned_.push_back(std::move(ds));
    dims_.push_back(std::make_unique<Dim>(dim));
    return *dims_.back();
  }

  hid_t finish(Dataset ds, const std::string& name, const std::vector<const Dim*>& dims,
               const std::string& units, const std::string& long_name) {
    for (std::size_t axis = 0; axis < dims.size(); ++axis)
      check(H5DSattach_scale(ds, dims[axis]->scale, static_cast<unsigned>(axis)),
            "attach dimension " + dims[axis]->name + " to " + name);
    if (!units.empty()) text_attribute(ds, "units", units, name);
    text_attribute(ds, "long_name", long_name, name);
    const hid_t id = ds.get();
    owned_.push_back(std::move(ds));
    return id;
  }

  hid_t file_;
  std::vector<Dataset> owned_;  // dimension scales and variables, closed with the Writer
  std::vector<std::unique_ptr<Dim>> dims_;
};

// ---------------------------------------------------------------------------
// The results file.

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw RuntimeFailure("internal error: " + what);
}

/// Writes the final attitudes in slabs of `kSlab` citizens: final_attitude
/// [citizen][power] (transposed from the population's [target][power][citizen]),
/// citizen_target and citizen_group.
void write_final_agents(Writer& w, const Population& pop, const Dim& citizen, const Dim& power,
                        const Dim& target, const Dim& group) {
  constexpr hsize_t kSlab = 65536;
  const int P = pop.num_powers(), T = pop.num_targets(), G = pop.num_groups();
  const hsize_t N = static_cast<hsize_t>(pop.size());
  require(P == static_cast<int>(power.size) && T == static_cast<int>(target.size) &&
              G == static_cast<int>(group.size),
          "final population does not match the scenario's powers, targets and groups");
  const bool small_t = T <= std::numeric_limits<std::int16_t>::max();
  const bool small_g = G <= std::numeric_limits<std::int16_t>::max();

  const Storage slabbed{true, {kSlab, static_cast<hsize_t>(P)}, false};
  const hid_t att = w.empty_variable<float>(
      "final_attitude", {&citizen, &power}, "1",
      "attitude of each citizen toward each power at the end of the run (-1 hostile .. 1 favourable)",
      slabbed);
  const Storage slabbed1{true, {kSlab}, false};
  const std::string tl = "index of the citizen's target (0-based position on the target dimension)";
  const std::string gl = "index of the citizen's group (0-based position on the group dimension)";
  const hid_t ct = small_t ? w.empty_variable<std::int16_t>("citizen_target", {&citizen}, "1", tl, slabbed1)
                           : w.empty_variable<std::int32_t>("citizen_target", {&citizen}, "1", tl, slabbed1);
  const hid_t cg = small_g ? w.empty_variable<std::int16_t>("citizen_group", {&citizen}, "1", gl, slabbed1)
                           : w.empty_variable<std::int32_t>("citizen_group", {&citizen}, "1", gl, slabbed1);
  if (N == 0) return;

  std::vector<float> att_buf;
  std::vector<std::int32_t> t_buf, g_buf;
  std::vector<std::int16_t> narrow;
  auto write_slab = [&](hid_t ds, hsize_t start, hsize_t rows, hsize_t cols, hid_t mem_type,
                        const void* buf, const char* name) {
    Dataspace file_space(H5Dget_space(ds), std::string("get dataspace of ") + name);
    const hsize_t offset[2] = {start, 0}, count[2] = {rows, cols};
    const int rank = cols ? 2 : 1;
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, offset, nullptr, count, nullptr),
          std::string("select citizens in ") + name);
    Dataspace mem_space(H5Screate_simple(rank, count, nullptr), "create memory dataspace");
    check(H5Dwrite(ds, mem_type, mem_space, file_space, H5P_DEFAULT, buf),
          std::string("write ") + name);
  };
  auto write_index = [&](hid_t ds, bool is_small, hsize_t start, const std::vector<std::int32_t>& v,
                         const char* name) {
    if (is_small) {
      narrow.assign(v.begin(), v.end());
      write_slab(ds, start, v.size(), 0, H5T_NATIVE_SHORT, narrow.data(), name);
    } else {
      write_slab(ds, start, v.size(), 0, H5T_NATIVE_INT32, v.data(), name);
    }
  };

  int t = 0;
  for (hsize_t start = 0; start < N; start += kSlab) {
    const hsize_t end = std::min(N, start + kSlab);
    att_buf.assign((end - start) * static_cast<hsize_t>(P), 0.0f);
    t_buf.clear();
    g_buf.clear();
    for (hsize_t i = start; i < end;) {
      while (static_cast<hsize_t>(pop.target_begin(t) + pop.target_size(t)) <= i) ++t;
      const std::int64_t local0 = static_cast<std::int64_t>(i) - pop.target_begin(t);
      const std::int64_t run = std::min<std::int64_t>(
          pop.target_size(t) - local0, static_cast<std::int64_t>(end - i));
      for (int p = 0; p < P; ++p) {
        const auto x = pop.attitudes(t, p);
        for (std::int64_t k = 0; k < run; ++k)
          att_buf[(i - start + static_cast<hsize_t>(k)) * static_cast<hsize_t>(P) +
                  static_cast<hsize_t>(p)] = x[static_cast<std::size_t>(local0 + k)];
      }
      int g = 0;
      for (std::int64_t k = 0; k < run; ++k) {
        const std::int64_t local = local0 + k;
        while (g < G - 1 && pop.group_begin(t, g + 1) <= local) ++g;
        t_buf.push_back(t);
        g_buf.push_back(g);
      }
      i += static_cast<hsize_t>(run);
    }
    write_slab(att, start, end - start, static_cast<hsize_t>(P), H5T_NATIVE_FLOAT, att_buf.data(),
               "final_attitude");
    write_index(ct, small_t, start, t_buf, "citizen_target");
    write_index(cg, small_g, start, g_buf, "citizen_group");
  }
}

void write_file(const fs::path& path, const Scenario& sc, const RunRecord& rec,
                const Population* agents, const RunInfo& info) {
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups();
  const int I = static_cast<int>(sc.institutions.size());
  require(rec.powers == P && rec.targets == T && rec.groups == G,
          "run record dimensions (" + std::to_string(rec.powers) + " powers, " +
              std::to_string(rec.targets) + " targets, " + std::to_string(rec.groups) +
              " groups) do not match the scenario");
  require(rec.institutions == I, "run record has " + std::to_string(rec.institutions) +
                                     " institutions, the scenario " + std::to_string(I));
  require(rec.rows >= 1, "run record has no rows");

  PropList fcpl(H5Pcreate(H5P_FILE_CREATE), "create file creation properties");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set link creation order");
  check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set attribute creation order");
  PropList fapl(H5Pcreate(H5P_FILE_ACCESS), "create file access properties");
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "set libver bounds");
  File file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl, fapl),
            "create " + path.string());

  {
    Writer w(file);
    const std::string start = sc.start.str();
    const std::string time_units = "days since " + start;
    const long epoch0 = sc.start.days_since_epoch();

    // Dimensions and their coordinates.
    std::vector<double> days(static_cast<std::size_t>(rec.rows));
    for (int r = 0; r < rec.rows; ++r)
      days[static_cast<std::size_t>(r)] =
          static_cast<double>(sc.row_date(r).days_since_epoch() - epoch0);
    const Dim& time = w.coordinate<double>("time", days, time_units,
                                           "date of the row (row 0: initial state; row k: after k ticks)");
    {
      Dataset ds(H5Dopen2(file, "time", H5P_DEFAULT), "open time");
      text_attribute(ds, "calendar", "standard", "time");
      text_attribute(ds, "standard_name", "time", "time");
      text_attribute(ds, "axis", "T", "time");
    }
    std::vector<std::string> codes, names;
    for (const auto& p : sc.powers) codes.push_back(p.code), names.push_back(p.name);
    const Dim& power = w.label_coordinate("power", codes, "power code");
    std::vector<std::string> tcodes, tnames;
    for (const auto& t : sc.targets) tcodes.push_back(t.code), tnames.push_back(t.name);
    const Dim& target = w.label_coordinate("target", tcodes, "target code");
    const Dim& channel = w.label_coordinate(
        "channel", {kChannelNames.begin(), kChannelNames.end()}, "channel of influence");
    std::vector<std::string> gnames;
    for (const auto& g : sc.groups) gnames.push_back(g.name);
    const Dim& group = w.label_coordinate("group", gnames, "citizen group");
    std::vector<std::string> inames;
    for (const auto& i : sc.institutions) inames.push_back(i.name);
    const Dim& institution = w.label_coordinate("institution", inames, "institution");
    const Dim& event = w.plain_dimension("event", sc.events.size());
    const Dim* citizen =
        agents ? &w.plain_dimension("citizen", static_cast<hsize_t>(agents->size())) : nullptr;

    w.string_variable("power_name", power, names, "power name");
    w.string_variable("target_name", target, tnames, "target name");

    // Time series: straight copies of the RunRecord arrays.
    const Storage nan_fill{true, {}, true};
    w.variable("budget", {&time, &power, &channel}, rec.budget, "budget units per tick",
               "budget of each power for each channel for the next tick");
    w.variable("allocation", {&time, &channel, &power, &target}, rec.allocation,
               "budget units per tick",
               "budget spent by each power on each target in the tick ending at this row "
               "(NaN in row 0)",
               nan_fill);
    w.variable("stock", {&time, &channel, &power, &target}, rec.stock, "budget units",
               "influence stock of each power in each target");
    w.variable("influence", {&time, &channel, &power, &target}, rec.influence, "1",
               "influence share of each power in each target (Tullock contest)");
    w.variable("autonomy_stock", {&time, &channel, &target}, rec.autonomy_stock, "budget units",
               "autonomy stock of each target (its own independence)");
    w.variable("autonomy_share", {&time, &channel, &target}, rec.autonomy_share, "1",
               "influence share of each target's own autonomy (Tullock contest)");
    w.variable("alignment", {&time, &power, &target}, rec.alignment, "1",
               "government alignment of each target with each power");
    w.variable("alignment_self", {&time, &target}, rec.alignment_self, "1",
               "government alignment of each target with itself (non-alignment)");
    w.variable("attitude_mean", {&time, &power, &target}, rec.attitude_mean, "1",
               "mean citizen attitude in each target toward each power (-1 .. 1)");
    w.variable("negative_share", {&time, &power, &target}, rec.negative_share, "1",
               "share of citizens with attitude below -negative_threshold");
    w.variable("positive_share", {&time, &power, &target}, rec.positive_share, "1",
               "share of citizens with attitude above negative_threshold");
    w.variable("group_attitude_mean", {&time, &group, &power, &target}, rec.group_attitude_mean,
               "1", "mean attitude of each citizen group (NaN where the target has none)",
               nan_fill);
    w.variable("group_negative_share", {&time, &group, &power, &target},
               rec.group_negative_share, "1",
               "share of a group's citizens below -negative_threshold (NaN where the target has none)",
               nan_fill);
    w.variable("group_positive_share", {&time, &group, &power, &target},
               rec.group_positive_share, "1",
               "share of a group's citizens above negative_threshold (NaN where the target has none)",
               nan_fill);
    w.variable("campaigns_new", {&time, &power, &target}, rec.campaigns_new, "1",
               "protest campaigns against each power started in each target in this tick");
    w.variable("campaigns_active", {&time, &power, &target}, rec.campaigns_active, "1",
               "protest campaigns against each power active in each target during the next tick");
    const hid_t membership =
        w.variable("membership", {&time, &institution, &target}, rec.membership, "1",
                   "1 if the target is a member of the institution at this row, else 0");
    {
      const std::int8_t flags[2] = {0, 1};
      const hsize_t two = 2;
      Dataspace space(H5Screate_simple(1, &two, nullptr), "create dataspace");
      Attribute attr(H5Acreate2(membership, "flag_values", H5T_STD_I8LE, space, H5P_DEFAULT,
                                H5P_DEFAULT),
                     "create flag_values");
      check(H5Awrite(attr, H5T_NATIVE_SCHAR, flags), "write flag_values");
      text_attribute(membership, "flag_meanings", "not_member member", "membership");
    }

    // Event log.
    std::vector<std::string> ids, notes;
    std::vector<double> etime;
    std::vector<std::int32_t> etick;
    std::vector<std::int8_t> applied;
    int skipped = 0;
    for (const auto& e : sc.events) {
      ids.push_back(e.id);
      notes.push_back(e.note);
      etime.push_back(static_cast<double>(e.date.days_since_epoch() - epoch0));
      etick.push_back(e.tick);
      applied.push_back(e.tick < sc.ticks ? 1 : 0);
      skipped += e.tick < sc.ticks ? 0 : 1;
    }
    w.string_variable("event_id", event, ids, "event identifier");
    w.variable("event_time", {&event}, etime, time_units, "date of the event", {false, {}, false});
    w.variable("event_tick", {&event}, etick, "1", "tick at whose start the event applies",
               {false, {}, false});
    w.string_variable("event_note", event, notes, "event description");
    w.variable("event_applied", {&event}, applied, "1",
               "1 if the event was applied, 0 if skipped because the run was shortened",
               {false, {}, false});

    if (agents) write_final_agents(w, *agents, *citizen, power, target, group);

    // Global attributes.
    const hid_t root = file;
    text_attribute(root, "Conventions", "CF-1.8", "/");
    text_attribute(root, "title", "geosim run of scenario " + sc.name, "/");
    text_attribute(root, "geosim_results_format", kResultsFormatVersion, "/");
    text_attribute(root, "geosim_version", build_info::version, "/");
    text_attribute(root, "git_commit", build_info::git_commit, "/");
    text_attribute(root, "compiler", build_info::compiler, "/");
    text_attribute(root, "build_type", build_info::build_type, "/");
    text_attribute(root, "scenario_name", sc.name, "/");
    text_attribute(root, "scenario_description", sc.description, "/");
    text_attribute(root, "scenario_file", sc.source_path.string(), "/");
    utf8_attribute(root, "scenario_text", sc.source_text, "/");
    utf8_attribute(root, "resolved_parameters", sc.resolved_yaml, "/");
    number_attribute<std::uint64_t>(root, "seed", info.seed, "/");
    number_attribute<std::int32_t>(root, "ticks", sc.ticks, "/");
    number_attribute<std::int32_t>(root, "scenario_ticks", sc.scenario_ticks, "/");
    number_attribute<std::int32_t>(root, "truncated", sc.ticks < sc.scenario_ticks ? 1 : 0, "/");
    number_attribute<std::int32_t>(root, "events_skipped", skipped, "/");
    number_attribute<std::int32_t>(root, "step_months", sc.step_months, "/");
    number_attribute<double>(root, "negative_threshold", sc.negative_threshold, "/");
    text_attribute(root, "start_date", start, "/");
    text_attribute(root, "command_line", info.command_line, "/");
    text_attribute(root, "created", utc_now_iso8601(), "/");
    number_attribute<double>(root, "wall_seconds", info.wall_seconds, "/");
  }  // every dataset closed here
  file.close("close " + path.string());
}

/// fsync a file or directory; best effort for directories (some filesystems refuse).
void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) {
    if (directory) return;
    throw RuntimeFailure("cannot reopen " + path.string() + " to sync it: " +
                         std::system_category().message(errno));
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && !directory)
    throw RuntimeFailure("cannot sync " + path.string() + ": " + std::system_category().message(err));
}

// ---------------------------------------------------------------------------
// Reading back.

File open_for_reading(const fs::path& path) {
  return File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + path.string());
}

std::string object_basename(hid_t obj) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  if (n < 0) fail("get object name");
  std::string name(static_cast<std::size_t>(n) + 1, '\0');
  H5Iget_name(obj, name.data(), name.size());
  name.resize(static_cast<std::size_t>(n));
  const auto slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

void check_output_writable(const std::filesystem::path& path) {
  auto error = [&](const std::string& detail) {
    throw OutputError(SourceLocation{path.string(), 0, 0}, "-o", detail);
  };
  if (path.empty()) error("no output file given");
  std::error_code ec;
  if (fs::is_directory(path, ec)) error("is a directory; give a file name such as run.h5");
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::exists(parent, ec)) error("directory " + parent.string() + " does not exist");
  if (!fs::is_directory(parent, ec)) error(parent.string() + " is not a directory");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    error("directory " + parent.string() + " is not writable");
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0)
    error("file exists and is not writable");
}

void write_results(const std::filesystem::path& path, const Scenario& scenario,
                   const RunRecord& record, const Population* final_agents, const RunInfo& info) {
  const SilenceHdf5 silence;
  const fs::path tmp = fs::path(path.string() + ".tmp." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);  // a leftover of an earlier run with our pid
  try {
    write_file(tmp, scenario, record, final_agents, info);
    sync_path(tmp, false);
    fs::rename(tmp, path);
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    sync_path(parent, true);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    H5Eclear2(H5E_DEFAULT);
    throw RuntimeFailure("cannot write results to " + path.string() + ": " + e.what());
  }
}

Variable read_variable(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT),
             "open variable " + name + " in " + path.string());
  Datatype type(H5Dget_type(ds), "get type of " + name);
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw RuntimeFailure("variable " + name + " in " + path.string() + " is not numeric");
  Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail("get rank of " + name);
  Variable v;
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0)
    fail("get shape of " + name);
  v.shape.assign(shape.begin(), shape.end());
  for (int axis = 0; axis < rank; ++axis) {
    std::string dim;
    if (H5DSis_scale(ds) > 0) {
      dim = name;  // a coordinate variable is its own dimension
    } else {
      int idx = 0;
      H5DSiterate_scales(
          ds, static_cast<unsigned>(axis), &idx,
          [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
            *static_cast<std::string*>(out) = object_basename(scale);
            return 1;  // first scale only
          },
          &dim);
      H5Eclear2(H5E_DEFAULT);
    }
    v.dims.push_back(dim);
  }
  std::size_t count = 1;
  for (auto n : v.shape) count *= n;
  v.values.resize(count);
  if (count > 0)
    check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.values.data()),
          "read " + name);
  return v;
}

std::vector<std::string> read_labels(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT),
             "open variable " + name + " in " + path.string());
  Datatype type(H5Dget_type(ds), "get type of " + name);
  if (H5Tget_class(type) != H5T_STRING)
    throw RuntimeFailure("variable " + name + " in " + path.string() + " is not text");
  Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) fail("get size of " + name);
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(type) > 0) {
    Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
    check(H5Tset_size(mem, H5T_VARIABLE), "set string size");
    check(H5Tset_cset(mem, H5Tget_cset(type)), "set character set");
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buf(size * static_cast<std::size_t>(n));
    check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + name);
    for (hssize_t i = 0; i < n; ++i) {
      std::string s(buf.data() + static_cast<std::size_t>(i) * size, size);
      s.resize(std::min(s.size(), s.find('\0')));
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string read_string_attribute(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Attribute attr(H5Aopen_by_name(file, "/", name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 "open attribute " + name + " in " + path.string());
  Datatype type(H5Aget_type(attr), "get type of attribute " + name);
  if (H5Tget_class(type) != H5T_STRING)
    throw RuntimeFailure("attribute " + name + " in " + path.string() + " is not text");
  if (H5Tis_variable_str(type) > 0) {
    Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
    check(H5Tset_size(mem, H5T_VARIABLE), "set string size");
    check(H5Tset_cset(mem, H5Tget_cset(type)), "set character set");
    char* ptr = nullptr;
    check(H5Aread(attr, mem, &ptr), "read attribute " + name);
    std::string out = ptr ? ptr : "";
    Dataspace space(H5Screate(H5S_SCALAR), "create scalar dataspace");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &ptr);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  std::string out(size, '\0');
  check(H5Aread(attr, type, out.data()), "read attribute " + name);
  out.resize(std::min(out.size(), out.find('\0')));
  return out;
}

}  // namespace geosim
