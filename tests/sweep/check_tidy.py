#!/usr/bin/python3
"""geosim.sweeps.tidy on a crossed experiment written by the CLI: every value
of the unstacked dataset is the file's value of the run with that scenario,
point and replicate; parameters are by point; scenarios keep their order.

usage: check_tidy.py GEOSIM CROSSED.yaml WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "python"))
from geosim.sweeps import tidy  # noqa: E402

geosim, sweep, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "crossed.h5")
for f in (out, out + ".journal"):
    if os.path.exists(f):
        os.remove(f)
subprocess.run([geosim, "sweep", sweep, "-o", out, "--quiet", "-j", "2"], check=True)

ds = xr.open_dataset(out)
t = tidy(ds)
S, P, R = 2, 6, 2
assert ds.sizes["run"] == S * P * R, ds.sizes
assert list(t["scenario"].values) == list(ds["scenario"].values) == ["minimal", "other_powers"]
assert t["final_alignment"].dims[:3] == ("scenario", "point", "replicate"), t["final_alignment"].dims
assert t["alignment"].dims[:3] == ("scenario", "point", "replicate"), t["alignment"].dims
assert t["campaigns.threshold"].dims == ("point",)
assert t["parameter_value"].dims == ("point", "parameter")
for r in range(ds.sizes["run"]):
    s, p, k = r // (P * R), (r // R) % P, r % R
    here = dict(scenario=t["scenario"].values[s], point=p, replicate=k)
    assert int(ds["scenario_index"][r]) == s and int(ds["point"][r]) == p and int(ds["replicate"][r]) == k
    assert int(t["run"].sel(**here)) == r
    assert int(t["seed"].sel(**here)) == int(ds["seed"][r])
    for name in ("final_alignment", "total_campaigns", "alignment"):
        a = t[name].sel(**here).values
        b = ds[name].isel(run=r).values
        assert np.array_equal(a, b, equal_nan=True), (name, r)
    assert float(t["campaigns.threshold"][p]) == float(ds["campaigns.threshold"][r])
# Paired seeds: a point and replicate has the same seed in both scenarios.
assert (t["seed"].isel(scenario=0) == t["seed"].isel(scenario=1)).all()
# Where a scenario lacks a power, its values are missing (NaN after decoding), never 0.
usa = t["final_alignment"].sel(scenario="minimal", power="USA")
rus = t["final_alignment"].sel(scenario="other_powers", power="RUS")
assert usa.isnull().all() and rus.isnull().all()
assert t["total_campaigns"].sel(scenario="minimal", power="USA").isnull().all()
assert t["final_alignment"].sel(scenario="minimal", power="RUS", target="KAZ").notnull().all()
print("check_tidy: ok,", dict(t.sizes))

# geosim compare on the same file: its numbers are numpy's on the tidy pairs,
# and geosim.report draws the engine's own compare file.
compare = os.path.join(work, "crossed.compare.h5")
subprocess.run([geosim, "compare", out, "-o", compare, "--quiet"], check=True)
c = xr.open_dataset(compare)
assert c.attrs["reference"] == "minimal" and list(c["scenario"].values) == ["other_powers"]
checked = 0
for i, label in enumerate(c["output"].values):
    metric = str(c["metric"].values[i])
    sel = dict(item.split("=") for item in str(c["element"].values[i]).split(", ") if item)
    d = (t[metric].sel(scenario="other_powers", **sel) - t[metric].sel(scenario="minimal", **sel)).values.ravel()
    d = d[np.isfinite(d)]
    got = c.sel(scenario="other_powers").isel(output=i)
    assert int(got["pairs"]) == d.size, (label, int(got["pairs"]), d.size)
    assert np.isclose(float(got["mean_difference"]), d.mean(), rtol=1e-12, atol=1e-15), label
    assert np.isclose(float(got["difference_lo"]), np.quantile(d, 0.05), rtol=1e-12, atol=1e-15), label
    assert np.isclose(float(got["difference_hi"]), np.quantile(d, 0.95), rtol=1e-12, atol=1e-15), label
    assert np.isclose(float(got["share_negative"]), (d < 0).mean()), label
    checked += 1
assert checked >= 2, checked
html = os.path.join(work, "crossed.html")
env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "..", "..", "tools", "python"))
subprocess.run([sys.executable, "-m", "geosim.report", compare, "--sweep", out, "-o", html], check=True, env=env)
text = open(html, encoding="utf-8").read()
assert "paired differences from minimal" in text and text.count("<img") >= 2, len(text)
print("check_tidy: compare and report ok,", checked, "outputs")

# A batch of results format sweep-1.0 numbered its runs otherwise (each
# scenario its own seeds): compare and tidy refuse it rather than pair it.
import shutil  # noqa: E402

import h5py  # noqa: E402

old = os.path.join(work, "crossed_1_0.h5")
shutil.copyfile(out, old)
with h5py.File(old, "r+") as f:
    f.attrs["geosim_results_format"] = np.bytes_("sweep-1.0")
r = subprocess.run([geosim, "compare", old, "-o", os.path.join(work, "never.compare.h5"), "--quiet"],
                   capture_output=True, text=True)
assert r.returncode == 2 and "older geosim" in r.stderr, (r.returncode, r.stderr)
try:
    tidy(xr.open_dataset(old))
    raise AssertionError("tidy accepted a sweep-1.0 batch")
except ValueError as e:
    assert "sweep-1.0" in str(e), e
print("check_tidy: sweep-1.0 batches refused")
