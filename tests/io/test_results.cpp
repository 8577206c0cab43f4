// HDF5 results: write a hand-made run, read every value back.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/temp_files.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "geosim/model/population.hpp"
#include "geosim/model/world.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

/// A fresh directory for one test case, removed afterwards.
struct TempDir : testing::ScopedTempDir {
  explicit TempDir(const std::string& tag) : ScopedTempDir("output_" + tag) {}
};

/// If GEOSIM_KEEP_RESULTS names a directory, leave a copy of `file` there
/// (for checking by hand or with tests/python/check_results.py).
void keep(const fs::path& file) {
  if (const char* dir = std::getenv("GEOSIM_KEEP_RESULTS"))
    fs::copy_file(file, fs::path(dir) / file.filename(), fs::copy_options::overwrite_existing);
}

const std::string kUnicodeText =
    "# Қазақстан — 中国 — Кыргызстан\nname: tiny\nnote: \"ü ß é 🙂\"\n\ttabbed\n";

Scenario tiny_scenario(bool with_extras = true) {
  Scenario s;
  s.name = "tiny";
  s.description = "two powers, two targets, one group";
  s.source_path = "tests/tiny.yaml";
  s.source_text = kUnicodeText;
  s.resolved_yaml = "name: tiny\nticks: 3\n";
  s.start = Date{2013, 9, 1};
  s.end = Date{2013, 11, 1};
  s.step_months = 1;
  s.dt = 1.0 / 12;
  s.ticks = 3;
  s.scenario_ticks = 4;  // shortened by --ticks: the event at tick 3 is skipped
  s.seed = 42;
  s.negative_threshold = 0.2;

  PowerSpec rus;
  rus.code = "RUS";
  rus.name = "Russia";
  rus.strategic_value = {1.0, 1.0};
  PowerSpec chn = rus;
  chn.code = "CHN";
  chn.name = "China";
  s.powers = {rus, chn};

  TargetSpec kaz;
  kaz.code = "KAZ";
  kaz.name = "Қазақстан";
  kaz.citizens = 5;
  kaz.group_share = {1.0};
  kaz.channel_weights = {0.4, 0.3, 0.3};
  kaz.initial_alignment = {0.4, 0.3, 0.3};
  kaz.initial_stock = {PerChannel{1, 1, 1}, PerChannel{1, 1, 1}};
  TargetSpec kgz = kaz;
  kgz.code = "KGZ";
  kgz.name = "Kyrgyzstan";
  kgz.citizens = 3;
  s.targets = {kaz, kgz};

  GroupSpec g;
  g.name = "everyone";
  g.exposure = {PerChannel{1, 1, 1}, PerChannel{1, 1, 1}};
  g.attitude_mean = {0.3, -0.2};
  g.attitude_sd = {0.4, 0.4};
  s.groups = {g};

  if (with_extras) {
    InstitutionSpec eaeu;
    eaeu.name = "EAEU";
    eaeu.leaders = {0};
    eaeu.members = {0, 1};
    s.institutions = {eaeu};
    EventSpec e1;
    e1.id = "sanctions";
    e1.date = Date{2013, 11, 1};
    e1.tick = 2;
    e1.note = "budget cut — ü";
    EventSpec e2;
    e2.id = "late";
    e2.date = Date{2013, 12, 1};
    e2.tick = 3;
    e2.note = "after the shortened run";
    s.events = {e1, e2};
  }
  return s;
}

