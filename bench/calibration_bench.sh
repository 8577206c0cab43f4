#!/bin/sh
# Calibration throughput (figures for docs/calibration.md; not asserted in tests):
# the shipped baseline calibration (scenarios/calibration/baseline.yaml: 22
# priors, 3,000 citizens, 6 years of spin-up, 2013-09..2024-12) with its budget of simulations,
# -j 2. Prints simulations per second, and where the time went: the ticks
# (World::step(), GEOSIM_SWEEP_TIMING=1), the rest of each sweep (building each
# run's scenario and world, metrics, the journal, the generation's file), and
# the sampler outside the sweeps (proposals, distances, the posterior file).
#
# usage: bench/calibration_bench.sh [GEOSIM] [MAX_SIMULATIONS]   (default 100000)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
geosim=${1:-$here/../build/release/geosim}
budget=${2:-100000}
jobs=${CALIBRATION_BENCH_JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/geosim-calibration-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
sed -e "s|^base: .*|base: $here/../scenarios/central_asia_2013.yaml|" \
    -e "s|^  file: ../data/observations.csv|  file: $here/../scenarios/data/observations.csv|" \
    -e "s|^  max_simulations: .*|  max_simulations: $budget|" \
    "$here/../scenarios/calibration/baseline.yaml" > "$work/calibration.yaml"
GEOSIM_SWEEP_TIMING=1 "$geosim" calibrate "$work/calibration.yaml" -o "$work/posterior.h5" -j "$jobs" \
  > "$work/stdout.txt" 2> "$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }
cat "$work/stdout.txt"
# "wrote ...: G generations, N simulations (...), tolerance ...; T s (S s in the sweeps), R simulations/s"
total=$(sed -n 's/.*; \([0-9.]*\) s (\([0-9.]*\) s in the sweeps).*/\1/p' "$work/stdout.txt")
sweeps=$(sed -n 's/.*; \([0-9.]*\) s (\([0-9.]*\) s in the sweeps).*/\2/p' "$work/stdout.txt")
# "geosim: sweep timing: N runs, X s in ticks, Y s in all (workers' wall time)", one per sweep
sed -n 's/^geosim: sweep timing: \([0-9]*\) runs, \([0-9.]*\) s in ticks, \([0-9.]*\) s in all.*/\1 \2 \3/p' \
  "$work/stderr.txt" | awk -v total="$total" -v sweeps="$sweeps" -v jobs="$jobs" '
  { runs += $1; ticks += $2; all += $3 }
  END {
    if (total <= 0 || all <= 0) exit
    printf "simulations %d in %.1f s: %.0f simulations/s (-j %d)\n", runs, total, runs / total, jobs
    printf "time: sweeps %.1f s (%.0f%%), sampler and files outside them %.1f s (%.0f%%)\n",
           sweeps, 100 * sweeps / total, total - sweeps, 100 * (total - sweeps) / total
    printf "workers: %.0f%% of their time in the ticks, %.2f ms per run outside the tick\n",
           100 * ticks / all, 1000 * (all - ticks) / runs
    printf "outside the simulation (not in a tick): %.0f%% of the wall time\n",
           100 * (1 - ticks / jobs / total)
  }'
