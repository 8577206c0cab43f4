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

#include "io/detail/hdf5.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <omp.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "geosim/core/errors.hpp"
#include "geosim/model/population.hpp"

namespace geosim {
namespace {

namespace fs = std::filesystem;

using namespace hdf5;  // engine/io/detail/hdf5.hpp: handles, attributes, Writer

// ---------------------------------------------------------------------------
// The results file.

void require(bool ok, const std::string& what) {
  if (!ok) throw RuntimeFailure("internal error: " + what);
}

/// One chunk of a shuffle + deflate dataset, filtered here instead of by HDF5
/// so that chunks can be compressed in parallel. The buffers are sized before
/// the parallel loop, which then allocates nothing but zlib's own state.
struct Chunk {
  std::size_t elem = 0;              // bytes per element: the shuffle's stride
  std::vector<unsigned char> raw;    // the chunk in the file's type, full size
  std::vector<unsigned char> shuffled;
  std::vector<unsigned char> packed;  // compressBound(raw.size()) bytes
  uLongf packed_size = 0;

  Chunk(std::size_t elements, std::size_t elem_bytes)
      : elem(elem_bytes), raw(elements * elem_bytes), shuffled(raw.size()),
        packed(compressBound(static_cast<uLong>(raw.size()))) {}
  template <class T>
  void store(std::size_t i, T value) {
    std::memcpy(raw.data() + i * sizeof(T), &value, sizeof(T));
  }
  void store_index(std::size_t i, int value) {  // int16 or int32, whichever the dataset holds
    if (elem == 2) store(i, static_cast<std::int16_t>(value));
    else store(i, static_cast<std::int32_t>(value));
  }
  /// An edge chunk is filtered full size, zero past `used` elements: HDF5
  /// fills a new chunk with the fill value (the default, 0) before writing into it.
  void zero_after(std::size_t used) {
    std::fill(raw.begin() + static_cast<std::ptrdiff_t>(used * elem), raw.end(), 0);
  }
};

/// Exactly what HDF5's pipeline (H5Pset_shuffle, then H5Pset_deflate at
/// kDeflateLevel) stores for `c.raw`: H5Z_filter_shuffle transposes the bytes
/// by element size (byte 0 of every element, then byte 1, ...) and
/// H5Z_filter_deflate calls zlib's compress2 at the level. False if zlib fails.
bool filter_chunk(Chunk& c) {
  const std::size_t n = c.raw.size() / c.elem;
  for (std::size_t b = 0; b < c.elem; ++b)
    for (std::size_t i = 0; i < n; ++i) c.shuffled[b * n + i] = c.raw[i * c.elem + b];
  c.packed_size = static_cast<uLongf>(c.packed.size());
  return compress2(c.packed.data(), &c.packed_size, c.shuffled.data(),
                   static_cast<uLong>(c.shuffled.size()), static_cast<int>(kDeflateLevel)) == Z_OK;
}

/// The chunks of one slab of citizens: attitudes [citizen][power]
/// (transposed from the population's [target][power][citizen]), citizen_target
/// and citizen_group. A chunk of no elements is not wanted and stays empty.
struct Slab {
  Chunk att, target, group;
};

void fill_slab(const Population& pop, hsize_t start, hsize_t rows, Slab& s) {
  const int P = pop.num_powers(), G = pop.num_groups();
  const bool want_att = !s.att.raw.empty(), want_index = !s.target.raw.empty();
  const hsize_t end = std::min(start + rows, static_cast<hsize_t>(pop.size()));
  int t = 0;
  for (hsize_t i = start; i < end;) {
    while (static_cast<hsize_t>(pop.target_begin(t) + pop.target_size(t)) <= i) ++t;
    const std::int64_t local0 = static_cast<std::int64_t>(i) - pop.target_begin(t);
    const std::int64_t run = std::min<std::int64_t>(pop.target_size(t) - local0,
                                                    static_cast<std::int64_t>(end - i));
    const std::size_t row0 = static_cast<std::size_t>(i - start);
    for (int p = 0; want_att && p < P; ++p) {
      const auto x = pop.attitudes(t, p);
      for (std::int64_t k = 0; k < run; ++k)
        s.att.store((row0 + static_cast<std::size_t>(k)) * static_cast<std::size_t>(P) +
                        static_cast<std::size_t>(p),
                    x[static_cast<std::size_t>(local0 + k)]);
    }
    int g = 0;
    for (std::int64_t k = 0; want_index && k < run; ++k) {
      while (g < G - 1 && pop.group_begin(t, g + 1) <= local0 + k) ++g;
      s.target.store_index(row0 + static_cast<std::size_t>(k), t);
      s.group.store_index(row0 + static_cast<std::size_t>(k), g);
    }
    i += static_cast<hsize_t>(run);
  }
  const std::size_t used = static_cast<std::size_t>(end - start);
  if (want_att) s.att.zero_after(used * static_cast<std::size_t>(P));
  if (want_index) {
    s.target.zero_after(used);
    s.group.zero_after(used);
  }
}

/// Where write_agents stores one copy of the population. An absent dataset
/// (H5I_INVALID_HID) is skipped.
struct AgentDatasets {
  hid_t attitude = H5I_INVALID_HID;  // [citizen][power], or [snapshot][citizen][power]
  std::string attitude_name;
  hsize_t snapshot = 0;              // the leading offset if `attitude` has rank 3
  hid_t target = H5I_INVALID_HID, group = H5I_INVALID_HID;  // [citizen], int16 or int32
  bool small_t = true, small_g = true;                      // int16 (else int32)
};

/// Writes the population's attitudes and/or its citizen_target and
/// citizen_group in slabs of citizens: one chunk per slab, as many rows as the
/// chunking of the datasets (the attitude's if written, else the target's).
///
/// HDF5 would filter the chunks one at a time on this thread, and zlib then
/// dominates a run of 10^7 citizens. Instead each batch of slabs is filled and
/// compressed in parallel (2 slabs per thread: memory stays bounded, threads
/// stay busy), then its chunks are stored in order with H5Dwrite_chunk, which
/// writes the bytes as given. The datasets keep their shuffle + deflate
/// pipeline, so readers decode them as if HDF5 had written them, and the
/// stored chunks are the same bytes (tests/io/test_results.cpp checks).
void write_agents(const Population& pop, const AgentDatasets& out) {
  // The raw chunks must already be in the file's little-endian types.
  static_assert(std::endian::native == std::endian::little);
  const int P = pop.num_powers();
  const hsize_t N = static_cast<hsize_t>(pop.size());
  const bool want_att = out.attitude >= 0, want_index = out.target >= 0;
  if (N == 0 || (!want_att && !want_index)) return;

  // Rows per chunk as the Writer chose them: kSlab, or all citizens if fewer.
  const hid_t shaped = want_att ? out.attitude : out.target;
  PropList dcpl(H5Dget_create_plist(shaped), "get creation properties");
  const int rank = H5Pget_chunk(dcpl, 0, nullptr);
  hsize_t chunk_dims[3] = {0, 0, 0};
  check(rank >= 1 && rank <= 3 && H5Pget_chunk(dcpl, rank, chunk_dims) == rank ? 0 : -1,
        "get chunking of the agents");
  const hsize_t rows = chunk_dims[want_att ? rank - 2 : 0];
  const std::size_t num_slabs = static_cast<std::size_t>((N + rows - 1) / rows);
  const std::size_t batch =
      std::min(num_slabs, 2 * static_cast<std::size_t>(std::max(1, omp_get_max_threads())));
  const hsize_t att_elems = want_att ? rows * static_cast<hsize_t>(P) : 0;
  const hsize_t index_elems = want_index ? rows : 0;
  std::vector<Slab> slabs;
  slabs.reserve(batch);
  for (std::size_t k = 0; k < batch; ++k)
    slabs.push_back(Slab{Chunk(att_elems, sizeof(float)), Chunk(index_elems, out.small_t ? 2 : 4),
                         Chunk(index_elems, out.small_g ? 2 : 4)});

  auto write = [](hid_t ds, const hsize_t* offset, const Chunk& c, const std::string& name) {
    // Filter mask 0: every filter of the pipeline was applied.
    check(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, c.packed_size, c.packed.data()),
          "write a chunk of " + name);
  };
  for (std::size_t first = 0; first < num_slabs; first += batch) {
    const std::size_t n = std::min(batch, num_slabs - first);
    bool ok = true;
    // No HDF5 call in here: the library is not thread-safe.
#pragma omp parallel for schedule(dynamic, 1) reduction(&& : ok)
    for (std::size_t k = 0; k < n; ++k) {
      Slab& s = slabs[k];
      fill_slab(pop, (first + k) * rows, rows, s);
      if (want_att) ok = filter_chunk(s.att) && ok;
      if (want_index) ok = filter_chunk(s.target) && filter_chunk(s.group) && ok;
    }
    if (!ok) throw RuntimeFailure("zlib failed to compress the agents");
    for (std::size_t k = 0; k < n; ++k) {
      const hsize_t row0 = (first + k) * rows;
      const hsize_t offset2[2] = {row0, 0}, offset3[3] = {out.snapshot, row0, 0};
      if (want_att) write(out.attitude, rank == 3 ? offset3 : offset2, slabs[k].att, out.attitude_name);
      if (want_index) {
        write(out.target, offset2, slabs[k].target, "citizen_target");
        write(out.group, offset2, slabs[k].group, "citizen_group");
      }
    }
  }
}

constexpr hsize_t kSlab = 65536;  // citizens per chunk of the agent datasets

/// Creates citizen_target and citizen_group (written once per file, whether
/// for final agents or snapshots) and returns where write_agents puts them.
AgentDatasets create_citizen_indices(Writer& w, const Dim& citizen, int T, int G) {
  AgentDatasets out;
  out.small_t = T <= std::numeric_limits<std::int16_t>::max();
  out.small_g = G <= std::numeric_limits<std::int16_t>::max();
  const Storage slabbed1{true, {kSlab}, false};
  const std::string tl = "index of the citizen's target (0-based position on the target dimension)";
  const std::string gl = "index of the citizen's group (0-based position on the group dimension)";
  out.target = out.small_t
                   ? w.empty_variable<std::int16_t>("citizen_target", {&citizen}, "1", tl, slabbed1)
                   : w.empty_variable<std::int32_t>("citizen_target", {&citizen}, "1", tl, slabbed1);
  out.group = out.small_g
                  ? w.empty_variable<std::int16_t>("citizen_group", {&citizen}, "1", gl, slabbed1)
                  : w.empty_variable<std::int32_t>("citizen_group", {&citizen}, "1", gl, slabbed1);
  return out;
}

void require_matches(const Population& pop, const Dim& citizen, const Dim& power,
                     const Dim& target, const Dim& group) {
  require(pop.num_powers() == static_cast<int>(power.size) &&
              pop.num_targets() == static_cast<int>(target.size) &&
              pop.num_groups() == static_cast<int>(group.size) &&
              static_cast<hsize_t>(pop.size()) == citizen.size,
          "population does not match the scenario's citizens, powers, targets and groups");
}

/// CF attributes of a time coordinate (its units, "days since START", are set
/// with its values): `time`, and `snapshot_time` (an auxiliary coordinate, so no axis).
void time_attributes(hid_t ds, const std::string& name, bool axis) {
  text_attribute(ds, "calendar", "standard", name);
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

}  // namespace

// ---------------------------------------------------------------------------
// ResultsWriter: the file from the start of the run (snapshots) or at the end.

struct ResultsWriter::Impl {
  fs::path path, tmp;
  const Scenario& sc;
  std::vector<int> snapshot_ticks;  // 0, N, 2N, ... (empty: no snapshots)
  std::size_t snapshots_written = 0;
  bool renamed = false;
  File h5file;
  std::unique_ptr<Writer> writer;  // open from begin() to finish()
  struct {
    const Dim *time = nullptr, *power = nullptr, *target = nullptr, *channel = nullptr,
              *group = nullptr, *institution = nullptr, *event = nullptr, *citizen = nullptr;
  } dims;
  AgentDatasets indices;   // citizen_target / citizen_group, once created
  bool indices_written = false;
  AgentDatasets snapshots;  // attitude [snapshot][citizen][power]