/// Every array filled with base + flat index (distinct across variables).
RunRecord tiny_record(const Scenario& s) {
  RunRecord r;
  r.rows = s.ticks + 1;
  r.powers = s.num_powers();
  r.targets = s.num_targets();
  r.groups = s.num_groups();
  r.institutions = static_cast<int>(s.institutions.size());
  const std::size_t R = r.rows, P = r.powers, T = r.targets, G = r.groups, C = kChannels,
                    I = r.institutions;
  auto fill = [](std::vector<double>& v, std::size_t n, double base) {
    v.resize(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = base + static_cast<double>(i) * 0.5;
  };
  fill(r.budget, R * P * C, 1000);
  fill(r.allocation, R * C * P * T, 2000);
  for (std::size_t i = 0; i < C * P * T; ++i) r.allocation[i] = std::nan("");
  fill(r.stock, R * C * P * T, 3000);
  fill(r.influence, R * C * P * T, 4000);
  fill(r.autonomy_stock, R * C * T, 5000);
  fill(r.autonomy_share, R * C * T, 6000);
  fill(r.alignment, R * P * T, 7000);
  fill(r.alignment_self, R * T, 8000);
  fill(r.attitude_mean, R * P * T, 9000);
  fill(r.negative_share, R * P * T, 10000);
  fill(r.positive_share, R * P * T, 11000);
  fill(r.group_attitude_mean, R * G * P * T, 12000);
  fill(r.group_negative_share, R * G * P * T, 13000);
  fill(r.group_positive_share, R * G * P * T, 14000);
  r.group_positive_share[1] = std::nan("");
  r.campaigns_new.resize(R * P * T);
  r.campaigns_active.resize(R * P * T);
  for (std::size_t i = 0; i < R * P * T; ++i) {
    r.campaigns_new[i] = static_cast<std::int32_t>(i);
    r.campaigns_active[i] = static_cast<std::int32_t>(100 + i);
  }
  r.membership.resize(R * I * T);
  for (std::size_t i = 0; i < r.membership.size(); ++i) r.membership[i] = static_cast<std::int8_t>(i % 2);
  return r;
}

template <class T>
void check_values(const Variable& v, const std::vector<T>& expected, const std::string& name) {
  INFO("variable ", name);
  REQUIRE(v.values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = static_cast<double>(expected[i]);
    if (std::isnan(e)) {
      CHECK(std::isnan(v.values[i]));
    } else {
      CHECK(v.values[i] == e);
    }
  }
}

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

bool temp_left_in(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("output: every variable round-trips with its dimensions") {
  TempDir dir("roundtrip");
  const Scenario s = tiny_scenario();
  const RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "tiny.h5";
  RunInfo info;
  info.seed = 0xFFFFFFFFFFFFFFF1ull;
  info.command_line = "geosim run tiny.yaml -o tiny.h5";
  info.wall_seconds = 1.5;
  check_output_writable(file);
  write_results(file, s, r, nullptr, info);
  REQUIRE(fs::exists(file));
  CHECK_FALSE(temp_left_in(dir.path));
  keep(file);

  using Dims = std::vector<std::string>;
  struct Expect {
    std::string name;
    Dims dims;
    const void* data;
    int kind;  // 0 double, 1 int32, 2 int8
  };
  const std::vector<Expect> expected{
      {"budget", {"time", "power", "channel"}, &r.budget, 0},
      {"allocation", {"time", "channel", "power", "target"}, &r.allocation, 0},
      {"stock", {"time", "channel", "power", "target"}, &r.stock, 0},
      {"influence", {"time", "channel", "power", "target"}, &r.influence, 0},
      {"autonomy_stock", {"time", "channel", "target"}, &r.autonomy_stock, 0},
      {"autonomy_share", {"time", "channel", "target"}, &r.autonomy_share, 0},
      {"alignment", {"time", "power", "target"}, &r.alignment, 0},
      {"alignment_self", {"time", "target"}, &r.alignment_self, 0},
      {"attitude_mean", {"time", "power", "target"}, &r.attitude_mean, 0},
      {"negative_share", {"time", "power", "target"}, &r.negative_share, 0},
      {"positive_share", {"time", "power", "target"}, &r.positive_share, 0},
      {"group_attitude_mean", {"time", "group", "power", "target"}, &r.group_attitude_mean, 0},
      {"group_negative_share", {"time", "group", "power", "target"}, &r.group_negative_share, 0},
      {"group_positive_share", {"time", "group", "power", "target"}, &r.group_positive_share, 0},
      {"campaigns_new", {"time", "power", "target"}, &r.campaigns_new, 1},
      {"campaigns_active", {"time", "power", "target"}, &r.campaigns_active, 1},
      {"membership", {"time", "institution", "target"}, &r.membership, 2},
  };
  const std::map<std::string, std::size_t> sizes{{"time", 4},    {"power", 2}, {"target", 2},
                                                 {"channel", 3}, {"group", 1}, {"institution", 1}};
  for (const auto& e : expected) {
    const Variable v = read_variable(file, e.name);
    CHECK_MESSAGE(v.dims == e.dims, e.name);
    REQUIRE(v.shape.size() == e.dims.size());
    for (std::size_t a = 0; a < e.dims.size(); ++a) CHECK(v.shape[a] == sizes.at(e.dims[a]));
    if (e.kind == 0) check_values(v, *static_cast<const std::vector<double>*>(e.data), e.name);
    if (e.kind == 1) check_values(v, *static_cast<const std::vector<std::int32_t>*>(e.data), e.name);
    if (e.kind == 2) check_values(v, *static_cast<const std::vector<std::int8_t>*>(e.data), e.name);
  }

  const Variable time = read_variable(file, "time");
  CHECK(time.dims == Dims{"time"});
  CHECK(time.values == std::vector<double>{0, 30, 61, 91});
  CHECK(read_labels(file, "power") == std::vector<std::string>{"RUS", "CHN"});
  CHECK(read_labels(file, "power_name") == std::vector<std::string>{"Russia", "China"});
  CHECK(read_labels(file, "target") == std::vector<std::string>{"KAZ", "KGZ"});
  CHECK(read_labels(file, "target_name") == std::vector<std::string>{"Қазақстан", "Kyrgyzstan"});
  CHECK(read_labels(file, "channel") == std::vector<std::string>{"economic", "security", "soft"});
  CHECK(read_labels(file, "group") == std::vector<std::string>{"everyone"});
  CHECK(read_labels(file, "institution") == std::vector<std::string>{"EAEU"});

  // Event log: the event at tick 3 was skipped by the shortened run.
  CHECK(read_labels(file, "event_id") == std::vector<std::string>{"sanctions", "late"});
  CHECK(read_labels(file, "event_note") ==
        std::vector<std::string>{"budget cut — ü", "after the shortened run"});
  CHECK(read_variable(file, "event_time").values == std::vector<double>{61, 91});
  CHECK(read_variable(file, "event_time").dims == Dims{"event"});
  CHECK(read_variable(file, "event_tick").values == std::vector<double>{2, 3});
  CHECK(read_variable(file, "event_applied").values == std::vector<double>{1, 0});

  // Global attributes.
  CHECK(read_string_attribute(file, "scenario_text") == kUnicodeText);  // byte-exact
  CHECK(read_string_attribute(file, "resolved_parameters") == s.resolved_yaml);
  CHECK(read_string_attribute(file, "geosim_results_format") == kResultsFormatVersion);
  CHECK(read_string_attribute(file, "Conventions") == "CF-1.8");
  CHECK(read_string_attribute(file, "scenario_name") == "tiny");
  CHECK(read_string_attribute(file, "start_date") == "2013-09-01");
  CHECK(read_string_attribute(file, "command_line") == info.command_line);
  CHECK(read_string_attribute(file, "created").size() == 20);  // 2024-01-02T03:04:05Z
  CHECK_FALSE(read_string_attribute(file, "git_commit").empty());
  CHECK_THROWS_AS(read_string_attribute(file, "no_such_attribute"), RuntimeFailure);
  CHECK_THROWS_AS(read_variable(file, "no_such_variable"), RuntimeFailure);
  CHECK_THROWS_AS(read_variable(file, "power"), RuntimeFailure);  // text, not numbers
}

TEST_CASE("output: zero institutions and zero events give zero-length dimensions") {
  TempDir dir("empty_dims");
  const Scenario s = tiny_scenario(false);
  const RunRecord r = tiny_record(s);
  const fs::path file = dir.path / "no_events.h5";
  write_results(file, s, r, nullptr, RunInfo{});
  keep(file);
  const Variable m = read_variable(file, "membership");
  CHECK(m.dims == std::vector<std::string>{"time", "institution", "target"});
  CHECK(m.shape == std::vector<std::size_t>{4, 0, 2});
  CHECK(m.values.empty());
  CHECK(read_variable(file, "event_tick").shape == std::vector<std::size_t>{0});
  CHECK(read_labels(file, "event_id").empty());
  CHECK(read_labels(file, "institution").empty());
}

TEST_CASE("output: unwritable destinations are input errors before the run") {
  TempDir dir("unwritable");
  CHECK_THROWS_AS(check_output_writable(dir.path / "no" / "such" / "dir" / "out.h5"), OutputError);
  CHECK_THROWS_AS(check_output_writable(dir.path), OutputError);  // a directory
  try {
    check_output_writable(dir.path / "missing" / "out.h5");
    FAIL("expected OutputError");
  } catch (const OutputError& e) {
    CHECK(e.key() == "-o");
    CHECK(e.where().file == (dir.path / "missing" / "out.h5").string());
  }
  CHECK_NOTHROW(check_output_writable(dir.path / "fine.h5"));
  if (::geteuid() != 0) {  // root writes anywhere
    fs::permissions(dir.path, fs::perms::owner_write, fs::perm_options::remove);
    CHECK_THROWS_AS(check_output_writable(dir.path / "out.h5"), OutputError);
    fs::permissions(dir.path, fs::perms::owner_write, fs::perm_options::add);
  }
}

TEST_CASE("output: a failing write leaves neither the file nor a temporary") {
  TempDir dir("failing");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "broken.h5";

  SUBCASE("inconsistent record, found while writing") {
    RunRecord r = tiny_record(s);
    r.membership.pop_back();  // the last variable written: the temporary exists by then
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  SUBCASE("record for another scenario") {
    RunRecord r = tiny_record(s);
    r.powers = 3;
    CHECK_THROWS_AS(write_results(file, s, r, nullptr, RunInfo{}), RuntimeFailure);
  }
  SUBCASE("directory vanished") {
    const RunRecord r = tiny_record(s);
    try {
      write_results(dir.path / "gone" / "x.h5", s, r, nullptr, RunInfo{});
      FAIL("expected RuntimeFailure");
    } catch (const RuntimeFailure& e) {
      CHECK(std::string(e.what()).find("gone") != std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists(file));
  CHECK_FALSE(temp_left_in(dir.path));
}

TEST_CASE("output: a failed rewrite keeps the earlier file") {
  TempDir dir("rewrite");
  const Scenario s = tiny_scenario();
  const fs::path file = dir.path / "run.h5";
  write_results(file, s, tiny_record(s), nullptr, RunInfo{});
  RunRecord bad = tiny_record(s);
  bad.stock.clear();
  CHECK_THROWS_AS(write_results(file, s, bad, nullptr, RunInfo{}), RuntimeFailure);
  CHECK(read_variable(file, "stock").values.size() == 4 * 3 * 2 * 2);
  CHECK_FALSE(temp_left_in(dir.path));
  // Overwriting with a good record works.
  CHECK_NOTHROW(write_results(file, s, tiny_record(s), nullptr, RunInfo{}));
}

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
