// One run's results in memory, laid out as its results file
// (docs/results-format.md). Where the writer and this agree by construction
// (the catalogue's time series, the event log, the global attributes) they
// share code; the coordinates and the citizens are described in both, and
// tests/python/test_python_run.py compares a dataset with the file of the
// same run.
#include "geosim/io/run_dataset.hpp"

#include <limits>

#include "geosim/build_info.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/io/variables.hpp"
#include "geosim/model/population.hpp"
#include "io/detail/hdf5.hpp"
#include "io/detail/run_file.hpp"

namespace geosim {

namespace {

using io_detail::days_since_start;

DatasetAttribute text(std::string name, std::string value) { return {std::move(name), std::move(value)}; }

std::vector<DatasetAttribute> described(const std::string& units, const std::string& long_name) {
  return {text("units", units), text("long_name", long_name)};
}

/// A dimension labelled by the names of `items` (power codes, channel names, ...).
template <class Items, class Field>
DatasetVariable labels(const std::string& name, const Items& items, Field field,
                       const std::string& long_name) {
  std::vector<std::string> values;
  values.reserve(items.size());
  for (const auto& item : items) values.push_back(item.*field);
  return {name, {name}, std::move(values), {text("long_name", long_name)}};
}

/// Citizen indices in the file's type: int16 when every index fits, else int32.
DatasetValues index_values(const std::vector<std::int32_t>& values, int count) {
  if (count > std::numeric_limits<std::int16_t>::max()) return values;
  return std::vector<std::int16_t>(values.begin(), values.end());
}

}  // namespace

std::vector<DatasetAttribute> run_attributes(const Scenario& sc, const RunInfo& info) {
  int skipped = 0;
  for (const auto& e : sc.events) skipped += e.tick < sc.ticks ? 0 : 1;
  return {
      text("Conventions", "CF-1.8"),
      text("title", "geosim run of scenario " + sc.name),
      text("geosim_results_format", kResultsFormatVersion),
      text("geosim_version", build_info::version),
      text("git_commit", build_info::git_commit),
      text("compiler", build_info::compiler),
      text("build_type", build_info::build_type),
      text("scenario_name", sc.name),
      text("scenario_description", sc.description),
      text("scenario_file", sc.source_path.string()),
      {"scenario_text", sc.source_text, true},
      {"resolved_parameters", sc.resolved_yaml, true},
      {"defaults_applied", sc.defaults_applied, true},
      {"seed", info.seed},
      {"ticks", std::int32_t{sc.ticks}},
      {"scenario_ticks", std::int32_t{sc.scenario_ticks}},
      {"truncated", std::int32_t{sc.ticks < sc.scenario_ticks ? 1 : 0}},
      {"events_skipped", std::int32_t{skipped}},
      {"step_months", std::int32_t{sc.step_months}},
      {"rates_per_months", std::int32_t{sc.rates_per_months}},
      {"negative_threshold", sc.negative_threshold},
      text("start_date", sc.start.str()),
      text("command_line", info.command_line),
      text("created", hdf5::utc_now_iso8601()),
      {"wall_seconds", info.wall_seconds},
  };
}

std::vector<DatasetVariable> run_events(const Scenario& sc) {
  std::vector<std::string> ids, notes;
  std::vector<double> days;
  std::vector<std::int32_t> ticks;
  std::vector<std::int8_t> applied;
  const long epoch0 = sc.start.days_since_epoch();
  for (const auto& e : sc.events) {
    ids.push_back(e.id);
    notes.push_back(e.note);
    days.push_back(static_cast<double>(e.date.days_since_epoch() - epoch0));
    ticks.push_back(e.tick);
    applied.push_back(e.tick < sc.ticks ? 1 : 0);
  }
  const std::vector<std::string> event{"event"};
  return {
      {"event_id", event, std::move(ids), {text("long_name", "event identifier")}},
      // Days counted in the engine's calendar, like `time` (else xarray
      // decodes them in CF's default, the Julian-Gregorian `standard`).
      {"event_time",
       event,
       std::move(days),
       {text("units", "days since " + sc.start.str()), text("long_name", "date of the event"),
        text("calendar", "proleptic_gregorian")}},
      {"event_tick", event, std::move(ticks), described("1", "tick at whose start the event applies")},
      {"event_note", event, std::move(notes), {text("long_name", "event description")}},
      {"event_applied", event, std::move(applied),
       described("1", "1 if the event was applied, 0 if skipped because the run was shortened")},
  };
}

// ---------------------------------------------------------------------------
// AgentCapture

AgentCapture::AgentCapture(const Scenario& scenario)
    : snapshot_ticks(scenario.output.snapshot_ticks(scenario.ticks)),
      citizens(scenario.num_citizens()),
      scenario_(scenario) {}

void AgentCapture::append(const Population& pop, std::vector<float>& out) {
  const int P = pop.num_powers();
  const std::size_t base = out.size();
  out.resize(base + static_cast<std::size_t>(pop.size()) * static_cast<std::size_t>(P));
  for (int t = 0; t < pop.num_targets(); ++t)
    for (int p = 0; p < P; ++p) {
      const auto x = pop.attitudes(t, p);
      const std::size_t first =
          base + static_cast<std::size_t>(pop.target_begin(t)) * static_cast<std::size_t>(P);
      for (std::size_t i = 0; i < x.size(); ++i) out[first + i * static_cast<std::size_t>(P) + p] = x[i];
    }
}

void AgentCapture::indices(const Population& pop) {
  if (!target.empty() || pop.size() == 0) return;
  target.resize(static_cast<std::size_t>(pop.size()));
  group.resize(target.size());
  for (int t = 0; t < pop.num_targets(); ++t)
    for (int g = 0; g < pop.num_groups(); ++g)
      for (std::int64_t i = pop.group_begin(t, g); i < pop.group_begin(t, g + 1); ++i) {
        const auto at = static_cast<std::size_t>(pop.target_begin(t) + i);
        target[at] = t;
        group[at] = g;
      }
}

void AgentCapture::on_start(const World& world) { on_step(world); }

void AgentCapture::on_step(const World& world) {
  if (taken_ >= snapshot_ticks.size() || world.tick() != snapshot_ticks[taken_]) return;
  indices(world.population());
  append(world.population(), snapshots);
  ++taken_;
}

void AgentCapture::on_finish(const World& world) {
  if (scenario_.output.agents != OutputSpec::Agents::final) return;
  indices(world.population());
  append(world.population(), final_attitudes);
}

// ---------------------------------------------------------------------------
// The dataset

RunDataset run_dataset(const Scenario& sc, RunRecord record, AgentCapture* agents, const RunInfo& info) {
  const auto catalogue = results_variables();
  if (record.series.size() != catalogue.size() || record.rows < 1)
    throw RuntimeFailure("internal error: the run record does not match the catalogue of results variables");
  RunDataset out;
  std::vector<DatasetVariable>& vars = out.variables;
  const std::string time_units = "days since " + sc.start.str();

  // Coordinates.
  std::vector<int> rows(static_cast<std::size_t>(record.rows));
  for (int r = 0; r < record.rows; ++r) rows[static_cast<std::size_t>(r)] = r;
  out.dims.emplace_back("time", rows.size());
  vars.push_back(
      {"time",
       {"time"},
       days_since_start(sc, rows),
       {text("units", time_units),
        text("long_name", "date of the row (row 0: initial state; row k: after k ticks)"),
        text("calendar", "proleptic_gregorian"), text("standard_name", "time"), text("axis", "T")}});
  vars.push_back(labels("power", sc.powers, &PowerSpec::code, "power code"));
  vars.push_back(labels("target", sc.targets, &TargetSpec::code, "target code"));
  vars.push_back(labels("channel", sc.channels, &ChannelSpec::name, "channel of influence"));
  vars.push_back(labels("group", sc.groups, &GroupSpec::name, "citizen group"));
  vars.push_back(labels("institution", sc.institutions, &InstitutionSpec::name, "institution"));
  if (sc.has_surveys()) vars.push_back(labels("survey", sc.surveys, &SurveySpec::name, "survey instrument"));
  for (std::size_t i = 1; i < vars.size(); ++i)
    out.dims.emplace_back(vars[i].name, std::get<std::vector<std::string>>(vars[i].values).size());
  out.dims.emplace_back("event", sc.events.size());

  // From the scenario, not from what was captured: a scenario of no citizens
  // still has the (empty) citizen variables its output section asks for.
  const bool with_final = agents != nullptr && sc.output.agents == OutputSpec::Agents::final;
  const bool with_snapshots = agents != nullptr && !agents->snapshot_ticks.empty();
  const bool with_citizens = with_final || with_snapshots;
  if (with_citizens) out.dims.emplace_back("citizen", static_cast<std::size_t>(agents->citizens));
  const std::vector<std::string> citizen_power{"citizen", "power"};
  auto add_indices = [&] {
    vars.push_back(
        {"citizen_target",
         {"citizen"},
         index_values(agents->target, sc.num_targets()),
         described("1", "index of the citizen's target (0-based position on the target dimension)")});
    vars.push_back(
        {"citizen_group",
         {"citizen"},
         index_values(agents->group, sc.num_groups()),
         described("1", "index of the citizen's group (0-based position on the group dimension)")});
  };
  if (with_snapshots) {
    out.dims.emplace_back("snapshot", agents->snapshot_ticks.size());
    auto snapshot_time = DatasetVariable{
        "snapshot_time",
        {"snapshot"},
        days_since_start(sc, agents->snapshot_ticks),
        {text("units", time_units), text("long_name", "date of the snapshot of the citizens' attitudes"),
         text("calendar", "proleptic_gregorian"), text("standard_name", "time")}};
    vars.push_back(std::move(snapshot_time));
    vars.push_back({"snapshot_tick",
                    {"snapshot"},
                    std::vector<std::int32_t>(agents->snapshot_ticks.begin(), agents->snapshot_ticks.end()),
                    described("1", "ticks done at the snapshot (0: initial attitudes)")});
    auto attitude = DatasetVariable{
        "attitude",
        {"snapshot", "citizen", "power"},
        std::move(agents->snapshots),
        described(
            "1", "attitude of each citizen toward each power at each snapshot (-1 hostile .. 1 favourable)")};
    attitude.attrs.push_back(text("coordinates", "snapshot_time snapshot_tick"));
    vars.push_back(std::move(attitude));
    add_indices();
  }

  std::vector<std::string> names, tnames;
  for (const auto& p : sc.powers) names.push_back(p.name);
  for (const auto& t : sc.targets) tnames.push_back(t.name);
  vars.push_back({"power_name", {"power"}, std::move(names), {text("long_name", "power name")}});
  vars.push_back({"target_name", {"target"}, std::move(tnames), {text("long_name", "target name")}});

  // Time series: one variable per catalogue entry the file holds.
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    const ResultsVariable& v = catalogue[i];
    if (!v.in_file(sc)) continue;
    DatasetVariable var{v.name, v.file_dims(), {}, {}};
    if (v.nan_fill) var.attrs.push_back({"_FillValue", std::numeric_limits<double>::quiet_NaN()});
    var.attrs.push_back(text("units", v.units));
    var.attrs.push_back(text("long_name", v.long_name));
    if (!v.flag_meanings.empty()) {
      std::vector<std::int8_t> flags{0};
      for (char c : v.flag_meanings)
        if (c == ' ') flags.push_back(static_cast<std::int8_t>(flags.size()));
      var.attrs.push_back({"flag_values", std::move(flags)});
      var.attrs.push_back(text("flag_meanings", v.flag_meanings));
    }
    std::visit([&](auto& values) { var.values = std::move(values); }, record.series[i]);
    vars.push_back(std::move(var));
  }

  for (auto& event : run_events(sc)) vars.push_back(std::move(event));

  if (with_final) {
    vars.push_back(
        {"final_attitude", citizen_power, std::move(agents->final_attitudes),
         described("1",
                   "attitude of each citizen toward each power at the end of the run (-1 hostile .. 1 "
                   "favourable)")});
    if (!with_snapshots) add_indices();
  }
  out.attrs = run_attributes(sc, info);
  return out;
}

}  // namespace geosim
