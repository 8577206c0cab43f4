#!/usr/bin/env bash
# Runs clang-tidy-14 with the repository's .clang-tidy over geosim's
# translation units (and, through its HeaderFilterRegex, our headers), using
# the compile_commands.json of a clang build.
#
# usage: tools/tidy.sh [-p BUILD_DIR] [-j JOBS] [PATH...]
#   -p BUILD_DIR  a clang build (default build/clang-werror; configured with the
#                 clang-werror preset if it has no compile_commands.json yet)
#   -j JOBS       clang-tidy processes in parallel (default: nproc)
#   PATH...       only the translation units under these files or folders
#                 (default: all of them: engine/, tools/, bench/, tests/)
# Prints each finding once (a header's findings appear once, not per
# translation unit), then the count per file; exits 1 if there is any.
# CLANG_TIDY=... chooses another binary (default clang-tidy-14).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
clang_tidy=${CLANG_TIDY:-clang-tidy-14}
build=build/clang-werror
jobs=$(nproc)
while getopts "p:j:h" opt; do
  case $opt in
    p) build=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) echo "usage: tools/tidy.sh [-p BUILD_DIR] [-j JOBS] [PATH...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if ! command -v "$clang_tidy" >/dev/null; then
  echo "tools/tidy.sh: $clang_tidy not found (tools/install-deps.sh installs clang-tidy-14)" >&2
  exit 2
fi

if [[ ! -f "$build/compile_commands.json" ]]; then
  if [[ "$build" != build/clang-werror ]]; then
    echo "tools/tidy.sh: $build/compile_commands.json not found: configure a clang build there first" >&2
    exit 2
  fi
  cmake --preset clang-werror >/dev/null
fi
# The one generated header (build provenance) that sources include.
cmake --build "$build" --target geosim_build_info >/dev/null

# Translation units of the project, optionally restricted to the given paths.
mapfile -t units < <(/usr/bin/python3 - "$build/compile_commands.json" "$root" "$@" <<'PY'
import json, os, sys
db, root, wanted = sys.argv[1], sys.argv[2], [os.path.abspath(p) for p in sys.argv[3:]]
seen = set()
for entry in json.load(open(db)):
    path = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
    if not path.startswith(root + os.sep) or path in seen:
        continue
    if wanted and not any(path == w or path.startswith(w + os.sep) for w in wanted):
        continue
    seen.add(path)
    print(path)
PY
)
if [[ ${#units[@]} -eq 0 ]]; then
  echo "tools/tidy.sh: no translation unit matches ${*:-the build}" >&2
  exit 2
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/geosim-tidy.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "tools/tidy.sh: ${#units[@]} translation units, $jobs at a time, build $build"
# shellcheck disable=SC2016  # the sh -c script expands its own arguments
printf '%s\n' "${units[@]}" | xargs -P "$jobs" -I{} sh -c \
  '"$1" -p "$2" --quiet "$3" >"$4/$(echo "$3" | tr / _).log" 2>&1 || true' \
  sh "$clang_tidy" "$build" {} "$out"

# A finding is "file:line:col: warning|error: text [check]" and the lines after
# it up to the next finding; print each distinct one once.
/usr/bin/python3 - "$out" "$root" <<'PY'
import collections, glob, re, sys
out, root = sys.argv[1], sys.argv[2] + "/"
head = re.compile(r"^(/[^:]+):(\d+):(\d+): (warning|error): (.*)$")
findings = collections.OrderedDict()
for log in sorted(glob.glob(out + "/*.log")):
    current = None
    for line in open(log, errors="replace"):
        m = head.match(line.rstrip("\n"))
        if m:
            current = m.group(0)
            findings.setdefault(current, [])
            continue
        if current is not None and not re.match(r"^\d+ warnings? (and \d+ errors? )?generated", line):
            if current in findings and len(findings[current]) < 12:
                findings[current].append(line.rstrip("\n"))
per_file = collections.Counter()
for text, context in findings.items():
    print(text.replace(root, ""))
    for line in context:
        if line.strip() and not line.startswith("Suppressed") and not line.startswith("Use -header-filter"):
            print(line)
    per_file[head.match(text).group(1).replace(root, "")] += 1
if per_file:
    print("\ntools/tidy.sh: %d findings" % sum(per_file.values()))
    for path, n in sorted(per_file.items()):
        print("  %4d  %s" % (n, path))
    sys.exit(1)
print("tools/tidy.sh: no findings")
PY
