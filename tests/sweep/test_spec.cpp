// The sweep-file loader (engine/sweep/spec.cpp): read through
// sweep_file_schema() with the shared readers of config/reader.hpp, so the
// scenario loader's rules hold (1e6 is an integer, .nan/.inf are range
// errors, booleans are true/false only); the schema matches docs/sweeps.md.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "geosim/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

SweepSpec spec_of(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("geosim_spec_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".yaml");
  std::ofstream(path) << "base: " << (kData / "minimal.yaml").string() << "\n" << text;
  return load_sweep_spec(path);
}

std::string error_of(const std::string& text) {
  try {
    (void)spec_of("error", text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kParams = "parameters:\n  powers.CHN.budget.soft: [0.5, 1.0]\n";

}  // namespace

TEST_CASE("defaults come from the sweep-file schema") {
  const SweepSpec s = spec_of("defaults", kParams);
  const config::Schema schema = sweep_file_schema();
  CHECK(s.name == "defaults");
  CHECK(s.design == schema.at("design").default_text);
  CHECK(std::to_string(s.replicates) == schema.at("replicates").default_text);
  CHECK(std::to_string(s.seed) == schema.at("seed").default_text);
  CHECK(!s.common_random_numbers);
  CHECK(s.metrics == metric_names());
  CHECK(s.time_series.empty());
  CHECK(s.ticks == -1);
  CHECK(s.design_settings.values().empty());  // the grid declares no keys
}

TEST_CASE("the scenario loader's rules: 1e6 integers, no .nan or .inf, booleans true or false") {
  const SweepSpec s = spec_of("rules", std::string(kParams) + "replicates: 1e1\nticks: 6.0\nseed: 12\n");
  CHECK(s.replicates == 10);
  CHECK(s.ticks == 6);
  CHECK(s.seed == 12);
  CHECK(spec_of("lhs",
                "parameters:\n  powers.CHN.budget.soft: {range: [0.5, 1.0]}\ndesign: lhs\nsamples: 1e3\n")
            .design_settings.integer("samples") == 1000);
  CHECK_THROWS_AS(spec_of("inf", "parameters:\n  powers.CHN.budget.soft: {range: [0.5, .inf], levels: 2}\n"),
                  RangeError);
  CHECK_THROWS_AS(spec_of("frac", std::string(kParams) + "replicates: 1.5\n"), TypeError);
  CHECK(error_of(std::string(kParams) + "common_random_numbers: off\n").find("(write false)") !=
        std::string::npos);
  CHECK(error_of(std::string(kParams) + "common_random_numbers: on\n").find("(write true)") !=
        std::string::npos);
  CHECK(spec_of("crn", std::string(kParams) + "common_random_numbers: true\n").common_random_numbers);
  // Ranges from the declarations, stated whole.
  CHECK(
      error_of(std::string(kParams) + "replicates: 0\n").find("expected an integer in [1, 1000000], got 0") !=
      std::string::npos);
  CHECK(error_of("parameters:\n  powers.CHN.budget.soft: {range: [0.5, 1.0], levels: 1}\n")
            .find("expected an integer in [2, 1000000], got 1") != std::string::npos);
  CHECK(error_of("parameters:\n  powers.CHN.budget.soft: {range: [0.5, 1.0], step: -1}\n")
            .find("expected a number > 0, got -1") != std::string::npos);
  CHECK(error_of("parameters:\n  powers.CHN.budget.soft: {range: [0.5, 1.0], scale: cubic}\n")
            .find("expected one of linear, log, got cubic") != std::string::npos);
  CHECK(error_of(std::string(kParams) + "design: latin\n")
            .find("design: expected one of grid, random, lhs, sobol") != std::string::npos);
}

TEST_CASE("set: keeps a quoted value quoted, so a string with YAML syntax stays a string") {
  const SweepSpec s =
      spec_of("quoted", std::string(kParams) +
                            "set:\n  description: \"Sanctions: phase 1\"\n  output.agents: final\n"
                            "  name: '010'\n");
  REQUIRE(s.set.size() == 3);
  CHECK(s.set[0] == "description=\"Sanctions: phase 1\"");
  CHECK(s.set[1] == "output.agents=final");
  CHECK(s.set[2] == "name=\"010\"");
}

TEST_CASE("set: takes lists and mappings as --set does, on one line") {
  const SweepSpec s =
      spec_of("flow", std::string(kParams) +
                          "set:\n  surveys.pew:\n    favourable_above: 0.1\n    response_sd: 0.2\n"
                          "  events.e.actions: [{note: \"a, b: c\"}, [x, 'y']]\n  seed: ~\n");
  REQUIRE(s.set.size() == 3);
  CHECK(s.set[0] == "surveys.pew={\"favourable_above\": 0.1, \"response_sd\": 0.2}");
  CHECK(s.set[1] == "events.e.actions=[{\"note\": \"a, b: c\"}, [x, \"y\"]]");
  CHECK(s.set[2] == "seed=null");
  // Keys starting with an indicator, and words with one, are quoted; names, numbers and dates are not.
  const SweepSpec more =
      spec_of("flow_indicators", std::string(kParams) +
                                     "set:\n  events:\n    \"#x\":\n      date: 2014-05\n"
                                     "      note: Is it over?\n      shares: [-0.5, 1e-05, a b]\n");
  REQUIRE(more.set.size() == 1);
  CHECK(more.set[0] ==
        "events={\"#x\": {\"date\": 2014-05, \"note\": \"Is it over?\", \"shares\": [-0.5, 1e-05, a b]}}");
}

TEST_CASE("metrics and time series: lists of names, all or none") {
  CHECK(spec_of("none", std::string(kParams) + "metrics: none\ntime_series: [alignment]\n").metrics.empty());
  CHECK(spec_of("all", std::string(kParams) + "time_series: all\n").time_series == time_series_names());
  CHECK(
      error_of(std::string(kParams) + "metrics: [final_alignment, final_alignment]\n").find("listed twice") !=
      std::string::npos);
  CHECK(
      error_of(std::string(kParams) + "metrics: 3\n").find("expected a list of metric names, all or none") !=
      std::string::npos);
  CHECK(error_of(std::string(kParams) + "metrics: none\n").find("the sweep keeps nothing") !=
        std::string::npos);
}

TEST_CASE("docs/sweeps.md lists every key of the sweep-file schema") {
  std::ifstream in(fs::path(GEOSIM_SOURCE_DIR) / "docs" / "sweeps.md");
  std::stringstream docs;
  docs << in.rdbuf();
  const config::Schema schema = sweep_file_schema();
  int keys = 0;
  // Keys of designs that tests register (test_designs.cpp) are not documented.
  const auto documented = [](const std::string& key) {
    bool of_a_design = false;
    for (const std::string& name : design_names()) {
      const bool reads = design(name).keys().find(key) != nullptr;
      if (reads && (name == "grid" || name == "random" || name == "lhs" || name == "sobol" ||
                    name == "saltelli" || name == "morris" || name == "table"))
        return true;
      of_a_design = of_a_design || reads;
    }
    return !of_a_design;
  };
  for (const config::KeySpec& k : schema.keys()) {
    if (!documented(k.path)) continue;
    std::string path = k.path;
    if (const auto at = path.find("<path>"); at != std::string::npos) path.replace(at, 6, "PATH");
    CAPTURE(path);
    CHECK(docs.str().find("| `" + path + "` | " + std::string(config::value_type_name(k.type))) !=
          std::string::npos);
    CHECK(!k.doc.empty());
    ++keys;
  }
  CHECK(keys >= 19);
  CHECK(config::to_table(schema).find("replicates\tinteger\t\t1\t") != std::string::npos);
}
