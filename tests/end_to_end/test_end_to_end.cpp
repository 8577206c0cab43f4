// End to end from C++: the `geosim` CLI runs the Central Asia baseline, and
// the file it writes reads back through the library's reading API
// (read_variable, read_labels, read_string_attribute) with the right
// dimensions, labels and attributes and with exactly the numbers of the same
// run done in-process (geosim::run on the loaded scenario).
//
// By default the test runs the CLI itself with `--ticks 36` (fast). With
// GEOSIM_E2E_BASELINE=FILE it checks FILE instead, a full run of the baseline
// with its own seed: tests/baseline.cmake registers that as
// `baseline.cxx_read_back` on the file of its fixture.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

const fs::path kBaseline = fs::path(GEOSIM_SOURCE_DIR) / "scenarios" / "central_asia_2013.yaml";
constexpr int kShortTicks = 36;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A numeric global attribute, read with the HDF5 C API (the library reads text only).
template <class T>
T numeric_attribute(const fs::path& path, const char* name, hid_t memtype) {
  T value{};
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t attr = H5Aopen_by_name(file, "/", name, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE_MESSAGE(attr >= 0, "no attribute " << name);
  CHECK(H5Aread(attr, memtype, &value) >= 0);
  H5Aclose(attr);
  H5Fclose(file);
  return value;
}

/// Values equal element by element, NaN equal to NaN; reports the first difference.
template <class T>
void check_values(const std::string& name, const Variable& v, const std::vector<T>& expected) {
  INFO("variable " << name);
  REQUIRE(v.values.size() == expected.size());
  std::size_t differing = 0, first = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double want = static_cast<double>(expected[i]), got = v.values[i];
    const bool same = (std::isnan(want) && std::isnan(got)) || want == got;
    if (!same && differing++ == 0) first = i;
  }
  CHECK_MESSAGE(differing == 0, differing << " values differ, first at index " << first << ": file "
                                          << v.values[first] << ", in-process "
                                          << static_cast<double>(expected[first]));
}

using Dims = std::vector<std::string>;
using Shape = std::vector<std::size_t>;

}  // namespace

