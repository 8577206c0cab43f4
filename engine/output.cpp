// HDF5 results files, netCDF-4 compatible. The layout is documented in
// docs/results-format.md; keep the two in step (and bump
// kResultsFormatVersion on any incompatible change).
//
// How the file is made readable by netCDF-C, xarray and ncdump (see
// /work/shared/ecosystem-notes.md): creation order tracked and indexed on
// links and attributes, libver bounds EARLIEST..V18, every dimension a
// dimension scale attached to every axis of every variable, ASCII attributes
// as fixed-length NUL-padded scalars, free text as scalar variable-length
// UTF-8 strings, and time as CF "days since" numbers.
#include "geosim/output.hpp"

#include "hdf5_util.hpp"

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

#include "geosim/errors.hpp"
#include "geosim/population.hpp"

namespace geosim {
namespace {

namespace fs = std::filesystem;

using namespace hdf5;  // engine/hdf5_util.hpp: handles, attributes, Writer

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

/// The chunks of one slab of citizens: final_attitude [citizen][power]
/// (transposed from the population's [target][power][citizen]), citizen_target
/// and citizen_group.
struct Slab {
  Chunk att, target, group;
};

void fill_slab(const Population& pop, hsize_t start, hsize_t rows, Slab& s) {
  const int P = pop.num_powers(), G = pop.num_groups();
  const hsize_t end = std::min(start + rows, static_cast<hsize_t>(pop.size()));
  int t = 0;
  for (hsize_t i = start; i < end;) {
    while (static_cast<hsize_t>(pop.target_begin(t) + pop.target_size(t)) <= i) ++t;
    const std::int64_t local0 = static_cast<std::int64_t>(i) - pop.target_begin(t);
    const std::int64_t run = std::min<std::int64_t>(pop.target_size(t) - local0,
                                                    static_cast<std::int64_t>(end - i));
    const std::size_t row0 = static_cast<std::size_t>(i - start);
    for (int p = 0; p < P; ++p) {
      const auto x = pop.attitudes(t, p);
      for (std::int64_t k = 0; k < run; ++k)
        s.att.store((row0 + static_cast<std::size_t>(k)) * static_cast<std::size_t>(P) +
                        static_cast<std::size_t>(p),
                    x[static_cast<std::size_t>(local0 + k)]);
    }
    int g = 0;
    for (std::int64_t k = 0; k < run; ++k) {
      while (g < G - 1 && pop.group_begin(t, g + 1) <= local0 + k) ++g;
      s.target.store_index(row0 + static_cast<std::size_t>(k), t);
      s.group.store_index(row0 + static_cast<std::size_t>(k), g);
    }
    i += static_cast<hsize_t>(run);
  }
  const std::size_t used = static_cast<std::size_t>(end - start);
  s.att.zero_after(used * static_cast<std::size_t>(P));
  s.target.zero_after(used);
  s.group.zero_after(used);
}

/// Writes the final attitudes in slabs of `kSlab` citizens: final_attitude,
/// citizen_target and citizen_group (see Slab).
///
/// HDF5 would filter the chunks one at a time on this thread, and zlib then
/// dominates a run of 10^7 citizens. Instead each batch of slabs is filled and
/// compressed in parallel (2 slabs per thread: memory stays bounded, threads
/// stay busy), then its chunks are stored in order with H5Dwrite_chunk, which
/// writes the bytes as given. The datasets keep their shuffle + deflate
/// pipeline, so readers decode them as if HDF5 had written them, and the
/// stored chunks are the same bytes (tests/output/test_output.cpp checks).
void write_final_agents(Writer& w, const Population& pop, const Dim& citizen, const Dim& power,
                        const Dim& target, const Dim& group) {
  // The raw chunks must already be in the file's little-endian types.
  static_assert(std::endian::native == std::endian::little);
  constexpr hsize_t kSlab = 65536;
  const int P = pop.num_powers(), T = pop.num_targets(), G = pop.num_groups();
  const hsize_t N = static_cast<hsize_t>(pop.size());
  require(P == static_cast<int>(power.size) && T == static_cast<int>(target.size) &&
              G == static_cast<int>(group.size),
          "final population does not match the scenario's powers, targets and groups");
  const bool small_t = T <= std::numeric_limits<std::int16_t>::max();
  const bool small_g = G <= std::numeric_limits<std::int16_t>::max();

  const Storage slabbed{true, {kSlab, static_cast<hsize_t>(P)}, false};
  const hid_t att = w.empty_variable<float>(
      "final_attitude", {&citizen, &power}, "1",
      "attitude of each citizen toward each power at the end of the run (-1 hostile .. 1 favourable)",
      slabbed);
  const Storage slabbed1{true, {kSlab}, false};
  const std::string tl = "index of the citizen's target (0-based position on the target dimension)";
  const std::string gl = "index of the citizen's group (0-based position on the group dimension)";
  const hid_t ct = small_t ? w.empty_variable<std::int16_t>("citizen_target", {&citizen}, "1", tl, slabbed1)
                           : w.empty_variable<std::int32_t>("citizen_target", {&citizen}, "1", tl, slabbed1);
  const hid_t cg = small_g ? w.empty_variable<std::int16_t>("citizen_group", {&citizen}, "1", gl, slabbed1)
                           : w.empty_variable<std::int32_t>("citizen_group", {&citizen}, "1", gl, slabbed1);
  if (N == 0) return;

  // Rows per chunk as the Writer chose them: kSlab, or all citizens if fewer.
  hsize_t chunk_dims[2] = {0, 0};
  {
    PropList dcpl(H5Dget_create_plist(att), "get creation properties of final_attitude");
    check(H5Pget_chunk(dcpl, 2, chunk_dims) == 2 ? 0 : -1, "get chunking of final_attitude");
  }
  const hsize_t rows = chunk_dims[0];
  const std::size_t num_slabs = static_cast<std::size_t>((N + rows - 1) / rows);
  const std::size_t batch =
      std::min(num_slabs, 2 * static_cast<std::size_t>(std::max(1, omp_get_max_threads())));
  std::vector<Slab> slabs;
  slabs.reserve(batch);
  for (std::size_t k = 0; k < batch; ++k)
    slabs.push_back(Slab{Chunk(rows * static_cast<hsize_t>(P), sizeof(float)),
                         Chunk(rows, small_t ? 2 : 4), Chunk(rows, small_g ? 2 : 4)});

  auto write = [](hid_t ds, const hsize_t* offset, const Chunk& c, const char* name) {
    // Filter mask 0: every filter of the pipeline was applied.
    check(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, c.packed_size, c.packed.data()),
          std::string("write a chunk of ") + name);
  };
  for (std::size_t first = 0; first < num_slabs; first += batch) {
    const std::size_t n = std::min(batch, num_slabs - first);
    bool ok = true;
    // No HDF5 call in here: the library is not thread-safe.
#pragma omp parallel for schedule(dynamic, 1) reduction(&& : ok)
    for (std::size_t k = 0; k < n; ++k) {
      Slab& s = slabs[k];
      fill_slab(pop, (first + k) * rows, rows, s);
      ok = filter_chunk(s.att) && filter_chunk(s.target) && filter_chunk(s.group) && ok;
    }
    if (!ok) throw RuntimeFailure("zlib failed to compress the final agents");
    for (std::size_t k = 0; k < n; ++k) {
      const hsize_t offset[2] = {(first + k) * rows, 0};
      write(att, offset, slabs[k].att, "final_attitude");
      write(ct, offset, slabs[k].target, "citizen_target");
      write(cg, offset, slabs[k].group, "citizen_group");
    }
  }
}

void write_file(const fs::path& path, const Scenario& sc, const RunRecord& rec,
                const Population* agents, const RunInfo& info) {
  const int P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups();
  const int I = static_cast<int>(sc.institutions.size());
  require(rec.powers == P && rec.targets == T && rec.groups == G,
          "run record dimensions (" + std::to_string(rec.powers) + " powers, " +
              std::to_string(rec.targets) + " targets, " + std::to_string(rec.groups) +
              " groups) do not match the scenario");
  require(rec.institutions == I, "run record has " + std::to_string(rec.institutions) +
                                     " institutions, the scenario " + std::to_string(I));
  require(rec.rows >= 1, "run record has no rows");

  File file = create_netcdf_file(path);

  {
    Writer w(file);
    const std::string start = sc.start.str();
    const std::string time_units = "days since " + start;
    const long epoch0 = sc.start.days_since_epoch();

    // Dimensions and their coordinates.
    std::vector<double> days(static_cast<std::size_t>(rec.rows));
    for (int r = 0; r < rec.rows; ++r)
      days[static_cast<std::size_t>(r)] =
          static_cast<double>(sc.row_date(r).days_since_epoch() - epoch0);
    const Dim& time = w.coordinate<double>("time", days, time_units,
                                           "date of the row (row 0: initial state; row k: after k ticks)");
    {
      Dataset ds(H5Dopen2(file, "time", H5P_DEFAULT), "open time");
      text_attribute(ds, "calendar", "standard", "time");
      text_attribute(ds, "standard_name", "time", "time");
      text_attribute(ds, "axis", "T", "time");
    }
    std::vector<std::string> codes, names;
    for (const auto& p : sc.powers) codes.push_back(p.code), names.push_back(p.name);
    const Dim& power = w.label_coordinate("power", codes, "power code");
    std::vector<std::string> tcodes, tnames;
    for (const auto& t : sc.targets) tcodes.push_back(t.code), tnames.push_back(t.name);
    const Dim& target = w.label_coordinate("target", tcodes, "target code");
    const Dim& channel = w.label_coordinate(
        "channel", {kChannelNames.begin(), kChannelNames.end()}, "channel of influence");
    std::vector<std::string> gnames;
    for (const auto& g : sc.groups) gnames.push_back(g.name);
    const Dim& group = w.label_coordinate("group", gnames, "citizen group");
    std::vector<std::string> inames;
    for (const auto& i : sc.institutions) inames.push_back(i.name);
    const Dim& institution = w.label_coordinate("institution", inames, "institution");
    const Dim& event = w.plain_dimension("event", sc.events.size());
    const Dim* citizen =
        agents ? &w.plain_dimension("citizen", static_cast<hsize_t>(agents->size())) : nullptr;

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

    if (agents) write_final_agents(w, *agents, *citizen, power, target, group);

    // Global attributes.
    const hid_t root = file;
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
  }  // every dataset closed here
  file.close("close " + path.string());
}


}  // namespace

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
  const SilenceHdf5 silence;
  const fs::path tmp = fs::path(path.string() + ".tmp." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);  // a leftover of an earlier run with our pid
  try {
    write_file(tmp, scenario, record, final_agents, info);
    sync_path(tmp, false);
    fs::rename(tmp, path);
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    sync_path(parent, true);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    H5Eclear2(H5E_DEFAULT);
    throw RuntimeFailure("cannot write results to " + path.string() + ": " + e.what());
  }
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
