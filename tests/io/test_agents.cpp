// The citizens of a run file (engine/io/agents.cpp): final attitudes,
// citizen_target and citizen_group, across slabs, compressed in parallel to
// exactly what HDF5 would store.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/model/population.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/run/resources.hpp"
#include "support/results_fixture.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using namespace geosim::testing::results;

namespace {

/// The stored (filtered) bytes of every chunk of dataset `name`, with each
/// chunk's filter mask as its first byte.
std::vector<std::vector<unsigned char>> stored_chunks(hid_t file, const char* name) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  const hid_t space = H5Dget_space(ds);  // HDF5 1.10 does not take H5S_ALL here
  hsize_t n = 0;
  REQUIRE(H5Dget_num_chunks(ds, space, &n) >= 0);
  std::vector<std::vector<unsigned char>> out;
  for (hsize_t i = 0; i < n; ++i) {
    hsize_t offset[2] = {0, 0}, size = 0;
    unsigned mask = 0;
    haddr_t addr = 0;
    REQUIRE(H5Dget_chunk_info(ds, space, i, offset, &mask, &addr, &size) >= 0);
    std::vector<unsigned char> bytes(1 + size);
    std::uint32_t read_mask = 0;
    REQUIRE(H5Dread_chunk(ds, H5P_DEFAULT, offset, &read_mask, bytes.data() + 1) >= 0);
    bytes[0] = static_cast<unsigned char>(read_mask);
    out.push_back(std::move(bytes));
  }
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

/// Copies dataset `name` of `from` into a new file `to` through HDF5's own
/// filter pipeline (H5Dwrite with the same creation properties).
void rewrite_with_hdf5(const fs::path& from, const fs::path& to, const char* name) {
  const hid_t src_file = H5Fopen(from.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t src = H5Dopen2(src_file, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(src), space = H5Dget_space(src), dcpl = H5Dget_create_plist(src);
  std::vector<unsigned char> data(H5Tget_size(type) *
                                  static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  REQUIRE(H5Dread(src, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0);
  const hid_t dst_file = H5Fcreate(to.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t dst = H5Dcreate2(dst_file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  REQUIRE(H5Dwrite(dst, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0);
  for (hid_t id : {dst, src}) H5Dclose(id);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Tclose(type);
  for (hid_t id : {dst_file, src_file}) H5Fclose(id);
}

}  // namespace

TEST_CASE("output: final agents are written when given") {
  TempDir dir("agents");
  Scenario s = tiny_scenario();
  s.output.agents = OutputSpec::Agents::final;
  const Population pop(s, 7);
  const fs::path file = dir.path / "agents.h5";
  write_results(file, s, tiny_record(s), &pop, RunInfo{});
  keep(file);

  const Variable att = read_variable(file, "final_attitude");
  CHECK(att.dims == std::vector<std::string>{"citizen", "power"});
  REQUIRE(att.shape == std::vector<std::size_t>{8, 2});
  const Variable ct = read_variable(file, "citizen_target");
  const Variable cg = read_variable(file, "citizen_group");
  CHECK(ct.dims == std::vector<std::string>{"citizen"});
  CHECK(ct.values == std::vector<double>{0, 0, 0, 0, 0, 1, 1, 1});
  CHECK(cg.values == std::vector<double>(8, 0.0));
  std::size_t i = 0;
  for (int t = 0; t < 2; ++t)
    for (std::int64_t k = 0; k < pop.target_size(t); ++k, ++i)
      for (int p = 0; p < 2; ++p)
        CHECK(att.values[i * 2 + static_cast<std::size_t>(p)] ==
              static_cast<double>(pop.attitudes(t, p)[static_cast<std::size_t>(k)]));

  // Without agents there is no citizen dimension.
  const fs::path plain = dir.path / "plain.h5";
  write_results(plain, s, tiny_record(s), nullptr, RunInfo{});
  CHECK_THROWS_AS(read_variable(plain, "final_attitude"), RuntimeFailure);
}

TEST_CASE("output: final agents across slabs and targets and groups") {
  TempDir dir("agents_big");
  Scenario s = tiny_scenario();
  GroupSpec second = s.groups[0];
  second.name = "students";
  second.attitude_mean = {-0.5, 0.5};
  s.groups.push_back(second);
  s.targets[0].citizens = 65530;  // the second target straddles the 65536-citizen slab boundary
  s.targets[0].group_share = {0.25, 0.75};
  s.targets[1].citizens = 70;
  s.targets[1].group_share = {0.0, 1.0};
  const Population pop(s, 11);
  RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "agents_big.h5";
  write_results(file, s, r, &pop, RunInfo{});

  const Variable att = read_variable(file, "final_attitude");
  const Variable ct = read_variable(file, "citizen_target");
  const Variable cg = read_variable(file, "citizen_group");
  REQUIRE(att.shape == std::vector<std::size_t>{65600, 2});
  REQUIRE(ct.values.size() == 65600);
  std::size_t i = 0, mismatches = 0;
  for (int t = 0; t < 2; ++t) {
    for (int g = 0; g < 2; ++g) {
      for (std::int64_t k = pop.group_begin(t, g); k < pop.group_begin(t, g + 1); ++k, ++i) {
        for (int p = 0; p < 2; ++p)
          mismatches += att.values[i * 2 + static_cast<std::size_t>(p)] !=
                        static_cast<double>(pop.attitudes(t, p)[static_cast<std::size_t>(k)]);
        mismatches += ct.values[i] != t;
        mismatches += cg.values[i] != g;
      }
    }
  }
  CHECK(i == 65600);
  CHECK(mismatches == 0);
  CHECK(pop.group_begin(1, 1) == 0);  // no citizen of the first group in the second target
}

TEST_CASE("output: final agents compressed in parallel are what HDF5 would store") {
  // The engine filters the chunks itself, in parallel, and writes them with
  // H5Dwrite_chunk: readers must see the population's attitudes, and the
  // stored chunks must be the bytes HDF5's shuffle + deflate would produce,
  // the zero-padded edge chunk included, whatever the thread count.
  TempDir dir("agents_parallel");
  Scenario s = tiny_scenario();
  s.targets[0].citizens = 200000;
  s.targets[1].citizens = 130003;  // 5 slabs of 65536 and 2323 citizens: several batches
  const Population pop(s, 5);
  for (int threads : {1, 2}) {
    INFO("threads ", threads);
    set_thread_count(threads);
    const fs::path file = dir.path / ("agents_" + std::to_string(threads) + ".h5");
    write_results(file, s, tiny_record(s), &pop, RunInfo{});
    set_thread_count(0);

    const Variable att = read_variable(file, "final_attitude");
    const Variable ct = read_variable(file, "citizen_target");
    REQUIRE(att.shape == std::vector<std::size_t>{330003, 2});
    std::size_t i = 0, mismatches = 0;
    for (int t = 0; t < 2; ++t)
      for (std::int64_t k = 0; k < pop.target_size(t); ++k, ++i) {
        for (int p = 0; p < 2; ++p)
          mismatches += att.values[i * 2 + static_cast<std::size_t>(p)] !=
                        static_cast<double>(pop.attitudes(t, p)[static_cast<std::size_t>(k)]);
        mismatches += ct.values[i] != t;
      }
    CHECK(mismatches == 0);

    for (const char* name : {"final_attitude", "citizen_target", "citizen_group"}) {
      INFO("variable ", std::string(name));
      const fs::path ref = dir.path / (std::string(name) + "_hdf5.h5");
      rewrite_with_hdf5(file, ref, name);
      const hid_t ours = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      const hid_t theirs = H5Fopen(ref.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      const auto a = stored_chunks(ours, name), b = stored_chunks(theirs, name);
      H5Fclose(ours);
      H5Fclose(theirs);
      CHECK(a.size() == 6);
      CHECK(a == b);
    }
  }
}
