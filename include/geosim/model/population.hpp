#pragma once
// The citizen agents (model.md section 7), stored as structure of arrays:
// for each target, for each power, one contiguous float array of attitudes
// and one of initial attitudes. Citizens of a target are sorted by group, so
// group parameters live per group (a contiguous range), never per citizen.
#include <cstdint>
#include <span>
#include <vector>

#include "geosim/scenario/scenario.hpp"

namespace geosim {

/// Per (target, group, power) coefficients of one tick's linear update:
/// x_new = clamp(offset + slope * x + anchor * x0 + noise * eps, -1, 1).
struct UpdateCoefficients {
  float offset = 0, slope = 1, anchor = 0, noise = 0;
};

/// Per (target, group, power) sums of one reduction (sum_sq: of the squared
/// attitudes, for the group's variance).
struct GroupTally {
  double sum = 0, sum_sq = 0;
  std::int64_t negative = 0, positive = 0, count = 0;
};

class Population {
 public:
  /// Draws the initial attitudes from stream 0 of the run's seed.
  Population(const Scenario& scenario, std::uint64_t seed);

  int num_powers() const { return powers_; }
  int num_targets() const { return static_cast<int>(target_begin_.size()) - 1; }
  int num_groups() const { return groups_; }
  std::int64_t size() const { return target_begin_.back(); }
  std::int64_t target_size(int t) const { return target_begin_[t + 1] - target_begin_[t]; }
  std::int64_t target_begin(int t) const { return target_begin_[t]; }  // global citizen index
  /// Citizens of group g in target t are [group_begin(t,g), group_begin(t,g+1)) within the target.
  std::int64_t group_begin(int t, int g) const { return group_begin_[t * (groups_ + 1) + g]; }

  std::span<float> attitudes(int t, int p);
  std::span<const float> attitudes(int t, int p) const;
  std::span<const float> initial_attitudes(int t, int p) const;

  /// One tick of model.md section 7 for every citizen, fused with the
  /// reduction: coeffs indexed [(t*G + g)*P + p], tallies likewise (overwritten).
  /// Noise is stream 1 at `tick`. Deterministic whatever the thread count.
  void update(std::span<const UpdateCoefficients> coeffs, int tick, float negative_threshold,
              std::span<GroupTally> tallies);
  /// Tallies of the current attitudes without changing them (row 0, and
  /// after events that changed attitudes).
  void tally(float negative_threshold, std::span<GroupTally> tallies);
  /// An opinion shock (the shift_attitudes action, model.md section 7):
  /// x[i,p] = clamp(x[i,p] + amount, -1, 1) for each citizen i of group g in
  /// target t, and x0[i,p] likewise if `anchors`. Allocates nothing.
  void shift_attitudes(int t, int g, int p, double amount, bool anchors);

  /// Bytes of attitude storage per citizen (for the memory check).
  static std::int64_t bytes_per_citizen(int powers) { return 2 * powers * sizeof(float); }

  static constexpr std::int64_t kBlockSize = 1024;           // citizens per block of the update
  static constexpr std::int64_t kParallelThreshold = 32768;  // fewer citizens: one thread

 private:
  struct Block {
    int target, group;
    std::int64_t begin, end;  // citizen range within the target
  };
  void build_blocks();
  void combine_blocks(std::span<GroupTally> tallies) const;

  std::uint64_t seed_;
  std::vector<Block> blocks_;
  std::vector<GroupTally> block_tallies_;  // [block][power], reused every tick
  // Scratch of the portable kernel (the AVX-512 one needs none), reused every tick.
  std::vector<float> noise_scratch_;         // [thread][word lane][kBlockSize] normals
  std::vector<std::uint32_t> word_scratch_;  // [thread][word lane][kBlockSize] Philox output
  int powers_ = 0, groups_ = 0;
  std::vector<std::int64_t> target_begin_;  // size T+1
  std::vector<std::int64_t> group_begin_;   // size T*(G+1)
  std::vector<float> x_, x0_;               // [target block][power][citizen]
  std::span<float> slice(std::vector<float>& v, int t, int p);
  std::span<const float> slice(const std::vector<float>& v, int t, int p) const;
};

}  // namespace geosim
