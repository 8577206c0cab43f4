// HDF5 results files, netCDF-4 compatible. The layout is documented in
// docs/results-format.md; keep the two in step (and bump
// kResultsFormatVersion on any incompatible change).
//
// How the file is made readable by netCDF-C, xarray and ncdump (each rule
// below was needed by one of them on Debian 12): creation order tracked and indexed on
// links and attributes, libver bounds EARLIEST..V18, every dimension a
// dimension scale attached to every axis of every variable, ASCII attributes
// as fixed-length NUL-padded scalars, free text as scalar variable-length
// UTF-8 strings, and time as CF "days since" numbers.
#include "geosim/io/results.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <system_error>

#include "geosim/core/errors.hpp"
#include "geosim/io/run_dataset.hpp"
#include "geosim/model/population.hpp"
#include "geosim/run/run.hpp"
#include "io/detail/output_file.hpp"
#include "io/detail/run_file.hpp"

namespace geosim {

namespace fs = std::filesystem;
using namespace hdf5;       // engine/io/detail/hdf5.hpp: handles, attributes, Writer
using namespace io_detail;  // engine/io/detail/run_file.hpp: the parts of the file

namespace {

/// One attribute of run_attributes() or run_events(), in the file's type.
void write_attribute(hid_t obj, const DatasetAttribute& a, const std::string& where) {
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (a.free_text) utf8_attribute(obj, a.name, value, where);
          else text_attribute(obj, a.name, value, where);
        } else if constexpr (std::is_same_v<T, std::vector<std::int8_t>>) {
          throw RuntimeFailure("internal error: flag values are written with their variable");
        } else {
          number_attribute<T>(obj, a.name, value, where);
        }
      },
      a.value);
}

/// A variable of the event log: strings, or numbers with units and long_name first.
void write_event_variable(Writer& w, const Dim& event, const DatasetVariable& v) {
  auto attribute = [&](const std::string& name) {
    for (const auto& a : v.attrs)
      if (a.name == name) return std::get<std::string>(a.value);
    return std::string();
  };
  if (const auto* strings = std::get_if<std::vector<std::string>>(&v.values)) {
    w.string_variable(v.name, event, *strings, attribute("long_name"));
    return;
  }
  const hid_t id = std::visit(
      [&](const auto& values) -> hid_t {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) return H5I_INVALID_HID;
        else
          return w.variable(v.name, {&event}, values, attribute("units"), attribute("long_name"),
                            {false, {}, false});
      },
      v.values);
  for (const auto& a : v.attrs)
    if (a.name != "units" && a.name != "long_name") write_attribute(id, a, v.name);
}

}  // namespace

// ---------------------------------------------------------------------------
// ResultsWriter: the file from the start of the run (snapshots) or at the end.

struct ResultsWriter::Impl {
  fs::path path, tmp;
  const Scenario& sc;
  const std::atomic<bool>* cancel;
  std::vector<int> snapshot_ticks;  // 0, N, 2N, ... (empty: no snapshots)
  std::size_t snapshots_written = 0;
  bool renamed = false;
  OutputFile h5file;               // on the output driver: a full disk is an ordinary error
  std::unique_ptr<Writer> writer;  // open from begin() to finish()
  RunDims dims;
  AgentDatasets indices;  // citizen_target / citizen_group, once created
  bool indices_written = false;
  AgentDatasets snapshots;  // attitude [snapshot][citizen][power]

  Impl(const fs::path& p, const Scenario& scenario, const std::atomic<bool>* cancel_flag)
      : path(p),
        tmp(p.string() + ".tmp." + std::to_string(::getpid())),
        sc(scenario),
        cancel(cancel_flag),
        snapshot_ticks(scenario.output.snapshot_ticks(scenario.ticks)) {}

