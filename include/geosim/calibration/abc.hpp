#pragma once
// Approximate Bayesian computation by population Monte Carlo with adaptive
// tolerances (docs/calibration.md, "The sampler"): the adaptive population
// Monte Carlo of Lenormand, Jabot and Deffuant (2013), with the importance
// weights and the Gaussian kernel of twice the weighted covariance of
// Beaumont, Cornuet, Marin and Robert (2009).
//
// The sampler knows nothing about geosim runs: it proposes parameter vectors
// and is told their distances to the data. Parameters live in design
// coordinates u in (0, 1)^k, where the prior is uniform (a prior is the
// inverse CDF from u to the parameter's value: ParameterSpec::at_unit), and
// the kernel moves in z = logit(u), where every prior is the standard
// logistic density and no proposal can leave the prior's support.
//
// Every draw comes from Philox keyed by the seed, with the generation and the
// particle's index as its counter, and every sum runs in index order, so the
// same distances give the same particles whatever computed them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

namespace geosim::calibration {

struct AbcSettings {
  /// apmc: adaptive population Monte Carlo (importance weights); smc: the
  /// resample-move sequential Monte Carlo of Del Moral, Doucet and Jasra
  /// (2012) with the replenishment rule of Drovandi and Pettitt (2011):
  /// equal weights, particles moved by Metropolis-Hastings within the
  /// tolerance, so no weight can take over the sample in many dimensions.
  enum class Method { apmc, smc };
  Method method = Method::apmc;
  std::int64_t particles = 1000;  // N: simulations in the first generation and particles per generation
  double keep = 0.5;              // alpha: the share of N kept; the tolerance is their largest distance
  double min_acceptance = 0.02;   // stop once fewer new proposals than this share fall within the tolerance
  std::int64_t max_simulations = 1'000'000;  // stop before a generation would exceed this many in all
  int max_generations = 100;
  std::uint64_t seed = 1;
};

/// The particles kept after one generation, and how it went.
struct AbcGeneration {
  int index = 0;
  Eigen::MatrixXd units;        // kept particles (rows) in design coordinates
  Eigen::MatrixXd logits;       // the same in z = logit(u), where the kernel moves
  std::vector<double> weights;  // normalised importance weights, by kept particle
  std::vector<double>
      raw_weights;  // prior / proposal density, before normalising (what later generations compare)
  std::vector<double> distances;  // by kept particle
  double tolerance = 0.0;         // the largest kept distance: the next generation's threshold
  double acceptance =
      1.0;  // share of this generation's new proposals within the previous tolerance (1 for the first)
  std::int64_t simulations = 0;        // proposals simulated in this generation
  std::int64_t failed = 0;             // of them, simulations that failed (infinite distance: rejected)
  double effective_sample_size = 0.0;  // (sum w)^2 / sum w^2 of the kept particles
};

class AbcSampler {
 public:
  enum class Stop { running, acceptance, simulations, generations };

  AbcSampler(AbcSettings settings, int dimensions);

  const AbcSettings& settings() const { return settings_; }
  int dimensions() const { return dims_; }
  /// Particles kept per generation: ceil(keep * particles), at least 2
  /// (smc: every particle; keep is the share alive at each new tolerance).
  std::int64_t kept() const { return kept_; }
  /// The generation whose proposals are asked for next (0: from the prior).
  int generation() const { return static_cast<int>(history_.size()); }
  Stop stop() const { return stop_; }
  bool done() const { return stop_ != Stop::running; }

  /// The proposals of generation(), in design coordinates (rows): the prior's
  /// N draws, then N - kept() draws from the kernel around the kept particles.
  Eigen::MatrixXd proposals() const;
  /// The same in z = logit(u).
  Eigen::MatrixXd proposal_logits() const;
  /// Their distances (+inf or NaN for a failed simulation), by row of
  /// proposals(). Throws std::runtime_error if fewer than kept() are finite.
  void observe(const std::vector<double>& distances);

  const std::vector<AbcGeneration>& history() const { return history_; }
  /// The last generation's particles: the posterior sample.
  const AbcGeneration& posterior() const;
  std::int64_t simulations() const { return simulations_; }

  /// The kernel's covariance in z = logit(u) for the next proposals: twice
  /// the weighted covariance of the kept particles (Beaumont et al. 2009).
  Eigen::MatrixXd kernel_covariance() const;

  /// What the stop rule says: "the acceptance rate fell below min_acceptance", ...
  static std::string_view stop_text(Stop stop);

 private:
  AbcSettings settings_;
  int dims_ = 0;
  std::int64_t kept_ = 0;
  std::vector<AbcGeneration> history_;
  std::int64_t simulations_ = 0;
  Stop stop_ = Stop::running;

  // smc (abc_smc.cpp): the particles a step moves (resampled at a new
  // tolerance, or the last step's), and the share moved since the last resampling.
  struct SmcBase {
    Eigen::MatrixXd logits;
    std::vector<double> distances;
    double tolerance = 0.0;
  };
  bool smc_resample_next_ = true;
  double smc_moved_ = 0.0;
  SmcBase smc_base() const;
  Eigen::MatrixXd smc_proposal_logits() const;
  void smc_observe(const std::vector<double>& distances);
};

/// Weighted quantile (weights >= 0, not all 0) of `values` at q in [0, 1]:
/// the smallest value whose cumulative weight reaches q of the total.
double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q);

}  // namespace geosim::calibration
