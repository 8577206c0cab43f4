// Extending a finished sweep with more samples (engine/sweep/extend.cpp,
// geosim sweep --extend): the extended file equals the larger sweep run from
// scratch, for one scenario and for a crossed experiment; anything but a
// larger `samples` of a saltelli or sobol design is refused.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "support/sweep_files.hpp"
#include "support/thrown.hpp"

using namespace geosim;
using namespace geosim::testing;
namespace fs = std::filesystem;

namespace {

std::string crossed_head() {
  return "scenarios: [" + (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() + ", " +
         (fs::path(GEOSIM_TEST_DATA_DIR) / "other_powers.yaml").string() + "]\n";
}

/// A sweep file NAME.yaml of `head` and a saltelli design of `samples` base points.
Sweep saltelli(const std::string& name, const std::string& head, int samples, const std::string& extra = "") {
  const fs::path path = sweep_file(name, "");
  std::ofstream(path)
      << "name: extended\n"
      << head
      << "parameters:\n  campaigns.threshold: {range: [0.1, 0.3]}\n"
         "  powers.CHN.budget.soft: {range: [0.2, 1.0]}\n"
      << "design: saltelli\nsamples: " << samples
      << "\nreplicates: 2\ncommon_random_numbers: true\nmetrics: [final_alignment, total_campaigns]\n"
      << "time_series: [alignment]\n"
      << extra;
  return Sweep(load_sweep_spec(path));
}

void run_into(const Sweep& s, const fs::path& out, bool extend) {
  SweepOptions options;
  options.output = out;
  options.jobs = 2;
  options.extend = extend;
  run_sweep(s, options);
}

bool same(const Variable& a, const Variable& b) {
  if (a.shape != b.shape) return false;
  for (std::size_t i = 0; i < a.values.size(); ++i)
    if (a.values[i] != b.values[i] && !(std::isnan(a.values[i]) && std::isnan(b.values[i]))) return false;
  return true;
}

void check_extension_equals_fresh(const std::string& head, const std::string& tag) {
  const fs::path extended = temp_dir("extend") / ("geosim_extend_" + tag + ".h5");
  fs::remove(extended);
  fs::remove(journal_path(extended));
  run_into(saltelli("extend_small_" + tag, head, 4), extended, false);
  const Sweep larger = saltelli("extend_large_" + tag, head, 8);
  // Without --extend the file is refused, saying how to extend it.
  CHECK(thrown<OutputError>([&] { run_into(larger, extended, false); }).find("use --extend") !=
        std::string::npos);
  run_into(larger, extended, true);
  const fs::path fresh = run_to_file(larger, "geosim_extend_fresh_" + tag + ".h5");
  CHECK(read_string_attribute(extended, "sweep_id") == read_string_attribute(fresh, "sweep_id"));
  for (const char* name : {"final_alignment", "total_campaigns", "alignment", "run_status", "point",
                           "replicate", "seed", "scenario_index", "design_unit", "campaigns.threshold"}) {
    INFO(name);
    CHECK(same(read_variable(extended, name), read_variable(fresh, name)));
  }
  CHECK(read_labels(extended, "command") == read_labels(fresh, "command"));
  CHECK_FALSE(fs::exists(journal_path(extended)));
  fs::remove(extended);
  fs::remove(fresh);
}

}  // namespace

TEST_CASE("extend: a finished saltelli sweep with more samples equals the larger sweep run alone") {
  check_extension_equals_fresh("base: " + (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() + "\n",
                               "single");
}

TEST_CASE("extend: a crossed experiment keeps each scenario's runs at their new run indices") {
  check_extension_equals_fresh(crossed_head(), "crossed");
}

TEST_CASE("extend: only a larger samples of a design that keeps its points") {
  const std::string head = "base: " + (fs::path(GEOSIM_TEST_DATA_DIR) / "minimal.yaml").string() + "\n";
  const fs::path out = temp_dir("extend") / "geosim_extend_refused.h5";
  fs::remove(out);
  fs::remove(journal_path(out));
  run_into(saltelli("extend_refused_small", head, 8), out, false);
  const auto refusal = [&](const Sweep& s) { return thrown<OutputError>([&] { run_into(s, out, true); }); };
  CHECK(refusal(saltelli("extend_fewer", head, 4)).find("not more than the file's 8") != std::string::npos);
  CHECK(refusal(saltelli("extend_other", head, 16, "seed: 99\n")).find("more than samples changed") !=
        std::string::npos);
  // Neither the journal nor the file changed: the smaller sweep is still complete.
  CHECK_FALSE(fs::exists(journal_path(out)));
  const fs::path lhs_path = sweep_file("extend_lhs",
                                       "parameters:\n  campaigns.threshold: {range: [0.1, 0.3]}\n"
                                       "design: lhs\nsamples: 8\n");
  const fs::path lhs_out = run_to_file(Sweep(load_sweep_spec(lhs_path)), "geosim_extend_lhs.h5");
  const fs::path lhs16 = sweep_file("extend_lhs",
                                    "parameters:\n  campaigns.threshold: {range: [0.1, 0.3]}\n"
                                    "design: lhs\nsamples: 16\n");
  CHECK(thrown<OutputError>([&] {
          run_into(Sweep(load_sweep_spec(lhs16)), lhs_out, true);
        }).find("the lhs design's points change") != std::string::npos);
  const std::string crossed = crossed_head();
  const fs::path cout_ = temp_dir("extend") / "geosim_extend_difference.h5";
  fs::remove(cout_);
  fs::remove(journal_path(cout_));
  const std::string difference =
      "  - {name: d, variable: alignment, reduce: final, difference_from: minimal}\n";
  // metrics: [...] is a flow list in saltelli(); a difference metric needs the block form.
  const auto with_difference = [&](const std::string& name, int samples) {
    const fs::path path = sweep_file(name, "");
    std::ofstream(path) << "name: extended\n"
                        << crossed
                        << "parameters:\n  campaigns.threshold: {range: [0.1, 0.3]}\n"
                           "design: saltelli\nsamples: "
                        << samples << "\nmetrics:\n  - final_alignment\n"
                        << difference;
    return Sweep(load_sweep_spec(path));
  };
  run_into(with_difference("extend_difference_small", 2), cout_, false);
  CHECK(thrown<OutputError>([&] {
          run_into(with_difference("extend_difference_large", 4), cout_, true);
        }).find("is a difference") != std::string::npos);
  fs::remove(out);
  fs::remove(lhs_out);
  fs::remove(cout_);
}
