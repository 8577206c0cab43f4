#!/bin/sh
# Regenerates tests/golden/golden_expected.txt from the current code:
# rebuilds geosim in BUILD_DIR (default: build/release, the `release` preset),
# runs tests/golden/golden.yaml with it and dumps every value.
#
# usage: tests/golden/regenerate.sh [BUILD_DIR]
#
# Only for a deliberate change of the model's numbers: commit the new file
# with a message saying what changed and why (tests/golden/README.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
python=${GEOSIM_PYTHON:-/usr/bin/python3}

if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "regenerate.sh: $build is not a configured build directory (run: cmake --preset release)" >&2
  exit 2
fi
cmake --build "$build" --target geosim >/dev/null

run=$(mktemp "${TMPDIR:-/tmp}/geosim-golden.XXXXXX")
rm -f "$run"
run="$run.h5"
trap 'rm -f "$run"' EXIT
"$build/geosim" run "$here/golden.yaml" -o "$run" --quiet
"$python" "$here/golden.py" dump "$run" -o "$here/golden_expected.txt"
"$python" "$here/golden.py" compare "$run" "$here/golden_expected.txt"
cd "$root"
if ! git ls-files --error-unmatch tests/golden/golden_expected.txt >/dev/null 2>&1; then
  echo "regenerate.sh: wrote tests/golden/golden_expected.txt (not yet tracked by git)"
elif git diff --quiet -- tests/golden/golden_expected.txt; then
  echo "regenerate.sh: golden_expected.txt unchanged"
else
  echo "regenerate.sh: golden_expected.txt changed:"
  git diff --stat -- tests/golden/golden_expected.txt
  echo "Commit it with a message that says which numbers changed and why."
fi