TEST_CASE("end to end: the CLI's baseline file reads back in C++ and equals an in-process run") {
  fs::path file;
  LoadOptions options;
  struct RemoveOnExit {
    fs::path path;
    ~RemoveOnExit() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } workdir;
  if (const char* given = std::getenv("GEOSIM_E2E_BASELINE")) {
    file = given;
    REQUIRE_MESSAGE(fs::exists(file), "GEOSIM_E2E_BASELINE=" << given << " does not exist");
  } else {
    workdir.path = fs::temp_directory_path() / ("geosim_e2e_" + std::to_string(::getpid()));
    fs::remove_all(workdir.path);
    fs::create_directories(workdir.path);
    file = workdir.path / "baseline.h5";
    const std::string command = quoted(GEOSIM_BINARY) + " run " + quoted(kBaseline) + " -o " + quoted(file) +
                                " --ticks " + std::to_string(kShortTicks) + " --quiet";
    const int status = std::system(command.c_str());
    REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), command << " failed: " << status);
    options.ticks = kShortTicks;
  }

  const Scenario scenario = load_scenario(kBaseline, options);
  const int P = scenario.num_powers(), T = scenario.num_targets(), G = scenario.num_groups();
  const int rows = scenario.ticks + 1;
  const RunResult result = run(scenario);
  const RunRecord& r = result.record;
  REQUIRE(r.rows == rows);

  {  // labels of every dimension
    CHECK(read_labels(file, "power") == std::vector<std::string>{"RUS", "CHN", "USA"});
    CHECK(read_labels(file, "power_name") == std::vector<std::string>{"Russia", "China", "United States"});
    CHECK(read_labels(file, "target") == std::vector<std::string>{"KAZ", "KGZ", "TJK", "UZB", "TKM"});
    CHECK(read_labels(file, "target_name") ==
          std::vector<std::string>{"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Turkmenistan"});
    CHECK(read_labels(file, "channel") == std::vector<std::string>{"economic", "security", "soft"});
    CHECK(read_labels(file, "group") ==
          std::vector<std::string>{"russophone_urban", "titular_urban", "titular_rural", "students"});
    CHECK(read_labels(file, "institution") == std::vector<std::string>{"EAEU", "CSTO", "SCO"});
    std::vector<std::string> ids;
    for (const auto& e : scenario.events) ids.push_back(e.id);
    CHECK(read_labels(file, "event_id") == ids);
  }

  {  // time holds days since the start, dated start + k months
    const Variable time = read_variable(file, "time");
    CHECK(time.dims == Dims{"time"});
    REQUIRE(time.shape == Shape{static_cast<std::size_t>(rows)});
    const long start = scenario.start.days_since_epoch();
    for (int k = 0; k < rows; ++k)
      CHECK(time.values[k] == static_cast<double>(scenario.row_date(k).days_since_epoch() - start));
    CHECK(scenario.start == Date{2013, 9, 1});
  }

  {  // every time series has its dimensions and the in-process numbers
    const std::size_t R = rows, np = P, nt = T, ng = G,
                      nc = static_cast<std::size_t>(scenario.num_channels());
    struct Expect {
      const char* name;
      Dims dims;
      Shape shape;
    };
    const std::vector<Expect> layout{
        {"budget", {"time", "power", "channel"}, {R, np, nc}},
        {"allocation", {"time", "channel", "power", "target"}, {R, nc, np, nt}},
        {"stock", {"time", "channel", "power", "target"}, {R, nc, np, nt}},
        {"influence", {"time", "channel", "power", "target"}, {R, nc, np, nt}},
        {"autonomy_stock", {"time", "channel", "target"}, {R, nc, nt}},
        {"autonomy_share", {"time", "channel", "target"}, {R, nc, nt}},
        {"alignment", {"time", "power", "target"}, {R, np, nt}},
        {"alignment_self", {"time", "target"}, {R, nt}},
        {"attitude_mean", {"time", "power", "target"}, {R, np, nt}},
        {"negative_share", {"time", "power", "target"}, {R, np, nt}},
        {"positive_share", {"time", "power", "target"}, {R, np, nt}},
        {"group_attitude_mean", {"time", "group", "power", "target"}, {R, ng, np, nt}},
        {"group_negative_share", {"time", "group", "power", "target"}, {R, ng, np, nt}},
        {"group_positive_share", {"time", "group", "power", "target"}, {R, ng, np, nt}},
        {"campaigns_new", {"time", "power", "target"}, {R, np, nt}},
        {"campaigns_active", {"time", "power", "target"}, {R, np, nt}},
        {"membership", {"time", "institution", "target"}, {R, 3, nt}},
    };
    for (const auto& e : layout) {
      INFO("variable " << e.name);
      const Variable v = read_variable(file, e.name);
      CHECK(v.dims == e.dims);
      CHECK(v.shape == e.shape);
    }
    check_values("budget", read_variable(file, "budget"), r.as_doubles("budget"));
    check_values("allocation", read_variable(file, "allocation"), r.as_doubles("allocation"));
    check_values("stock", read_variable(file, "stock"), r.as_doubles("stock"));
    check_values("influence", read_variable(file, "influence"), r.as_doubles("influence"));
    check_values("autonomy_stock", read_variable(file, "autonomy_stock"), r.as_doubles("autonomy_stock"));
    check_values("autonomy_share", read_variable(file, "autonomy_share"), r.as_doubles("autonomy_share"));
    check_values("alignment", read_variable(file, "alignment"), r.as_doubles("alignment"));
    check_values("alignment_self", read_variable(file, "alignment_self"), r.as_doubles("alignment_self"));
    check_values("attitude_mean", read_variable(file, "attitude_mean"), r.as_doubles("attitude_mean"));
    check_values("negative_share", read_variable(file, "negative_share"), r.as_doubles("negative_share"));
    check_values("positive_share", read_variable(file, "positive_share"), r.as_doubles("positive_share"));
    check_values("group_attitude_mean", read_variable(file, "group_attitude_mean"),
                 r.as_doubles("group_attitude_mean"));
    check_values("group_negative_share", read_variable(file, "group_negative_share"),
                 r.as_doubles("group_negative_share"));
    check_values("group_positive_share", read_variable(file, "group_positive_share"),
                 r.as_doubles("group_positive_share"));
    check_values("campaigns_new", read_variable(file, "campaigns_new"), r.as_doubles("campaigns_new"));
    check_values("campaigns_active", read_variable(file, "campaigns_active"),
                 r.as_doubles("campaigns_active"));
    check_values("membership", read_variable(file, "membership"), r.as_doubles("membership"));

    // Sanity of what was compared: allocation is NaN exactly in row 0, the
    // baseline's citizens hold opinions, and every share is a share.
    const Variable alloc = read_variable(file, "allocation");
    const std::size_t per_row = alloc.values.size() / R;
    for (std::size_t i = 0; i < alloc.values.size(); ++i) {
      if (std::isnan(alloc.values[i]) != (i < per_row)) {
        FAIL_CHECK("allocation NaN at flat index " << i << " (row " << i / per_row << ")");
        break;
      }
    }
    const Variable negative = read_variable(file, "negative_share");
    for (double x : negative.values) REQUIRE((x >= 0.0 && x <= 1.0));
  }

  {  // attributes name the scenario, its exact text, the seed and the horizon
    CHECK(read_string_attribute(file, "geosim_results_format") == kResultsFormatVersion);
    CHECK(read_string_attribute(file, "scenario_name") == "central_asia_2013");
    CHECK(read_string_attribute(file, "start_date") == "2013-09-01");
    CHECK(read_string_attribute(file, "scenario_text") == file_text(kBaseline));
    CHECK(read_string_attribute(file, "resolved_parameters") == scenario.resolved_yaml);
    CHECK(numeric_attribute<std::uint64_t>(file, "seed", H5T_NATIVE_UINT64) == 20130907u);
    CHECK(numeric_attribute<std::int32_t>(file, "ticks", H5T_NATIVE_INT32) == scenario.ticks);
    CHECK(numeric_attribute<std::int32_t>(file, "scenario_ticks", H5T_NATIVE_INT32) == 208);
    const bool shortened = scenario.ticks < scenario.scenario_ticks;
    CHECK(numeric_attribute<std::int32_t>(file, "truncated", H5T_NATIVE_INT32) == (shortened ? 1 : 0));
    int skipped = 0;
    std::vector<double> applied;
    for (const auto& e : scenario.events) {
      skipped += e.tick >= scenario.ticks;
      applied.push_back(e.tick < scenario.ticks ? 1.0 : 0.0);
    }
    CHECK(numeric_attribute<std::int32_t>(file, "events_skipped", H5T_NATIVE_INT32) == skipped);
    CHECK(read_variable(file, "event_applied").values == applied);
    if (shortened) CHECK(skipped > 0);  // 36 ticks end in 2016-09: later events are skipped
  }
}
