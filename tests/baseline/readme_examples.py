#!/usr/bin/python3
"""Checks that the examples of README.md work as printed.

usage: readme_examples.py README.md --geosim GEOSIM --results RUN.h5 --workdir DIR
                          [--python-path BUILD/python]

- Quick start: exactly two commands, one line each; the first runs the
  baseline into out/central_asia_2013.h5 and plots it, the second runs ctest.
- Writing a scenario: the YAML example, saved beside the baseline's
  directory (its `extends` made absolute), passes `geosim validate`.
- Reading the results: the Python example runs on RUN.h5 (a run of the
  baseline) in place of out/central_asia_2013.h5.
- From Python: with --python-path (the build tree's package), the export
  line names build/release/python and the Python block runs as printed, from
  the repository's root, and draws its plot (matplotlib's Agg backend).
Exit 1 naming what fails.
"""
import argparse
import os
import re
import subprocess
import sys


def section_blocks(text, heading):
    """The fenced code blocks of one `## ` section: [(language, body)]."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return []
    return re.findall(r"^```(\w*)\n(.*?)^```", match.group(1), re.M | re.S)


def from_python(text, root, python_path):
    """The problems of the From Python section, run as a reader would."""
    if not python_path:
        print("From Python: skipped (no --python-path: this build has no Python module)")
        return []
    blocks = section_blocks(text, "From Python")
    shell = [body for lang, body in blocks if lang == "sh"]
    code = [body for lang, body in blocks if lang == "python"]
    if not shell or "export PYTHONPATH=$PWD/build/release/python" not in shell[0]:
        return ["From Python: no sh block exporting PYTHONPATH=$PWD/build/release/python"]
    if not code:
        return ["From Python: no python block"]
    check = code[0] + "\nimport matplotlib.pyplot as plt\nassert plt.gcf().axes, 'no plot drawn'\nprint('plotted')\n"
    env = dict(os.environ, PYTHONPATH=python_path, MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=root, env=env)
    print(f"From Python -> {result.returncode} {result.stdout.strip()}")
    if result.returncode != 0 or "plotted" not in result.stdout:
        return [f"From Python: the example exits {result.returncode}: {result.stderr.strip()[-2000:]}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("readme")
    parser.add_argument("--geosim", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--python-path", help="the build tree's package folder; without it From Python is skipped")
    args = parser.parse_args()
    text = open(args.readme, encoding="utf-8").read()
    root = os.path.dirname(os.path.abspath(args.readme))
    os.makedirs(args.workdir, exist_ok=True)
    problems = []

    blocks = section_blocks(text, "Quick start")
    commands = blocks[0][1].strip("\n").split("\n") if blocks else []
    if len(commands) != 2:
        problems.append(f"Quick start: expected one code block of 2 one-line commands, found {commands!r}")
    else:
        run, test = commands
        for wanted in ("tools/install-deps.sh", "cmake --preset release", "cmake --build --preset release",
                       "mkdir -p out", "geosim run scenarios/central_asia_2013.yaml -o out/central_asia_2013.h5",
                       "-m geosim.plot out/central_asia_2013.h5 -o out/central_asia_2013.png"):
            if wanted not in run:
                problems.append(f"Quick start: the run command lacks '{wanted}'")
        for wanted in ("tools/install-deps.sh", "cmake --preset release", "cmake --build --preset release",
                       "ctest --preset release"):
            if wanted not in test:
                problems.append(f"Quick start: the test command lacks '{wanted}'")
    print(f"Quick start: {len(commands)} commands")

    yaml_blocks = [body for lang, body in section_blocks(text, "Writing a scenario") if lang == "yaml"]
    if not yaml_blocks:
        problems.append("Writing a scenario: no yaml block")
    else:
        base = os.path.join(root, "scenarios", "central_asia_2013.yaml")
        example = re.sub(r"^extends: *central_asia_2013\.yaml", f"extends: {base}", yaml_blocks[0], flags=re.M)
        if example == yaml_blocks[0]:
            problems.append("Writing a scenario: the example does not extend central_asia_2013.yaml")
        path = os.path.join(args.workdir, "readme_example.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(example)
        result = subprocess.run([args.geosim, "validate", path], capture_output=True, text=True)
        print(f"scenario example: geosim validate -> {result.returncode} {result.stdout.strip()} {result.stderr.strip()}")
        if result.returncode != 0:
            problems.append(f"Writing a scenario: geosim validate exits {result.returncode}: {result.stderr.strip()}")

    python_blocks = [body for lang, body in section_blocks(text, "Reading the results") if lang == "python"]
    if not python_blocks:
        problems.append("Reading the results: no python block")
    else:
        code = python_blocks[0]
        if "out/central_asia_2013.h5" not in code:
            problems.append("Reading the results: the example does not read out/central_asia_2013.h5")
        code = code.replace("out/central_asia_2013.h5", os.path.abspath(args.results))
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=args.workdir)
        print(f"python example -> {result.returncode}\n{result.stdout}")
        if result.returncode != 0 or not result.stdout.strip():
            problems.append(f"Reading the results: the example exits {result.returncode}: {result.stderr.strip()}")

    problems += from_python(text, root, args.python_path)

    for p in problems:
        print(f"FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
