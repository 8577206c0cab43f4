// Sweeps: seeds, the journal's torn- and corrupt-record handling,
// thread-count identity, runs that fail (a toy event action registered here
// makes them fail), and every bad sweep file in tests/data/sweeps/bad.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/model/action.hpp"
#include "geosim/model/registries.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/run.hpp"
#include "geosim/sweep/sweep.hpp"
#include "support/sweep_files.hpp"
#include "sweep/detail/internal.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using geosim::testing::sweep_file;
using geosim::testing::sweep_of;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

// A toy event action that fails its run: `fail_above: {power, budget}` throws
// a RuntimeFailure (as a run that goes non-finite does) when the power's
// first budget is above `budget`, so a sweep over that budget has failing points.
struct FailAbove final : Action {
  int power = 0;
  double limit = 0.0;
  FailAbove(int p, double l) : power(p), limit(l) {}
  void apply(const Scenario&, WorldState& s) const override {
    if (s.budget(power, 0) > limit) throw RuntimeFailure("toy failure: the budget is above the limit");
  }
};

std::unique_ptr<const ActionType> fail_above() {
  config::Schema keys;
  keys.add({.path = "power", .type = config::ValueType::name, .required = true, .doc = "whose budget"})
      .add({.path = "budget", .type = config::ValueType::number, .required = true, .doc = "the limit"});
  return make_action_type("fail_above", keys, [keys](const ActionInput& in) {
    return std::make_shared<FailAbove>(in.power(keys.at("power")), in.number(keys.at("budget")));
  });
}

/// A sweep of 4 points x 2 replicates over RUS's economic budget (1, 4, 7,
/// 10); runs whose budget is above 5 fail at 2014-01 (runs 4..7).
Sweep failing_sweep(const std::string& name) {
  const fs::path dir = sweep_file(name, "").parent_path();
  const fs::path base = dir / (name + "_base.yaml");
  std::ofstream(base) << "extends: " << (kData / "minimal.yaml").string() << "\n"
                      << "events:\n  check:\n    date: 2014-01\n    note: a toy failure\n"
                      << "    actions:\n      - fail_above: {power: RUS, budget: 5}\n";
  const fs::path file = dir / (name + ".yaml");
  std::ofstream(file) << "base: " << base.string() << "\n"
                      << "parameters:\n  powers.RUS.budget.economic: {range: [1, 10], levels: 4}\n"
                      << "replicates: 2\nticks: 6\ntime_series: [alignment, campaigns_new]\n";
  return Sweep(load_sweep_spec(file));
}

/// Every numeric variable of a sweep file, and run_error.
void check_same_files(const fs::path& a, const fs::path& b) {
  for (const char* name : {"final_alignment", "total_campaigns", "alignment", "campaigns_new", "seed",
                           "parameter_value", "run_status"}) {
    CAPTURE(name);
    const Variable x = read_variable(a, name), y = read_variable(b, name);
    CHECK(x.shape == y.shape);
    CHECK(std::equal(x.values.begin(), x.values.end(), y.values.begin(), y.values.end(),
                     [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); }));
  }
  CHECK(read_labels(a, "run_error") == read_labels(b, "run_error"));
}

}  // namespace

TEST_CASE("seeds: SplitMix64 of the sweep seed and the run (or replicate with common random numbers)") {
  CHECK(splitmix64(0) == 0xE220A8397B1DCDAFULL);  // the reference generator's first output from state 0
  CHECK(run_seed(7, 3) == (splitmix64(splitmix64(7) ^ 3) & 0x7FFFFFFFFFFFFFFFULL));
  const std::string grid = "parameters:\n  powers.CHN.budget.soft: [0.5, 1.0, 1.5]\nreplicates: 4\nseed: 7\n";
  const Sweep plain = sweep_of("seeds", grid);
  const Sweep crn = sweep_of("seeds_crn", grid + "common_random_numbers: true\n");
  std::set<std::uint64_t> seeds;
  for (std::int64_t r = 0; r < plain.runs(); ++r) {
    seeds.insert(plain.plan(r).seed);
    CHECK(plain.plan(r).seed == run_seed(7, static_cast<std::uint64_t>(r)));
    CHECK(crn.plan(r).seed == run_seed(7, static_cast<std::uint64_t>(r % 4)));
    CHECK(plain.plan(r).seed < (1ULL << 63));
  }
  CHECK(seeds.size() == 12);
  CHECK(plain.identity() != crn.identity());
  CHECK(plain.repeat_command(plain.plan(5))
            .find("--set powers.CHN.budget.soft=1.0 --seed " + std::to_string(plain.plan(5).seed)) !=
        std::string::npos);
}

