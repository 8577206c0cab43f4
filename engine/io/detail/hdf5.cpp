// HDF5 plumbing (io/detail/hdf5.hpp): errors, attributes, the Writer's
// dimensions and string variables, files.
#include "io/detail/hdf5.hpp"

#include "geosim/build_info.hpp"

namespace geosim::hdf5 {

SilenceHdf5::SilenceHdf5() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
SilenceHdf5::~SilenceHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

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

/// Creates a scalar attribute `name` of `type` on `obj` and writes `buf` (in `mem_type`).
void write_attribute(hid_t obj, const std::string& name, hid_t type, hid_t mem_type, const void* buf,
                     const std::string& where) {
  Dataspace space(H5Screate(H5S_SCALAR), "create scalar dataspace");
  Attribute attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                 "create attribute " + name + " on " + where);
  check(H5Awrite(attr, mem_type, buf), "write attribute " + name + " on " + where);
}

/// A text attribute. ASCII: fixed-length, NUL-padded scalar (netCDF reads it
/// as text, NC_CHAR). Anything else: scalar variable-length UTF-8 string
/// (netCDF reads it as a string attribute, NC_STRING).
void flag_attributes(hid_t obj, const std::string& meanings, const std::string& where) {
  std::vector<std::int8_t> flags{0};
  for (char c : meanings)
    if (c == ' ') flags.push_back(static_cast<std::int8_t>(flags.size()));
  const hsize_t n = flags.size();
  Dataspace space(H5Screate_simple(1, &n, nullptr), "create dataspace");
  Attribute attr(H5Acreate2(obj, "flag_values", H5T_STD_I8LE, space, H5P_DEFAULT, H5P_DEFAULT),
                 "create flag_values of " + where);
  check(H5Awrite(attr, H5T_NATIVE_SCHAR, flags.data()), "write flag_values of " + where);
  text_attribute(obj, "flag_meanings", meanings, where);
}

void text_attribute(hid_t obj, const std::string& name, const std::string& value, const std::string& where) {
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

/// Which geosim wrote a file: version, commit, compiler, build type (every results file).
void provenance_attributes(hid_t root) {
  text_attribute(root, "geosim_version", build_info::version, "/");
  text_attribute(root, "git_commit", build_info::git_commit, "/");
  text_attribute(root, "compiler", build_info::compiler, "/");
  text_attribute(root, "build_type", build_info::build_type, "/");
}

/// Free text of any content (the scenario file as given): always a scalar
/// variable-length UTF-8 string, written byte for byte.
void utf8_attribute(hid_t obj, const std::string& name, const std::string& value, const std::string& where) {
  Datatype type = vlen_utf8_type();
  const char* ptr = value.c_str();
  write_attribute(obj, name, type, type, &ptr, where);
}

/// Dataset creation properties netCDF-C uses: attribute creation order
/// tracked and indexed; fill value written never (we write every value).
PropList dataset_properties() {
  PropList dcpl(H5Pcreate(H5P_DATASET_CREATE), "create dataset properties");
  check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set attribute creation order");
  return dcpl;
}

std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, const Storage& storage,
                                 std::size_t elem_bytes) {
  const bool any_zero = std::find(shape.begin(), shape.end(), 0) != shape.end();
  if (!storage.compress || any_zero || shape.empty()) return {};
  std::vector<hsize_t> chunk = storage.chunk;
  if (chunk.empty()) {
    // Whole extent on every axis but the first; as many first-axis rows as fit kChunkBytes.
    chunk = shape;
    std::size_t row_bytes = elem_bytes;
    for (std::size_t i = 1; i < shape.size(); ++i) row_bytes *= shape[i];
    chunk[0] = std::clamp<hsize_t>(kChunkBytes / row_bytes, 1, shape[0]);
  }
  for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = std::min(chunk[i], shape[i]);
  return chunk;
}

