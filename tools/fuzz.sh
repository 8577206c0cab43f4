#!/usr/bin/env bash
# Builds the `fuzz` preset (clang 14, libFuzzer, ASan + UBSan) and fuzzes the
# scenario and sweep loaders (fuzz/README.md), one target after the other.
#
# usage: tools/fuzz.sh SECONDS      fuzz each target for SECONDS (the long run: 1800)
#        tools/fuzz.sh --runs N     N executions of each target (CI's fuzz stage)
# Environment: FUZZ_PARALLEL=1 runs both targets at once (one core each).
# Seeds come from fuzz/corpus/TARGET (read only); inputs the fuzzer finds go to
# build/fuzz/corpus/TARGET, findings (crash-*, leak-*, timeout-*, oom-*) and
# logs to build/fuzz/findings/TARGET. Exit 1 if any target found something.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]]; then
  limit=(-max_total_time="$1")
elif [[ $# -eq 2 && $1 == --runs && $2 =~ ^[0-9]+$ ]]; then
  limit=(-runs="$2")
else
  echo "usage: tools/fuzz.sh SECONDS | tools/fuzz.sh --runs N" >&2
  exit 2
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# Leaks are findings too; a loader that allocates gigabytes or loops is one
# (rss_limit, timeout per input).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fuzz_one() {  # fuzz_one TARGET: runs it, returns its status
  local target=$1 findings=build/fuzz/findings/$1 corpus=build/fuzz/corpus/$1
  mkdir -p "$findings" "$corpus"
  echo "tools/fuzz.sh: $target ${limit[*]} (log: $findings/fuzz.log)"
  local status=0
  build/fuzz/"$target" "${limit[@]}" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
    -dict=fuzz/scenario.dict -print_final_stats=1 -artifact_prefix="$findings/" \
    "$corpus" "fuzz/corpus/${target#fuzz_}" >"$findings/fuzz.log" 2>&1 || status=$?
  grep -E '^(#[0-9]+.*(DONE|pulse|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' \
    "$findings/fuzz.log" | tail -n 4 || true
  if ((status != 0)); then
    echo "tools/fuzz.sh: $target FOUND A PROBLEM (exit $status); the end of $findings/fuzz.log:" >&2
    tail -n 40 "$findings/fuzz.log" >&2
  fi
  return "$status"
}

failed=0
if [[ ${FUZZ_PARALLEL:-0} == 1 ]]; then
  fuzz_one fuzz_scenario &
  scenario_pid=$!
  fuzz_one fuzz_sweep || failed=1
  wait "$scenario_pid" || failed=1
else
  fuzz_one fuzz_scenario || failed=1
  fuzz_one fuzz_sweep || failed=1
fi
if ((failed)); then
  echo "tools/fuzz.sh: findings in build/fuzz/findings/" >&2
  exit 1
fi
echo "tools/fuzz.sh: no findings"
