// Extending a finished sweep with more samples (geosim sweep --extend;
// docs/sweeps.md, "Extending a sample"). The saltelli and sobol designs keep
// their first points when `samples` grows, so a finished sweep's runs are
// runs of the larger sweep: they are journaled from its results file at
// their new run indices, and only the new points run.
#include <bit>
#include <charconv>
#include <cstring>
#include <sstream>

#include "geosim/io/results.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {

namespace {

/// The identity's lines, and the value of its `design.samples` line (-1 if none).
std::vector<std::string> lines_without_samples(const std::string& identity, std::int64_t& samples) {
  std::vector<std::string> out;
  std::istringstream in(identity);
  samples = -1;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("design.samples: ", 0) == 0) {
      const char* first = line.data() + 16;
      const auto [end, ec] = std::from_chars(first, line.data() + line.size(), samples);
      if (ec != std::errc() || end != line.data() + line.size()) samples = -1;
      continue;
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::string extension_problem(const std::string& before, const Sweep& sweep) {
  const SweepSpec& spec = sweep.spec();
  if (!design(spec.design).extends_by_samples())
    return "the " + spec.design +
           " design's points change when samples grows (saltelli and sobol keep theirs)";
  for (const MetricSpec& m : spec.declared_metrics)
    if (!m.difference_from.empty())
      return "metric " + m.name +
             " is a difference (difference_from), whose own values the file does not keep";
  std::int64_t old_samples = -1, new_samples = -1;
  const std::vector<std::string> a = lines_without_samples(before, old_samples);
  const std::vector<std::string> b = lines_without_samples(sweep.identity(), new_samples);
  if (old_samples < 0 || new_samples < 0) return "the sweep has no samples to extend";
  if (a != b) {
    const std::string what = identity_difference(before, sweep.identity());
    return "more than samples changed (" + what + ")";
  }
  if (new_samples <= old_samples)
    return "samples is " + std::to_string(new_samples) + ", not more than the file's " +
           std::to_string(old_samples);
  return "";
}

std::int64_t journal_finished_runs(const std::filesystem::path& output, const Sweep& sweep,
                                   const Layout& layout, Journal& journal) {
  const Variable status = read_variable(output, "run_status");
  const std::vector<std::string> errors = read_labels(output, "run_error");
  const auto old_runs = static_cast<std::int64_t>(status.values.size());
  const std::int64_t R = sweep.spec().replicates, S = sweep.scenarios();
  const std::int64_t old_points = old_runs / (S * R);
  if (old_points * S * R != old_runs || old_points > sweep.points())
    throw RuntimeFailure("the results file " + output.string() + " does not hold whole points of the sweep");
  // The finished runs' values are read back whole, so the extension is
  // refused up front if they cannot fit beside the sweep's own needs.
  {
    MemoryEstimate e = estimate_sweep_memory(sweep, 0);
    e.components.push_back({"the finished runs read back for --extend",
                            saturating_mul(old_runs, static_cast<std::int64_t>(layout.doubles + 2) * 8),
                            std::to_string(old_runs) + " runs", "time_series", "the kept time series"});
    check_fits(e, available_memory_bytes(), "extension", sweep_file_name(sweep.spec()));
  }
  std::vector<Variable> fields;
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    fields.push_back(read_variable(output, layout.fields[i]->name));
    if (fields.back().values.size() != static_cast<std::size_t>(old_runs) * layout.sizes[i])
      throw RuntimeFailure("variable " + layout.fields[i]->name + " of " + output.string() +
                           " does not have the sweep's shape");
  }
  std::int64_t added = 0;
  std::vector<double> values(1 + layout.doubles);
  for (std::int64_t r = 0; r < old_runs; ++r) {
    // (scenario, point, replicate) of the finished sweep, at its index in this one.
    const std::int64_t within = r % (old_points * R);
    const std::int64_t run =
        sweep.run_index(static_cast<int>(r / (old_points * R)), within / R, static_cast<int>(within % R));
    if (journal.has(run)) continue;
    const auto k = static_cast<std::size_t>(r);
    if (status.values[k] != 0.0) {
      journal.append(
          kFailedRunRecord,
          failure_payload(run, static_cast<RunStatus>(static_cast<int>(status.values[k])), errors[k]));
    } else {
      values[0] = std::bit_cast<double>(static_cast<std::uint64_t>(run));
      for (std::size_t i = 0; i < layout.fields.size(); ++i)
        std::memcpy(values.data() + 1 + layout.offsets[i], fields[i].values.data() + k * layout.sizes[i],
                    layout.sizes[i] * sizeof(double));
      const char* bytes = reinterpret_cast<const char*>(values.data());
      journal.append(kRunRecord, std::vector<char>(bytes, bytes + values.size() * sizeof(double)));
    }
    ++added;
  }
  journal.sync();
  return added;
}

}  // namespace geosim::sweep_detail
