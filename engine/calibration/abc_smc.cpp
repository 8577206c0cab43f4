// Resample-move ABC-SMC (calibration/abc.hpp, method smc; docs/calibration.md,
// "The sampler"). Particles have equal weights. A step either starts a new
// tolerance or continues at the last one:
//   new tolerance: eps = the ceil(keep N)-th smallest distance; the particles
//                  within it are resampled (systematic) back to N;
//   every step:    each particle proposes z' = z + L e (L L' = c Cov(z),
//                  c = min(2, 2.38^2 / d)), run;
//                  accepted, as Metropolis-Hastings with the prior in z (the
//                  symmetric kernel cancels), if its distance is within eps.
// A new tolerance starts once 90% of the particles are expected to have moved
// since the last resampling, 1 - prod(1 - acceptance) >= 0.9 (Drovandi and
// Pettitt 2011): resampled copies are replenished before the next cut.
// Stops when a step's acceptance falls below min_acceptance, or at the budget.
#include <map>

#include "calibration/detail/abc_math.hpp"
#include "geosim/calibration/abc.hpp"

namespace geosim::calibration {

using namespace detail;

namespace {

constexpr double kMovedBeforeNewTolerance = 0.9;

/// (sum w)^2 / sum w^2 with copies merged: N^2 / sum_k c_k^2 for c_k copies of particle k.
double effective_sample_size(const Eigen::MatrixXd& z) {
  std::map<std::vector<double>, std::int64_t> copies;
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    std::vector<double> row(static_cast<std::size_t>(z.cols()));
    for (Eigen::Index k = 0; k < z.cols(); ++k) row[static_cast<std::size_t>(k)] = z(i, k);
    ++copies[row];
  }
  double sum2 = 0.0;
  for (const auto& [row, c] : copies) sum2 += static_cast<double>(c) * static_cast<double>(c);
  const auto n = static_cast<double>(z.rows());
  return n * n / sum2;
}

double log_prior(const Eigen::MatrixXd& z, Eigen::Index i) {
  double lp = 0.0;
  for (Eigen::Index k = 0; k < z.cols(); ++k) lp += log_logistic_density(z(i, k));
  return lp;
}

}  // namespace

AbcSampler::SmcBase AbcSampler::smc_base() const {
  const AbcGeneration& last = posterior();
  SmcBase base;
  if (!smc_resample_next_) {
    base.logits = last.logits;
    base.distances = last.distances;
    base.tolerance = last.tolerance;
    return base;
  }
  const std::int64_t n = settings_.particles;
  const auto alive_needed = std::max<std::int64_t>(
      2, static_cast<std::int64_t>(std::ceil(settings_.keep * static_cast<double>(n))));
  std::vector<double> sorted = last.distances;
  std::nth_element(sorted.begin(), sorted.begin() + (alive_needed - 1), sorted.end());
  base.tolerance = sorted[static_cast<std::size_t>(alive_needed - 1)];
  // Ties (integer distances) can hold the quantile at the last tolerance:
  // then the largest distance below it, so the tolerance keeps falling.
  if (history_.size() > 1 && base.tolerance >= last.tolerance) {
    double below = -kInf;
    for (double d : last.distances)
      if (d < last.tolerance) below = std::max(below, d);
    if (below > -kInf) base.tolerance = below;
  }
  std::vector<Eigen::Index> alive;
  for (std::size_t i = 0; i < last.distances.size(); ++i)
    if (last.distances[i] <= base.tolerance) alive.push_back(static_cast<Eigen::Index>(i));
  const double u = draw(settings_.seed, generation(), n, 0);  // index n: no particle's
  base.logits.resize(n, dims_);
  for (std::int64_t k = 0; k < n; ++k) {
    const auto pick = static_cast<std::size_t>((static_cast<double>(k) + u) / static_cast<double>(n) *
                                               static_cast<double>(alive.size()));
    const Eigen::Index from = alive[std::min(pick, alive.size() - 1)];
    base.logits.row(k) = last.logits.row(from);
    base.distances.push_back(last.distances[static_cast<std::size_t>(from)]);
  }
  return base;
}

