// The HDF5 plumbing (engine/io/detail/hdf5.hpp): errors as exceptions,
// handles, attributes, the Writer's dimensions, variables and chunking.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "io/detail/hdf5.hpp"
#include "support/temp_files.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::hdf5;

namespace {

std::string read_text_attribute(hid_t obj, const char* name) {
  Attribute a(H5Aopen(obj, name, H5P_DEFAULT), "open attribute");
  Datatype t(H5Aget_type(a), "attribute type");
  if (H5Tis_variable_str(t) > 0) {
    char* p = nullptr;
    check(H5Aread(a, t, &p), "read");
    std::string out = p;
    H5free_memory(p);
    return out;
  }
  std::string out(H5Tget_size(t), '\0');
  check(H5Aread(a, t, out.data()), "read");
  out.resize(std::min(out.size(), out.find('\0')));
  return out;
}

std::vector<hsize_t> chunking(hid_t file, const char* name) {
  Dataset ds(H5Dopen2(file, name, H5P_DEFAULT), "open");
  PropList dcpl(H5Dget_create_plist(ds), "dcpl");
  if (H5Pget_layout(dcpl) != H5D_CHUNKED) return {};
  std::vector<hsize_t> dims(4);
  const int rank = H5Pget_chunk(dcpl, 4, dims.data());
  dims.resize(static_cast<std::size_t>(rank));
  return dims;
}

}  // namespace

TEST_CASE("hdf5: failures throw RuntimeFailure with HDF5's innermost message") {
  const testing::ScopedTempDir dir("hdf5_errors");
  const SilenceHdf5 silence;
  try {
    open_for_reading(dir.path / "missing.h5");
    FAIL("expected RuntimeFailure");
  } catch (const RuntimeFailure& e) {
    const std::string what = e.what();
    CHECK(what.find("open " + (dir.path / "missing.h5").string()) == 0);
    CHECK(what.find("(HDF5: ") != std::string::npos);
  }
  CHECK(hdf5_message().empty());  // the stack was cleared
  CHECK_THROWS_AS(check(-1, "anything"), RuntimeFailure);
  CHECK_NOTHROW(check(0, "anything"));
  CHECK_THROWS_AS(check_id(H5I_INVALID_HID, "an id"), RuntimeFailure);
  CHECK(check_id(7, "an id") == 7);
}

TEST_CASE("hdf5: handles close once and move") {
  Dataspace a(H5Screate(H5S_SCALAR), "scalar");
  const hid_t id = a;
  CHECK(H5Iis_valid(id) > 0);
  Dataspace b(std::move(a));
  CHECK(a.get() == H5I_INVALID_HID);  // NOLINT: moved-from is empty by contract
  CHECK(b.get() == id);
  b.close("close");
  CHECK(b.get() == H5I_INVALID_HID);
  CHECK(H5Iis_valid(id) <= 0);
  CHECK(is_ascii("plain text"));
  CHECK_FALSE(is_ascii("Қазақстан"));
  CHECK_FALSE(is_ascii(std::string("nul\0inside", 10)));
}

TEST_CASE("hdf5: automatic chunking takes whole rows up to kChunkBytes") {
  const Storage automatic{};
  CHECK(chunk_shape({100, 3, 4}, automatic, 8) == std::vector<hsize_t>{100, 3, 4});
  CHECK(chunk_shape({10000, 4}, automatic, 8) == std::vector<hsize_t>{kChunkBytes / 32, 4});
  CHECK(chunk_shape({5, 100000}, automatic, 8) == std::vector<hsize_t>{1, 100000});  // at least a row
  CHECK(chunk_shape({7, 0}, automatic, 8).empty());                                  // no values
  CHECK(chunk_shape({}, automatic, 8).empty());                                      // scalar
  CHECK(chunk_shape({7, 2}, Storage{false, {}, false}, 8).empty());                  // contiguous
  CHECK(chunk_shape({7, 2}, Storage{true, {100, 1}, false}, 8) == std::vector<hsize_t>{7, 1});  // clipped
}

TEST_CASE("hdf5: a netCDF file with dimensions, variables and attributes") {
  const testing::ScopedTempDir dir("hdf5_writer");
  const fs::path path = dir.path / "w.h5";
  {
    File file = create_netcdf_file(path);
    Writer w(file);
    const Dim& x = w.label_coordinate("x", {"a", "b", "c"}, "letters");
    const Dim& n = w.plain_dimension("n", 2);
    const Dim& t = w.coordinate<double>("t", {0.0, 1.5}, "days since 2000-01-01", "time");
    CHECK(x.size == 3);
    CHECK(n.size == 2);
    CHECK(t.name == "t");
    const hid_t v = w.variable<double>("v", {&t, &x}, {1, 2, 3, 4, 5, std::nan("")}, "m", "a value",
                                       Storage{true, {}, true});
    text_attribute(v, "note", "Қазақстан", "v");
    number_attribute<std::int32_t>(v, "answer", 42, "v");
    w.variable<std::int8_t>("flags", {&n}, {0, 1}, "1", "flags", Storage{false, {}, false});
    w.string_variable("names", x, {"alpha", "бета", ""}, "names");
    CHECK_THROWS_AS(w.variable<double>("short", {&t, &x}, {1.0}, "1", "too few"), RuntimeFailure);
    CHECK_THROWS_AS(w.string_variable("bad", x, {"one"}, "too few"), RuntimeFailure);
    utf8_attribute(file, "free_text", "any\ttext — ü", "/");
    provenance_attributes(file);
  }
  {
    const SilenceHdf5 silence;
    CHECK_THROWS_AS(create_netcdf_file(path), RuntimeFailure);  // exists
  }
  File file = open_for_reading(path);
  Dataset v(H5Dopen2(file, "v", H5P_DEFAULT), "open v");
  CHECK(object_basename(v) == "v");
  CHECK(read_text_attribute(v, "units") == "m");
  CHECK(read_text_attribute(v, "long_name") == "a value");
  CHECK(read_text_attribute(v, "note") == "Қазақстан");
  CHECK(H5Aexists(v, "_FillValue") > 0);
  CHECK(H5DSis_attached(v, Dataset(H5Dopen2(file, "t", H5P_DEFAULT), "open t"), 0) > 0);
  CHECK(H5DSis_attached(v, Dataset(H5Dopen2(file, "x", H5P_DEFAULT), "open x"), 1) > 0);
  CHECK(chunking(file, "v") == std::vector<hsize_t>{2, 3});
  CHECK(chunking(file, "flags").empty());
  std::vector<double> values(6);
  check(H5Dread(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read v");
  CHECK(values[4] == 5.0);
  CHECK(std::isnan(values[5]));
  CHECK(read_text_attribute(file, "free_text") == "any\ttext — ü");
  CHECK_FALSE(read_text_attribute(file, "geosim_version").empty());
  CHECK(utc_now_iso8601().size() == 20);
  CHECK_NOTHROW(sync_path(path, false));
  CHECK_NOTHROW(sync_path(dir.path, true));
  CHECK_THROWS_AS(sync_path(dir.path / "missing", false), RuntimeFailure);
}
