#!/usr/bin/python3
"""tools/plot_sweep.py on a small sweep writes a PNG; bad arguments fail cleanly.

usage: check_plot_sweep.py PLOT_SWEEP.py GEOSIM SWEEP.yaml WORKDIR
"""
import os
import subprocess
import sys

plot, geosim, sweep, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "plot.h5")
for suffix in ("", ".journal"):
    if os.path.exists(out + suffix):
        os.remove(out + suffix)
subprocess.run([geosim, "sweep", sweep, "-o", out, "--quiet"], check=True)
png = os.path.join(work, "plot.png")
if os.path.exists(png):
    os.remove(png)
subprocess.run([sys.executable, plot, out, "--metric", "peak_negative_share", "--parameter",
                "powers.CHN.budget.soft", "--select", "power=CHN", "target=KAZ", "--log", "-o", png], check=True)
with open(png, "rb") as f:
    if f.read(8) != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
r = subprocess.run([sys.executable, plot, out, "--metric", "no_such_metric"], capture_output=True, text=True)
if r.returncode == 0 or "no metric" not in r.stderr:
    sys.exit(f"bad metric accepted: {r.stderr}")
print("plot_sweep: ok")