  [[noreturn]] void failed(const std::exception& e) {
    const int error = h5file.error();  // the system's reason, if a write failed
    discard();
    if (error != 0)
      throw RuntimeFailure("cannot write results to " + path.string() + ": " + plain_write_error(error) +
                           "; no results file was written");
    throw RuntimeFailure("cannot write results to " + path.string() + ": " + e.what());
  }
  /// Closes and removes the temporary file (nothing at `path` changes).
  void discard() noexcept {
    h5file.stop_writing();  // nothing more to write: the file is removed
    writer.reset();
    h5file.abandon();
    std::error_code ec;
    fs::remove(tmp, ec);
    H5Eclear2(H5E_DEFAULT);
  }

  /// Creates the temporary file and every dimension; `rows` is the length of time.
  void begin(int rows, bool with_citizens) {
    std::error_code ec;
    fs::remove(tmp, ec);  // a leftover of an earlier run with our pid
    remove_stale_temporaries(path);
    h5file = OutputFile::create(tmp);
    writer = std::make_unique<Writer>(h5file);
    std::vector<int> row_list(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) row_list[static_cast<std::size_t>(r)] = r;
    dims.time = &writer->coordinate<double>("time", days_since_start(sc, row_list), time_units(),
                                            "date of the row (row 0: initial state; row k: after k ticks)");
    {
      Dataset ds(H5Dopen2(h5file, "time", H5P_DEFAULT), "open time");
      time_attributes(ds, "time", true);
    }
    auto labels = [&](const std::string& name, const auto& items, auto field, const std::string& long_name) {
      std::vector<std::string> values;
      values.reserve(items.size());
      for (const auto& item : items) values.push_back(item.*field);
      return &writer->label_coordinate(name, values, long_name);
    };
    dims.power = labels("power", sc.powers, &PowerSpec::code, "power code");
    dims.target = labels("target", sc.targets, &TargetSpec::code, "target code");
    dims.channel = labels("channel", sc.channels, &ChannelSpec::name, "channel of influence");
    dims.group = labels("group", sc.groups, &GroupSpec::name, "citizen group");
    dims.institution = labels("institution", sc.institutions, &InstitutionSpec::name, "institution");
    // Only with surveys, so that the files of scenarios without are the files written before surveys existed.
    if (sc.has_surveys()) dims.survey = labels("survey", sc.surveys, &SurveySpec::name, "survey instrument");
    dims.event = &writer->plain_dimension("event", sc.events.size());
    if (with_citizens)
      dims.citizen = &writer->plain_dimension("citizen", static_cast<hsize_t>(sc.num_citizens()));
  }

  std::string time_units() const { return "days since " + sc.start.str(); }

  /// The snapshot dimension, its coordinates and the empty attitude dataset.
  void begin_snapshots() {
    const Dim& snapshot = writer->plain_dimension("snapshot", snapshot_ticks.size());
    const hid_t st =
        writer->variable("snapshot_time", {&snapshot}, days_since_start(sc, snapshot_ticks), time_units(),
                         "date of the snapshot of the citizens' attitudes", {false, {}, false});
    time_attributes(st, "snapshot_time", false);
    std::vector<std::int32_t> ticks(snapshot_ticks.begin(), snapshot_ticks.end());
    writer->variable("snapshot_tick", {&snapshot}, ticks, "1",
                     "ticks done at the snapshot (0: initial attitudes)", {false, {}, false});
    const Storage slabbed{true, {1, kSlab, static_cast<hsize_t>(sc.num_powers())}, false};
    snapshots.attitude = writer->empty_variable<float>(
        "attitude", {&snapshot, dims.citizen, dims.power}, "1",
        "attitude of each citizen toward each power at each snapshot (-1 hostile .. 1 favourable)", slabbed);
    snapshots.attitude_name = "attitude";
    text_attribute(snapshots.attitude, "coordinates", "snapshot_time snapshot_tick", "attitude");
  }

  void write_indices_once(const Population& pop) {
    if (indices.target < 0)
      indices = create_citizen_indices(*writer, *dims.citizen, sc.num_targets(), sc.num_groups());
    if (!indices_written) write_agents(pop, indices);
    indices_written = true;
  }

