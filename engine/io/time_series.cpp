// The time series of a run's results file, one dataset per entry of the
// catalogue of results variables (geosim/io/variables.hpp), and the time
// coordinates.
#include <variant>

#include "geosim/core/errors.hpp"
#include "io/detail/run_file.hpp"

namespace geosim::io_detail {

using namespace hdf5;  // engine/io/detail/hdf5.hpp: handles, attributes, Writer

void require(bool ok, const std::string& what) {
  if (!ok) throw RuntimeFailure("internal error: " + what);
}

const Dim& RunDims::of(Axis axis) const {
  const Dim* d = nullptr;
  switch (axis) {
    case Axis::power: d = power; break;
    case Axis::target: d = target; break;
    case Axis::channel: d = channel; break;
    case Axis::group: d = group; break;
    case Axis::institution: d = institution; break;
    case Axis::survey: d = survey; break;
  }
  require(d != nullptr, "dimension " + std::string(axis_name(axis)) + " not created");
  return *d;
}

void time_attributes(hid_t ds, const std::string& name, bool axis) {
  text_attribute(ds, "calendar", "proleptic_gregorian", name);
  text_attribute(ds, "standard_name", "time", name);
  if (axis) text_attribute(ds, "axis", "T", name);
}

/// Days from the scenario's start to each row (tick) in `rows`: time values in
/// "days since START" units.
std::vector<double> days_since_start(const Scenario& sc, const std::vector<int>& rows) {
  const long epoch0 = sc.start.days_since_epoch();
  std::vector<double> days;
  days.reserve(rows.size());
  for (int r : rows) days.push_back(static_cast<double>(sc.row_date(r).days_since_epoch() - epoch0));
  return days;
}

void write_time_series(Writer& w, const RunDims& dims, const Scenario& sc, const RunRecord& rec) {
  const auto vars = results_variables();
  require(rec.series.size() == vars.size(), "run record has " + std::to_string(rec.series.size()) +
                                                " series, the catalogue " + std::to_string(vars.size()));
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const ResultsVariable& v = vars[i];
    require(rec.series[i].index() == static_cast<std::size_t>(v.type),
            "series " + v.name + " is not of its catalogue type");
    if (!v.in_file(sc)) continue;  // a mechanism the scenario does not use
    std::vector<const Dim*> d{dims.time};
    for (Axis a : v.dims) d.push_back(&dims.of(a));
    const Storage storage{true, {}, v.nan_fill};
    const hid_t id = std::visit(
        [&](const auto& values) { return w.variable(v.name, d, values, v.units, v.long_name, storage); },
        rec.series[i]);
    if (!v.flag_meanings.empty()) {
      require(v.type == ValueType::i8, "flags of " + v.name + " must be int8");
      flag_attributes(id, v.flag_meanings, v.name);
    }
  }
}

}  // namespace geosim::io_detail
