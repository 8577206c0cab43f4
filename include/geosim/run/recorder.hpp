#pragma once
// The Recorder observes a World and keeps every time series of the model in
// memory, row-major with time first, ready for output.hpp to write.
#include <cstdint>
#include <utility>
#include <vector>

#include "geosim/model/world.hpp"

namespace geosim {

struct RunRecord {
  int rows = 0, powers = 0, targets = 0, groups = 0;
  // Layouts (row-major, time first): [row][p][c] for budget; [row][c][p][t]
  // for allocation, stock, influence; [row][c][t] for autonomy_*; [row][p][t]
  // for alignment and attitudes; [row][t] alignment_self; [row][g][p][t] for group_*.
  std::vector<double> budget, allocation, stock, influence;
  std::vector<double> autonomy_stock, autonomy_share;
  std::vector<double> alignment, alignment_self;
  std::vector<double> attitude_mean, negative_share, positive_share;
  std::vector<double> group_attitude_mean, group_negative_share, group_positive_share;
  std::vector<std::int32_t> campaigns_new, campaigns_active;
  std::vector<std::int8_t> membership;  // [row][institution][t]
  int institutions = 0;
};

class Recorder : public StepObserver {
 public:
  void on_start(const World& world) override;
  void on_step(const World& world) override;
  const RunRecord& record() const { return record_; }
  /// Hands the record over (the recorder is empty afterwards).
  RunRecord release() { return std::move(record_); }

 private:
  void append(const WorldState& s);
  RunRecord record_;
};

}  // namespace geosim
