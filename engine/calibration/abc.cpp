// Adaptive population Monte Carlo ABC (calibration/abc.hpp). One generation:
//   t = 0: N draws from the prior; keep the kept() nearest; their largest
//          distance is the tolerance; weights 1.
//   t > 0: N - kept() proposals: a kept particle j drawn by weight, moved by
//          a Gaussian of covariance 2 Cov_w(z) (z = logit u); each gets the
//          raw weight prior(z) / sum_j w_j K(z | z_j); the acceptance is the
//          share of proposals under the previous tolerance; old and new
//          particles together, the kept() nearest are kept.
// Stops when the acceptance falls below min_acceptance (the tolerance no
// longer shrinks for the simulations it costs), or at the budget.
#include "geosim/calibration/abc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "calibration/detail/abc_math.hpp"
#include "geosim/core/rng.hpp"

namespace geosim::calibration {

using namespace detail;

AbcSampler::AbcSampler(AbcSettings settings, int dimensions) : settings_(settings), dims_(dimensions) {
  if (dims_ < 1) throw std::invalid_argument("ABC needs at least one parameter");
  if (settings_.particles < 4) throw std::invalid_argument("ABC needs at least 4 particles");
  if (!(settings_.keep > 0.0 && settings_.keep < 1.0)) throw std::invalid_argument("keep must be in (0, 1)");
  kept_ = std::max<std::int64_t>(
      2, static_cast<std::int64_t>(std::ceil(settings_.keep * static_cast<double>(settings_.particles))));
  if (kept_ >= settings_.particles) kept_ = settings_.particles - 1;
  if (settings_.method == AbcSettings::Method::smc) kept_ = settings_.particles;
  if (settings_.max_simulations < settings_.particles)
    throw std::invalid_argument("max_simulations is smaller than one generation's particles");
}

std::string_view AbcSampler::stop_text(Stop stop) {
  switch (stop) {
    case Stop::running: return "running";
    case Stop::acceptance: return "the acceptance rate fell below min_acceptance";
    case Stop::simulations: return "the next generation would exceed max_simulations";
    case Stop::generations: return "max_generations were run";
  }
  return "";
}

Eigen::MatrixXd AbcSampler::kernel_covariance() const {
  const AbcGeneration& g = posterior();
  const Eigen::Index n = g.logits.rows();
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dims_);
  for (Eigen::Index i = 0; i < n; ++i)
    mean += g.weights[static_cast<std::size_t>(i)] * g.logits.row(i).transpose();
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(dims_, dims_);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::VectorXd d = g.logits.row(i).transpose() - mean;
    cov += g.weights[static_cast<std::size_t>(i)] * d * d.transpose();
  }
  return 2.0 * cov;
}

Eigen::MatrixXd AbcSampler::proposal_logits() const {
  const int gen = generation();
  const std::uint64_t seed = settings_.seed;
  if (gen == 0) {
    Eigen::MatrixXd z(settings_.particles, dims_);
    for (Eigen::Index i = 0; i < z.rows(); ++i)
      for (int j = 0; j < dims_; ++j) {
        const double u = draw(seed, 0, i, j);
        z(i, j) = std::log(u) - std::log1p(-u);
      }
    return z;
  }
  if (settings_.method == AbcSettings::Method::smc) return smc_proposal_logits();
  const AbcGeneration& last = posterior();
  const Eigen::MatrixXd lower = cholesky(kernel_covariance());
  std::vector<double> cumulative(last.weights.size());
  std::partial_sum(last.weights.begin(), last.weights.end(), cumulative.begin());
  const std::int64_t m = settings_.particles - kept_;
  Eigen::MatrixXd z(m, dims_);
  Eigen::VectorXd eps(dims_);
  for (Eigen::Index i = 0; i < m; ++i) {
    const double pick = draw(seed, gen, i, 0) * cumulative.back();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
    const auto j = static_cast<Eigen::Index>(std::min<std::ptrdiff_t>(
        it - cumulative.begin(), static_cast<std::ptrdiff_t>(cumulative.size()) - 1));
    for (int k = 0; k < dims_; ++k) eps(k) = rng::normal_quantile(draw(seed, gen, i, k + 1));
    z.row(i) = last.logits.row(j) + (lower * eps).transpose();
  }
  return z;
}

Eigen::MatrixXd AbcSampler::proposals() const { return units_of(proposal_logits()); }

