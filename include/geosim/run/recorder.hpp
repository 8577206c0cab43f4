#pragma once
// The Recorder observes a World and keeps every results variable of the
// catalogue (geosim/io/variables.hpp) in memory, row-major with time first,
// ready for the ResultsWriter or a sweep.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "geosim/io/variables.hpp"
#include "geosim/model/world.hpp"

namespace geosim {

struct RunRecord {
  int rows = 0, powers = 0, targets = 0, groups = 0, institutions = 0;
  /// One series per results_variables() entry, in catalogue order, each
  /// [row][dims of the entry] in the entry's type.
  std::vector<SeriesValues> series;

  /// An empty record for `scenario`: one series per catalogue entry, of its
  /// type, each with room reserved for `reserve_rows` rows.
  static RunRecord empty_for(const Scenario& scenario, std::size_t reserve_rows = 0);

  const SeriesValues& operator[](std::string_view name) const;
  SeriesValues& operator[](std::string_view name);
  /// The series `name` as its type T (throws std::bad_variant_access if it is another).
  template <class T>
  const std::vector<T>& values(std::string_view name) const {
    return std::get<std::vector<T>>((*this)[name]);
  }
  template <class T>
  std::vector<T>& values(std::string_view name) {
    return std::get<std::vector<T>>((*this)[name]);
  }
  /// The series `name` converted to double.
  std::vector<double> as_doubles(std::string_view name) const;
};

class Recorder : public StepObserver {
 public:
  /// Records every catalogue entry.
  Recorder() = default;
  /// Records only the catalogue entries i with recorded[i] != 0 (a sweep
  /// keeping a few metrics); the others' series stay empty.
  explicit Recorder(std::vector<char> recorded) : recorded_(std::move(recorded)) {}
  /// Whether every catalogue entry is recorded.
  bool records_all() const;
  /// Reserves every row of the run up front: recording allocates nothing per
  /// tick. A recorder used for several runs (record() read, not released)
  /// keeps its buffers: after the first run, nothing is allocated.
  void on_start(const World& world) override;
  void on_step(const World& world) override;
  const RunRecord& record() const { return record_; }
  /// Hands the record over (the recorder is empty afterwards).
  RunRecord release() { return std::move(record_); }

 private:
  void append(const WorldState& s);
  bool recorded(std::size_t i) const { return recorded_.empty() || recorded_[i]; }
  std::vector<char> recorded_;  // by catalogue index; empty: every entry
  RunRecord record_;
  std::vector<std::size_t> row_sizes_;  // per catalogue entry, for the run's scenario
  std::vector<double> row_;             // one row of the widest variable, sized in on_start
};

}  // namespace geosim
