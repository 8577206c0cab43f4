// Periodic snapshots of every citizen's attitudes (output.agents_every):
// written by ResultsWriter as the run goes, read back bit for bit.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "geosim/core/errors.hpp"
#include "geosim/io/results.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"
#include "support/temp_files.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

struct SnapDir : testing::ScopedTempDir {
  explicit SnapDir(const std::string& tag) : ScopedTempDir("snapshots_" + tag) {}
};

/// citizen_target has `n` citizens, the first `first_target` in target 0, the rest in 1.
void check_two_targets(const fs::path& file, std::size_t n, std::size_t first_target) {
  const Variable ct = read_variable(file, "citizen_target");
  REQUIRE(ct.values.size() == n);
  CHECK(ct.values[first_target - 1] == 0);
  CHECK(ct.values[first_target] == 1);
  CHECK(ct.values[n - 1] == 1);
}

Scenario minimal(std::vector<std::string> overrides, int ticks = -1) {
  LoadOptions o;
  o.overrides = std::move(overrides);
  o.ticks = ticks;
  return load_scenario(fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml", o);
}

/// Every citizen's attitudes in file order ([citizen][power], as float).
std::vector<float> flat_attitudes(const Population& pop) {
  const int P = pop.num_powers();
  std::vector<float> out(static_cast<std::size_t>(pop.size()) * static_cast<std::size_t>(P));
  for (int t = 0; t < pop.num_targets(); ++t)
    for (int p = 0; p < P; ++p) {
      const auto x = pop.attitudes(t, p);
      for (std::size_t k = 0; k < x.size(); ++k)
        out[(static_cast<std::size_t>(pop.target_begin(t)) + k) * static_cast<std::size_t>(P) +
            static_cast<std::size_t>(p)] = x[k];
    }
  return out;
}

/// Keeps a copy of the population's attitudes at the given ticks.
struct Keeper : StepObserver {
  std::vector<int> ticks;
  std::vector<std::vector<float>> kept;
  void on_start(const World& w) override { take(w); }
  void on_step(const World& w) override { take(w); }
  void take(const World& w) {
    for (int t : ticks)
      if (t == w.tick()) kept.push_back(flat_attitudes(w.population()));
  }
};

/// Runs `sc` writing `file`; returns the final attitudes.
std::vector<float> run_to(const Scenario& sc, const fs::path& file, Keeper* keeper = nullptr) {
  World world(sc, sc.seed);
  Recorder recorder;
  ResultsWriter results(file, sc);
  std::vector<StepObserver*> observers{&recorder, &results};
  if (keeper) observers.push_back(keeper);
  world.run(observers);
  const bool agents = sc.output.agents == OutputSpec::Agents::final;
  results.finish(recorder.record(), agents ? &world.population() : nullptr, RunInfo{sc.seed, "test", 0});
  return flat_attitudes(world.population());
}

/// A run written to `file`, the population kept at `ticks`, and the file's `attitude`.
struct Snapped {
  std::vector<float> final_pop;
  std::vector<std::vector<float>> kept;  // by tick of `ticks`
  Variable att;
};
Snapped run_and_read(const Scenario& sc, const fs::path& file, const std::vector<int>& ticks) {
  Keeper keeper;
  keeper.ticks = ticks;
  Snapped out;
  out.final_pop = run_to(sc, file, &keeper);
  REQUIRE(keeper.kept.size() == ticks.size());
  out.kept = std::move(keeper.kept);
  out.att = read_variable(file, "attitude");
  return out;
}

bool same_bits(const std::vector<double>& file_values, std::size_t offset, const std::vector<float>& want) {
  if (file_values.size() < offset + want.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const float got = static_cast<float>(file_values[offset + i]);  // float -> double -> float is exact
    if (std::bit_cast<std::uint32_t>(got) != std::bit_cast<std::uint32_t>(want[i])) return false;
  }
  return true;
}

std::vector<std::string> dataset_names(const fs::path& file) {
  std::vector<std::string> names;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  H5Literate(
      f, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  H5Fclose(f);
  return names;
}

bool is_text(const fs::path& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const bool text = H5Tget_class(type) == H5T_STRING;
  H5Tclose(type);
  H5Dclose(ds);
  H5Fclose(f);
  return text;
}

}  // namespace

TEST_CASE("snapshots: scenario key output.agents_every") {
  CHECK(minimal({}).output.agents_every == 0);
  CHECK(minimal({}).output.snapshot_ticks(12).empty());
  const Scenario s = minimal({"output.agents_every=5"});
  CHECK(s.output.agents_every == 5);
  CHECK(s.output.snapshot_ticks(12) == std::vector<int>{0, 5, 10});
  CHECK(s.output.snapshot_ticks(10) == std::vector<int>{0, 5, 10});
  CHECK(minimal({"output.agents_every=100"}).output.snapshot_ticks(12) == std::vector<int>{0});
  CHECK_THROWS_AS(minimal({"output.agents_every=0"}), RangeError);
  CHECK_THROWS_AS(minimal({"output.agents_every=2.5"}), TypeError);
  CHECK_THROWS_AS(minimal({"output.agents_every=often"}), TypeError);
}

TEST_CASE("snapshots: every N ticks, tick 0 first, the last equal to the final attitudes") {
  SnapDir dir("every");
  const Scenario sc = minimal({"output.agents_every=4", "output.agents=final"});
  REQUIRE(sc.ticks == 12);
  const fs::path file = dir.path / "snap.h5";
  const auto [final_pop, kept, att] = run_and_read(sc, file, {0, 4, 8, 12});
  CHECK(att.dims == std::vector<std::string>{"snapshot", "citizen", "power"});
  REQUIRE(att.shape == std::vector<std::size_t>{4, 300, 2});
  const Variable tick = read_variable(file, "snapshot_tick");
  CHECK(tick.dims == std::vector<std::string>{"snapshot"});
  CHECK(tick.values == std::vector<double>{0, 4, 8, 12});
  const Variable when = read_variable(file, "snapshot_time");
  const Variable time = read_variable(file, "time");
  REQUIRE(time.values.size() == 13);
  for (std::size_t s = 0; s < 4; ++s) CHECK(when.values[s] == time.values[4 * s]);

  const std::size_t per = 300 * 2;
  for (std::size_t s = 0; s < 4; ++s) CHECK(same_bits(att.values, s * per, kept[s]));
  CHECK(same_bits(att.values, 3 * per, final_pop));
  const Variable fin = read_variable(file, "final_attitude");
  CHECK(same_bits(fin.values, 0, final_pop));
  CHECK(std::vector<double>(att.values.begin() + 3 * per, att.values.end()) == fin.values);

  // The initial attitudes are the population a fresh World starts from.
  const World fresh(sc, sc.seed);
  CHECK(same_bits(att.values, 0, flat_attitudes(fresh.population())));

  // citizen_target / citizen_group once, shared with the final agents.
  check_two_targets(file, 300, 200);
}

TEST_CASE("snapshots: across slabs, ticks not a multiple of N, without final agents") {
  SnapDir dir("slabs");
  // 65600 citizens: two slabs of the 65536-citizen chunking; 7 ticks every 3: 0, 3, 6.
  const Scenario shortened = minimal({"output.agents_every=3", "targets.KAZ.citizens=65500"}, 7);
  REQUIRE(shortened.ticks == 7);
  const fs::path file = dir.path / "slabs.h5";
  const auto [final_pop, kept, att] = run_and_read(shortened, file, {0, 3, 6, 7});
  REQUIRE(att.shape == std::vector<std::size_t>{3, 65600, 2});
  CHECK(read_variable(file, "snapshot_tick").values == std::vector<double>{0, 3, 6});
  for (std::size_t s = 0; s < 3; ++s) CHECK(same_bits(att.values, s * 65600 * 2, kept[s]));
  CHECK(kept[3] == final_pop);
  CHECK_FALSE(kept[2] == final_pop);  // tick 7 is not a snapshot
  CHECK_THROWS_AS(read_variable(file, "final_attitude"), RuntimeFailure);
  check_two_targets(file, 65600, 65500);
}

TEST_CASE("snapshots do not change any other dataset") {
  SnapDir dir("same");
  const fs::path with = dir.path / "with.h5", without = dir.path / "without.h5";
  run_to(minimal({"output.agents=final", "output.agents_every=5"}), with);
  run_to(minimal({"output.agents=final"}), without);

  const std::vector<std::string> plain = dataset_names(without);
  std::set<std::string> expected(plain.begin(), plain.end());
  for (const char* extra : {"attitude", "snapshot", "snapshot_time", "snapshot_tick"})
    CHECK(expected.insert(extra).second);
  const std::vector<std::string> snapped = dataset_names(with);
  CHECK(std::set<std::string>(snapped.begin(), snapped.end()) == expected);
  CHECK(plain.size() > 20);

  for (const std::string& name : plain) {
    CAPTURE(name);
    if (name == "citizen" || name == "event") continue;  // dimensions without values
    if (is_text(without, name)) {
      CHECK(read_labels(with, name) == read_labels(without, name));
      continue;
    }
    const Variable a = read_variable(with, name), b = read_variable(without, name);
    CHECK(a.dims == b.dims);
    CHECK(a.shape == b.shape);
    REQUIRE(a.values.size() == b.values.size());
    // Bit for bit (NaN included). Empty datasets (no events) have null data(): memcmp must not see them.
    CHECK((a.values.empty() ||
           std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)) == 0));
  }
}

TEST_CASE("snapshots: a run that does not finish leaves no file and no temporary") {
  SnapDir dir("abandoned");
  const Scenario sc = minimal({"output.agents_every=2"});
  const fs::path file = dir.path / "never.h5";
  {
    World world(sc, sc.seed);
    ResultsWriter results(file, sc);
    world.run({&results});
    CHECK(fs::directory_iterator(dir.path) != fs::directory_iterator());  // the temporary
  }                                                                       // destroyed without finish()
  CHECK(fs::directory_iterator(dir.path) == fs::directory_iterator());

  // Snapshots need the writer to observe the run: finishing without is an internal error.
  World world(sc, sc.seed);
  Recorder recorder;
  world.run({&recorder});
  CHECK_THROWS_AS(write_results(file, sc, recorder.record(), nullptr, RunInfo{}), RuntimeFailure);
  CHECK(fs::directory_iterator(dir.path) == fs::directory_iterator());
}
