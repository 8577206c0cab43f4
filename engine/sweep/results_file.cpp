// The results file of a sweep (docs/sweeps.md), netCDF-4 compatible: one
// `run` dimension; plans, metrics and time series by run. Written from the
// journal in run order, a block of runs at a time, so the file does not
// depend on the order runs finished in and memory does not grow with runs.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "geosim/io/results.hpp"
#include "io/detail/hdf5.hpp"
#include "io/detail/output_file.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {
namespace {

using namespace hdf5;

constexpr std::int64_t kBlock = kResultsBlock;

void write_rows(hid_t ds, hsize_t start, hsize_t count, const std::vector<hsize_t>& tail, hid_t mem_type,
                const void* buf) {
  if (count == 0) return;
  Dataspace file_space(H5Dget_space(ds), "get dataspace");
  std::vector<hsize_t> offset(tail.size() + 1, 0), counts{count};
  offset[0] = start;
  counts.insert(counts.end(), tail.begin(), tail.end());
  for (hsize_t c : counts)
    if (c == 0) return;
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, offset.data(), nullptr, counts.data(), nullptr),
        "select runs");
  Dataspace mem_space(H5Screate_simple(static_cast<int>(counts.size()), counts.data(), nullptr),
                      "create memory dataspace");
  check(H5Dwrite(ds, mem_type, mem_space, file_space, H5P_DEFAULT, buf), "write runs");
}

