// The observations table: the shipped one reads, and every kind of bad row
// is refused at its line and column.
#include "geosim/calibration/observations.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "support/temp_files.hpp"
#include "support/thrown.hpp"

using namespace geosim;
using namespace geosim::calibration;
namespace fs = std::filesystem;

namespace {

const char* kHeader =
    "id,quantity,instrument,state,partner,period,value,sd,lower,upper,unit,source,publisher,"
    "source_year,url,note\n";

std::string refused_row(const std::string& row) {
  testing::ScopedTempDir dir("observations");
  const fs::path file = dir.path / "o.csv";
  std::ofstream(file) << kHeader << "ok,trade_turnover,x,KAZ,CHN,2019,1,,,,USD million,T,P,2020,,\n"
                      << row << "\n";
  try {
    read_observations(file);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("row accepted: " << row);
  return "";
}

}  // namespace

TEST_CASE("observations: the shipped table reads, every row cited, and sources are kept side by side") {
  const ObservationTable t =
      read_observations(fs::path(GEOSIM_SOURCE_DIR) / "scenarios/data/observations.csv");
  CHECK(t.rows.size() > 500);
  std::set<std::string> quantities, instruments_of_kaz_china_trade;
  for (const Observation& o : t.rows) {
    CHECK(!o.source.empty());
    CHECK(!o.publisher.empty());
    CHECK(o.source_year >= 1990);
    quantities.insert(o.quantity);
    if (o.quantity == "trade_turnover" && o.state == "KAZ" && o.partner == "CHN")
      instruments_of_kaz_china_trade.insert(o.instrument);
  }
  for (const char* q :
       {"trade_turnover", "relations_good_share", "leadership_approval", "arms_import_tiv",
        "remittance_share_gdp", "remittance_from_russia", "protest_count", "unfavourable_share"})
    CHECK_MESSAGE(quantities.count(q) == 1, q);
  // National statistics and Chinese customs disagree; both are kept.
  CHECK(instruments_of_kaz_china_trade.count("national_statistics") == 1);
  CHECK(instruments_of_kaz_china_trade.count("china_customs") == 1);
  const Observation* article = t.find("article_unfav_kgz_chn");
  REQUIRE(article != nullptr);
  CHECK(article->value == 0.35);
  CHECK(article->first == Date{2019, 1, 1});
  CHECK(article->last == Date{2020, 12, 1});
}

TEST_CASE("observations: bad rows are refused where they are") {
  CHECK(refused_row("a,trade_turnover,x,KAZ,CHN,2019,1,,,,USD million,,P,2020,,")
            .find("source: expected the source's title: every figure is cited") != std::string::npos);
  CHECK(refused_row("ok,trade_turnover,x,KAZ,CHN,2019,1,,,,USD million,T,P,2020,,")
            .find("o.csv:3:1: id: the id 'ok' is used by an earlier row") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019..2018,1,,,,USD million,T,P,2020,,")
            .find("period: expected YYYY, YYYY..YYYY") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019,1,,2,,USD million,T,P,2020,,")
            .find("expected lower <= value <= upper") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019,nan,,,,USD million,T,P,2020,,")
            .find("value: expected a finite number") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019,1,-1,,,USD million,T,P,2020,,")
            .find("sd: expected a number >= 0") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019,1,,,,USD million,T,P,20x0,,")
            .find("source_year: expected a year") != std::string::npos);
  CHECK(refused_row("b,trade_turnover,x,KAZ,CHN,2019,1,,,,USD million,T,P,2020,")
            .find("expected 16 fields (one per header column), got 15") != std::string::npos);
}

TEST_CASE("observations: periods, bounds and the sd a band implies") {
  testing::ScopedTempDir dir("observations_periods");
  const fs::path file = dir.path / "o.csv";
  std::ofstream(file) << kHeader << "a,x,y,KAZ,CHN,2018-01..2020-08,0.3,,0.2,0.4,share,T,P,2020,,\n"
                      << "b,x,y,KAZ,CHN,2019,40,,40,,count,T,P,2020,,\n"
                      << "c,x,y,KAZ,CHN,2019-11,0.5,0.02,,,share,T,P,2020,,\n";
  const ObservationTable t = read_observations(file);
  CHECK(t.rows[0].first == Date{2018, 1, 1});
  CHECK(t.rows[0].last == Date{2020, 8, 1});
  CHECK(t.rows[0].standard_deviation() == doctest::Approx(0.05));  // a band is +-2 sd
  CHECK(t.rows[1].has_lower);
  CHECK(!t.rows[1].has_upper);
  CHECK(t.rows[1].standard_deviation() == 0.0);  // a bound alone: the operator's error carries it
  CHECK(t.rows[2].first == Date{2019, 11, 1});
  CHECK(t.rows[2].last == Date{2019, 11, 1});
  CHECK(t.rows[2].standard_deviation() == 0.02);
}
