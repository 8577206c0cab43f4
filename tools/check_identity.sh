#!/usr/bin/env bash
# Checks that two builds of geosim write identical results: the baseline, its
# counterfactuals, the one-million-citizen bench scenario (with a final agent
# snapshot), a run with periodic snapshots and the example sweeps. Every
# dataset (dtype, shape, values, dimensions) and attribute is compared
# (tests/sweep/compare_sweeps.py), except those recording provenance (commit,
# compiler, time, host, command line), which differ between builds by design.
#
# usage: tools/check_identity.sh REFERENCE_GEOSIM NEW_GEOSIM [WORK_DIR]
# Exit 0 if every file is identical, 1 otherwise (each difference is listed).
set -euo pipefail
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 REFERENCE_GEOSIM NEW_GEOSIM [WORK_DIR]" >&2
  exit 2
fi
ref=$(realpath "$1")
new=$(realpath "$2")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/geosim-identity.XXXXXX")}
mkdir -p "$work/ref" "$work/new"
cd "$root"

# name | command arguments after the binary (OUT is replaced by the output path)
cases=(
  "baseline|run scenarios/central_asia_2013.yaml --quiet -o OUT"
  "no_chinese_base_tajikistan|run scenarios/counterfactuals/no_chinese_base_tajikistan.yaml --quiet -o OUT"
  "no_sanctions_2022|run scenarios/counterfactuals/no_sanctions_2022.yaml --quiet -o OUT"
  "us_stays_engaged|run scenarios/counterfactuals/us_stays_engaged.yaml --quiet -o OUT"
  "population_1m|run bench/scenarios/population_1m.yaml --quiet --set output.agents=final -o OUT"
  "snapshots|run scenarios/central_asia_2013.yaml --quiet --set output.agents_every=24 --set output.agents=final -o OUT"
  "sweep_lhs|sweep scenarios/sweeps/china_soft_vs_protest.yaml --quiet -o OUT"
  "sweep_counterfactuals|sweep scenarios/sweeps/counterfactuals.yaml --quiet -o OUT"
)

# Attributes that say which build wrote the file and how it was invoked; the
# sweep identity hashes the commit in.
provenance=git_commit,compiler,build_type,command_line,sweep_id,sweep_identity

failed=0
for entry in "${cases[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  for side in ref new; do
    binary=$ref
    [[ $side == new ]] && binary=$new
    out="$work/$side/$name.h5"
    rm -f "$out"
    # shellcheck disable=SC2086  # args is a word list
    if ! "$binary" ${args//OUT/$out} >"$work/$side/$name.log" 2>&1; then
      echo "FAIL $name: $side build exited non-zero (log: $work/$side/$name.log)"
      failed=1
      continue 2
    fi
  done
  if report=$(/usr/bin/python3 tests/sweep/compare_sweeps.py --ignore "$provenance" \
                 "$work/ref/$name.h5" "$work/new/$name.h5" 2>&1); then
    echo "same $name"
  else
    echo "DIFF $name"
    echo "$report" | head -20
    failed=1
  fi
done
exit $failed
