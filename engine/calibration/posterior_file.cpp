// The posterior file of `geosim calibrate` (docs/calibration.md, "The
// posterior file"): the sampler's generations, the posterior sample by
// parameter, and every observation with its predictive check.
#include "calibration/detail/posterior_file.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "analysis/detail/report_output.hpp"
#include "geosim/core/rng.hpp"
#include "io/detail/hdf5.hpp"

namespace geosim::calibration::detail {

namespace {

namespace fs = std::filesystem;
using namespace hdf5;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double number_of(const std::string& text) {
  double v = kNaN;
  const char* end = text.data() + text.size();
  if (std::from_chars(text.data(), end, v).ptr != end) return kNaN;
  return v;
}

double quantile_of(const std::vector<double>& v, double q) {
  if (v.empty()) return kNaN;
  return weighted_quantile(v, std::vector<double>(v.size(), 1.0), q);
}

}  // namespace

std::string set_text(const CalibrationSpec& spec) {
  std::string out;
  for (const std::string& o : spec.sweep.set) out += (out.empty() ? "" : "; ") + o;
  return out;
}

PredictiveCheck predictive_check(const Calibration& calibration, std::vector<std::vector<double>> model,
                                 std::int64_t failed, std::uint64_t seed) {
  PredictiveCheck c;
  c.draws = static_cast<std::int64_t>(model.size());
  c.failed = failed;
  const std::size_t n = calibration.targets().size();
  c.model_lo.assign(n, kNaN), c.model_median.assign(n, kNaN), c.model_hi.assign(n, kNaN);
  c.lo.assign(n, kNaN), c.median.assign(n, kNaN), c.hi.assign(n, kNaN);
  c.covered.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const Target& t = calibration.targets()[i];
    if (t.metric_index < 0) continue;
    const ObservationOperator::Scale scale =
        calibration.spec().operators[static_cast<std::size_t>(t.op)].scale;
    std::vector<double> m, y;
    for (std::size_t d = 0; d < model.size(); ++d) {
      const double x = model[d][i];
      if (!std::isfinite(to_scale(scale, x))) continue;
      m.push_back(x);
      // What an observation would read: the measure plus the measurement error on the operator's scale.
      const auto w =
          rng::philox(seed, static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(i), rng::other,
                      0x6f627321U);  // "obs!"
      const double eps = rng::normal_quantile((static_cast<double>(w[0]) + 0.5) / 4294967296.0);
      y.push_back(from_scale(scale, to_scale(scale, x) + t.sd * eps));
    }
    if (m.empty()) continue;
    c.model_lo[i] = quantile_of(m, 0.05), c.model_median[i] = quantile_of(m, 0.5),
    c.model_hi[i] = quantile_of(m, 0.95);
    c.lo[i] = quantile_of(y, 0.05), c.median[i] = quantile_of(y, 0.5), c.hi[i] = quantile_of(y, 0.95);
    if (t.band)  // a bound or a range: covered if the interval reaches into it
      c.covered[i] =
          (!t.row->has_lower || c.hi[i] >= t.row->lower) && (!t.row->has_upper || c.lo[i] <= t.row->upper);
    else c.covered[i] = c.lo[i] <= t.row->value && t.row->value <= c.hi[i] ? 1 : 0;
  }
  c.model = std::move(model);
  return c;
}

