// Each sweep parameter as a results variable of its own
// (engine/sweep/parameter_variables.cpp): named by its path, a number, or a
// string for booleans, dates and names.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"
#include "support/sweep_files.hpp"
#include "sweep/detail/internal.hpp"

using namespace geosim;
using namespace geosim::testing;
namespace fs = std::filesystem;

namespace {

Sweep over_named_actions(const std::string& name, const std::string& parameters) {
  const fs::path path = sweep_file(name, "");
  std::ofstream(path) << "base: " << (fs::path(GEOSIM_TEST_DATA_DIR) / "named_actions.yaml").string()
                      << "\nparameters:\n"
                      << parameters;
  return Sweep(load_sweep_spec(path));
}

}  // namespace

TEST_CASE("parameter variables: numbers as float64, booleans, dates and names as strings") {
  const Sweep s =
      over_named_actions("parameter_variables",
                         "  campaigns.threshold: {range: [0.1, 0.3], levels: 2}\n"
                         "  events.sanctions.enabled: [true, false]\n"
                         "  events.sanctions.date: [2014-03, 2014-06]\n"
                         "  powers.CHN.policy.economic: [contest, value]\n"
                         "  events.sanctions.actions[rus_economy].scale_budget.factor: [0.5, 1]\n");
  const std::vector<sweep_detail::ParameterVariable> vars = sweep_detail::parameter_variables(s);
  REQUIRE(vars.size() == 5);
  CHECK(vars[0].numeric);
  CHECK_FALSE(vars[1].numeric);
  CHECK_FALSE(vars[2].numeric);
  CHECK_FALSE(vars[3].numeric);
  CHECK(vars[4].numeric);
  CHECK(vars[4].name == "events.sanctions.actions[rus_economy].scale_budget.factor");

  const fs::path out = run_to_file(s, "geosim_parameter_variables.h5");
  REQUIRE(s.runs() == 32);
  const Variable threshold = read_variable(out, "campaigns.threshold");
  const Variable factor = read_variable(out, "events.sanctions.actions[rus_economy].scale_budget.factor");
  const std::vector<std::string> enabled = read_labels(out, "events.sanctions.enabled");
  const std::vector<std::string> date = read_labels(out, "events.sanctions.date");
  const std::vector<std::string> policy = read_labels(out, "powers.CHN.policy.economic");
  REQUIRE(threshold.values.size() == 32);
  REQUIRE(enabled.size() == 32);
  for (std::int64_t r = 0; r < s.runs(); ++r) {
    const RunPlan p = s.plan(r);
    const auto k = static_cast<std::size_t>(r);
    CHECK(threshold.values[k] == std::stod(p.values[0]));
    CHECK(enabled[k] == p.values[1]);
    CHECK(date[k] == p.values[2]);
    CHECK(policy[k] == p.values[3]);
    CHECK(factor.values[k] == std::stod(p.values[4]));
  }
  CHECK(enabled[0] == "true");
  CHECK(date[0] == "2014-03");
}

TEST_CASE("parameter variables: a path that is the name of another results variable is refused") {
  CHECK_THROWS_AS(over_named_actions("parameter_named_seed", "  seed: [1, 2]\n"), ReferenceError);
}

TEST_CASE("parameter variables: the number of a parameter's text") {
  CHECK(sweep_detail::parameter_number("0.25") == 0.25);
  CHECK(sweep_detail::parameter_number("+3") == 3.0);
  CHECK(std::isnan(sweep_detail::parameter_number("true")));
  CHECK(std::isnan(sweep_detail::parameter_number("2014-03")));
  CHECK(std::isnan(sweep_detail::parameter_number("")));
}
