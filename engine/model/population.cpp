#include "geosim/model/population.hpp"
#include "geosim/run/resources.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <omp.h>

#include "core/detail/kernels.hpp"
#include "geosim/core/rng.hpp"
#include "model/detail/citizen_kernel.hpp"

namespace geosim {
namespace {

/// Portable-kernel scratch per thread: four words (or normals) per citizen of a block.
constexpr std::size_t kScratchPerThread = 4 * Population::kBlockSize;

/// Citizens per group by the largest-remainder method: exact total, ties to the lower group.
std::vector<std::int64_t> split_by_share(std::int64_t total, const std::vector<double>& shares) {
  const std::size_t groups = shares.size();
  std::vector<std::int64_t> counts(groups, 0);
  std::vector<std::pair<double, std::size_t>> remainders;
  std::int64_t assigned = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    const double exact = static_cast<double>(total) * shares[g];
    counts[g] = static_cast<std::int64_t>(std::floor(exact));
    assigned += counts[g];
    remainders.emplace_back(exact - static_cast<double>(counts[g]), g);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < total && k < remainders.size(); ++k, ++assigned) {
    if (shares[remainders[k].second] > 0.0) ++counts[remainders[k].second];
    else --assigned;  // a zero share never receives citizens
  }
  return counts;
}

}  // namespace

Population::Population(const Scenario& scenario, std::uint64_t seed)
    : seed_(seed), powers_(scenario.num_powers()), groups_(scenario.num_groups()) {
  const int targets = scenario.num_targets();
  target_begin_.assign(targets + 1, 0);
  group_begin_.assign(static_cast<std::size_t>(targets) * (groups_ + 1), 0);
  for (int t = 0; t < targets; ++t) {
    const auto counts = split_by_share(scenario.targets[t].citizens, scenario.targets[t].group_share);
    std::int64_t running = 0;
    for (int g = 0; g < groups_; ++g) {
      group_begin_[t * (groups_ + 1) + g] = running;
      running += counts[g];
    }
    group_begin_[t * (groups_ + 1) + groups_] = running;
    target_begin_[t + 1] = target_begin_[t] + running;
  }
  x_.assign(static_cast<std::size_t>(size()) * powers_, 0.0f);
  x0_.assign(x_.size(), 0.0f);
  build_blocks();

  // Initial attitudes: stream 0, counter {citizen, 0, 0, power / 4}, drawn a
  // block at a time (the same bits as rng::normals4 of rng::philox per citizen).
  std::vector<float> normals(4 * static_cast<std::size_t>(kBlockSize));
  std::vector<std::uint32_t> words(4 * static_cast<std::size_t>(kBlockSize));
  for (int t = 0; t < targets; ++t) {
    for (int g = 0; g < groups_; ++g) {
      const GroupParameters group = scenario.group_in(t, g);  // the target's overrides included
      for (std::int64_t begin = group_begin(t, g); begin < group_begin(t, g + 1); begin += kBlockSize) {
        const int n = static_cast<int>(std::min(kBlockSize, group_begin(t, g + 1) - begin));
        const auto first = static_cast<std::uint32_t>(target_begin_[t] + begin);
        for (int word = 0; 4 * word < powers_; ++word) {
          const int lanes = std::min(4, powers_ - 4 * word);
          if (kernels::avx512_available())
            kernels::normals_block_avx512(seed_, first, 0, rng::initial_attitudes,
                                          static_cast<std::uint32_t>(word), n, lanes, normals.data(),
                                          static_cast<int>(kBlockSize));
          else
            kernels::normals_block_dispatched(seed_, first, 0, rng::initial_attitudes,
                                              static_cast<std::uint32_t>(word), n, lanes, normals.data(),
                                              static_cast<int>(kBlockSize), words.data());
          for (int lane = 0; lane < lanes; ++lane) {
            const int p = 4 * word + lane;
            const float* z = normals.data() + lane * kBlockSize;
            float* x = slice(x_, t, p).data() + begin;
            float* x0 = slice(x0_, t, p).data() + begin;
            for (int i = 0; i < n; ++i) {
              const double drawn = group.attitude_mean[p] + group.attitude_sd[p] * z[i];
              x[i] = x0[i] = static_cast<float>(std::clamp(drawn, -1.0, 1.0));
            }
          }
        }
      }
    }
  }
}

void Population::build_blocks() {
  // Fixed blocking, independent of the thread count: each block lies inside
  // one (target, group) range, so its coefficients are uniform and its
  // partial tallies combine in a fixed order.
  blocks_.clear();
  for (int t = 0; t < num_targets(); ++t)
    for (int g = 0; g < groups_; ++g)
      for (std::int64_t b = group_begin(t, g); b < group_begin(t, g + 1); b += kBlockSize)
        blocks_.push_back({t, g, b, std::min(b + kBlockSize, group_begin(t, g + 1))});
  block_tallies_.assign(blocks_.size() * powers_, GroupTally{});
  noise_scratch_.assign(static_cast<std::size_t>(omp_get_max_threads()) * kScratchPerThread, 0.0f);
  word_scratch_.assign(static_cast<std::size_t>(omp_get_max_threads()) * kScratchPerThread, 0u);
}