Eigen::MatrixXd AbcSampler::smc_proposal_logits() const {
  const SmcBase base = smc_base();
  const Eigen::Index n = base.logits.rows();
  const Eigen::RowVectorXd mean = base.logits.colwise().mean();
  const Eigen::MatrixXd centred = base.logits.rowwise() - mean;
  // The random-walk scale of Roberts and Rosenthal (2001), 2.38^2 / d, at
  // most the population kernel's 2: wider steps are rarely accepted in many dimensions.
  const double scale = std::min(2.0, 2.38 * 2.38 / dims_);
  const Eigen::MatrixXd lower = cholesky(scale * (centred.transpose() * centred) / static_cast<double>(n));
  Eigen::MatrixXd z(n, dims_);
  Eigen::VectorXd eps(dims_);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int k = 0; k < dims_; ++k)
      eps(k) = rng::normal_quantile(draw(settings_.seed, generation(), i, k + 1));
    z.row(i) = base.logits.row(i) + (lower * eps).transpose();
  }
  return z;
}

void AbcSampler::smc_observe(const std::vector<double>& distances) {
  const int gen = generation();
  const Eigen::MatrixXd z_new = proposal_logits();
  if (static_cast<Eigen::Index>(distances.size()) != z_new.rows())
    throw std::invalid_argument("expected " + std::to_string(z_new.rows()) + " distances, got " +
                                std::to_string(distances.size()));
  AbcGeneration out;
  out.index = gen;
  out.simulations = static_cast<std::int64_t>(distances.size());
  for (double d : distances) out.failed += std::isfinite(d) ? 0 : 1;
  const std::int64_t n = settings_.particles;
  if (gen == 0) {
    const auto needed = std::max<std::int64_t>(
        2, static_cast<std::int64_t>(std::ceil(settings_.keep * static_cast<double>(n))));
    if (n - out.failed < needed)
      throw std::runtime_error("generation 0: only " + std::to_string(n - out.failed) +
                               " particles have a finite distance, " + std::to_string(needed) +
                               " are needed (" + std::to_string(out.failed) + " of " +
                               std::to_string(out.simulations) + " simulations failed)");
    out.logits = z_new;
    for (double d : distances) out.distances.push_back(clean(d));
    // A loop, not std::max_element: g++ 12 -O2 reports a null dereference in the iterator.
    out.tolerance = -kInf;
    for (double d : out.distances) out.tolerance = std::max(out.tolerance, d);
  } else {
    const SmcBase base = smc_base();
    out.logits = base.logits;
    out.distances = base.distances;
    out.tolerance = base.tolerance;
    std::int64_t accepted = 0;
    for (Eigen::Index i = 0; i < z_new.rows(); ++i) {
      const double d = clean(distances[static_cast<std::size_t>(i)]);
      if (!(d <= base.tolerance)) continue;
      const double log_ratio = log_prior(z_new, i) - log_prior(base.logits, i);
      if (std::log(draw(settings_.seed, gen, i, dims_ + 1)) >= log_ratio) continue;
      out.logits.row(i) = z_new.row(i);
      out.distances[static_cast<std::size_t>(i)] = d;
      ++accepted;
    }
    out.acceptance = static_cast<double>(accepted) / static_cast<double>(n);
    smc_moved_ = smc_resample_next_ ? out.acceptance : 1.0 - (1.0 - smc_moved_) * (1.0 - out.acceptance);
  }
  smc_resample_next_ = gen == 0 || smc_moved_ >= kMovedBeforeNewTolerance;
  out.units = units_of(out.logits);
  out.raw_weights.assign(static_cast<std::size_t>(n), 1.0);
  out.weights.assign(static_cast<std::size_t>(n), 1.0 / static_cast<double>(n));
  out.effective_sample_size = effective_sample_size(out.logits);

  simulations_ += out.simulations;
  history_.push_back(std::move(out));
  const AbcGeneration& now = history_.back();
  if (gen > 0 && now.acceptance < settings_.min_acceptance) stop_ = Stop::acceptance;
  else if (simulations_ + n > settings_.max_simulations) stop_ = Stop::simulations;
  else if (generation() >= settings_.max_generations) stop_ = Stop::generations;
}

}  // namespace geosim::calibration