void write_observations(hdf5::Writer& w, const Calibration& calibration, const PredictiveCheck& check,
                        const hdf5::Dim& observation, const hdf5::Dim& draw) {
  const CalibrationSpec& spec = calibration.spec();
  const Storage with_nan{true, {}, true};
  // The observations and their check.
  std::vector<std::string> quantity, instrument, state, partner, period, units, source, publisher, url, use,
      reason, op;
  std::vector<double> observed, sd, target_sd;
  std::vector<std::int8_t> covered;
  for (const Target& t : calibration.targets()) {
    const Observation& r = *t.row;
    quantity.push_back(r.quantity), instrument.push_back(r.instrument), state.push_back(r.state);
    partner.push_back(r.partner), period.push_back(r.period), units.push_back(r.unit);
    source.push_back(r.source), publisher.push_back(r.publisher), url.push_back(r.url);
    use.emplace_back(use_name(t.use)), reason.push_back(t.reason);
    op.push_back(t.op >= 0 ? spec.operators[static_cast<std::size_t>(t.op)].name : "");
    observed.push_back(r.value);
    sd.push_back(r.sd >= 0 ? r.sd : (r.has_band() ? r.standard_deviation() : kNaN));
    target_sd.push_back(t.metric_index >= 0 ? t.sd : kNaN);
  }
  for (int c : check.covered) covered.push_back(static_cast<std::int8_t>(c < 0 ? -127 : c));
  const auto strings = [&](const char* name, const std::vector<std::string>& v, const char* doc) {
    w.string_variable(name, observation, v, doc);
  };
  strings("quantity", quantity, "what was measured");
  strings("instrument", instrument, "who measured it, or the survey question");
  strings("state", state, "the state (a target's code) or REGION");
  strings("partner", partner, "the power it concerns (empty: none)");
  strings("period", period, "the period the figure covers");
  strings("observed_units", units, "the figure's unit");
  strings("source", source, "the source's title");
  strings("publisher", publisher, "the source's publisher");
  strings("url", url, "the source's address, where known");
  strings("use", use, "fitted, held_out, excluded, not_measurable or no_operator");
  strings("reason", reason, "why a row is not used");
  strings("operator", op, "the observation operator that reads the row");
  w.variable<double>("observed", {&observation}, observed, "", "the observed figure", with_nan);
  w.variable<double>("observed_sd", {&observation}, sd, "",
                     "the source's standard deviation (a band as +-2 sd)", with_nan);
  w.variable<double>("error_sd", {&observation}, target_sd, "",
                     "the row's and the operator's errors combined, on the operator's scale", with_nan);
  w.variable<double>("model_lo", {&observation}, check.model_lo, "", "5% quantile of the model's measure",
                     with_nan);
  w.variable<double>("model_median", {&observation}, check.model_median, "", "median of the model's measure",
                     with_nan);
  w.variable<double>("model_hi", {&observation}, check.model_hi, "", "95% quantile of the model's measure",
                     with_nan);
  w.variable<double>("predictive_lo", {&observation}, check.lo, "",
                     "5% quantile of the posterior predictive (measure plus measurement error)", with_nan);
  w.variable<double>("predictive_median", {&observation}, check.median, "", "posterior predictive median",
                     with_nan);
  w.variable<double>("predictive_hi", {&observation}, check.hi, "",
                     "95% quantile of the posterior predictive", with_nan);
  w.variable<std::int8_t>("covered", {&observation}, covered, "1",
                          "1 if the 90% predictive interval covers the observed figure, 0 if not",
                          Storage{false, {}, false, true});
  std::vector<double> model;
  for (const auto& row : check.model) model.insert(model.end(), row.begin(), row.end());
  w.variable<double>("predicted", {&draw, &observation}, model, "",
                     "the model's measure in each predictive draw", with_nan);
}

