// geosim command-line front end: a thin layer over the library. Every error
// is caught once, here: input errors exit 2, runtime failures exit 1.
#include <unistd.h>

#include <atomic>
#include <csignal>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "geosim/build_info.hpp"
#include "geosim/io/results.hpp"
#include "geosim/model/world.hpp"
#include "geosim/run/resources.hpp"
#include "geosim/run/run.hpp"
#include "geosim/scenario/scenario.hpp"
#include "geosim/scenario/schema.hpp"
#include "geosim/sweep/sweep.hpp"

namespace po = boost::program_options;
using namespace geosim;
using geosim::cli::is_sweep_file;
using geosim::cli::parse;

namespace {

using cli::kExitBadInput;
using cli::kExitFailure;
using cli::kExitOk;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

/// Set by SIGINT/SIGTERM: a run stops before its next tick (a sweep after the
/// runs under way, keeping them in its journal), removes its temporary file
/// and writes nothing.
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

const char* kUsage =
    "usage: geosim <command> [options]\n"
    "\n"
    "Agent-based simulation of great-power influence (economic, security, soft\n"
    "power) over target states and their citizens.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml       run a scenario and write its results (HDF5)\n"
    "  validate SCENARIO.yaml  check a scenario as `run` would, run nothing\n"
    "  sweep SWEEP.yaml        run a parameter sweep into one HDF5 file (docs/sweeps.md)\n"
    "  batch A.yaml B.yaml ... run several scenarios with replicates into one HDF5 file\n"
    "  analyse SWEEP.h5        Sobol indices or Morris effects of a saltelli or morris sweep\n"
    "  compare SWEEP.h5        a batch's scenarios against a reference, as paired differences\n"
    "  calibrate CALIB.yaml    ABC calibration of priors against observations (docs/calibration.md)\n"
    "  schema                  list every scenario key: type, unit, default, range, meaning\n"
    "                          (--sweep: every sweep-file key; --json-schema: as a JSON Schema)\n"
    "\n"
    "options:\n"
    "  -h [ --help ]           this help; `geosim COMMAND --help` for a command\n"
    "  --version               print the version and build\n"
    "\n"
    "exit status: 0 success, 1 runtime failure, 2 bad input or usage\n";

/// --threads and -j: at most this many times the hardware threads. More only
/// adds memory and scheduling overhead (each OpenMP thread has its own stack
/// and the team is created at once), and a typo such as --threads 100000 must
/// not take the machine down.
constexpr int kMaxThreadsPerHardwareThread = 4;

int max_threads() {
  return kMaxThreadsPerHardwareThread * static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

void check_thread_option(const char* option, int value) {
  const int cap = max_threads();
  if (value > cap)
    throw UsageError({"command line"}, option,
                     "expected at most " + std::to_string(cap) + " (" +
                         std::to_string(kMaxThreadsPerHardwareThread) + " x the " +
                         std::to_string(cap / kMaxThreadsPerHardwareThread) + " hardware threads), got " +
                         std::to_string(value));
}

std::string version_text() {
  return std::string("geosim ") + build_info::version + " (commit " + build_info::git_commit + ", " +
         build_info::compiler + ", " + build_info::build_type + ")";
}

/// Prints ticks done, ticks/s and ETA on a terminal, at most a few times a second.
class ProgressLine : public StepObserver {
 public:
  void on_start(const World&) override { start_ = last_ = Clock::now(); }
  void on_step(const World& world) override {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const int done = world.tick(), total = world.scenario().ticks;
    const double rate = done / elapsed;
    std::fprintf(stderr, "\r  tick %d/%d (%3.0f%%)  %.1f ticks/s  ETA %.1f s   ", done, total,
                 100.0 * done / total, rate, (total - done) / rate);
    std::fflush(stderr);
    shown_ = true;
  }
  void on_finish(const World&) override {
    if (shown_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_, last_;
  bool shown_ = false;
};

struct CommonOptions {
  std::string scenario;
  std::vector<std::string> sets;
  LoadOptions load;
};

po::options_description scenario_options(CommonOptions& common) {
  po::options_description opts("scenario options");
  opts.add_options()("set", po::value(&common.sets)->composing()->value_name("PATH=VALUE"),
                     "override a scalar of the scenario by its dotted path, e.g. powers.CHN.budget.soft=2.5 "
                     "(repeatable; validated like the file)")("help,h", "this help");
  return opts;
}

std::string joined(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) {
    if (i) text += ' ';
    text += argv[i];
  }
  return text;
}

int command_schema(const std::vector<std::string>& args) {
  bool sweep = false, json = false;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << "usage: geosim schema [--sweep] [--json-schema]\n\n"
                   "Lists every key of the scenario format (--sweep: of the sweep-file format),\n"
                   "one per line, tab-separated: path (<power> etc. stand for any name), type,\n"
                   "unit, default, range, meaning.\n\n"
                   "options:\n"
                   "  --sweep         the sweep-file format (docs/sweeps.md) instead of the scenario's\n"
                   "  --json-schema   print the format as a JSON Schema (draft-07) instead, for editors\n"
                   "                  with the YAML language server (docs/scenario-format.md, \"Editor\n"
                   "                  support\"); the repository ships both as docs/schema/*.schema.json\n"
                   "  -h [ --help ]   this help\n";
      return kExitOk;
    }
    if (a == "--sweep") sweep = true;
    else if (a == "--json-schema") json = true;
    else
      throw UsageError({"command line"}, a,
                       "unknown option of schema (expected --sweep, --json-schema or --help)");
  }
  if (json) std::cout << (sweep ? sweep_json_schema() : scenario_json_schema()).dump();
  else std::cout << config::to_table(sweep ? sweep_file_schema() : scenario_schema());
  return kExitOk;
}

int command_validate(const std::vector<std::string>& args) {
  CommonOptions common;
  bool list_defaults = false;
  auto opts = scenario_options(common);
  opts.add_options()("defaults", po::bool_switch(&list_defaults),
                     "also list every value taken from a default (path: value), as the results record it");
  const auto vm = parse(args, opts, "scenario");
  if (vm.count("help")) {
    std::cout << "usage: geosim validate SCENARIO.yaml [--set PATH=VALUE ...] [--defaults]\n"
                 "       geosim validate SWEEP.yaml\n\n"
                 "Checks the scenario (syntax, schema, ranges, references, dates) exactly as\n"
                 "`run` would, memory included, and runs nothing. Exit 0 if valid, 2 if not.\n"
                 "A sweep file (one with `base:` or `scenarios:`) is checked as `sweep` would\n"
                 "check it, and its runs, memory and file size are printed (`sweep --dry-run`\n"
                 "also times pilot runs).\n\n"
              << opts;
    return kExitOk;
  }
  if (!vm.count("scenario")) throw UsageError({"command line"}, "", "validate needs a SCENARIO.yaml");
  const std::string file = vm["scenario"].as<std::string>();
  if (is_sweep_file(file)) {
    if (!common.sets.empty())
      throw UsageError({"command line"}, "--set",
                       file + " is a sweep file; it sets scenario values under `set:`, not with --set");
    const Sweep sweep(load_sweep_spec(file));
    check_sweep_fits(sweep, 0);
    cli::describe_sweep(sweep, 0, false);
    return kExitOk;
  }
  common.load.overrides = common.sets;
  const Scenario scenario = load_scenario(file, common.load);
  check_run_fits(scenario);
  std::cout << scenario.source_path.string() << ": valid: " << scenario.name << ", " << scenario.num_powers()
            << " powers, " << scenario.num_targets() << " targets, " << scenario.num_groups() << " groups, "
            << scenario.num_citizens() << " citizens, " << scenario.ticks << " ticks from "
            << scenario.start.str() << ", " << scenario.events.size() << " events; needs about "
            << format_bytes(estimate_run_bytes(scenario)) << " of memory\n";
  const auto lines = std::count(scenario.defaults_applied.begin(), scenario.defaults_applied.end(), '\n');
  if (list_defaults) std::cout << lines << " values from defaults:\n" << scenario.defaults_applied;
  else if (lines > 0) std::cout << lines << " values from defaults (list them with --defaults)\n";
  return kExitOk;
}

int command_run(const std::vector<std::string>& args, const std::string& command_line) {
  CommonOptions common;
  std::string output;
  std::int64_t seed = -1;
  int ticks = -1, threads = 0;
  bool quiet = false;
  auto opts = scenario_options(common);
  opts.add_options()("output,o", po::value(&output)->value_name("OUT.h5"),
                     "results file (default: SCENARIO name + .h5 in the current directory)")(
      "seed", po::value(&seed)->value_name("N"), "random seed (default: the scenario's `seed`)")(
      "ticks", po::value(&ticks)->value_name("N"),
      "run N ticks instead of the scenario's; events beyond are skipped and recorded as such")(
      "threads", po::value(&threads)->value_name("N"),
      "threads for the citizen update (default: all cores; at most 4 x the hardware threads); results do "
      "not depend on it")("quiet,q", po::bool_switch(&quiet), "print nothing on success");
  const auto vm = parse(args, opts, "scenario");
  if (vm.count("help")) {
    std::cout << "usage: geosim run SCENARIO.yaml [-o OUT.h5] [--seed N] [--ticks N] [--set PATH=VALUE ...] "
                 "[--quiet]\n\n"
                 "Runs the scenario and writes every time series to an HDF5 file that h5py,\n"
                 "xarray and ncdump read (docs/results-format.md). The file appears only when\n"
                 "the run succeeds.\n\n"
              << opts;
    return kExitOk;
  }
  if (!vm.count("scenario")) throw UsageError({"command line"}, "", "run needs a SCENARIO.yaml");
  if (vm.count("seed") && seed < 0) throw UsageError({"command line"}, "--seed", "expected an integer >= 0");
  if (vm.count("ticks") && ticks < 1)
    throw UsageError({"command line"}, "--ticks", "expected an integer >= 1");
  if (threads < 0) throw UsageError({"command line"}, "--threads", "expected an integer >= 0");
  check_thread_option("--threads", threads);

  common.load.overrides = common.sets;
  common.load.ticks = ticks;
  if (seed >= 0) {
    common.load.has_seed = true;
    common.load.seed = static_cast<std::uint64_t>(seed);
  }
  const std::filesystem::path scenario_path = vm["scenario"].as<std::string>();
  const Scenario scenario = load_scenario(scenario_path, common.load);
  if (output.empty()) output = scenario_path.stem().string() + ".h5";
  set_thread_count(threads);

  ProgressLine progress;
  RunOptions run_options;
  run_options.output = output;
  run_options.command_line = command_line;
  run_options.cancel = &interrupted;
  if (!quiet && isatty(STDERR_FILENO)) run_options.observers.push_back(&progress);
  const double seconds = geosim::run(scenario, run_options).wall_seconds;

  if (!quiet) {
    std::size_t skipped = 0;
    for (const auto& event : scenario.events) skipped += event.tick >= scenario.ticks;
    std::cout << "wrote " << output << ": " << scenario.name << ", " << scenario.ticks << " ticks ("
              << scenario.start.str() << " to " << scenario.row_date(scenario.ticks).str() << "), "
              << scenario.num_citizens() << " citizens, seed " << scenario.seed << ", " << seconds << " s\n";
    if (scenario.ticks < scenario.scenario_ticks)
      std::cout << "note: --ticks " << scenario.ticks << " ends the run before the scenario's "
                << scenario.scenario_ticks << " ticks; " << skipped
                << " event(s) beyond the horizon were skipped (recorded in event_applied)\n";
  }
  return kExitOk;
}

/// Options shared by `sweep` and `batch`.
struct SweepCliOptions {
  std::string output;
  int jobs = -1;
  bool resume = false, quiet = false, fail_fast = false, dry_run = false, extend = false;
};

void add_sweep_options(po::options_description& opts, SweepCliOptions& o) {
  opts.add_options()("output,o", po::value(&o.output)->value_name("OUT.h5"),
                     "results file; its journal OUT.h5.journal lives beside it until the sweep is done")(
      "jobs,j", po::value(&o.jobs)->value_name("N"),
      "worker threads per process (default: all cores; 1 per MPI rank under mpirun; at most 4 x the "
      "hardware threads); results do not depend on it")(
      "resume", po::bool_switch(&o.resume),
      "continue an interrupted sweep from its journal, running only the missing runs")(
      "fail-fast", po::bool_switch(&o.fail_fast),
      "stop at the first run that fails (exit 2 if its scenario is refused, else 1) instead of recording it "
      "in run_status and run_error and going on")("quiet,q", po::bool_switch(&o.quiet),
                                                  "no progress line and no summary")(
      "dry-run", po::bool_switch(&o.dry_run),
      "check everything, print the runs and estimates of memory, file size and time (from one pilot run), "
      "run nothing else and write nothing");
}

int execute_sweep(SweepSpec spec, const SweepCliOptions& o) {
  if (o.jobs == 0 || o.jobs < -1) throw UsageError({"command line"}, "-j", "expected an integer >= 1");
  check_thread_option("-j", o.jobs);
  Cluster cluster;  // MPI ranks under mpirun when built with GEOSIM_MPI, else this process
  const Sweep sweep(std::move(spec));
  SweepOptions options;
  options.output = o.output;
  options.jobs = o.jobs > 0 ? o.jobs : (cluster.size() > 1 ? 1 : 0);
  check_sweep_fits(sweep, options.jobs);
  if (o.dry_run) {
    if (cluster.rank() == 0) cli::describe_sweep(sweep, options.jobs, true);
    return kExitOk;
  }
  options.resume = o.resume;
  options.extend = o.extend;
  options.fail_fast = o.fail_fast;
  options.progress = !o.quiet && isatty(STDERR_FILENO);
  options.cluster = &cluster;
  options.cancel = &interrupted;
  const SweepSummary summary = run_sweep(sweep, options);
  if (!o.quiet && summary.reporting) {
    std::cout << "wrote " << o.output << ": " << summary.runs << " runs (" << sweep.shape() << ")";
    if (summary.recovered == summary.runs && summary.ran == 0) std::cout << ", already complete";
    else
      std::cout << ", " << summary.ran << " run now, " << summary.recovered << " recovered from the journal, "
                << summary.seconds << " s (" << (summary.seconds > 0 ? summary.ran / summary.seconds : 0.0)
                << " runs/s, " << summary.processes << " process" << (summary.processes > 1 ? "es" : "")
                << ")";
    if (summary.failed > 0) std::cout << ", " << summary.failed << " failed";
    std::cout << "\n";
  }
  if (summary.failed > 0) {
    if (summary.reporting)
      std::cerr << "geosim: " << summary.failed << " of " << summary.runs
                << " runs failed; see run_status and "
                << "run_error in " << o.output << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int command_sweep(const std::vector<std::string>& args) {
  SweepCliOptions o;
  po::options_description opts("sweep options");
  add_sweep_options(opts, o);
  opts.add_options()("extend", po::bool_switch(&o.extend),
                     "the output holds this sweep with fewer samples (saltelli, sobol): keep its runs, run "
                     "only the new points")("help,h", "this help");
  const auto vm = parse(args, opts, "sweep");
  if (vm.count("help")) {
    std::cout
        << "usage: geosim sweep SWEEP.yaml [-o OUT.h5] [-j N] [--resume] [--extend] [--fail-fast] [--quiet]\n"
           "       mpirun -n K geosim sweep SWEEP.yaml ...   (built with -DGEOSIM_MPI=ON)\n\n"
           "Runs every (point, replicate) of the sweep file's design and writes one HDF5\n"
           "file with a `run` dimension (docs/sweeps.md). Finished runs are kept in a\n"
           "journal beside the output, so a killed sweep loses nothing: --resume. After\n"
           "raising a saltelli or sobol sweep's samples, --extend runs only the new points.\n"
           "A run that fails is recorded (run_status, run_error) and the sweep goes on;\n"
           "the exit status is then 1 (--fail-fast: stop at the first failure).\n\n"
        << opts;
    return kExitOk;
  }
  if (!vm.count("sweep")) throw UsageError({"command line"}, "", "sweep needs a SWEEP.yaml");
  const std::filesystem::path path = vm["sweep"].as<std::string>();
  if (o.output.empty()) o.output = path.stem().string() + ".h5";
  return execute_sweep(load_sweep_spec(path), o);
}

int command_batch(const std::vector<std::string>& args) {
  SweepCliOptions o;
  int replicates = 1, ticks = -1;
  std::int64_t seed = 0;
  bool crn = false;
  std::string series;
  po::options_description opts("batch options");
  add_sweep_options(opts, o);
  opts.add_options()("replicates,r", po::value(&replicates)->value_name("N"),
                     "runs of each scenario (default 1)")(
      "seed", po::value(&seed)->value_name("N"),
      "batch seed from which every run's seed derives (default 0)")(
      "common-random-numbers", po::bool_switch(&crn),
      "kept for old command lines: a batch's scenarios always share their seeds, replicate by replicate")(
      "ticks", po::value(&ticks)->value_name("N"), "run N ticks instead of the scenarios'")(
      "time-series", po::value(&series)->value_name("all|NAME,..."), "also keep these time series per run")(
      "help,h", "this help");
  po::options_description all;
  all.add(opts);
  all.add_options()("scenario", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("scenario", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout
        << "usage: geosim batch A.yaml B.yaml ... -o OUT.h5 [-r N] [--seed N] [--common-random-numbers]\n"
           "                    [--ticks N] [--time-series all|NAME,...] [-j N] [--resume] [--fail-fast]\n"
           "                    [--quiet]\n\n"
           "Runs each scenario N times into one HDF5 file with a `run` dimension (docs/sweeps.md).\n"
           "Replicate k has the same seed in every scenario, so `geosim compare` pairs them;\n"
           "one scenario with --replicates N and --time-series gives the bands of its\n"
           "uncertainty (python3 -m geosim.bands). Scenarios whose powers, targets or groups\n"
           "differ share one file: its axes are their union, with fill values where one lacks a label.\n\n"
        << opts;
    return kExitOk;
  }
  if (!vm.count("scenario")) throw UsageError({"command line"}, "", "batch needs at least one SCENARIO.yaml");
  if (o.output.empty()) throw UsageError({"command line"}, "-o", "batch needs an output file: -o OUT.h5");
  if (seed < 0) throw UsageError({"command line"}, "--seed", "expected an integer >= 0");
  if (vm.count("ticks") && ticks < 1)
    throw UsageError({"command line"}, "--ticks", "expected an integer >= 1");
  std::vector<std::filesystem::path> files;
  for (const auto& f : vm["scenario"].as<std::vector<std::string>>()) files.emplace_back(f);
  SweepSpec spec = batch_spec(files, replicates, static_cast<std::uint64_t>(seed), crn, ticks);
  if (!series.empty()) {
    const auto known = time_series_names();
    if (series == "all") {
      spec.time_series = known;
    } else {
      std::string name;
      for (std::size_t i = 0; i <= series.size(); ++i) {
        if (i < series.size() && series[i] != ',') {
          name += series[i];
          continue;
        }
        if (std::find(known.begin(), known.end(), name) == known.end())
          throw UsageError({"command line"}, "--time-series", "unknown time series '" + name + "'");
        spec.time_series.push_back(name);
        name.clear();
      }
    }
  }
  return execute_sweep(std::move(spec), o);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      std::cerr << kUsage;
      return kExitBadInput;
    }
    const std::string& command = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "-h" || command == "--help" || command == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (command == "--version" || command == "version") {
      std::cout << version_text() << "\n";
      return kExitOk;
    }
    if (command == "run") {
      install_interrupt_handlers();
      return command_run(rest, joined(argc, argv));
    }
    if (command == "validate") return command_validate(rest);
    if (command == "analyse" || command == "analyze") return cli::command_analyse(rest);
    if (command == "compare") return cli::command_compare(rest);
    if (command == "calibrate") {
      install_interrupt_handlers();
      return cli::command_calibrate(rest, &interrupted);
    }
    if (command == "schema") return command_schema(rest);
    if (command == "sweep") {
      install_interrupt_handlers();
      return command_sweep(rest);
    }
    if (command == "batch") {
      install_interrupt_handlers();
      return command_batch(rest);
    }
    std::cerr << "geosim: unknown command '" << command
              << "' (expected run, validate, sweep, batch, analyse, compare, calibrate or schema)\n\n"
              << kUsage;
    return kExitBadInput;
  } catch (const InputError& error) {
    if (!is_reporting_process()) return kExitBadInput;  // MPI: rank 0 reports
    std::cerr << "geosim: " << error.what() << "\n";
    return kExitBadInput;
  } catch (const po::error& error) {
    std::cerr << "geosim: " << error.what() << " (see geosim " << (args.empty() ? "" : args.front())
              << " --help)\n";
    return kExitBadInput;
  } catch (const RunCancelled&) {
    std::cerr << "\ngeosim: interrupted; no results written\n";
    return kExitInterrupted;
  } catch (const RuntimeFailure& error) {
    if (!is_reporting_process()) return kExitFailure;
    std::cerr << "geosim: run failed: " << error.what() << "\n";
    return kExitFailure;
  } catch (const std::bad_alloc&) {
    std::cerr << "geosim: run failed: out of memory\n";
    return kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "geosim: internal error: " << error.what() << "\n";
    return kExitFailure;
  }
}