void AbcSampler::observe(const std::vector<double>& distances) {
  if (done()) throw std::logic_error("the sampler has stopped");
  if (settings_.method == AbcSettings::Method::smc) return smc_observe(distances);
  const Eigen::MatrixXd z_new = proposal_logits();
  if (static_cast<Eigen::Index>(distances.size()) != z_new.rows())
    throw std::invalid_argument("expected " + std::to_string(z_new.rows()) + " distances, got " +
                                std::to_string(distances.size()));
  const int gen = generation();
  AbcGeneration out;
  out.index = gen;
  out.simulations = static_cast<std::int64_t>(distances.size());
  for (double d : distances) out.failed += std::isfinite(d) ? 0 : 1;

  // Candidates: the kept particles of the last generation, then the new ones.
  std::vector<double> cand_d, cand_raw;
  std::vector<Eigen::Index> cand_row;  // < 0: old particle -(row + 1)
  std::vector<double> new_raw(distances.size(), 1.0);
  if (gen > 0) {
    const AbcGeneration& last = posterior();
    const Eigen::MatrixXd cov = kernel_covariance();
    const Eigen::MatrixXd lower = cholesky(cov);
    const double log_det = 2.0 * lower.diagonal().array().log().sum();
    const double log_norm = -0.5 * (dims_ * std::log(2.0 * M_PI) + log_det);
    // Whitened coordinates: the kernel's exponent is a squared distance there.
    const Eigen::MatrixXd old_w = lower.triangularView<Eigen::Lower>().solve(last.logits.transpose());
    const Eigen::MatrixXd new_w = lower.triangularView<Eigen::Lower>().solve(z_new.transpose());
    std::vector<double> terms(last.weights.size());
    std::int64_t accepted = 0;
    for (Eigen::Index i = 0; i < z_new.rows(); ++i) {
      double log_prior = 0.0;
      for (int k = 0; k < dims_; ++k) log_prior += log_logistic_density(z_new(i, k));
      double top = -kInf;
      for (std::size_t j = 0; j < terms.size(); ++j) {
        const double q = (new_w.col(i) - old_w.col(static_cast<Eigen::Index>(j))).squaredNorm();
        terms[j] = std::log(last.weights[j]) + log_norm - 0.5 * q;
        top = std::max(top, terms[j]);
      }
      double sum = 0.0;
      for (double t : terms) sum += std::exp(t - top);
      new_raw[static_cast<std::size_t>(i)] = std::exp(log_prior - (top + std::log(sum)));
      if (clean(distances[static_cast<std::size_t>(i)]) < last.tolerance) ++accepted;
    }
    out.acceptance = static_cast<double>(accepted) / static_cast<double>(z_new.rows());
    for (Eigen::Index r = 0; r < last.logits.rows(); ++r) {
      cand_d.push_back(last.distances[static_cast<std::size_t>(r)]);
      cand_raw.push_back(last.raw_weights[static_cast<std::size_t>(r)]);
      cand_row.push_back(-(r + 1));
    }
  }
  for (Eigen::Index i = 0; i < z_new.rows(); ++i) {
    cand_d.push_back(clean(distances[static_cast<std::size_t>(i)]));
    cand_raw.push_back(new_raw[static_cast<std::size_t>(i)]);
    cand_row.push_back(i);
  }
  std::vector<std::size_t> order(cand_d.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cand_d[a] < cand_d[b]; });
  if (!std::isfinite(cand_d[order[static_cast<std::size_t>(kept_ - 1)]])) {
    std::int64_t finite = 0;
    for (double d : cand_d) finite += std::isfinite(d) ? 1 : 0;
    throw std::runtime_error("generation " + std::to_string(gen) + ": only " + std::to_string(finite) +
                             " particles have a finite distance, " + std::to_string(kept_) + " are needed (" +
                             std::to_string(out.failed) + " of " + std::to_string(out.simulations) +
                             " simulations failed)");
  }
  out.logits.resize(kept_, dims_);
  for (std::int64_t k = 0; k < kept_; ++k) {
    const std::size_t c = order[static_cast<std::size_t>(k)];
    const Eigen::Index row = cand_row[c];
    out.logits.row(k) = row < 0 ? posterior().logits.row(-row - 1) : z_new.row(row);
    out.distances.push_back(cand_d[c]);
    out.raw_weights.push_back(cand_raw[c]);
  }
  out.units = units_of(out.logits);
  out.weights = normalised(out.raw_weights);
  out.tolerance = out.distances.back();
  double sum2 = 0.0;
  for (double w : out.weights) sum2 += w * w;
  out.effective_sample_size = 1.0 / sum2;

  simulations_ += out.simulations;
  history_.push_back(std::move(out));
  const AbcGeneration& now = history_.back();
  if (gen > 0 && now.acceptance < settings_.min_acceptance) stop_ = Stop::acceptance;
  else if (simulations_ + (settings_.particles - kept_) > settings_.max_simulations)
    stop_ = Stop::simulations;
  else if (generation() >= settings_.max_generations) stop_ = Stop::generations;
}

const AbcGeneration& AbcSampler::posterior() const {
  if (history_.empty()) throw std::logic_error("no generation has been observed");
  return history_.back();
}

double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  double total = 0.0;
  for (double w : weights) total += w;
  if (order.empty() || !(total > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  double cumulative = 0.0;
  for (std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= q * total * (1.0 - 1e-12)) return values[i];
  }
  return values[order.back()];
}

}  // namespace geosim::calibration