TEST_CASE("journal: a torn or corrupt last record is dropped, another sweep's journal is refused") {
  const fs::path path = sweep_file("journal", "").replace_extension(".journal");
  fs::remove(path);
  auto payload = [](std::uint64_t run) {
    std::vector<char> p(8 + 16, static_cast<char>(run));
    std::memcpy(p.data(), &run, 8);
    return p;
  };
  {
    sweep_detail::Journal j(path, "identity A", 10, true);
    for (std::uint64_t r : {3, 1, 7}) j.append(sweep_detail::kRunRecord, payload(r));
    CHECK(j.count() == 3);
  }
  const auto full = fs::file_size(path);
  fs::resize_file(path, full - 5);  // the last record torn by a kill
  {
    sweep_detail::Journal j(path, "identity A", 10, false);
    CHECK(j.recovered() == 2);
    CHECK(j.has(3));
    CHECK(j.has(1));
    CHECK_FALSE(j.has(7));
    CHECK(j.dropped_bytes() > 0);
    std::vector<char> back;
    j.read(1, back);
    CHECK(back == payload(1));
    j.append(sweep_detail::kRunRecord, payload(7));
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(path)) - 3);
    f.put('\x55');  // a flipped byte in the last record: its checksum fails
  }
  {
    sweep_detail::Journal j(path, "identity A", 10, false);
    CHECK(j.recovered() == 2);
  }
  CHECK_THROWS_AS(sweep_detail::Journal(path, "identity B", 10, false), OutputError);
  CHECK_THROWS_AS(sweep_detail::Journal(path, "identity A", 10, true), OutputError);  // needs --resume
  // Killed while writing the identity record: nothing had finished, start afresh.
  const auto first_bytes = [&](std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string head(n, '\0');
    in.read(head.data(), static_cast<std::streamsize>(n));
    return head;
  };
  const std::string torn = first_bytes(12);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << torn;
  {
    sweep_detail::Journal j(path, "identity A", 10, true);
    CHECK(j.recovered() == 0);
  }
  // Not a journal at all: refused, left alone.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "precious data that is not a journal";
  CHECK_THROWS_AS(sweep_detail::Journal(path, "identity A", 10, false), OutputError);
  CHECK(first_bytes(8) == "precious");
  fs::remove(path);
}

TEST_CASE("journal: a refused resume says what differs: the build, the sweep file or a base scenario") {
  const Sweep four =
      sweep_of("id_four", "name: same\nparameters:\n  campaigns.threshold: [0.1, 0.3]\nreplicates: 4\n");
  const Sweep eight =
      sweep_of("id_eight", "name: same\nparameters:\n  campaigns.threshold: [0.1, 0.3]\nreplicates: 8\n");
  CHECK(sweep_detail::identity_difference(four.identity(), four.identity()).empty());
  CHECK(sweep_detail::identity_difference(four.identity(), eight.identity()) ==
        "what differs: the sweep file, first at 'replicates: 4' in the journal, 'replicates: 8' now");
  std::string built = four.identity();
  built.replace(built.find("engine: "), 8, "engine: 0.0.1 older ");
  CHECK(sweep_detail::identity_difference(built, four.identity()).find("what differs: the geosim build") ==
        0);
  std::string base = four.identity();
  base.replace(base.find("seed: 42"), 8, "seed: 43");  // inside the base scenario's resolved text
  CHECK(sweep_detail::identity_difference(base, four.identity()) ==
        "what differs: the base scenario minimal, first at 'seed: 43' in the journal, 'seed: 42' now");

  // Through the journal: the refusal carries it.
  const fs::path out = sweep_file("id_run", "").parent_path() / "id_run.h5";
  fs::remove(out);
  fs::remove(journal_path(out));
  { sweep_detail::Journal j(journal_path(out), four.identity(), four.runs(), true); }
  try {
    sweep_detail::Journal j(journal_path(out), eight.identity(), eight.runs(), false);
    FAIL("expected the journal to be refused");
  } catch (const OutputError& e) {
    CHECK(std::string(e.what()).find("'replicates: 4' in the journal, 'replicates: 8' now") !=
          std::string::npos);
  }
  fs::remove(journal_path(out));
}

