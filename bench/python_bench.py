#!/usr/bin/python3
"""What the Python module costs over the engine, and what it saves over the
command line (issue 12's figures; printed, never asserted).

usage: PYTHONPATH=build/release/python /usr/bin/python3 bench/python_bench.py
           [--scenario FILE] [--repetitions N] [--cli build/release/geosim]

For the scenario (default: the baseline), alternating, N times each:
  engine    the engine's own run time: the dataset's wall_seconds, from the
            world's construction to the end of the run (what `geosim run`
            records in its file)
  in-process  geosim.run(scenario) returning the Dataset, scenario loaded once
            (its overhead is the median over runs of in-process / engine of the same run)
  load+run  geosim.run(path): loading the scenario too
  cli+open  `geosim run PATH -o OUT.h5 --quiet` in a new process, then
            xarray.open_dataset(OUT.h5).load()
Prints each median with its min and max, and the ratios of the medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xarray as xr

import geosim

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "central_asia_2013.yaml"))
    parser.add_argument("--repetitions", type=int, default=21)
    parser.add_argument("--cli", default=str(ROOT / "build" / "release" / "geosim"))
    args = parser.parse_args()

    scenario = geosim.load(args.scenario)
    geosim.run(scenario)  # warm: page cache, first imports
    times: dict[str, list[float]] = {"engine": [], "in-process": [], "load+run": [], "cli+open": []}
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "run.h5")
        for _ in range(args.repetitions):
            started = time.perf_counter()
            ds = geosim.run(scenario)
            times["in-process"].append(time.perf_counter() - started)
            times["engine"].append(float(ds.attrs["wall_seconds"]))

            started = time.perf_counter()
            geosim.run(args.scenario)
            times["load+run"].append(time.perf_counter() - started)

            started = time.perf_counter()
            subprocess.run([args.cli, "run", args.scenario, "-o", out, "--quiet"], check=True)
            with xr.open_dataset(out) as opened:
                opened.load()
            times["cli+open"].append(time.perf_counter() - started)

    print(f"python_bench: {scenario.name}, {scenario.ticks} ticks, {scenario.citizens} citizens, "
          f"{args.repetitions} repetitions, {os.cpu_count()} cores")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(f"  {name:<11} median {medians[name] * 1e3:8.2f} ms  (min {min(values) * 1e3:.2f}, "
              f"max {max(values) * 1e3:.2f})")
    paired = statistics.median(a / b for a, b in zip(times["in-process"], times["engine"]))
    print(f"  in-process / engine    {paired:.3f}  (median of the ratios of each run: overhead "
          f"{(paired - 1) * 100:+.1f}%, {(medians['in-process'] - medians['engine']) * 1e3:.2f} ms)")
    print(f"  load+run / engine      {medians['load+run'] / medians['engine']:.3f}")
    print(f"  cli+open / in-process  {medians['cli+open'] / medians['in-process']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
