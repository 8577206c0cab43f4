#!/usr/bin/python3
"""The baseline's calibrated values are its posterior's medians.

usage: check_calibrated_baseline.py SCENARIO.yaml CALIB.yaml POSTERIOR.csv

Every prior of the calibration file (and each path it ties with `also`) must
be set in the scenario to the median of its column of the posterior sample,
to the four significant digits the sample is written with, and every such
line must carry the [C] mark that says so. Exit 1 with the differences.
"""
import csv
import re
import statistics
import sys

import yaml


def resolve(tree, path):
    node = tree
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if m:
            node = node[m.group(1)][int(m.group(2))]
        else:
            node = node[part]
    return node


def main():
    scenario_path, calib_path, csv_path = sys.argv[1:4]
    scenario = yaml.safe_load(open(scenario_path))
    calib = yaml.safe_load(open(calib_path))
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    problems = []
    paths = []
    for path, prior in calib["parameters"].items():
        paths += [path] + list(prior.get("also", []))
    for path in paths:
        if path not in rows[0]:
            problems.append(f"{path}: no column in {csv_path}")
            continue
        median = statistics.median(float(r[path]) for r in rows)
        want = float(f"{median:.4g}")
        got = resolve(scenario, path)
        if not isinstance(got, (int, float)) or abs(got - want) > 1e-12 * max(1.0, abs(want)):
            problems.append(f"{path}: the scenario has {got}, the posterior median is {want}")
    text = open(scenario_path).read()
    marks = text.count("# [C]")
    if marks < 1:
        problems.append("no value is marked [C]")
    print(f"{len(paths)} calibrated values checked against {len(rows)} posterior draws; {marks} lines marked [C]")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