TEST_CASE("journal: a corrupt record in the middle is skipped, the records after it are kept") {
  const fs::path path = sweep_file("journal_middle", "").replace_extension(".journal");
  fs::remove(path);
  auto payload = [](std::uint64_t run) {
    std::vector<char> p(8 + 16, static_cast<char>(run));
    std::memcpy(p.data(), &run, 8);
    return p;
  };
  std::vector<std::uintmax_t> ends;  // file size after each record
  {
    sweep_detail::Journal j(path, "identity A", 10, true);
    ends.push_back(fs::file_size(path));
    for (std::uint64_t r : {3, 1, 7, 5}) {
      j.append(sweep_detail::kRunRecord, payload(r));
      j.sync();
      ends.push_back(fs::file_size(path));
    }
    j.append(sweep_detail::kFailedRunRecord,
             sweep_detail::failure_payload(8, RunStatus::failed, "values went non-finite"));
    CHECK(j.failed() == 1);
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(ends[2] - 4));  // in the payload of run 1's record
    f.put('\x55');
  }
  sweep_detail::Journal j(path, "identity A", 10, false);
  CHECK(j.recovered() == 4);  // 3, 7, 5 and the failed run 8: only run 1 is lost
  CHECK(j.has(3));
  CHECK_FALSE(j.has(1));
  CHECK(j.has(7));
  CHECK(j.has(5));
  CHECK(j.has(8));
  CHECK(j.failed() == 1);
  CHECK(j.dropped_bytes() == 0);
  REQUIRE(j.skipped().size() == 1);
  CHECK(j.skipped()[0].first == static_cast<std::int64_t>(ends[1]));
  CHECK(j.skipped()[0].second == static_cast<std::int64_t>(ends[2]));
  std::vector<char> back;
  CHECK(j.read(5, back) == sweep_detail::kRunRecord);
  CHECK(back == payload(5));
  CHECK(j.read(8, back) == sweep_detail::kFailedRunRecord);
  RunStatus status = RunStatus::ok;
  std::string message;
  sweep_detail::read_failure(back, status, message);
  CHECK(status == RunStatus::failed);
  CHECK(message == "values went non-finite");
  // The lost run is appended again; the corrupt bytes stay where they are.
  j.append(sweep_detail::kRunRecord, payload(1));
  CHECK(j.count() == 5);
  j.read(1, back);
  CHECK(back == payload(1));
  fs::remove(path);
}

TEST_CASE("run_failure_status: which errors fail a run and which stop the sweep") {
  CHECK(run_failure_status(RuntimeFailure("non-finite")) == RunStatus::failed);
  CHECK(run_failure_status(RangeError({}, "k", "out of range")) == RunStatus::invalid);
  CHECK(run_failure_status(DateError({}, "k", "after the end")) == RunStatus::invalid);
  CHECK_FALSE(run_failure_status(RunCancelled()).has_value());
  CHECK_FALSE(run_failure_status(ResourceError({}, "k", "too big")).has_value());
  CHECK_FALSE(run_failure_status(std::logic_error("internal")).has_value());
  CHECK(run_status_meanings() == "ok invalid failed");
}