std::span<float> Population::slice(std::vector<float>& v, int t, int p) {
  const std::size_t n = static_cast<std::size_t>(target_size(t));
  return {v.data() + static_cast<std::size_t>(target_begin_[t]) * powers_ + p * n, n};
}
std::span<const float> Population::slice(const std::vector<float>& v, int t, int p) const {
  const std::size_t n = static_cast<std::size_t>(target_size(t));
  return {v.data() + static_cast<std::size_t>(target_begin_[t]) * powers_ + p * n, n};
}
std::span<float> Population::attitudes(int t, int p) { return slice(x_, t, p); }
std::span<const float> Population::attitudes(int t, int p) const { return slice(x_, t, p); }
std::span<const float> Population::initial_attitudes(int t, int p) const { return slice(x0_, t, p); }

void Population::update(std::span<const UpdateCoefficients> coeffs, int tick, float negative_threshold,
                        std::span<GroupTally> tallies) {
  const auto block_count = static_cast<std::int64_t>(blocks_.size());
  const auto threads = static_cast<std::size_t>(omp_get_max_threads());
  if (noise_scratch_.size() < threads * kScratchPerThread) {  // only if the thread count grew
    noise_scratch_.resize(threads * kScratchPerThread);
    word_scratch_.resize(threads * kScratchPerThread);
  }
  // Small populations stay on the calling thread, outside any OpenMP region:
  // waking a team (or even entering a region of one thread, which costs
  // system calls) costs more than it saves, and sweeps run many small worlds
  // side by side.
  const bool fused = kernels::avx512_available();
  const auto update_block = [&](std::int64_t k, std::size_t thread) {
    const Block& block = blocks_[k];
    const kernels::CitizenBlock citizens{
        seed_,
        static_cast<std::uint32_t>(target_begin_[block.target] + block.begin),
        static_cast<std::uint32_t>(tick),
        static_cast<int>(block.end - block.begin),
        powers_,
        &coeffs[(block.target * groups_ + block.group) * powers_],
        slice(x_, block.target, 0).data() + block.begin,
        slice(x0_, block.target, 0).data() + block.begin,
        static_cast<std::size_t>(target_size(block.target)),
        negative_threshold,
        &block_tallies_[k * powers_]};
    if (fused) kernels::update_block_avx512(citizens);
    else
      kernels::update_block_portable(citizens, {noise_scratch_.data() + thread * kScratchPerThread,
                                                word_scratch_.data() + thread * kScratchPerThread});
  };
  if (size() >= kParallelThreshold) {
#pragma omp parallel for schedule(static)
    for (std::int64_t k = 0; k < block_count; ++k)
      update_block(k, static_cast<std::size_t>(omp_get_thread_num()));
  } else {
    for (std::int64_t k = 0; k < block_count; ++k) update_block(k, 0);
  }
  combine_blocks(tallies);
}

void Population::tally(float negative_threshold, std::span<GroupTally> tallies) {
  const auto block_count = static_cast<std::int64_t>(blocks_.size());
  for (std::int64_t k = 0; k < block_count; ++k) {
    const Block& block = blocks_[k];
    for (int p = 0; p < powers_; ++p) {
      const float* x = slice(x_, block.target, p).data() + block.begin;
      GroupTally partial{.count = block.end - block.begin};
      for (std::int64_t i = 0; i < partial.count; ++i) {
        partial.sum += x[i];
        partial.sum_sq += static_cast<double>(x[i]) * x[i];
        partial.negative += x[i] < -negative_threshold;
        partial.positive += x[i] > negative_threshold;
      }
      block_tallies_[k * powers_ + p] = partial;
    }
  }
  combine_blocks(tallies);
}

void Population::shift_attitudes(int t, int g, int p, double amount, bool anchors) {
  const std::int64_t begin = group_begin(t, g), end = group_begin(t, g + 1);
  // In double, rounded once to float: x + amount exactly where it is representable.
  const auto shift = [&](float* v) {
    for (std::int64_t i = begin; i < end; ++i)
      v[i] = static_cast<float>(std::clamp(static_cast<double>(v[i]) + amount, -1.0, 1.0));
  };
  shift(slice(x_, t, p).data());
  if (anchors) shift(slice(x0_, t, p).data());
}

void Population::combine_blocks(std::span<GroupTally> tallies) const {
  std::fill(tallies.begin(), tallies.end(), GroupTally{});
  for (std::size_t k = 0; k < blocks_.size(); ++k)
    for (int p = 0; p < powers_; ++p) {
      GroupTally& into = tallies[(blocks_[k].target * groups_ + blocks_[k].group) * powers_ + p];
      const GroupTally& part = block_tallies_[k * powers_ + p];
      into.sum += part.sum;
      into.sum_sq += part.sum_sq;
      into.negative += part.negative;
      into.positive += part.positive;
      into.count += part.count;
    }
}

}  // namespace geosim