void write_string_rows(hid_t ds, hsize_t start, const std::vector<std::string>& values, hsize_t cols = 0) {
  if (values.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Datatype type = vlen_utf8_type();
  const hsize_t rows = cols ? values.size() / cols : values.size();
  write_rows(ds, start, rows, cols ? std::vector<hsize_t>{cols} : std::vector<hsize_t>{}, type, ptrs.data());
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

/// The file's contents, ending with every write flushed and checked.
void write_contents(OutputFile& file, const Sweep& sweep, const Layout& layout, const Journal& journal,
                    double wall_seconds) {
  const SweepSpec& spec = sweep.spec();
  const Scenario& sc = sweep.base(0);
  const std::int64_t N = sweep.runs();
  {
    // Bound HDF5's metadata cache too (by default it may grow to 32 MB).
    H5AC_cache_config_t mdc;
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    check(H5Fget_mdc_config(file, &mdc), "get metadata cache configuration");
    mdc.set_initial_size = true;
    mdc.initial_size = 1 << 20;
    mdc.min_size = 1 << 20;
    mdc.max_size = 4 << 20;
    check(H5Fset_mdc_config(file, &mdc), "set metadata cache configuration");
  }
  {
    Writer w(file);
    // Dimensions.
    std::vector<std::int64_t> run_index(static_cast<std::size_t>(N));
    for (std::int64_t r = 0; r < N; ++r) run_index[static_cast<std::size_t>(r)] = r;
    const Dim& run = w.coordinate<std::int64_t>(
        "run", run_index, "1", "run index ((scenario * points + point) * replicates + replicate)");
    run_index = {};
    std::vector<std::string> params;
    for (const auto& p : spec.parameters) params.push_back(p.path);
    const Dim& parameter =
        w.label_coordinate("parameter", params, "varied scenario parameter (dotted path, as for --set)");
    std::vector<std::string> snames, sfiles, sresolved;
    for (std::size_t i = 0; i < spec.scenarios.size(); ++i) {
      snames.push_back(sweep.base(static_cast<int>(i)).name);
      sfiles.push_back(spec.scenarios[i].string());
      sresolved.push_back(sweep.base(static_cast<int>(i)).resolved_yaml);
    }
    const Dim& scenario = w.label_coordinate("scenario", snames, "scenario name");
    // The axes are the union of the scenarios' labels (Layout::labels); a
    // name comes from the first scenario that has the label.
    const auto full_names = [&](const std::string& axis, auto member) {
      std::vector<std::string> out;
      for (const std::string& code : layout.labels.at(axis)) {
        const std::string* name = nullptr;
        for (int s = sweep.scenarios() - 1; s >= 0; --s)
          for (const auto& item : sweep.base(s).*member)
            if (item.code == code) name = &item.name;
        out.push_back(name ? *name : code);
      }
      return out;
    };
    const Dim& power = w.label_coordinate("power", layout.labels.at("power"), "power code");
    const Dim& target = w.label_coordinate("target", layout.labels.at("target"), "target code");
    std::map<std::string, const Dim*> dims{{"power", &power}, {"target", &target}};
    auto need = [&](const std::string& name) {
      for (const Field* f : layout.fields)
        for (const auto& d : f->dims)
          if (d == name) return true;
      return false;
    };
    if (need("channel"))
      dims["channel"] = &w.label_coordinate("channel", layout.labels.at("channel"), "channel of influence");
    if (need("group"))
      dims["group"] = &w.label_coordinate("group", layout.labels.at("group"), "citizen group");
    if (need("institution"))
      dims["institution"] =
          &w.label_coordinate("institution", layout.labels.at("institution"), "institution");
    if (need("survey"))
      dims["survey"] = &w.label_coordinate("survey", layout.labels.at("survey"), "survey instrument");
    for (const auto& [name, labels] : layout.subset_dims)
      dims[name] = &w.label_coordinate(name, labels, "the labels a declared metric keeps");
    if (need("time")) {
      std::vector<double> days(static_cast<std::size_t>(sc.ticks) + 1);
      const long epoch0 = sc.start.days_since_epoch();
      for (int r = 0; r <= sc.ticks; ++r)
        days[static_cast<std::size_t>(r)] = static_cast<double>(sc.row_date(r).days_since_epoch() - epoch0);
      const Dim& time = w.coordinate<double>("time", days, "days since " + sc.start.str(),
                                             "date of the row (row 0: initial state; row k: after k ticks)");
      Dataset ds(H5Dopen2(file, "time", H5P_DEFAULT), "open time");
      text_attribute(ds, "calendar", "proleptic_gregorian", "time");
      text_attribute(ds, "standard_name", "time", "time");
      text_attribute(ds, "axis", "T", "time");
      dims["time"] = &time;
    }
    w.string_variable("power_name", power, full_names("power", &Scenario::powers), "power name");
    w.string_variable("target_name", target, full_names("target", &Scenario::targets), "target name");
    w.string_variable("scenario_file", scenario, sfiles, "scenario file, as given");
    w.string_variable("scenario_resolved", scenario, sresolved,
                      "scenario parameters after extends and the sweep's set, as YAML");
    // A batch's scenarios may run different periods (metrics only: with time
    // series they must share the time axis), so these are per scenario; the
    // global attributes ticks and start_date exist only when all agree.
    std::vector<std::int32_t> sticks, ssteps;
    std::vector<std::string> sstarts;
    for (std::size_t i = 0; i < spec.scenarios.size(); ++i) {
      sticks.push_back(sweep.base(static_cast<int>(i)).ticks);
      ssteps.push_back(sweep.base(static_cast<int>(i)).step_months);
      sstarts.push_back(sweep.base(static_cast<int>(i)).start.str());
    }
    w.variable<std::int32_t>("scenario_ticks", {&scenario}, sticks, "1",
                             "ticks each scenario runs (after the sweep's ticks or --ticks)");
    w.string_variable("scenario_start_date", scenario, sstarts, "first simulated month of each scenario");
    const bool same_period =
        std::all_of(sticks.begin(), sticks.end(), [&](std::int32_t t) { return t == sticks.front(); }) &&
        std::all_of(ssteps.begin(), ssteps.end(), [&](std::int32_t m) { return m == ssteps.front(); }) &&
        std::all_of(sstarts.begin(), sstarts.end(),
                    [&](const std::string& d) { return d == sstarts.front(); });

    // Per-run plan.
    const Storage plain{true, {}, false};
    const hid_t v_point =
        w.empty_variable<std::int64_t>("point", {&run}, "1", "design point of the run", plain);
    const hid_t v_rep = w.empty_variable<std::int32_t>("replicate", {&run}, "1",
                                                       "replicate index of the run at its point", plain);
    const hid_t v_scen = w.empty_variable<std::int32_t>(
        "scenario_index", {&run}, "1", "index of the run's scenario on the scenario dimension", plain);
    const hid_t v_seed = w.empty_variable<std::int64_t>("seed", {&run}, "1",
                                                        "random seed of the run (geosim run --seed)", plain);
    const hid_t v_value = w.empty_variable<double>(
        "parameter_value", {&run, &parameter}, "1",
        "value of each varied parameter in the run (NaN if not a number: see overrides)", plain);
    const hid_t v_unit = w.empty_variable<double>(
        "design_unit", {&run, &parameter}, "1",
        "design coordinate in [0, 1] of each parameter's value (the unit cube the design samples)", plain);
    // Each parameter by its path: numbers, or strings for booleans, dates and names.
    const std::vector<ParameterVariable> pvars = parameter_variables(sweep);
    std::vector<hid_t> v_params;
    for (const ParameterVariable& p : pvars) {
      v_params.push_back(p.numeric ? w.empty_variable<double>(p.name, {&run}, p.units, p.long_name, plain)
                                   : w.empty_string_variable(p.name, {&run}, p.long_name));
      text_attribute(v_params.back(), "coordinates", "point replicate seed", p.name);
    }
    const hid_t v_over = w.empty_string_variable(
        "overrides", {&run},
        "the run's --set overrides (the sweep's set, then the parameters), space-separated");
    const hid_t v_cmd = w.empty_string_variable("command", {&run}, "command that repeats the run alone");
    const hid_t v_status = w.empty_variable<std::int8_t>(
        "run_status", {&run}, "1",
        "what became of the run: ok, invalid (its scenario was refused) or failed (while running)", plain);
    flag_attributes(v_status, std::string(run_status_meanings()), "run_status");
    const hid_t v_error = w.empty_string_variable(
        "run_error", {&run}, "why the run did not finish (empty if it did); its results are fill values");

    // A failed run's results are the fill values, so the variables have one
    // (floats already did where values may be NaN; a sweep without failed
    // runs writes its variables as before).
    const bool any_failed = journal.failed() > 0;

    // Results.
    std::vector<hid_t> v_fields;
    for (std::size_t i = 0; i < layout.fields.size(); ++i) {
      const Field& f = *layout.fields[i];
      std::vector<const Dim*> fd{&run};
      for (const auto& d : f.dims) fd.push_back(dims.at(d));
      Storage st{true, {}, f.nan_fill, any_failed || layout.partial[i]};
      if (!f.dims.empty() && f.dims.front() == "time") {  // time series: one chunk per run
        st.chunk = {1};
        for (std::size_t n : layout.shapes[i]) st.chunk.push_back(n);
      }
      hid_t id = -1;
      switch (f.type) {
        case Field::Type::f64: id = w.empty_variable<double>(f.name, fd, f.units, f.long_name, st); break;
        case Field::Type::i32:
          id = w.empty_variable<std::int32_t>(f.name, fd, f.units, f.long_name, st);
          break;
        case Field::Type::i8: id = w.empty_variable<std::int8_t>(f.name, fd, f.units, f.long_name, st); break;
      }
      // CF: point, replicate and seed label every result (xarray makes them coordinates).
      text_attribute(id, "coordinates", "point replicate seed", f.name);
      if (f.declared && !f.declared->difference_from.empty())
        utf8_attribute(id, "difference_from", f.declared->difference_from, f.name);
      v_fields.push_back(id);
    }

    // Rows, a block at a time.
    const std::size_t P = spec.parameters.size();
    const auto check_size = [&](const std::vector<char>& record, std::int64_t r) {
      if (record.size() != 8 + layout.doubles * sizeof(double))
        throw RuntimeFailure("the journal record of run " + std::to_string(r) + " has the wrong size");
    };
    std::vector<char> payload, twin_payload;
    for (std::int64_t b0 = 0; b0 < N; b0 += kBlock) {
      const std::int64_t b1 = std::min(N, b0 + kBlock);
      const std::size_t n = static_cast<std::size_t>(b1 - b0);
      std::vector<std::string> texts;  // parameter values, by parameter then run
      std::vector<std::int64_t> points, seeds;
      std::vector<std::int32_t> reps, scens;
      std::vector<double> values, units;
      std::vector<std::string> overrides, commands, errors;
      std::vector<std::int8_t> statuses;
      std::vector<std::vector<double>> buffers(layout.fields.size());
      for (std::size_t i = 0; i < layout.fields.size(); ++i) buffers[i].resize(n * layout.sizes[i]);
      for (std::int64_t r = b0; r < b1; ++r) {
        const RunPlan plan = sweep.plan(r);
        points.push_back(plan.point);
        seeds.push_back(static_cast<std::int64_t>(plan.seed));
        reps.push_back(plan.replicate);
        scens.push_back(plan.scenario);
        for (const auto& v : plan.values) values.push_back(parameter_number(v));
        texts.insert(texts.end(), plan.values.begin(), plan.values.end());
        units.insert(units.end(), plan.units.begin(), plan.units.end());
        std::string joined;
        for (const auto& o : plan.overrides) joined += (joined.empty() ? "" : " ") + o;
        overrides.push_back(joined);
        commands.push_back(sweep.repeat_command(plan));
        const auto k = static_cast<std::size_t>(r - b0);
        if (journal.read(r, payload) == kFailedRunRecord) {
          RunStatus status = RunStatus::failed;
          std::string message;
          read_failure(payload, status, message);
          statuses.push_back(static_cast<std::int8_t>(status));
          errors.push_back(std::move(message));
          for (std::size_t i = 0; i < layout.fields.size(); ++i)
            std::fill_n(buffers[i].data() + k * layout.sizes[i], layout.sizes[i], layout.fields[i]->fill());
          continue;
        }
        statuses.push_back(static_cast<std::int8_t>(RunStatus::ok));
        errors.emplace_back();
        check_size(payload, r);
        for (std::size_t i = 0; i < layout.fields.size(); ++i)
          std::memcpy(buffers[i].data() + k * layout.sizes[i],
                      payload.data() + 8 + layout.offsets[i] * sizeof(double),
                      layout.sizes[i] * sizeof(double));
        // Paired differences: the run of the reference scenario at the same
        // point and replicate (read once for every field that refers to it).
        std::int64_t twin_read = -1;
        bool twin_ok = false;
        for (std::size_t i = 0; i < layout.fields.size(); ++i) {
          if (layout.reference[i] < 0) continue;
          const std::int64_t twin = sweep.run_index(layout.reference[i], plan.point, plan.replicate);
          if (twin != twin_read) {
            twin_ok = journal.read(twin, twin_payload) != kFailedRunRecord;
            if (twin_ok) check_size(twin_payload, twin);
            twin_read = twin;
          }
          const double fill = layout.fields[i]->fill();
          double* out = buffers[i].data() + k * layout.sizes[i];
          for (std::size_t e = 0; e < layout.sizes[i]; ++e) {
            double other = fill;
            if (twin_ok)
              std::memcpy(&other, twin_payload.data() + 8 + (layout.offsets[i] + e) * sizeof(double),
                          sizeof other);
            const auto missing = [&](double v) { return std::isnan(v) || v == fill; };
            out[e] = missing(out[e]) || missing(other) ? fill : out[e] - other;
          }
        }
      }
      const auto start = static_cast<hsize_t>(b0);
      write_rows(v_point, start, n, {}, H5T_NATIVE_INT64, points.data());
      write_rows(v_rep, start, n, {}, H5T_NATIVE_INT32, reps.data());
      write_rows(v_scen, start, n, {}, H5T_NATIVE_INT32, scens.data());
      write_rows(v_seed, start, n, {}, H5T_NATIVE_INT64, seeds.data());
      write_rows(v_value, start, n, {static_cast<hsize_t>(P)}, H5T_NATIVE_DOUBLE, values.data());
      write_rows(v_unit, start, n, {static_cast<hsize_t>(P)}, H5T_NATIVE_DOUBLE, units.data());
      for (std::size_t j = 0; j < P; ++j) {
        std::vector<std::string> column(n);
        std::vector<double> numbers(n);
        for (std::size_t k = 0; k < n; ++k)
          column[k] = std::move(texts[k * P + j]), numbers[k] = values[k * P + j];
        if (pvars[j].numeric) write_rows(v_params[j], start, n, {}, H5T_NATIVE_DOUBLE, numbers.data());
        else write_string_rows(v_params[j], start, column);
      }
      write_string_rows(v_over, start, overrides);
      write_string_rows(v_cmd, start, commands);
      write_rows(v_status, start, n, {}, H5T_NATIVE_INT8, statuses.data());
      write_string_rows(v_error, start, errors);
      for (std::size_t i = 0; i < layout.fields.size(); ++i) {
        std::vector<hsize_t> tail(layout.shapes[i].begin(), layout.shapes[i].end());
        write_rows(v_fields[i], start, n, tail, H5T_NATIVE_DOUBLE, buffers[i].data());
      }
    }

    // Global attributes.
    const hid_t root = file;
    text_attribute(root, "Conventions", "CF-1.8", "/");
    text_attribute(root, "title", "geosim sweep " + spec.name, "/");
    text_attribute(root, "geosim_results_format", std::string("sweep-") + kSweepResultsFormatVersion, "/");
    provenance_attributes(root);
    text_attribute(root, "sweep_name", spec.name, "/");
    utf8_attribute(root, "sweep_description", spec.description, "/");
    text_attribute(root, "sweep_file", spec.file.string(), "/");
    text_attribute(root, "sweep_id", sweep.identity_hash(), "/");
    utf8_attribute(root, "sweep_identity", sweep.identity(), "/");
    text_attribute(root, "design",
                   spec.scenarios.size() > 1 && spec.parameters.empty() ? "batch" : spec.design, "/");
    // The kept metrics (built-in, then declared), for readers such as geosim analyse.
    std::string metric_list;
    for (const Field* f : layout.fields)
      if (f->reduction != Field::Reduction::series) metric_list += (metric_list.empty() ? "" : " ") + f->name;
    text_attribute(root, "metrics", metric_list, "/");
    // Points of a sampling design (its `samples` key), 0 for others.
    const DesignSettings::Value* samples = spec.design_settings.find("samples");
    number_attribute<std::int64_t>(root, "samples", samples ? static_cast<std::int64_t>(samples->number) : 0,
                                   "/");
    number_attribute<std::int64_t>(root, "points", sweep.points(), "/");
    number_attribute<std::int32_t>(root, "replicates", spec.replicates, "/");
    number_attribute<std::int64_t>(root, "runs", N, "/");
    number_attribute<std::uint64_t>(root, "sweep_seed", spec.seed, "/");
    number_attribute<std::int32_t>(root, "common_random_numbers", spec.common_random_numbers ? 1 : 0, "/");
    text_attribute(root, "seed_rule",
                   std::string("seed = splitmix64(splitmix64(sweep_seed) XOR ") +
                       (spec.common_random_numbers ? "replicate" : "(point * replicates + replicate)") +
                       ") with bit 63 cleared",
                   "/");
    if (same_period) {
      number_attribute<std::int32_t>(root, "ticks", sc.ticks, "/");
      text_attribute(root, "start_date", sc.start.str(), "/");
    }
    text_attribute(root, "created", utc_now_iso8601(), "/");
    text_attribute(root, "host", host_name(), "/");
    number_attribute<double>(root, "wall_seconds", wall_seconds, "/");
    file.finish_writing("write the sweep's results");
  }
}

}  // namespace

void write_sweep_file(const std::filesystem::path& path, const Sweep& sweep, const Layout& layout,
                      const Journal& journal, double wall_seconds) {
  const SilenceHdf5 silence;
  // Small chunk caches: runs are written in order, a block at a time, so a
  // chunk is rarely revisited; HDF5's default (1 MB per dataset) would add
  // megabytes per variable to the peak memory.
  OutputFile file = OutputFile::create(path, 256 << 10);
  try {
    write_contents(file, sweep, layout, journal, wall_seconds);
    file.close("close " + path.string());
  } catch (const WriteFailure&) {
    throw;
  } catch (const std::exception&) {
    if (file.error() != 0) throw WriteFailure(file.error());  // the system's reason, not HDF5's
    throw;
  }
}

std::string results_sweep_id(const std::filesystem::path& path) {
  try {
    return read_string_attribute(path, "sweep_id");
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace geosim::sweep_detail
