// The `surveys:` block (engine/scenario/surveys.cpp): read through the schema,
// its defaults written in, its mistakes refused at their place; and the run
// file's survey dimension and variables, written only when surveys are declared.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/schema.hpp"
#include "support/scenario_files.hpp"

using namespace geosim;
using testing::check_where;
using testing::contains;
using testing::load_error;
using testing::write_temp;

namespace {

// Line 7 is the first survey, line 8 the second.
std::string with_surveys(const std::string& first) {
  return testing::scenario_with("surveys:\n  pew: " + first +
                                "\n  barometer: {favourable_above: 0.3, unfavourable_below: -0.3}\n");
}

}  // namespace

TEST_CASE("surveys: the block is read through the schema, in file order, with its defaults") {
  const Scenario s = load_scenario(write_temp(
      "surveys_keys.yaml",
      with_surveys("{doc: favourable or very favourable, favourable_above: 0.1, unfavourable_below: -0.1, "
                   "response_sd: 0.2}")));
  REQUIRE(s.surveys.size() == 2);
  CHECK(s.has_surveys());
  CHECK(s.surveys[0].name == "pew");
  CHECK(s.surveys[0].doc == "favourable or very favourable");
  CHECK(s.surveys[0].favourable_above == 0.1);
  CHECK(s.surveys[0].unfavourable_below == -0.1);
  CHECK(s.surveys[0].response_sd == 0.2);
  CHECK(s.surveys[1].name == "barometer");
  CHECK(s.surveys[1].doc.empty());
  CHECK(s.surveys[1].response_sd == scenario_default("surveys.<survey>.response_sd"));
  CHECK(s.surveys[1].response_sd == 0.0);
  CHECK(contains(s.defaults_applied, "surveys.barometer.response_sd: 0\n"));
  CHECK_FALSE(contains(s.defaults_applied, "surveys.pew.response_sd"));
  // Without the block: no surveys, and no survey defaults.
  const Scenario none = load_scenario(write_temp("surveys_none.yaml", testing::scenario_with("")));
  CHECK_FALSE(none.has_surveys());
  CHECK_FALSE(contains(none.defaults_applied, "surveys"));
}

TEST_CASE("surveys: crossed cuts, a negative response_sd, a missing cut or an unknown key are refused") {
  // Line 7: `  pew: {...}`, the mapping at column 8.
  std::string what = load_error<RangeError>(
      write_temp("surveys_crossed.yaml", with_surveys("{favourable_above: 0.1, unfavourable_below: 0.2}")));
  check_where(what, "surveys_crossed.yaml:7:52", "surveys.pew.unfavourable_below");
  CHECK(contains(what, "must not exceed favourable_above"));
  MESSAGE(what);
  what = load_error<RangeError>(
      write_temp("surveys_sd.yaml",
                 with_surveys("{favourable_above: 0.1, unfavourable_below: -0.1, response_sd: -0.5}")));
  check_where(what, "surveys_sd.yaml:7:71", "surveys.pew.response_sd");
  MESSAGE(what);
  what = load_error<RangeError>(
      write_temp("surveys_cut.yaml", with_surveys("{favourable_above: 1.5, unfavourable_below: -0.1}")));
  check_where(what, "surveys_cut.yaml:7:27", "surveys.pew.favourable_above");
  what = load_error<TypeError>(write_temp("surveys_missing.yaml", with_surveys("{favourable_above: 0.1}")));
  check_where(what, "surveys_missing.yaml:7:8", "surveys.pew.unfavourable_below");
  what = load_error<UnknownKeyError>(
      write_temp("surveys_typo.yaml",
                 with_surveys("{favourable_above: 0.1, unfavourable_below: -0.1, response_sdd: 1}")));
  check_where(what, "surveys_typo.yaml:7:58", "surveys.pew.response_sdd");
  CHECK(contains(what, "response_sd"));
  MESSAGE(what);
}

TEST_CASE("surveys: the run file has the survey dimension and variables only when surveys are declared") {
  namespace fs = std::filesystem;
  const Scenario with = load_scenario(
      write_temp("surveys_run.yaml",
                 with_surveys("{favourable_above: 0.1, unfavourable_below: -0.1, response_sd: 0.1}")));
  const fs::path out = testing::temp_dir("surveys") / "geosim_surveys_run.h5";
  run(with, {.output = out});
  CHECK(read_labels(out, "survey") == std::vector<std::string>{"pew", "barometer"});
  for (const char* name : {"survey_favourable", "survey_unfavourable"}) {
    const Variable v = read_variable(out, name);
    CHECK(v.dims == std::vector<std::string>{"time", "survey", "power", "target"});
    CHECK(v.shape == std::vector<std::size_t>{13, 2, 2, 2});
    for (double x : v.values) CHECK((x >= 0.0 && x <= 1.0));
  }
  // The categories do not overlap: favourable + unfavourable <= 1.
  const Variable f = read_variable(out, "survey_favourable"), u = read_variable(out, "survey_unfavourable");
  for (std::size_t i = 0; i < f.values.size(); ++i) CHECK(f.values[i] + u.values[i] <= 1.0 + 1e-15);

  const Scenario without = load_scenario(write_temp("surveys_run_none.yaml", testing::scenario_with("")));
  const fs::path plain = testing::temp_dir("surveys") / "geosim_surveys_run_none.h5";
  run(without, {.output = plain});
  CHECK_FALSE(has_variable(plain, "survey"));
  CHECK_FALSE(has_variable(plain, "survey_favourable"));
  CHECK_FALSE(has_variable(plain, "survey_unfavourable"));
  fs::remove(out);
  fs::remove(plain);
}