const Dim& Writer::label_coordinate(const std::string& name, const std::vector<std::string>& labels,
                                    const std::string& long_name) {
  Dataset ds = create_strings(name, {labels.size()});
  write_strings(ds, name, labels);
  text_attribute(ds, "long_name", long_name, name);
  return add_dim(name, labels.size(), std::move(ds), name.c_str());
}

const Dim& Writer::plain_dimension(const std::string& name, hsize_t size) {
  Dataspace space(H5Screate_simple(1, &size, nullptr), "create dataspace for " + name);
  PropList dcpl = dataset_properties();
  Dataset ds(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32BE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
             "create dimension " + name);
  char scale_name[128];
  std::snprintf(scale_name, sizeof scale_name, "%s%10d", kNoValuesScale, static_cast<int>(size));
  return add_dim(name, size, std::move(ds), scale_name);
}

hid_t Writer::empty_string_variable(const std::string& name, const std::vector<const Dim*>& dims,
                                    const std::string& long_name) {
  std::vector<hsize_t> shape;
  shape.reserve(dims.size());
  for (const Dim* d : dims) shape.push_back(d->size);
  Dataset ds = create_strings(name, shape);
  return finish(std::move(ds), name, dims, "", long_name);
}

void Writer::string_variable(const std::string& name, const Dim& dim, const std::vector<std::string>& values,
                             const std::string& long_name) {
  if (values.size() != dim.size)
    throw RuntimeFailure("internal error: variable " + name + " has " + std::to_string(values.size()) +
                         " values, expected " + std::to_string(dim.size));
  Dataset ds = create_strings(name, {dim.size});
  write_strings(ds, name, values);
  finish(std::move(ds), name, {&dim}, "", long_name);
}

Dataset Writer::create_strings(const std::string& name, const std::vector<hsize_t>& shape) {
  Dataspace space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                  "create dataspace for " + name);
  PropList dcpl = dataset_properties();
  Datatype type = vlen_utf8_type();
  return Dataset(H5Dcreate2(file_, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                 "create variable " + name);
}

void Writer::write_strings(hid_t ds, const std::string& name, const std::vector<std::string>& values) {
  if (values.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Datatype type = vlen_utf8_type();
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
}

const Dim& Writer::add_dim(const std::string& name, hsize_t size, Dataset ds, const char* scale_name) {
  check(H5DSset_scale(ds, scale_name), "make " + name + " a dimension scale");
  Dim dim{name, size, ds.get()};
  owned_.push_back(std::move(ds));
  dims_.push_back(std::make_unique<Dim>(dim));
  return *dims_.back();
}

hid_t Writer::finish(Dataset ds, const std::string& name, const std::vector<const Dim*>& dims,
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

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// fsync a file or directory; best effort for directories (some filesystems refuse).
void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) {
    if (directory) return;
    throw RuntimeFailure("cannot reopen " + path.string() +
                         " to sync it: " + std::system_category().message(errno));
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && !directory)
    throw RuntimeFailure("cannot sync " + path.string() + ": " + std::system_category().message(err));
}

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
NetcdfFileProperties netcdf_file_properties(std::size_t chunk_cache_bytes) {
  PropList fcpl(H5Pcreate(H5P_FILE_CREATE), "create file creation properties");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set link creation order");
  check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "set attribute creation order");
  PropList fapl(H5Pcreate(H5P_FILE_ACCESS), "create file access properties");
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "set libver bounds");
  if (chunk_cache_bytes > 0)
    check(H5Pset_cache(fapl, 0, 521, chunk_cache_bytes, 0.75), "set chunk cache size");
  return {std::move(fcpl), std::move(fapl)};
}

File create_netcdf_file(const fs::path& path, std::size_t chunk_cache_bytes) {
  const NetcdfFileProperties p = netcdf_file_properties(chunk_cache_bytes);
  return File(H5Fcreate(path.c_str(), H5F_ACC_EXCL, p.creation, p.access), "create " + path.string());
}

}  // namespace geosim::hdf5
