// The table design (engine/sweep/designs/table.cpp): points from a CSV file
// whose header names the parameters, validated like listed values, with the
// file's checksum in the sweep's identity.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "geosim/sweep/sweep.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using geosim::testing::thrown;
using geosim::testing::write_temp;

namespace {

const fs::path kData = GEOSIM_TEST_DATA_DIR;

/// A table sweep of the named-actions fixture: design.csv holds `csv`.
Sweep table_sweep(const std::string& csv, const std::string& extra = "") {
  write_temp("table", "design.csv", csv);
  const fs::path file = write_temp("table", "s.yaml",
                                   "base: " + (kData / "named_actions.yaml").string() +
                                       "\ndesign: table\ntable: design.csv\nticks: 3\n" + extra);
  return Sweep(load_sweep_spec(file));
}

const char* kCsv =
    "events.sanctions.actions[rus_economy].scale_budget.factor, powers.CHN.policy.economic "
    ",campaigns.duration\n"
    "0.5,value,3\n"
    "\n"
    "0.9,\"contest\",6\r\n"
    "0.7,value,3\n";

}  // namespace

TEST_CASE("table: one point per row, the header's paths as parameters, cells as --set values") {
  const Sweep s = table_sweep(kCsv);
  REQUIRE(s.points() == 3);
  const auto& params = s.spec().parameters;
  REQUIRE(params.size() == 3);
  CHECK(params[0].path == "events.sanctions.actions[rus_economy].scale_budget.factor");
  CHECK(params[1].path == "powers.CHN.policy.economic");  // blanks around a field are dropped
  CHECK(params[0].is_range());                            // numbers: validated at min and max
  CHECK(params[0].lo == 0.5);
  CHECK(params[0].hi == 0.9);
  CHECK(params[1].values == std::vector<std::string>{"value", "contest"});  // others: each distinct value
  const RunPlan second = s.plan(1);
  CHECK(second.values == std::vector<std::string>{"0.9", "contest", "6"});
  CHECK(std::isnan(second.units[0]));  // a table has no design coordinates
  const Scenario run = s.scenario(second);
  CHECK(run.campaigns.duration == 6);
}

TEST_CASE("table: the file's checksum is part of the identity") {
  const std::string before = table_sweep(kCsv).identity();
  CHECK(before.find("design.identity: table fnv1a64 ") != std::string::npos);
  const std::string after = table_sweep(std::string(kCsv) + "0.6,value,3\n").identity();
  CHECK(before != after);
}

TEST_CASE("table: bad tables are refused at their file, line and column") {
  std::string what =
      thrown<TypeError>([] { table_sweep("campaigns.duration,campaigns.threshold\n3,0.2\n4\n"); });
  CHECK(what.find("design.csv:3:1: expected 2 fields (one per header column), got 1") != std::string::npos);
  what = thrown<DuplicateKeyError>([] { table_sweep("campaigns.duration,campaigns.duration\n3,4\n"); });
  CHECK(what.find("design.csv:1:20: campaigns.duration: the column 'campaigns.duration' appears twice") !=
        std::string::npos);
  what = thrown<UnknownKeyError>([] { table_sweep("campaigns.duration,campaigns.treshold\n3,0.2\n"); });
  CHECK(what.find("design.csv:1:20: parameters.campaigns.treshold: unknown key 'treshold' in 'campaigns' "
                  "(did you mean 'threshold'?)") != std::string::npos);
  what = thrown<RangeError>([] { table_sweep("campaigns.threshold\n0.2\n1.5\n"); });
  CHECK(what.find("value 1.5 is outside the parameter's domain") != std::string::npos);
  what =
      thrown<TypeError>([] { table_sweep("campaigns.threshold\n0.2\n", "parameters:\n  seed: [1, 2]\n"); });
  CHECK(what.find("takes its parameters from the table's header") != std::string::npos);
  what = thrown<SyntaxError>([] { table_sweep("campaigns.threshold\n\"0.2\n"); });
  CHECK(what.find("design.csv:2:4: a quoted field is not closed on its line") != std::string::npos);
  what = thrown<FileError>([] { table_sweep("campaigns.threshold\n"); });
  CHECK(what.find("at least one row of values") != std::string::npos);
  what = thrown<FileError>([] {
    Sweep(load_sweep_spec(
        write_temp("table", "missing.yaml",
                   "base: " + (kData / "minimal.yaml").string() + "\ndesign: table\ntable: no_such.csv\n")));
  });
  CHECK(what.find("missing.yaml:3:1: table: cannot read the design table") != std::string::npos);
}
