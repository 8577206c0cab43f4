// Memory estimates and thread settings for a run. The estimate counts every
// allocation that grows with the input, so that `validate` and `run` refuse
// what cannot fit, naming the cause, instead of running out of memory later.
#include "geosim/run/resources.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>

#include "geosim/io/variables.hpp"
#include "geosim/model/policy.hpp"
#include "geosim/model/world.hpp"
#include "io/detail/run_file.hpp"

namespace geosim {

std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &out)) return kSaturatedBytes;
  return out;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &out)) return kSaturatedBytes;
  return out;
}

namespace {
/// The product of non-negative counts, saturating.
std::int64_t product(std::initializer_list<std::int64_t> factors) {
  std::int64_t out = 1;
  for (std::int64_t f : factors) out = saturating_mul(out, f);
  return out;
}
std::int64_t sum(std::initializer_list<std::int64_t> terms) {
  std::int64_t out = 0;
  for (std::int64_t t : terms) out = saturating_add(out, t);
  return out;
}
constexpr std::int64_t kDouble = sizeof(double), kVector = sizeof(std::vector<double>);
}  // namespace

std::int64_t MemoryEstimate::total() const {
  std::int64_t out = 0;
  for (const MemoryComponent& c : components) out = saturating_add(out, c.bytes);
  return out;
}

const MemoryComponent& MemoryEstimate::largest() const {
  // The engine's fixed part is no cause the user can act on: the largest part
  // the input drives, or the first component if none.
  const MemoryComponent* out = &components.front();
  for (const MemoryComponent& c : components)
    if (!c.key.empty() && (out->key.empty() || c.bytes > out->bytes)) out = &c;
  return *out;
}

const MemoryComponent* MemoryEstimate::find(const std::string& name) const {
  for (const MemoryComponent& c : components)
    if (c.name == name) return &c;
  return nullptr;
}

MemoryEstimate estimate_run_memory(const Scenario& sc) {
  const std::int64_t P = sc.num_powers(), T = sc.num_targets(), G = sc.num_groups(), C = sc.num_channels();
  const std::int64_t I = static_cast<std::int64_t>(sc.institutions.size());
  const std::int64_t citizens = sc.num_citizens(), rows = saturating_add(sc.ticks, 1);
  const std::int64_t threads = std::max(1, omp_get_max_threads());
  const std::string pt = std::to_string(P) + " powers x " + std::to_string(T) + " targets";
  MemoryEstimate e;

  // Population: the attitudes (x and x0), then one block of the update per
  // kBlockSize citizens of each (target, group), each with a tally per power.
  const std::int64_t blocks = sum({citizens / Population::kBlockSize, product({T, G})});
  e.components.push_back({"the citizens' attitudes",
                          sum({product({citizens, Population::bytes_per_citizen(static_cast<int>(P))}),
                               product({blocks, 32 + P * static_cast<std::int64_t>(sizeof(GroupTally))}),
                               product({threads, 8 * Population::kBlockSize * 4})}),
                          std::to_string(citizens) + " citizens x " + std::to_string(P) + " powers",
                          "targets.*.citizens", "the citizens (targets.*.citizens)"});

  // The Recorder reserves every row of every catalogue variable up front
  // (geosim/io/variables.hpp), plus one row of the widest as doubles; the
  // results file adds the time coordinate (a tick and a date per row).
  // While the file is written, HDF5 keeps up to 1 MiB of each variable's
  // chunks in its chunk cache until the file is closed.
  const std::int64_t per_row = static_cast<std::int64_t>(recorded_bytes_per_row(sc));
  std::int64_t widest = 0, cached = 0;
  for (const ResultsVariable& v : results_variables()) {
    const auto row = static_cast<std::int64_t>(v.row_size(sc));
    widest = std::max(widest, row);
    cached = saturating_add(
        cached, std::min<std::int64_t>(product({rows, row, static_cast<std::int64_t>(value_bytes(v.type))}),
                                       std::int64_t{1} << 20));
  }
  e.components.push_back(
      {"the recorded time series", sum({product({rows, per_row + 12}), product({widest, kDouble}), cached}),
       std::to_string(rows) + " rows of " + format_bytes(per_row), "time.end", "time.end or --ticks"});

  // Campaigns: a ring buffer of each (power, target)'s draws over the last
  // `duration` ticks and its running sum (engine/model/detail/tick.hpp).
  e.components.push_back({"the campaign history",
                          product({P, T, sum({product({sc.campaigns.duration, 4}), 8})}),
                          pt + " x " + std::to_string(sc.campaigns.duration) + " ticks", "campaigns.duration",
                          "campaigns.duration"});

  // What the policies' parsers stored (richardson's rivals, fixed's weights),
  // each settings object once: channels of one power share theirs.
  std::unordered_set<const PolicySettings*> seen;
  std::int64_t settings = 0;
  for (const PowerSpec& power : sc.powers)
    for (const PolicyUse& use : power.policy)
      if (use.settings && seen.insert(use.settings.get()).second)
        settings = saturating_add(settings, static_cast<std::int64_t>(use.settings->bytes()));
  e.components.push_back({"the policies' settings", settings, pt + " (richardson rivals, fixed weights)",
                          "powers", "the powers or their richardson.rivals"});

  // The state of World (geosim/model/world.hpp), its scratch
  // (engine/model/detail/tick.hpp) and the scenario's own tables: arrays of
  // power x target (x channel, x group), the largest being the stocks,
  // influence and allocation by channel and the group means and tallies.
  const std::int64_t ptc = product({P, T, C}), ptg = product({P, T, G});
  const std::int64_t doubles = sum({
      product({3, ptc}),   // allocation, stock, influence
      product({3, ptg}),   // group mean, negative, positive share
      product({6, ptg}),   // coefficients (16 bytes) and tallies (32 bytes) per (t, g, p)
      product({P, T, 6}),  // alignment, attitude means and shares, strategic values, campaigns
      product({T, P, C + kVector / kDouble}),      // initial stocks (a vector per power and target)
      product({G, P, C + kVector / kDouble + 2}),  // exposures, attitude means and sds
      product({G, P, 2 * C + kVector / kDouble}),  // group valences (optional values, 2 doubles each)
      // Each (target, group)'s resolved parameters (exposure, valence, attitudes)
      // and, where a target gives them, its group_parameters (optional values).
      product({T, G, P, 2 * C + 2 + 3 * kVector / kDouble}),
      product({T, G, P, 4 * C + 4 + 4 * kVector / kDouble}),
      product({P, C, 12}),           // budgets, valences, policy uses
      product({P, 3}),               // labour demand, at the start, now and its growth
      product({T, G + 4 * C + 32}),  // per-target values and names
      product({T, 9}),               // migration: its spec, shares and remittances
      product({I, T}),               // membership
  });
  e.components.push_back({"the per-power and per-target state",
                          sum({product({doubles, kDouble}),
                               static_cast<std::int64_t>(sc.source_text.size() + sc.resolved_yaml.size())}),
                          pt + " x " + std::to_string(C) + " channels x " + std::to_string(G) + " groups",
                          "powers", "the powers, targets, groups or channels"});

  // Snapshots and final agents are streamed: a batch of 2 chunks per thread,
  // each with its raw, shuffled and compressed copies (engine/io/agents.cpp),
  // plus each snapshot's tick and date.
  const bool agents = sc.output.agents_every > 0 || sc.output.agents == OutputSpec::Agents::final;
  const std::int64_t slab = static_cast<std::int64_t>(io_detail::kSlab);
  const std::int64_t slabs = std::min((citizens + slab - 1) / slab, 2 * threads);
  const std::int64_t snapshots = sc.output.agents_every > 0 ? rows / sc.output.agents_every + 1 : 0;
  e.components.push_back(
      {"the agent snapshots' write buffers",
       agents ? sum({product({slabs, 3, slab, P * 4 + 8}), product({slab, P, 4}), product({snapshots, 16})})
              : 0,
       std::to_string(snapshots) + " snapshots, written " + std::to_string(slab) + " citizens at a time",
       "output.agents_every", "output.agents_every or output.agents"});

  std::int64_t events = 0;
  for (const EventSpec& ev : sc.events)
    events = sum({events, static_cast<std::int64_t>(2 * (sizeof(EventSpec) + ev.id.size() + ev.note.size())),
                  product({static_cast<std::int64_t>(ev.actions.size()), 128})});
  e.components.push_back(
      {"the events", events, std::to_string(sc.events.size()) + " events", "events", "the events"});

  e.components.push_back({"the engine itself", kEngineBytes, "fixed", "", ""});
  return e;
}

