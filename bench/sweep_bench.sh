#!/bin/sh
# Sweep throughput and memory (figures for the README; not asserted in tests):
#   runs/s of the baseline with 1,000 citizens per target, 120 ticks, metrics
#   only, -j 2; peak RSS (/usr/bin/time -v) at 1,000 and 100,000 runs.
#
# usage: bench/sweep_bench.sh [GEOSIM] [RUNS...]      (default runs: 1000 100000)
# e.g.   cmake --build build/release --target geosim && bench/sweep_bench.sh build/release/geosim
#        cmake --build build/release --target sweep-bench   (the same, via CMake)
# Output: one line per size: runs, seconds, runs/s, runs per CPU-second, peak
# RSS in MiB, file size; then where the workers' time went: the tick's share
# (World::step(), timed with GEOSIM_SWEEP_TIMING=1, which the sweep reports
# on stderr and keeps out of the results) and the time per run outside the
# tick (building the point's scenario and the world, recording, metrics),
# both in the worker threads' wall time.
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
  GEOSIM_SWEEP_TIMING=1 /usr/bin/time -v -o "$work/time_$runs.txt" "$geosim" sweep "$work/bench_$runs.yaml" \
    -o "$work/bench_$runs.h5" -j "$jobs" --quiet 2> "$work/stderr_$runs.txt" ||
    { cat "$work/stderr_$runs.txt" >&2; exit 1; }
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
  # "geosim: sweep timing: N runs, X s in ticks, Y s in all (workers' wall time)"
  sed -n 's/^geosim: sweep timing: \([0-9]*\) runs, \([0-9.]*\) s in ticks, \([0-9.]*\) s in all.*/\1 \2 \3/p' \
    "$work/stderr_$runs.txt" | awk '{
    if ($1 > 0 && $3 > 0)
      printf "           workers: tick share %5.1f%%  outside the tick %6.3f ms per run  (tick %6.3f ms per run)\n",
             100 * $2 / $3, 1000 * ($3 - $2) / $1, 1000 * $2 / $1 }'
done
