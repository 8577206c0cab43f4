// The citizens of a run's results file: final agents and snapshots of
// attitudes, with each citizen's target and group, compressed in parallel.
#include <omp.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "geosim/core/errors.hpp"
#include "io/detail/run_file.hpp"

namespace geosim::io_detail {
namespace {

using namespace hdf5;  // engine/io/detail/hdf5.hpp: handles, attributes, Writer

/// One chunk of a shuffle + deflate dataset, filtered here instead of by HDF5
/// so that chunks can be compressed in parallel. The buffers are sized before
/// the parallel loop, which then allocates nothing but zlib's own state.
struct Chunk {
  std::size_t elem = 0;            // bytes per element: the shuffle's stride
  std::vector<unsigned char> raw;  // the chunk in the file's type, full size
  std::vector<unsigned char> shuffled;
  std::vector<unsigned char> packed;  // compressBound(raw.size()) bytes
  uLongf packed_size = 0;

  Chunk(std::size_t elements, std::size_t elem_bytes)
      : elem(elem_bytes),
        raw(elements * elem_bytes),
        shuffled(raw.size()),
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
  return compress2(c.packed.data(), &c.packed_size, c.shuffled.data(), static_cast<uLong>(c.shuffled.size()),
                   static_cast<int>(kDeflateLevel)) == Z_OK;
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
    while (pop.target_begin(t) + pop.target_size(t) <= static_cast<std::int64_t>(i)) ++t;
    const std::int64_t local0 = static_cast<std::int64_t>(i) - pop.target_begin(t);
    const std::int64_t run =
        std::min<std::int64_t>(pop.target_size(t) - local0, static_cast<std::int64_t>(end - i));
    const std::size_t row0 = static_cast<std::size_t>(i - start);
    for (int p = 0; want_att && p < P; ++p) {
      const auto x = pop.attitudes(t, p);
      for (std::int64_t k = 0; k < run; ++k)
        s.att.store(
            (row0 + static_cast<std::size_t>(k)) * static_cast<std::size_t>(P) + static_cast<std::size_t>(p),
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

}  // namespace

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
  if (rank < 1 || rank > 3 || H5Pget_chunk(dcpl, rank, chunk_dims) != rank)
    fail("get chunking of the agents");
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

AgentDatasets create_citizen_indices(Writer& w, const Dim& citizen, int T, int G) {
  AgentDatasets out;
  out.small_t = T <= std::numeric_limits<std::int16_t>::max();
  out.small_g = G <= std::numeric_limits<std::int16_t>::max();
  const Storage slabbed1{true, {kSlab}, false};
  const std::string tl = "index of the citizen's target (0-based position on the target dimension)";
  const std::string gl = "index of the citizen's group (0-based position on the group dimension)";
  out.target = out.small_t ? w.empty_variable<std::int16_t>("citizen_target", {&citizen}, "1", tl, slabbed1)
                           : w.empty_variable<std::int32_t>("citizen_target", {&citizen}, "1", tl, slabbed1);
  out.group = out.small_g ? w.empty_variable<std::int16_t>("citizen_group", {&citizen}, "1", gl, slabbed1)
                          : w.empty_variable<std::int32_t>("citizen_group", {&citizen}, "1", gl, slabbed1);
  return out;
}

void require_matches(const Population& pop, const Dim& citizen, const Dim& power, const Dim& target,
                     const Dim& group) {
  require(pop.num_powers() == static_cast<int>(power.size) &&
              pop.num_targets() == static_cast<int>(target.size) &&
              pop.num_groups() == static_cast<int>(group.size) &&
              static_cast<hsize_t>(pop.size()) == citizen.size,
          "population does not match the scenario's citizens, powers, targets and groups");
}

}  // namespace geosim::io_detail