std::int64_t estimate_run_bytes(const Scenario& scenario) { return estimate_run_memory(scenario).total(); }

std::int64_t available_memory_bytes() {
  std::int64_t available = -1;
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      std::int64_t kib = 0;
      fields >> kib;
      available = saturating_mul(kib, 1024);
      break;
    }
  }
  // A lower limit the user sets (a machine shared with other jobs, a test).
  if (const char* limit = std::getenv("GEOSIM_MEMORY_LIMIT")) {
    char* end = nullptr;
    const long long bytes = std::strtoll(limit, &end, 10);
    if (end != limit && *end == '\0' && bytes >= 0 && (available < 0 || bytes < available)) available = bytes;
  }
  return available;
}

std::string format_bytes(std::int64_t bytes) {
  if (bytes == kSaturatedBytes) return "more than 8 EiB";
  static const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  std::ostringstream out;
  out.precision(unit == 0 ? 20 : 3);
  out << value << " " << kUnits[unit];
  return out.str();
}

void check_fits(const MemoryEstimate& estimate, std::int64_t available, const std::string& what,
                const std::string& file) {
  const std::int64_t needed = estimate.total();
  if (available < 0 || needed <= available) return;
  const MemoryComponent* cause = &estimate.largest();
  throw ResourceError({file}, cause->key,
                      "this " + what + " needs " + format_bytes(needed) + " but " + format_bytes(available) +
                          " are available; the largest part is " + cause->name + ", " +
                          format_bytes(cause->bytes) + " (" + cause->size + "): reduce " + cause->reduce);
}

void check_citizen_count(const Scenario& scenario) {
  // Citizens are numbered by a 32-bit Philox counter word (model.md section 9).
  if (scenario.num_citizens() > std::int64_t{0xffffffff})
    throw ResourceError(
        {scenario.source_path.string()}, "targets.*.citizens",
        "a run holds at most 4294967295 citizens (the random-number counter is 32 bits), got " +
            std::to_string(scenario.num_citizens()));
}

void check_run_fits(const Scenario& scenario) {
  check_citizen_count(scenario);
  check_fits(estimate_run_memory(scenario), available_memory_bytes(), "run", scenario.source_path.string());
}

void set_thread_count(int threads) { omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs()); }
int thread_count() { return omp_get_max_threads(); }

}  // namespace geosim
