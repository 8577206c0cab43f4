// The `surveys:` block (model.md section 13): each survey's cuts and response
// noise, read through the scenario schema (engine/scenario/schema.cpp).
#include "geosim/config/reader.hpp"
#include "geosim/scenario/schema.hpp"
#include "scenario/detail/validator.hpp"

namespace geosim {

bool Scenario::has_surveys() const { return !surveys.empty(); }

namespace detail {

using namespace config;

SurveySpec read_survey(const std::string& name, const Node& n, const std::string& path) {
  constexpr std::string_view kPrefix = "surveys.<survey>";
  const Schema& schema = scenario_core_schema();
  const auto key = [&](std::string_view k) -> const KeySpec& {
    return schema.at(std::string(kPrefix) + "." + std::string(k));
  };
  expect_map(n, path, "a survey: favourable_above, unfavourable_below and optionally doc and response_sd");
  check_keys(n, path, schema, kPrefix);
  SurveySpec s;
  s.name = name;
  s.doc = text_or(n, "doc", path, "");
  s.favourable_above = read_number(n, key("favourable_above"), path);
  s.unfavourable_below = read_number(n, key("unfavourable_below"), path);
  s.response_sd = read_number(n, key("response_sd"), path);
  // Overlapping categories would count a respondent as both favourable and unfavourable.
  if (s.unfavourable_below > s.favourable_above)
    throw RangeError(n.find("unfavourable_below")->where, join(path, "unfavourable_below"),
                     "unfavourable_below (" + fmt(s.unfavourable_below) +
                         ") must not exceed favourable_above (" + fmt(s.favourable_above) + ")");
  return s;
}

}  // namespace detail
}  // namespace geosim