void write_posterior_file(const fs::path& path, const Calibration& calibration, const AbcSampler& sampler,
                          const PredictiveCheck& check, const PosteriorRun& run) {
  const CalibrationSpec& spec = calibration.spec();
  analysis::detail::write_report_file(path, [&](hid_t file) {
    Writer w(file);
    const auto& history = sampler.history();
    const std::size_t G = history.size(), P = static_cast<std::size_t>(sampler.kept()),
                      K = spec.sweep.parameters.size(), D = static_cast<std::size_t>(check.draws);
    std::vector<std::int32_t> gens(G);
    for (std::size_t g = 0; g < G; ++g) gens[g] = static_cast<std::int32_t>(g);
    const Dim& generation =
        w.coordinate<std::int32_t>("generation", gens, "1", "ABC generation (0: the prior)");
    const Dim& particle = w.plain_dimension("particle", P);
    std::vector<std::string> paths;
    for (const ParameterSpec& p : spec.sweep.parameters) paths.push_back(p.path);
    const Dim& parameter = w.label_coordinate("parameter", paths, "calibrated parameter (scenario key path)");
    // The priors, so that the file says what the posterior was drawn from.
    std::vector<std::string> prior;
    std::vector<double> prior_min, prior_max;
    for (const ParameterSpec& p : spec.sweep.parameters) {
      prior.push_back(p.describe());
      const bool ranged = p.is_range();
      prior_min.push_back(ranged ? p.lo : std::numeric_limits<double>::quiet_NaN());
      prior_max.push_back(ranged ? p.hi : std::numeric_limits<double>::quiet_NaN());
    }
    w.string_variable("prior", parameter, prior, "the parameter's prior distribution");
    w.variable<double>("prior_min", {&parameter}, prior_min, "",
                       "lower end of the prior's range (listed values: fill)", Storage{false, {}, true});
    w.variable<double>("prior_max", {&parameter}, prior_max, "",
                       "upper end of the prior's range (listed values: fill)", Storage{false, {}, true});
    std::vector<std::string> ids;
    for (const Target& t : calibration.targets()) ids.push_back(t.row->id);
    const Dim& observation = w.label_coordinate("observation", ids, "row of the observations table");
    const Dim& draw = w.plain_dimension("draw", D);

    // The generations.
    std::vector<double> tolerance, acceptance, ess, unit, value, weight, distance;
    std::vector<std::int64_t> simulations, failed;
    for (const AbcGeneration& g : history) {
      tolerance.push_back(g.tolerance), acceptance.push_back(g.acceptance),
          ess.push_back(g.effective_sample_size);
      simulations.push_back(g.simulations), failed.push_back(g.failed);
      for (std::size_t i = 0; i < P; ++i) {
        weight.push_back(g.weights[i]), distance.push_back(g.distances[i]);
        for (std::size_t j = 0; j < K; ++j) {
          const double u = g.units(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
          unit.push_back(u);
          value.push_back(number_of(spec.sweep.parameters[j].at_unit(u)));
        }
      }
    }
    const Storage plain{false, {}, false};
    w.variable<double>("tolerance", {&generation}, tolerance, "1",
                       "largest distance kept: the next generation's threshold", plain);
    w.variable<double>("acceptance", {&generation}, acceptance, "1",
                       "share of the generation's proposals within the previous tolerance (1 for the prior)",
                       plain);
    w.variable<double>("effective_sample_size", {&generation}, ess, "1",
                       "(sum of weights)^2 / sum of squared weights of the kept particles", plain);
    w.variable<std::int64_t>("simulations", {&generation}, simulations, "1", "runs made in the generation",
                             plain);
    w.variable<std::int64_t>(
        "failed", {&generation}, failed, "1",
        "runs with an infinite distance (failed or invalid, or a measure not finite on its scale): rejected",
        plain);
    w.variable<double>("unit", {&generation, &particle, &parameter}, unit, "1",
                       "kept particle's design coordinate (prior CDF) in (0, 1)");
    w.variable<double>("value", {&generation, &particle, &parameter}, value, "",
                       "kept particle's parameter value");
    w.variable<double>("weight", {&generation, &particle}, weight, "1", "normalised importance weight");
    w.variable<double>("distance", {&generation, &particle}, distance, "1",
                       "root mean weighted squared standardised residual of the fitted observations");
    // The posterior sample by parameter, named by its path (the last generation).
    for (std::size_t j = 0; j < K; ++j) {
      std::vector<double> v(P);
      for (std::size_t i = 0; i < P; ++i) v[i] = value[((G - 1) * P + i) * K + j];
      w.variable<double>(paths[j], {&particle}, v, "", "posterior sample (weights: posterior_weight)", plain);
    }
    w.variable<double>("posterior_weight", {&particle},
                       std::vector<double>(weight.end() - static_cast<std::ptrdiff_t>(P), weight.end()), "1",
                       "the posterior sample's normalised weights", plain);

    write_observations(w, calibration, check, observation, draw);

    text_attribute(file, "Conventions", "CF-1.8", "/");
    utf8_attribute(file, "title", "geosim calibration " + spec.sweep.name, "/");
    provenance_attributes(file);
    utf8_attribute(file, "calibration_file", spec.file.string(), "/");
    utf8_attribute(file, "observations_file", spec.observations.string(), "/");
    utf8_attribute(file, "stop_reason", run.stop, "/");
    utf8_attribute(file, "set", set_text(spec), "/");
    number_attribute<std::int64_t>(file, "held_out_from", spec.held_out_from, "/");
    number_attribute<std::int64_t>(file, "particles", spec.abc.particles, "/");
    number_attribute<double>(file, "keep", spec.abc.keep, "/");
    number_attribute<double>(file, "min_acceptance", spec.abc.min_acceptance, "/");
    number_attribute<std::int64_t>(file, "total_simulations", sampler.simulations(), "/");
    number_attribute<std::int64_t>(file, "predictive_draws", check.draws, "/");
    number_attribute<std::int64_t>(file, "predictive_failed", check.failed, "/");
    number_attribute<std::int64_t>(file, "seed", static_cast<std::int64_t>(spec.sweep.seed), "/");
    number_attribute<double>(file, "seconds", run.seconds, "/");
    text_attribute(
        file, "method",
        spec.abc.method == AbcSettings::Method::smc
            ? "ABC by resample-move sequential Monte Carlo (Del Moral, Doucet and Jasra 2012) with "
              "the replenishment rule of Drovandi and Pettitt (2011); docs/calibration.md"
            : "ABC by adaptive population Monte Carlo (Lenormand, Jabot and Deffuant 2013) with the "
              "weights and kernel of Beaumont, Cornuet, Marin and Robert (2009); docs/calibration.md",
        "/");
  });
}

}  // namespace geosim::calibration::detail