  Impl(const fs::path& p, const Scenario& scenario)
      : path(p), tmp(p.string() + ".tmp." + std::to_string(::getpid())), sc(scenario),
        snapshot_ticks(scenario.output.snapshot_ticks(scenario.ticks)) {}

  [[noreturn]] void failed(const std::exception& e) {
    discard();
    throw RuntimeFailure("cannot write results to " + path.string() + ": " + e.what());
  }
  /// Closes and removes the temporary file (nothing at `path` changes).
  void discard() noexcept {
    writer.reset();
    h5file.reset();
    std::error_code ec;
    fs::remove(tmp, ec);
    H5Eclear2(H5E_DEFAULT);
  }

  /// Creates the temporary file and every dimension; `rows` is the length of time.
  void begin(int rows, bool with_citizens) {
    std::error_code ec;
    fs::remove(tmp, ec);  // a leftover of an earlier run with our pid
    h5file = create_netcdf_file(tmp);
    writer = std::make_unique<Writer>(h5file);
    std::vector<int> row_list(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) row_list[static_cast<std::size_t>(r)] = r;
    dims.time = &writer->coordinate<double>("time", days_since_start(sc, row_list), time_units(),
                                  "date of the row (row 0: initial state; row k: after k ticks)");
    {
      Dataset ds(H5Dopen2(h5file, "time", H5P_DEFAULT), "open time");
      time_attributes(ds, "time", true);
    }
    auto labels = [&](const std::string& name, const auto& items, auto field,
                      const std::string& long_name) {
      std::vector<std::string> values;
      for (const auto& item : items) values.push_back(item.*field);
      return &writer->label_coordinate(name, values, long_name);
    };
    dims.power = labels("power", sc.powers, &PowerSpec::code, "power code");
    dims.target = labels("target", sc.targets, &TargetSpec::code, "target code");
    dims.channel = &writer->label_coordinate("channel", {kChannelNames.begin(), kChannelNames.end()},
                                             "channel of influence");
    dims.group = labels("group", sc.groups, &GroupSpec::name, "citizen group");
    dims.institution = labels("institution", sc.institutions, &InstitutionSpec::name, "institution");
    dims.event = &writer->plain_dimension("event", sc.events.size());
    if (with_citizens)
      dims.citizen = &writer->plain_dimension("citizen", static_cast<hsize_t>(sc.num_citizens()));
  }

