// Reading a results file back (geosim/io/results.hpp): minimal, for tests and tools.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim {

using namespace hdf5;  // engine/io/detail/hdf5.hpp: handles, attributes, Writer

Variable read_variable(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open variable " + name + " in " + path.string());
  Datatype type(H5Dget_type(ds), "get type of " + name);
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw RuntimeFailure("variable " + name + " in " + path.string() + " is not numeric");
  Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail("get rank of " + name);
  Variable v;
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0) fail("get shape of " + name);
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
    check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.values.data()), "read " + name);
  if (H5Aexists(ds, "_FillValue") > 0) {
    Attribute fill(H5Aopen(ds, "_FillValue", H5P_DEFAULT), "open _FillValue of " + name);
    check(H5Aread(fill, H5T_NATIVE_DOUBLE, &v.fill), "read _FillValue of " + name);
  }
  return v;
}

bool has_variable(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  return H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> read_labels(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "open variable " + name + " in " + path.string());
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

std::string read_string_attribute(const std::filesystem::path& path, const std::string& name,
                                  const std::string& object) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Attribute attr(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
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
