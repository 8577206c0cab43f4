// What a sweep will do before it runs: `geosim sweep --dry-run` and
// `geosim validate SWEEP.yaml` (cli.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "geosim/config/node.hpp"
#include "geosim/config/reader.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/run/run.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::cli {

namespace {

std::string duration_text(double seconds) {
  std::ostringstream out;
  out.precision(2);
  if (seconds < 1) out << std::fixed << seconds * 1000 << " ms";
  else if (seconds < 120) out << std::fixed << seconds << " s";
  else if (seconds < 7200) out << std::fixed << seconds / 60 << " min";
  else out << std::fixed << seconds / 3600 << " h";
  return out.str();
}

}  // namespace

bool is_sweep_file(const std::filesystem::path& path) {
  try {
    const config::Node tree = config::parse_text(config::read_file(path), path.string());
    return tree.is_map() && (tree.find("base") != nullptr || tree.find("scenarios") != nullptr);
  } catch (const std::exception&) {
    return false;  // the scenario loader reports what is wrong with it
  }
}

void describe_sweep(const Sweep& sweep, int jobs, bool pilot) {
  const SweepSpec& spec = sweep.spec();
  const int workers = static_cast<int>(std::min<std::int64_t>(
      jobs > 0 ? jobs : static_cast<int>(std::max(1U, std::thread::hardware_concurrency())),
      std::max<std::int64_t>(sweep.runs(), 1)));
  std::cout << (spec.file.empty() ? std::string("batch") : spec.file.string()) << ": valid: "
            << (spec.scenarios.size() > 1 ? "batch of " + std::to_string(spec.scenarios.size()) + " scenarios"
                                          : std::string())
            << (spec.scenarios.size() > 1 && !spec.parameters.empty() ? " x " : "")
            << (spec.parameters.empty()
                    ? std::string()
                    : spec.design + " design over " + std::to_string(spec.parameters.size()) +
                          (spec.parameters.size() == 1 ? " parameter" : " parameters"))
            << ", " << sweep.shape() << " = " << sweep.runs() << " runs\n"
            << "  memory: about " << format_bytes(estimate_sweep_memory(sweep, jobs).total()) << " with "
            << workers << (workers == 1 ? " run" : " runs") << " at once (-j)\n"
            << "  results file: at most about " << format_bytes(estimate_results_bytes(sweep))
            << " before compression\n";
  if (!pilot || sweep.runs() == 0) return;
  // Up to three runs (the first ones of the plan), on one thread as a sweep's
  // workers run them; the median, since the first run also pays for warming
  // the allocator and the caches.
  set_thread_count(1);
  std::vector<double> times;
  for (std::int64_t r = 0; r < std::min<std::int64_t>(3, sweep.runs()); ++r) {
    const Scenario scenario = sweep.scenario(sweep.plan(r));
    const auto start = std::chrono::steady_clock::now();
    (void)run(scenario);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const double seconds = times[times.size() / 2];
  std::cout << "  time: about " << duration_text(seconds * static_cast<double>(sweep.runs()) / workers)
            << " with -j " << workers << " (the median of " << times.size() << " pilot runs, "
            << duration_text(seconds) << " each; runs at other points may take longer or shorter)\n";
}

}  // namespace geosim::cli