  void snapshot(const World& world) {
    if (snapshots_written >= snapshot_ticks.size() || world.tick() != snapshot_ticks[snapshots_written])
      return;
    const Population& pop = world.population();
    require_matches(pop, *dims.citizen, *dims.power, *dims.target, *dims.group);
    write_indices_once(pop);
    snapshots.snapshot = snapshots_written;
    write_agents(pop, snapshots);
    ++snapshots_written;
    h5file.check_writes();  // a full disk stops the run here, not at its end
  }

  void finish(const RunRecord& rec, const Population* agents, const RunInfo& info);
};

ResultsWriter::ResultsWriter(const std::filesystem::path& path, const Scenario& scenario,
                             const std::atomic<bool>* cancel)
    : impl_(std::make_unique<Impl>(path, scenario, cancel)) {}

ResultsWriter::~ResultsWriter() {
  if (impl_ && !impl_->renamed) {
    const SilenceHdf5 silence;
    impl_->discard();
  }
}

void ResultsWriter::on_start(const World& world) {
  Impl& m = *impl_;
  if (m.snapshot_ticks.empty()) return;  // no snapshots: the file is written by finish()
  const SilenceHdf5 silence;
  try {
    require(&world.scenario() == &m.sc, "results writer observes another scenario's run");
    m.begin(m.sc.ticks + 1, true);
    m.begin_snapshots();
    m.snapshot(world);
  } catch (const std::exception& e) {
    m.failed(e);
  }
}

void ResultsWriter::on_step(const World& world) {
  Impl& m = *impl_;
  if (!m.writer) return;
  const SilenceHdf5 silence;
  try {
    m.snapshot(world);
  } catch (const std::exception& e) {
    m.failed(e);
  }
}

void ResultsWriter::finish(const RunRecord& record, const Population* final_agents, const RunInfo& info) {
  Impl& m = *impl_;
  const SilenceHdf5 silence;
  try {
    require(!m.renamed, "results written twice");
    m.finish(record, final_agents, info);
    sync_path(m.tmp, false);
    if (m.cancel && m.cancel->load()) {  // a signal while the file was written
      m.discard();
      throw RunCancelled();
    }
    fs::rename(m.tmp, m.path);
    m.renamed = true;
    const fs::path parent = m.path.has_parent_path() ? m.path.parent_path() : fs::path(".");
    sync_path(parent, true);
  } catch (const RunCancelled&) {
    throw;
  } catch (const std::exception& e) {
    if (m.renamed) throw RuntimeFailure("cannot write results to " + m.path.string() + ": " + e.what());
    m.failed(e);
  }
}