  std::string time_units() const { return "days since " + sc.start.str(); }

  /// The snapshot dimension, its coordinates and the empty attitude dataset.
  void begin_snapshots() {
    const Dim& snapshot = writer->plain_dimension("snapshot", snapshot_ticks.size());
    const hid_t st = writer->variable("snapshot_time", {&snapshot}, days_since_start(sc, snapshot_ticks),
                                 time_units(), "date of the snapshot of the citizens' attitudes",
                                 {false, {}, false});
    time_attributes(st, "snapshot_time", false);
    std::vector<std::int32_t> ticks(snapshot_ticks.begin(), snapshot_ticks.end());
    writer->variable("snapshot_tick", {&snapshot}, ticks, "1",
                "ticks done at the snapshot (0: initial attitudes)", {false, {}, false});
    const Storage slabbed{true, {1, kSlab, static_cast<hsize_t>(sc.num_powers())}, false};
    snapshots.attitude = writer->empty_variable<float>(
        "attitude", {&snapshot, dims.citizen, dims.power}, "1",
        "attitude of each citizen toward each power at each snapshot (-1 hostile .. 1 favourable)",
        slabbed);
    snapshots.attitude_name = "attitude";
    text_attribute(snapshots.attitude, "coordinates", "snapshot_time snapshot_tick", "attitude");
  }

