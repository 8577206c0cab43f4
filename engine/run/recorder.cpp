#include "geosim/run/recorder.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace geosim {

RunRecord RunRecord::empty_for(const Scenario& sc, std::size_t reserve_rows) {
  RunRecord r;
  r.powers = sc.num_powers();
  r.targets = sc.num_targets();
  r.groups = sc.num_groups();
  r.institutions = static_cast<int>(sc.institutions.size());
  for (const ResultsVariable& v : results_variables()) {
    SeriesValues values;
    switch (v.type) {
      case ValueType::f64: values = std::vector<double>{}; break;
      case ValueType::i32: values = std::vector<std::int32_t>{}; break;
      case ValueType::i8: values = std::vector<std::int8_t>{}; break;
    }
    std::visit([&](auto& vec) { vec.reserve(reserve_rows * v.row_size(sc)); }, values);
    r.series.push_back(std::move(values));
  }
  return r;
}

const SeriesValues& RunRecord::operator[](std::string_view name) const {
  return series.at(results_variable_index(name));
}
SeriesValues& RunRecord::operator[](std::string_view name) { return series.at(results_variable_index(name)); }

std::vector<double> RunRecord::as_doubles(std::string_view name) const {
  return std::visit([](const auto& vec) { return std::vector<double>(vec.begin(), vec.end()); },
                    (*this)[name]);
}

bool Recorder::records_all() const {
  return std::all_of(recorded_.begin(), recorded_.end(), [](char r) { return r != 0; });
}

void Recorder::on_start(const World& world) {
  const Scenario& sc = world.scenario();
  const auto vars = results_variables();
  const auto rows = static_cast<std::size_t>(sc.ticks) + 1;
  if (record_.series.size() != vars.size()) record_ = RunRecord::empty_for(sc);  // new, or released
  record_.rows = 0;
  record_.powers = sc.num_powers();
  record_.targets = sc.num_targets();
  record_.groups = sc.num_groups();
  record_.institutions = static_cast<int>(sc.institutions.size());
  row_sizes_.clear();
  for (std::size_t i = 0; i < vars.size(); ++i) {
    row_sizes_.push_back(vars[i].row_size(sc));
    std::visit(
        [&](auto& vec) {
          vec.clear();  // keeps the capacity of an earlier run
          if (recorded(i)) vec.reserve(rows * row_sizes_.back());
        },
        record_.series[i]);
  }
  row_.assign(*std::max_element(row_sizes_.begin(), row_sizes_.end()), 0.0);
  append(world.state());
}

void Recorder::on_step(const World& world) { append(world.state()); }

void Recorder::append(const WorldState& s) {
  ++record_.rows;
  const auto vars = results_variables();
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (!recorded(i)) continue;
    vars[i].extract(s, row_.data());
    std::visit(
        [&](auto& out) {
          using T = typename std::decay_t<decltype(out)>::value_type;
          for (std::size_t k = 0; k < row_sizes_[i]; ++k) out.push_back(static_cast<T>(row_[k]));
        },
        record_.series[i]);
  }
}

}  // namespace geosim