TEST_CASE("run_sweep: a failing run is recorded and the sweep goes on, the same with -j 1 and -j 3") {
  const ScopedRegistration<ActionType> toy(actions(), fail_above());
  const Sweep s = failing_sweep("failing");
  REQUIRE(s.runs() == 8);
  const fs::path dir = sweep_file("failing_out", "").parent_path();
  std::map<int, fs::path> outs{{1, dir / "failing_j1.h5"}, {3, dir / "failing_j3.h5"}};
  for (const auto& [jobs, out] : outs) {
    fs::remove(out);
    SweepOptions o;
    o.output = out;
    o.jobs = jobs;
    const SweepSummary summary = run_sweep(s, o);
    CHECK(summary.ran == 8);
    CHECK(summary.failed == 4);
    CHECK_FALSE(fs::exists(journal_path(out)));
  }
  check_same_files(outs[1], outs[3]);
  const Variable status = read_variable(outs[1], "run_status");
  CHECK(status.values == std::vector<double>{0, 0, 0, 0, 2, 2, 2, 2});
  const std::vector<std::string> errors = read_labels(outs[1], "run_error");
  REQUIRE(errors.size() == 8);
  CHECK(errors[0].empty());
  CHECK(errors[5] == "toy failure: the budget is above the limit");
  const Variable alignment = read_variable(outs[1], "final_alignment");  // (run, power, target)
  const Variable campaigns = read_variable(outs[1], "total_campaigns");
  const std::size_t per_run = alignment.values.size() / 8;
  for (std::size_t i = 0; i < alignment.values.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isnan(alignment.values[i]) == (i >= 4 * per_run));
    CHECK((campaigns.values[i] == -2147483647.0) == (i >= 4 * per_run));
  }

  // --fail-fast: the first failure is thrown; the journal keeps what finished
  // and a resume without it records the rest, failures included.
  const fs::path ff = dir / "failing_ff.h5";
  fs::remove(ff);
  fs::remove(journal_path(ff));
  SweepOptions o;
  o.output = ff;
  o.jobs = 1;
  o.fail_fast = true;
  CHECK_THROWS_WITH_AS(run_sweep(s, o), "toy failure: the budget is above the limit", RuntimeFailure);
  CHECK(fs::exists(journal_path(ff)));
  CHECK_FALSE(fs::exists(ff));
  o.fail_fast = false;
  o.resume = true;
  o.jobs = 2;
  const SweepSummary resumed = run_sweep(s, o);
  CHECK(resumed.recovered == 4);  // runs 0..3 finished before run 4 failed
  CHECK(resumed.ran == 4);
  CHECK(resumed.failed == 4);
  check_same_files(outs[1], ff);

  // A failed run in the journal is not run again: its record is the result.
  const fs::path again = dir / "failing_again.h5";
  fs::remove(again);
  fs::remove(journal_path(again));
  {
    sweep_detail::Journal j(journal_path(again), s.identity(), s.runs(), true);
    j.append(sweep_detail::kFailedRunRecord, sweep_detail::failure_payload(5, RunStatus::failed, "recorded"));
  }
  o.output = again;
  const SweepSummary from_journal = run_sweep(s, o);
  CHECK(from_journal.recovered == 1);
  CHECK(from_journal.ran == 7);
  CHECK(from_journal.failed == 4);
  CHECK(read_labels(again, "run_error")[5] == "recorded");
  for (const auto& [jobs, out] : outs) fs::remove(out);
  fs::remove(ff);
  fs::remove(again);
}

