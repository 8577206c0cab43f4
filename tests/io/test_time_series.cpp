// The time series of a run file (engine/io/time_series.cpp): one variable
// per catalogue entry, with its dims after time, its values, units,
// long_name, _FillValue and flags.
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

TEST_CASE("output: every time series round-trips with its dimensions") {
  TempDir dir("series");
  const Scenario s = tiny_scenario();
  const RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "tiny.h5";
  write_results(file, s, r, nullptr, RunInfo{});
  keep(file);

  using Dims = std::vector<std::string>;
  const std::vector<std::string> names{"budget",
                                       "allocation",
                                       "stock",
                                       "influence",
                                       "autonomy_stock",
                                       "autonomy_share",
                                       "alignment",
                                       "alignment_self",
                                       "attitude_mean",
                                       "negative_share",
                                       "positive_share",
                                       "group_attitude_mean",
                                       "group_negative_share",
                                       "group_positive_share",
                                       "campaigns_new",
                                       "campaigns_active",
                                       "membership"};
  const std::vector<Dims> dims{{"time", "power", "channel"},
                               {"time", "channel", "power", "target"},
                               {"time", "channel", "power", "target"},
                               {"time", "channel", "power", "target"},
                               {"time", "channel", "target"},
                               {"time", "channel", "target"},
                               {"time", "power", "target"},
                               {"time", "target"},
                               {"time", "power", "target"},
                               {"time", "power", "target"},
                               {"time", "power", "target"},
                               {"time", "group", "power", "target"},
                               {"time", "group", "power", "target"},
                               {"time", "group", "power", "target"},
                               {"time", "power", "target"},
                               {"time", "power", "target"},
                               {"time", "institution", "target"}};
  const std::map<std::string, std::size_t> sizes{{"time", 4},    {"power", 2}, {"target", 2},
                                                 {"channel", 3}, {"group", 1}, {"institution", 1}};
  for (std::size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    const Variable v = read_variable(file, name);
    CHECK_MESSAGE(v.dims == dims[k], name);
    REQUIRE(v.shape.size() == dims[k].size());
    for (std::size_t a = 0; a < dims[k].size(); ++a) CHECK(v.shape[a] == sizes.at(dims[k][a]));
    check_values(v, r.as_doubles(name), name);
  }
  CHECK(r.values<std::int32_t>("campaigns_active")[0] == 100);
}

TEST_CASE("output: flags and the NaN fill are written as the catalogue declares") {
  TempDir dir("series_attrs");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "tiny.h5";
  write_results(file, s, tiny_record(s), nullptr, RunInfo{});
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t ds = H5Dopen2(f, "membership", H5P_DEFAULT);
  REQUIRE(ds >= 0);
  const hid_t a = H5Aopen(ds, "flag_values", H5P_DEFAULT);
  REQUIRE(a >= 0);
  const hid_t space = H5Aget_space(a);
  CHECK(H5Sget_simple_extent_npoints(space) == 2);
  signed char flags[2] = {-1, -1};
  CHECK(H5Aread(a, H5T_NATIVE_SCHAR, flags) >= 0);
  CHECK(flags[0] == 0);
  CHECK(flags[1] == 1);
  H5Sclose(space);
  H5Aclose(a);
  H5Dclose(ds);
  for (const ResultsVariable& v : results_variables()) {
    if (!v.in_file(s)) {  // a mechanism the scenario does not use (migration): no dataset at all
      CHECK_MESSAGE(H5Lexists(f, v.name.c_str(), H5P_DEFAULT) == 0, v.name);
      continue;
    }
    const hid_t d = H5Dopen2(f, v.name.c_str(), H5P_DEFAULT);
    CHECK_MESSAGE((H5Aexists(d, "_FillValue") > 0) == v.nan_fill, v.name);
    CHECK_MESSAGE((H5Aexists(d, "flag_values") > 0) == !v.flag_meanings.empty(), v.name);
    H5Dclose(d);
  }
  H5Fclose(f);
}

TEST_CASE("output: a record whose series do not follow the catalogue is refused") {
  TempDir dir("series_bad");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "bad.h5";
  SUBCASE("a series missing") {
    RunRecord r = tiny_record(s);
    r.series.pop_back();
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  SUBCASE("a series of another type") {
    RunRecord r = tiny_record(s);
    r["budget"] = std::vector<std::int32_t>(r.values<double>("budget").size());
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  CHECK_FALSE(fs::exists(file));
  CHECK_FALSE(temp_left_in(dir.path));
}