  void write_indices_once(const Population& pop) {
    if (indices.target < 0) indices = create_citizen_indices(*writer, *dims.citizen, sc.num_targets(), sc.num_groups());
    if (!indices_written) write_agents(pop, indices);
    indices_written = true;
  }

  void snapshot(const World& world) {
    if (snapshots_written >= snapshot_ticks.size() ||
        world.tick() != snapshot_ticks[snapshots_written])
      return;
    const Population& pop = world.population();
    require_matches(pop, *dims.citizen, *dims.power, *dims.target, *dims.group);
    write_indices_once(pop);
    snapshots.snapshot = snapshots_written;
    write_agents(pop, snapshots);
    ++snapshots_written;
  }

  void finish(const RunRecord& rec, const Population* agents, const RunInfo& info);
};

ResultsWriter::ResultsWriter(const std::filesystem::path& path, const Scenario& scenario)
    : impl_(std::make_unique<Impl>(path, scenario)) {}

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

void ResultsWriter::finish(const RunRecord& record, const Population* final_agents,
                           const RunInfo& info) {
  Impl& m = *impl_;
  const SilenceHdf5 silence;
  try {
    require(!m.renamed, "results written twice");
    m.finish(record, final_agents, info);
    sync_path(m.tmp, false);
    fs::rename(m.tmp, m.path);
    m.renamed = true;
    const fs::path parent = m.path.has_parent_path() ? m.path.parent_path() : fs::path(".");
    sync_path(parent, true);
  } catch (const std::exception& e) {
    if (m.renamed) throw RuntimeFailure("cannot write results to " + m.path.string() + ": " + e.what());
    m.failed(e);
  }
}

void ResultsWriter::Impl::finish(const RunRecord& rec, const Population* agents,
                                 const RunInfo& info) {
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups();
  const int I = static_cast<int>(sc.institutions.size());
  require(rec.powers == P && rec.targets == T && rec.groups == G,
          "run record dimensions (" + std::to_string(rec.powers) + " powers, " +
              std::to_string(rec.targets) + " targets, " + std::to_string(rec.groups) +
              " groups) do not match the scenario");
  require(rec.institutions == I, "run record has " + std::to_string(rec.institutions) +
                                     " institutions, the scenario " + std::to_string(I));
  require(rec.rows >= 1, "run record has no rows");
  require(snapshots_written == snapshot_ticks.size(),
          std::to_string(snapshots_written) + " of " + std::to_string(snapshot_ticks.size()) +
              " snapshots written: the results writer must observe the whole run");

  if (!writer) begin(rec.rows, agents != nullptr);  // no snapshots: the whole file now
  require(dims.time->size == static_cast<hsize_t>(rec.rows),
          "run record has " + std::to_string(rec.rows) + " rows, the file " +
              std::to_string(dims.time->size));
  {
    Writer& w = *writer;
    const std::string start = sc.start.str();
    const std::string time_units = this->time_units();
    const long epoch0 = sc.start.days_since_epoch();
    const Dim &time = *dims.time, &power = *dims.power, &target = *dims.target,
              &channel = *dims.channel, &group = *dims.group, &institution = *dims.institution,
              &event = *dims.event;
    std::vector<std::string> names, tnames;
    for (const auto& p : sc.powers) names.push_back(p.name);
    for (const auto& t : sc.targets) tnames.push_back(t.name);

    w.string_variable("power_name", power, names, "power name");
    w.string_variable("target_name", target, tnames, "target name");

    // Time series: straight copies of the RunRecord arrays.
    const Storage nan_fill{true, {}, true};
    w.variable("budget", {&time, &power, &channel}, rec.budget, "budget units per tick",
               "budget of each power for each channel for the next tick");
    w.variable("allocation", {&time, &channel, &power, &target}, rec.allocation,
               "budget units per tick",
               "budget spent by each power on each target in the tick ending at this row "
               "(NaN in row 0)",
               nan_fill);
    w.variable("stock", {&time, &channel, &power, &target}, rec.stock, "budget units",
               "influence stock of each power in each target");
    w.variable("influence", {&time, &channel, &power, &target}, rec.influence, "1",
               "influence share of each power in each target (Tullock contest)");
    w.variable("autonomy_stock", {&time, &channel, &target}, rec.autonomy_stock, "budget units",
               "autonomy stock of each target (its own independence)");
    w.variable("autonomy_share", {&time, &channel, &target}, rec.autonomy_share, "1",
               "influence share of each target's own autonomy (Tullock contest)");
    w.variable("alignment", {&time, &power, &target}, rec.alignment, "1",
               "government alignment of each target with each power");
    w.variable("alignment_self", {&time, &target}, rec.alignment_self, "1",
               "government alignment of each target with itself (non-alignment)");
    w.variable("attitude_mean", {&time, &power, &target}, rec.attitude_mean, "1",
               "mean citizen attitude in each target toward each power (-1 .. 1)");
    w.variable("negative_share", {&time, &power, &target}, rec.negative_share, "1",
               "share of citizens with attitude below -negative_threshold");
    w.variable("positive_share", {&time, &power, &target}, rec.positive_share, "1",
               "share of citizens with attitude above negative_threshold");
    w.variable("group_attitude_mean", {&time, &group, &power, &target}, rec.group_attitude_mean,
               "1", "mean attitude of each citizen group (NaN where the target has none)",
               nan_fill);
    w.variable("group_negative_share", {&time, &group, &power, &target},
               rec.group_negative_share, "1",
               "share of a group's citizens below -negative_threshold (NaN where the target has none)",
               nan_fill);
    w.variable("group_positive_share", {&time, &group, &power, &target},
               rec.group_positive_share, "1",
               "share of a group's citizens above negative_threshold (NaN where the target has none)",
               nan_fill);
    w.variable("campaigns_new", {&time, &power, &target}, rec.campaigns_new, "1",
               "protest campaigns against each power started in each target in this tick");
    w.variable("campaigns_active", {&time, &power, &target}, rec.campaigns_active, "1",
               "protest campaigns against each power active in each target during the next tick");
    const hid_t membership =
        w.variable("membership", {&time, &institution, &target}, rec.membership, "1",
                   "1 if the target is a member of the institution at this row, else 0");
    {
      const std::int8_t flags[2] = {0, 1};
      const hsize_t two = 2;
      Dataspace space(H5Screate_simple(1, &two, nullptr), "create dataspace");
      Attribute attr(H5Acreate2(membership, "flag_values", H5T_STD_I8LE, space, H5P_DEFAULT,
                                H5P_DEFAULT),
                     "create flag_values");
      check(H5Awrite(attr, H5T_NATIVE_SCHAR, flags), "write flag_values");
      text_attribute(membership, "flag_meanings", "not_member member", "membership");
    }

    // Event log.
    std::vector<std::string> ids, notes;
    std::vector<double> etime;
    std::vector<std::int32_t> etick;
    std::vector<std::int8_t> applied;
    int skipped = 0;
    for (const auto& e : sc.events) {
      ids.push_back(e.id);
      notes.push_back(e.note);
      etime.push_back(static_cast<double>(e.date.days_since_epoch() - epoch0));
      etick.push_back(e.tick);
      applied.push_back(e.tick < sc.ticks ? 1 : 0);
      skipped += e.tick < sc.ticks ? 0 : 1;
    }
    w.string_variable("event_id", event, ids, "event identifier");
    w.variable("event_time", {&event}, etime, time_units, "date of the event", {false, {}, false});
    w.variable("event_tick", {&event}, etick, "1", "tick at whose start the event applies",
               {false, {}, false});
    w.string_variable("event_note", event, notes, "event description");
    w.variable("event_applied", {&event}, applied, "1",
               "1 if the event was applied, 0 if skipped because the run was shortened",
               {false, {}, false});

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

    // Global attributes.
    const hid_t root = h5file;
    text_attribute(root, "Conventions", "CF-1.8", "/");
    text_attribute(root, "title", "geosim run of scenario " + sc.name, "/");
    text_attribute(root, "geosim_results_format", kResultsFormatVersion, "/");
    provenance_attributes(root);
    text_attribute(root, "scenario_name", sc.name, "/");
    text_attribute(root, "scenario_description", sc.description, "/");
    text_attribute(root, "scenario_file", sc.source_path.string(), "/");
    utf8_attribute(root, "scenario_text", sc.source_text, "/");
    utf8_attribute(root, "resolved_parameters", sc.resolved_yaml, "/");
    number_attribute<std::uint64_t>(root, "seed", info.seed, "/");
    number_attribute<std::int32_t>(root, "ticks", sc.ticks, "/");
    number_attribute<std::int32_t>(root, "scenario_ticks", sc.scenario_ticks, "/");
    number_attribute<std::int32_t>(root, "truncated", sc.ticks < sc.scenario_ticks ? 1 : 0, "/");
    number_attribute<std::int32_t>(root, "events_skipped", skipped, "/");
    number_attribute<std::int32_t>(root, "step_months", sc.step_months, "/");
    number_attribute<double>(root, "negative_threshold", sc.negative_threshold, "/");
    text_attribute(root, "start_date", start, "/");
    text_attribute(root, "command_line", info.command_line, "/");
    text_attribute(root, "created", utc_now_iso8601(), "/");
    number_attribute<double>(root, "wall_seconds", info.wall_seconds, "/");
  }
  writer.reset();  // every dataset closed here
  h5file.close("close " + tmp.string());
}

void check_output_writable(const std::filesystem::path& path) {
  auto error = [&](const std::string& detail) {
    throw OutputError(SourceLocation{path.string(), 0, 0}, "-o", detail);
  };
  if (path.empty()) error("no output file given");
  std::error_code ec;
  if (fs::is_directory(path, ec)) error("is a directory; give a file name such as run.h5");
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::exists(parent, ec)) error("directory " + parent.string() + " does not exist");
  if (!fs::is_directory(parent, ec)) error(parent.string() + " is not a directory");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    error("directory " + parent.string() + " is not writable");
  if (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0)
    error("file exists and is not writable");
  // Permissions do not tell everything (read-only or special file systems,
  // root): create and remove the very temporary file the run will write.
  const std::string probe = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) error("cannot create a file in " + parent.string() + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_results(const std::filesystem::path& path, const Scenario& scenario,
                   const RunRecord& record, const Population* final_agents, const RunInfo& info) {
  ResultsWriter(path, scenario).finish(record, final_agents, info);
}

Variable read_variable(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT),
             "open variable " + name + " in " + path.string());
  Datatype type(H5Dget_type(ds), "get type of " + name);
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw RuntimeFailure("variable " + name + " in " + path.string() + " is not numeric");
  Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail("get rank of " + name);
  Variable v;
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0)
    fail("get shape of " + name);
  v.shape.assign(shape.begin(), shape.end());
  for (int axis = 0; axis < rank; ++axis) {
    std::string dim;
    if (H5DSis_scale(ds) > 0) {
      dim = name;  // a coordinate variable is its own dimension
    } else {
      int idx = 0;
      H5DSiterate_scales(
          ds, static_cast<unsigned>(axis), &idx,
          [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
            *static_cast<std::string*>(out) = object_basename(scale);
            return 1;  // first scale only
          },
          &dim);
      H5Eclear2(H5E_DEFAULT);
    }
    v.dims.push_back(dim);
  }
  std::size_t count = 1;
  for (auto n : v.shape) count *= n;
  v.values.resize(count);
  if (count > 0)
    check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.values.data()),
          "read " + name);
  return v;
}