TEST_CASE("run_sweep: -j 1 and -j 3 write the same values") {
  const Sweep s = sweep_of("threads", R"(
set: {campaigns.threshold: 0.1}
parameters:
  powers.CHN.budget.soft: {range: [0.1, 3.0], scale: log}
  campaigns.threshold: {range: [0.02, 0.3]}
design: lhs
samples: 6
replicates: 2
ticks: 5
time_series: [alignment, campaigns_new]
)");
  const fs::path dir = sweep_file("threads_out", "").parent_path();
  std::map<int, fs::path> outs{{1, dir / "threads_j1.h5"}, {3, dir / "threads_j3.h5"}};
  for (const auto& [jobs, out] : outs) {
    fs::remove(out);
    SweepOptions o;
    o.output = out;
    o.jobs = jobs;
    const SweepSummary summary = run_sweep(s, o);
    CHECK(summary.ran == 12);
    CHECK(summary.failed == 0);
    CHECK_FALSE(fs::exists(journal_path(out)));
  }
  for (const char* name : {"final_alignment", "total_campaigns", "peak_negative_share", "alignment",
                           "campaigns_new", "seed", "parameter_value"}) {
    const Variable a = read_variable(outs[1], name), b = read_variable(outs[3], name);
    CHECK(a.dims == b.dims);
    CHECK(a.shape == b.shape);
    CHECK(a.values == b.values);
  }
  CHECK(read_variable(outs[1], "alignment").dims ==
        std::vector<std::string>{"run", "time", "power", "target"});
  for (const auto& [jobs, out] : outs) fs::remove(out);
}

TEST_CASE("every bad sweep file is refused with its error class, location and key") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kData / "sweeps" / "bad")) {
    std::ifstream in(entry.path());
    std::string header;
    std::getline(in, header);
    CAPTURE(entry.path().filename().string());
    REQUIRE(header.rfind("# expect: ", 0) == 0);
    std::istringstream fields(header.substr(10));
    std::string error, location, key;
    fields >> error >> location >> key;
    std::string caught, message;
    try {
      Sweep s(load_sweep_spec(entry.path()));
    } catch (const UnknownKeyError& e) {
      caught = "UnknownKeyError", message = e.what();
    } catch (const DuplicateKeyError& e) {
      caught = "DuplicateKeyError", message = e.what();
    } catch (const TypeError& e) {
      caught = "TypeError", message = e.what();
    } catch (const RangeError& e) {
      caught = "RangeError", message = e.what();
    } catch (const ReferenceError& e) {
      caught = "ReferenceError", message = e.what();
    } catch (const FileError& e) {
      caught = "FileError", message = e.what();
    } catch (const SyntaxError& e) {
      caught = "SyntaxError", message = e.what();
    } catch (const InputError& e) {
      caught = "InputError", message = e.what();
    }
    CAPTURE(message);
    CHECK(caught == error);
    CHECK(message.find(location + ":") != std::string::npos);
    if (key != "-") CHECK(message.find(": " + key + ": ") != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 20);
}

TEST_CASE("the example sweep files in scenarios/sweeps are valid") {
  const fs::path dir = fs::path(GEOSIM_SOURCE_DIR) / "scenarios" / "sweeps";
  const Sweep lhs(load_sweep_spec(dir / "china_soft_vs_protest.yaml"));
  CHECK(lhs.points() == 256);
  CHECK(lhs.runs() == 1024);
  CHECK(lhs.spec().design == "lhs");
  CHECK(lhs.spec().design_settings.integer("samples") == 256);
  const Sweep batch(load_sweep_spec(dir / "counterfactuals.yaml"));
  CHECK(batch.points() == 1);
  CHECK(batch.scenarios() == 4);
  CHECK(batch.plan(9).scenario == 1);
  CHECK(batch.plan(9).seed == batch.plan(1).seed);  // common random numbers across scenarios
  const Sweep sobol(load_sweep_spec(dir / "baseline_sensitivity.yaml"));
  CHECK(sobol.spec().design == "saltelli");
  CHECK(sobol.spec().parameters.size() >= 6);
  CHECK(sobol.runs() == 128 * (static_cast<std::int64_t>(sobol.spec().parameters.size()) + 2));
  CHECK(sobol.spec().declared_metrics.size() == 3);
  const Sweep crossed(load_sweep_spec(dir / "policies_x_uncertainties.yaml"));
  CHECK(crossed.scenarios() == 4);
  CHECK(crossed.runs() == 4 * 32 * 2);
  CHECK(crossed.plan(64).seed == crossed.plan(0).seed);  // paired across scenarios
  CHECK(crossed.plan(64).values == crossed.plan(0).values);
}
