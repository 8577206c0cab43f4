#!/usr/bin/python3
"""End-to-end checks of `geosim sweep` and `geosim batch` as a user meets them:

- -j 1 and -j 2 give identical datasets;
- xarray opens the file with a `run` dimension, labelled coordinates, decoded time;
- any run repeats alone: its stored `command` (geosim run BASE --set ... --seed S)
  gives the same time series as the sweep;
- a results file that belongs to something else is refused, not overwritten;
- --resume of a finished sweep does nothing;
- a batch of scenarios goes into one file; a batch of a 12-tick and a 24-tick
  scenario records each scenario's ticks (scenario_ticks), and no global
  `ticks` attribute, which only a batch whose scenarios agree has.

usage: check_sweep.py GEOSIM SWEEP.yaml BATCH_A.yaml BATCH_B.yaml WORKDIR
"""
import os
import shlex
import subprocess
import sys

import numpy as np
import xarray as xr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_sweeps import compare  # noqa: E402

geosim, sweep, batch_a, batch_b, work = sys.argv[1:6]
os.makedirs(work, exist_ok=True)
failures = []


def fresh(name):
    path = os.path.join(work, name)
    for suffix in ("", ".journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def run(cmd, expect=0):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != expect:
        failures.append(f"{' '.join(cmd)}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


# -j identity.
j1, j2 = fresh("j1.h5"), fresh("j2.h5")
run([geosim, "sweep", sweep, "-o", j1, "-j", "1", "--quiet"])
run([geosim, "sweep", sweep, "-o", j2, "-j", "2", "--quiet"])
failures += [f"-j 1 vs -j 2: {p}" for p in compare(j1, j2)]

# xarray.
ds = xr.open_dataset(j1)
n = ds.sizes["run"]
if n != int(ds.attrs["points"]) * int(ds.attrs["replicates"]):
    failures.append(f"run dimension {n} != points x replicates")
for dim in ("run", "parameter", "power", "target", "time"):
    if dim not in ds.dims:
        failures.append(f"xarray: no dimension {dim}")
if not np.issubdtype(ds.time.dtype, np.datetime64):
    failures.append("xarray: time not decoded as dates")
if list(ds.final_alignment.dims) != ["run", "power", "target"]:
    failures.append(f"final_alignment dims {ds.final_alignment.dims}")
if not (ds.point.values == np.arange(n) // int(ds.attrs["replicates"])).all():
    failures.append("point is not run // replicates")
if len(set(ds.seed.values.tolist())) != n:
    failures.append("seeds are not distinct across runs")
soft = ds.parameter_value.sel(parameter="powers.CHN.budget.soft")
if float(soft.min()) < 0.1 or float(soft.max()) > 2.0:
    failures.append("parameter values outside the range")
# Group by point: replicates share their parameter values.
groups = ds.parameter_value.groupby(ds.point)
spread = groups.max("run") - groups.min("run")
if float(spread.max()) != 0.0:
    failures.append("replicates of a point have different parameter values")

# Repeat runs alone from their stored command.
for r in (0, n - 1, n // 2):
    cmd = shlex.split(str(ds.command.values[r]))
    if cmd[:2] != ["geosim", "run"]:
        failures.append(f"command of run {r}: {cmd}")
        continue
    single = fresh(f"repeat{r}.h5")
    run([geosim, "run", *cmd[2:], "-o", single, "--quiet"])
    one = xr.open_dataset(single)
    for var in ("alignment", "negative_share", "campaigns_new"):
        a = ds[var].isel(run=r).values
        b = one[var].values
        if a.shape != b.shape or not np.array_equal(a, b):
            failures.append(f"run {r}: {var} of `geosim run` differs from the sweep's")
    if int(one.attrs["seed"]) != int(ds.seed.values[r]):
        failures.append(f"run {r}: seed differs")
    one.close()
ds.close()

# A file that is not this sweep's results is refused and left alone.
foreign = fresh("foreign.h5")
run([geosim, "run", batch_a, "-o", foreign, "--ticks", "2", "--quiet"])
before = open(foreign, "rb").read()
r = run([geosim, "sweep", sweep, "-o", foreign, "--quiet"], expect=2)
if "refusing to overwrite" not in r.stderr:
    failures.append(f"foreign file: {r.stderr}")
if open(foreign, "rb").read() != before:
    failures.append("foreign file was modified")

# Resume of a finished sweep: nothing to do, file untouched.
before = open(j1, "rb").read()
r = run([geosim, "sweep", sweep, "-o", j1, "--resume"])
if "already complete" not in r.stdout or open(j1, "rb").read() != before:
    failures.append(f"resume of a finished sweep: {r.stdout} {r.stderr}")

# Batch: two scenarios x 3 replicates into one file, with common random numbers.
bout = fresh("batch.h5")
run([geosim, "batch", batch_a, batch_b, "-o", bout, "-r", "3", "--seed", "11",
     "--common-random-numbers", "--ticks", "4", "--time-series", "alignment", "--quiet"])
if os.path.exists(bout):
    b = xr.open_dataset(bout)
    if b.sizes["run"] != 6 or b.sizes["scenario"] != 2 or list(b.scenario_index.values) != [0, 0, 0, 1, 1, 1]:
        failures.append(f"batch layout: {b}")
    if list(b.seed.values[:3]) != list(b.seed.values[3:]):
        failures.append("batch with common random numbers: seeds differ across scenarios")
    cmd = shlex.split(str(b.command.values[4]))
    single = fresh("batch_repeat.h5")
    run([geosim, "run", *cmd[2:], "-o", single, "--quiet"])
    one = xr.open_dataset(single)
    if not np.array_equal(one.alignment.values, b.alignment.isel(run=4).values):
        failures.append("batch run 4 does not repeat alone")
    one.close()
    ticks = b["scenario_ticks"].values.tolist() if "scenario_ticks" in b else None
    if ticks != [4, 4] or b.attrs.get("ticks") != 4:
        failures.append(f"batch with --ticks 4: scenario_ticks {ticks}, ticks {b.attrs.get('ticks')}")
    b.close()

# A batch of a 12-tick and a 24-tick scenario: per-scenario ticks, no global one.
long_yaml = os.path.join(work, "long.yaml")
with open(long_yaml, "w") as f:
    f.write(f"extends: {os.path.abspath(batch_a)}\nname: long\n"
            "time: {start: 2013-09, end: 2015-08, step: month, rates_per: month}\n")
mixed = fresh("mixed.h5")
run([geosim, "batch", batch_a, long_yaml, "-o", mixed, "-r", "2", "--quiet"])
if os.path.exists(mixed):
    m = xr.open_dataset(mixed)
    ticks = m["scenario_ticks"].values.tolist() if "scenario_ticks" in m else None
    if ticks != [12, 24]:
        failures.append(f"mixed batch: scenario_ticks {ticks}, expected [12, 24]")
    if "ticks" in m.attrs or "start_date" in m.attrs:
        failures.append(f"mixed batch: global ticks {m.attrs.get('ticks')} for scenarios of 12 and 24 ticks")
    starts = m["scenario_start_date"].values.tolist() if "scenario_start_date" in m else None
    if starts != ["2013-09-01", "2013-09-01"]:
        failures.append(f"mixed batch: scenario_start_date {starts}")
    m.close()
# With time series the scenarios must share the time axis: refused.
r = run([geosim, "batch", batch_a, long_yaml, "-o", fresh("mixed_series.h5"), "--time-series", "alignment",
         "--quiet"], expect=2)
if "time axis" not in r.stderr:
    failures.append(f"mixed batch with time series: {r.stderr}")

for f in failures:
    print("FAIL:", f)
print("sweep checks:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