std::vector<std::string> read_labels(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT),
             "open variable " + name + " in " + path.string());
  Datatype type(H5Dget_type(ds), "get type of " + name);
  if (H5Tget_class(type) != H5T_STRING)
    throw RuntimeFailure("variable " + name + " in " + path.string() + " is not text");
  Dataspace space(H5Dget_space(ds), "get dataspace of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) fail("get size of " + name);
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(type) > 0) {
    Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
    check(H5Tset_size(mem, H5T_VARIABLE), "set string size");
    check(H5Tset_cset(mem, H5Tget_cset(type)), "set character set");
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buf(size * static_cast<std::size_t>(n));
    check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + name);
    for (hssize_t i = 0; i < n; ++i) {
      std::string s(buf.data() + static_cast<std::size_t>(i) * size, size);
      s.resize(std::min(s.size(), s.find('\0')));
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string read_string_attribute(const std::filesystem::path& path, const std::string& name) {
  const SilenceHdf5 silence;
  File file = open_for_reading(path);
  Attribute attr(H5Aopen_by_name(file, "/", name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 "open attribute " + name + " in " + path.string());
  Datatype type(H5Aget_type(attr), "get type of attribute " + name);
  if (H5Tget_class(type) != H5T_STRING)
    throw RuntimeFailure("attribute " + name + " in " + path.string() + " is not text");
  if (H5Tis_variable_str(type) > 0) {
    Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
    check(H5Tset_size(mem, H5T_VARIABLE), "set string size");
    check(H5Tset_cset(mem, H5Tget_cset(type)), "set character set");
    char* ptr = nullptr;
    check(H5Aread(attr, mem, &ptr), "read attribute " + name);
    std::string out = ptr ? ptr : "";
    Dataspace space(H5Screate(H5S_SCALAR), "create scalar dataspace");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &ptr);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  std::string out(size, '\0');
  check(H5Aread(attr, type, out.data()), "read attribute " + name);
  out.resize(std::min(out.size(), out.find('\0')));
  return out;
}

}  // namespace geosim
