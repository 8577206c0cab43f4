#!/bin/sh
# Sweep throughput and memory (figures for the README; not asserted in tests):
#   runs/s of the baseline with 1,000 citizens per target, 120 ticks, metrics
#   only, -j 2; peak RSS (/usr/bin/time -v) at 1,000 and 100,000 runs.
#
# usage: bench/sweep_bench.sh [GEOSIM] [RUNS...]      (default runs: 1000 100000)
# e.g.   cmake --build build/release --target geosim && bench/sweep_bench.sh build/release/geosim
#        cmake --build build/release --target sweep-bench   (the same, via CMake)
# Output: one line per size: runs, seconds, runs/s, peak RSS in MiB.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
geosim=${1:-$here/../build/release/geosim}
shift 2>/dev/null || true
sizes=${*:-1000 100000}
jobs=${SWEEP_BENCH_JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/geosim-sweep-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

for runs in $sizes; do
  samples=$((runs / 4))
  cat > "$work/bench_$runs.yaml" <<YAML
name: sweep_bench_$runs
base: $here/../scenarios/central_asia_2013.yaml
set:
  targets.KAZ.citizens: 1000
  targets.KGZ.citizens: 1000
  targets.TJK.citizens: 1000
  targets.UZB.citizens: 1000
  targets.TKM.citizens: 1000
ticks: 120
parameters:
  powers.CHN.budget.soft: {range: [0.05, 0.5], scale: log}
  campaigns.threshold: {range: [0.1, 0.4]}
design: lhs
samples: $samples
replicates: 4
seed: 1
YAML
  /usr/bin/time -v -o "$work/time_$runs.txt" "$geosim" sweep "$work/bench_$runs.yaml" \
    -o "$work/bench_$runs.h5" -j "$jobs" --quiet
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time_$runs.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time_$runs.txt")
  user=$(sed -n 's/.*User time (seconds): //p' "$work/time_$runs.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$work/time_$runs.txt")
  size=$(stat -c %s "$work/bench_$runs.h5")
  # runs/s is wall-clock; runs per CPU-second does not depend on other load on the machine.
  echo "$wall" "$runs" "$rss" "$size" "$jobs" "$user" "$sys" | awk '{
    n = split($1, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i];
    printf "runs %7d  -j %d  %8.1f s  %7.1f runs/s  (%6.1f runs per CPU-second)  peak RSS %6.1f MiB  file %.1f MiB\n",
           $2, $5, s, $2 / s, $2 / ($6 + $7), $3 / 1024, $4 / 1048576 }'
done