void ResultsWriter::Impl::finish(const RunRecord& rec, const Population* agents, const RunInfo& info) {
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups();
  const int I = static_cast<int>(sc.institutions.size());
  require(rec.powers == P && rec.targets == T && rec.groups == G,
          "run record dimensions (" + std::to_string(rec.powers) + " powers, " + std::to_string(rec.targets) +
              " targets, " + std::to_string(rec.groups) + " groups) do not match the scenario");
  require(rec.institutions == I, "run record has " + std::to_string(rec.institutions) +
                                     " institutions, the scenario " + std::to_string(I));
  require(rec.rows >= 1, "run record has no rows");
  require(snapshots_written == snapshot_ticks.size(),
          std::to_string(snapshots_written) + " of " + std::to_string(snapshot_ticks.size()) +
              " snapshots written: the results writer must observe the whole run");

  if (!writer) begin(rec.rows, agents != nullptr);  // no snapshots: the whole file now
  require(
      dims.time->size == static_cast<hsize_t>(rec.rows),
      "run record has " + std::to_string(rec.rows) + " rows, the file " + std::to_string(dims.time->size));
  {
    Writer& w = *writer;
    const Dim &power = *dims.power, &target = *dims.target, &group = *dims.group, &event = *dims.event;
    std::vector<std::string> names, tnames;
    for (const auto& p : sc.powers) names.push_back(p.name);
    for (const auto& t : sc.targets) tnames.push_back(t.name);

    w.string_variable("power_name", power, names, "power name");
    w.string_variable("target_name", target, tnames, "target name");

    // Time series: one variable per catalogue entry (geosim/io/variables.hpp).
    write_time_series(w, dims, sc, rec);

    // Event log (geosim/io/run_dataset.hpp: the same list as an in-memory run's).
    for (const DatasetVariable& v : run_events(sc)) write_event_variable(w, event, v);

    if (agents) {
      require_matches(*agents, *dims.citizen, power, target, group);
      AgentDatasets final_agents;
      final_agents.attitude = w.empty_variable<float>(
          "final_attitude", {dims.citizen, &power}, "1",
          "attitude of each citizen toward each power at the end of the run (-1 hostile .. 1 favourable)",
          Storage{true, {kSlab, static_cast<hsize_t>(P)}, false});
      final_agents.attitude_name = "final_attitude";
      if (indices.target < 0) {  // else written with the first snapshot
        const AgentDatasets created = create_citizen_indices(w, *dims.citizen, T, G);
        final_agents.target = created.target;
        final_agents.group = created.group;
        final_agents.small_t = created.small_t;
        final_agents.small_g = created.small_g;
      }
      write_agents(*agents, final_agents);
    }

    // Global attributes (geosim/io/run_dataset.hpp: the same list as an in-memory run's).
    const hid_t root = h5file;
    for (const DatasetAttribute& a : run_attributes(sc, info)) write_attribute(root, a, "/");
  }
  h5file.finish_writing("write " + tmp.string());  // every failure so far reported
  writer.reset();                                  // every dataset closed here
  h5file.close("close " + tmp.string());
}

void check_output_writable(const std::filesystem::path& path,
                           const std::vector<std::filesystem::path>& inputs) {
  auto error = [&](const std::string& detail) {
    throw OutputError(SourceLocation{path.string(), 0, 0}, "-o", detail);
  };
  if (path.empty()) error("no output file given");
  std::error_code ec;
  if (fs::is_directory(path, ec)) error("is a directory; give a file name such as run.h5");
  // The results are renamed over `path`: that would replace a device node,
  // FIFO or socket with a regular file (as root, /dev/null), and the run's
  // own inputs with its results.
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status))
    error("exists and is not a regular file; refusing to replace it with the results");
  if (fs::exists(status))
    for (const auto& input : inputs)
      if (fs::equivalent(path, input, ec))
        error("is an input of this run (" + input.string() + "); refusing to overwrite it with the results");
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::exists(parent, ec)) error("directory " + parent.string() + " does not exist");
  if (!fs::is_directory(parent, ec)) error(parent.string() + " is not a directory");
  if (::access(parent.c_str(), W_OK | X_OK) != 0) error("directory " + parent.string() + " is not writable");
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) error("file exists and is not writable");
  // Permissions do not tell everything (read-only or special file systems,
  // root): create and remove the very temporary file the run will write.
  const std::string probe = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) error("cannot create a file in " + parent.string() + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

int remove_stale_temporaries(const std::filesystem::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string prefix = path.filename().string() + ".tmp.";
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& candidate = it->path();
    const std::string name = candidate.filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos || digits[0] == '0')
      continue;
    const long pid = std::stol(digits);
    if (pid == ::getpid()) continue;
    errno = 0;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    struct stat st {};
    if (::lstat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    if (::unlink(candidate.c_str()) == 0) ++removed;
  }
  return removed;
}

void write_results(const std::filesystem::path& path, const Scenario& scenario, const RunRecord& record,
                   const Population* final_agents, const RunInfo& info) {
  ResultsWriter(path, scenario).finish(record, final_agents, info);
}

}  // namespace geosim
