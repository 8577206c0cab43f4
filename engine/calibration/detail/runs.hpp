#pragma once
// Internal to the calibration: running a sweep of a calibration's points and
// reading back what its operators measure (run.cpp), shared by the
// calibration and by a predictive check on its own (check.cpp).
#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/calibration/abc.hpp"
#include "geosim/calibration/calibration.hpp"

namespace geosim::calibration::detail {

/// A stream of the calibration's seed: generation g's sweep seed, and the
/// predictive check's (seed ^ kPredictiveStream, stream 0).
std::uint64_t generation_seed(std::uint64_t seed, std::uint64_t generation);
inline constexpr std::uint64_t kPredictiveStream = 0x7072656469637421ULL;  // "predict!"

/// `draws` particles drawn by weight (systematic resampling, one uniform).
Eigen::MatrixXd resample(const AbcGeneration& g, std::int64_t draws, std::uint64_t seed);

struct SweepRunOptions {
  std::filesystem::path output;  // the sweep's results file (its journal beside it)
  int jobs = 0;
  bool progress = false;
  const Cluster* cluster = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  std::string remove_to_restart;  // said when the file is another run's
};
struct SweepRunResult {
  std::vector<std::vector<double>> measures;  // [run][target], on rank 0 only
  std::int64_t failed = 0, recovered = 0;
  double seconds = 0.0;
};
/// Runs `sweep` (resuming from its file or journal if they are this sweep's)
/// and reads every run's measures of the calibration's targets.
SweepRunResult run_and_measure(const Calibration& calibration, const Sweep& sweep,
                               const SweepRunOptions& options);

}  // namespace geosim::calibration::detail
