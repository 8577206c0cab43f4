#!/bin/sh
# shellcheck disable=SC2086  # $PACKAGES and $missing are word lists, split on purpose
# Installs the Debian 12 packages geosim needs to build, test and plot, and
# only those that are missing. Idempotent and quiet: prints nothing when
# everything is already installed; runs `apt-get update` only when something
# is missing; uses sudo when not run as root. apt's output is shown only if
# it fails. (python3-yaml: tests/baseline/compare_runs.py reads the resolved parameters;
# zlib1g-dev, which libhdf5-dev pulls in anyway: the engine compresses agent chunks itself;
# clang-14 and its OpenMP, clang-tidy and clang-format: the clang and tsan presets, the lint stage;
# libclang-rt-14-dev: the sanitizer runtimes (the tsan preset), only a Recommends of clang-14;
# python3-openturns: an independent implementation the Sobol index tests compare against;
# chromium: tests/python/check_report.py renders geosim.report's HTML headless;
# pybind11-dev, python3-dev: the Python module geosim._core; python3-pandas, python3-pytest:
# its tests (tests/python/module); jupyter-nbconvert, python3-nbclient, python3-ipykernel,
# python3-scipy: the notebooks of docs/examples, which .ci/run executes.)
#
# usage: tools/install-deps.sh [--list]   (--list: print the packages and exit)
set -eu

PACKAGES="build-essential cmake g++ libeigen3-dev libboost-program-options-dev libboost-dev
libyaml-cpp-dev libhdf5-dev zlib1g-dev hdf5-tools doctest-dev librandom123-dev libopenmpi-dev openmpi-bin
clang-14 libclang-rt-14-dev libomp-14-dev clang-tidy-14 clang-format-14
netcdf-bin python3-h5py python3-xarray python3-netcdf4 python3-matplotlib python3-numpy python3-yaml
python3-openturns chromium pybind11-dev python3-dev python3-pandas python3-pytest
jupyter-nbconvert python3-nbclient python3-ipykernel python3-scipy"

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' $PACKAGES
  exit 0
fi
if [ $# -gt 0 ]; then
  echo "usage: $0 [--list]" >&2
  exit 2
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps.sh: needs a Debian-based system (dpkg-query, apt-get); install by hand:" >&2
  printf '  %s\n' $PACKAGES >&2
  exit 1
fi

missing=""
for package in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in
    *" ok installed") ;;
    *) missing="$missing $package" ;;
  esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps.sh: missing packages:$missing" >&2
  echo "install-deps.sh: not root and no sudo; install them as root with apt-get install" >&2
  exit 1
fi

echo "install-deps.sh: installing$missing"
log=$(mktemp "${TMPDIR:-/tmp}/geosim-install-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
if ! { $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
       $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; } \
     >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps.sh: apt-get failed (output above)" >&2
  exit 1
fi
