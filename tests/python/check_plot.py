#!/usr/bin/python3
"""Runs the run plot (tools/plot_run.py, or the module geosim.plot) on a
results file and checks the PNG it writes.

    check_plot.py PLOT_RUN.py|geosim.plot RESULTS.h5 OUT.png

The PNG must exist, be a sizeable image and hold more than a blank page: many
distinct colours and a fair share of non-white pixels.
"""
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, results, png = sys.argv[1:]
    if os.path.exists(png):
        os.remove(png)
    command = [sys.executable, tool] if tool.endswith(".py") else [sys.executable, "-m", tool]
    r = subprocess.run(command + [results, "-o", png], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"check_plot: plot_run failed ({r.returncode}): {r.stderr.strip()}", file=sys.stderr)
        return 1
    problems = []
    if not os.path.exists(png):
        problems.append("no PNG written")
    else:
        size = os.path.getsize(png)
        if size < 20_000:
            problems.append(f"PNG only {size} bytes")
        img = mpimg.imread(png)
        h, w = img.shape[:2]
        if w < 1000 or h < 400:
            problems.append(f"PNG only {w}x{h} pixels")
        rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
        colours = len(np.unique(rgb, axis=0))
        if colours < 50:
            problems.append(f"PNG has only {colours} colours")
        ink = float((rgb.min(axis=1) < 200).mean())
        if ink < 0.01:
            problems.append(f"PNG almost blank ({ink:.1%} ink)")
    for p in problems:
        print(f"check_plot: {png}: {p}", file=sys.stderr)
    if not problems:
        print(f"check_plot: {png}: OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
