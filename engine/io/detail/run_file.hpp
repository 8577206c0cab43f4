#pragma once
// Internal to the engine: the parts of one run's results file. io/results.cpp
// (the ResultsWriter) puts them together; io/agents.cpp writes the citizens
// (final agents, snapshots), io/time_series.cpp the catalogue's time series
// and the time coordinates. The layout is docs/results-format.md.
#include <string>
#include <vector>

#include "geosim/io/variables.hpp"
#include "geosim/model/population.hpp"
#include "geosim/run/recorder.hpp"
#include "geosim/scenario/scenario.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim::io_detail {

/// Throws RuntimeFailure("internal error: " + what) unless `ok`.
void require(bool ok, const std::string& what);

// ---------------------------------------------------------------------------
// Dimensions (io/time_series.cpp).

/// The dimensions of a run's file, owned by its hdf5::Writer (null: not created).
struct RunDims {
  const hdf5::Dim *time = nullptr, *power = nullptr, *target = nullptr, *channel = nullptr, *group = nullptr,
                  *institution = nullptr, *survey = nullptr, *event = nullptr, *citizen = nullptr;
  /// The dimension of a catalogue axis.
  const hdf5::Dim& of(Axis axis) const;
};

/// CF attributes of a time coordinate (its units, "days since START", are set
/// with its values): `time`, and `snapshot_time` (an auxiliary coordinate, so no axis).
void time_attributes(hid_t ds, const std::string& name, bool axis);

/// Days from the scenario's start to each row (tick) in `rows`: time values in
/// "days since START" units.
std::vector<double> days_since_start(const Scenario& sc, const std::vector<int>& rows);

/// Writes every variable of the catalogue (geosim/io/variables.hpp) that a
/// file of `scenario` holds (ResultsVariable::in_file) from `record`, in
/// catalogue order: its dims after time, units, long_name, _FillValue and CF
/// flags as the entry declares them.
void write_time_series(hdf5::Writer& w, const RunDims& dims, const Scenario& scenario,
                       const RunRecord& record);

// ---------------------------------------------------------------------------
// Citizens (io/agents.cpp).

inline constexpr hsize_t kSlab = 65536;  // citizens per chunk of the agent datasets

/// Where write_agents stores one copy of the population. An absent dataset
/// (H5I_INVALID_HID) is skipped.
struct AgentDatasets {
  hid_t attitude = H5I_INVALID_HID;  // [citizen][power], or [snapshot][citizen][power]
  std::string attitude_name;
  hsize_t snapshot = 0;                                     // the leading offset if `attitude` has rank 3
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
void write_agents(const Population& pop, const AgentDatasets& out);

/// Creates citizen_target and citizen_group (written once per file, whether
/// for final agents or snapshots) and returns where write_agents puts them.
AgentDatasets create_citizen_indices(hdf5::Writer& w, const hdf5::Dim& citizen, int T, int G);

/// Throws RuntimeFailure unless `pop` has the file's citizens, powers, targets and groups.
void require_matches(const Population& pop, const hdf5::Dim& citizen, const hdf5::Dim& power,
                     const hdf5::Dim& target, const hdf5::Dim& group);

}  // namespace geosim::io_detail
