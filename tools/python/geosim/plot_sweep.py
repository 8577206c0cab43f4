"""Draws a metric of a geosim sweep against one of its parameters, with the
spread of the replicates: every run as a dot, the mean over the replicates of
each point as a line, and the 10-90% range over replicates as error bars.

usage: /usr/bin/python3 -m geosim.plot_sweep SWEEP.h5 [--metric final_alignment]
           [--parameter PATH] [--select power=CHN target=KAZ ...] [-o OUT.png]

The metric is reduced to one number per run by selecting one label on each
of its other dimensions (default: the first label). With no --parameter, the
first varied parameter is used; for a batch (no parameters) the x axis is the
scenario. Runs that failed (run_status != 0) are left out. From Python,
``sweep_figure(xarray.open_dataset(SWEEP.h5), "final_alignment", ...)``
returns the Figure.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

from ._requires import require

mfigure, np, xr = require("geosim.plot_sweep", "matplotlib.figure", "numpy", "xarray")

__all__ = ["sweep_figure", "main"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--metric", default="final_alignment")
    ap.add_argument("--parameter", default=None, help="dotted path of a varied parameter")
    ap.add_argument("--select", nargs="*", default=[], metavar="DIM=LABEL")
    ap.add_argument("--log", action="store_true", help="log scale on the x axis")
    ap.add_argument("-o", "--output", default=None, help="PNG file (default: METRIC_vs_PARAMETER.png)")
    args = ap.parse_args()
    select = {}
    for item in args.select:
        dim, _, label = item.partition("=")
        select[dim] = label
    with xr.open_dataset(args.file) as ds:
        try:
            fig, xlabel = _figure(ds, args.metric, args.parameter, select, args.log)
        except ValueError as e:
            print(f"geosim.plot_sweep: {e}", file=sys.stderr)
            return 1
    out = args.output or f"{args.metric}_vs_{xlabel.replace('.', '_')}.png"
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
    return 0


def sweep_figure(ds: "xr.Dataset", metric: str = "final_alignment", parameter: Optional[str] = None,
                 select: Optional[dict[str, str]] = None, log: bool = False) -> "mfigure.Figure":
    """A metric of a sweep or batch results file (its ``run`` form, as
    ``xarray.open_dataset`` reads it) against one of its parameters, one label
    of each other dimension selected (`select`, default the first)."""
    return _figure(ds, metric, parameter, select or {}, log)[0]


def _figure(ds, metric, parameter, select, log):
    if metric not in ds:
        raise ValueError(f"no metric {metric!r}; the file has: "
                         + ", ".join(v for v in ds.data_vars if "run" in ds[v].dims and ds[v].ndim > 1))
    da = ds[metric]
    chosen = {}
    for dim, label in select.items():
        if dim not in da.dims:
            raise ValueError(f"{metric} has no dimension {dim!r} (it has {da.dims})")
        chosen[dim] = label
    for dim in da.dims:
        if dim != "run" and dim not in chosen:
            chosen[dim] = ds[dim].values[0] if dim in ds.coords else 0
    if "time" in chosen:
        da = da.isel(time=-1)
        del chosen["time"]
    da = da.sel({d: v for d, v in chosen.items() if d in ds.coords})
    y = da.values.astype(float)

    batch = ds.sizes["parameter"] == 0
    if batch:
        x = ds.scenario_index.values
        xlabel = "scenario"
        ticks = list(ds.scenario.values)
    else:
        name = parameter or str(ds.parameter.values[0])
        if name not in list(ds.parameter.values):
            raise ValueError(f"no parameter {name!r}; the sweep varies: "
                             f"{', '.join(map(str, ds.parameter.values))}")
        x = ds.parameter_value.sel(parameter=name).values
        xlabel = name
    # Failed runs hold fill values (NaN once xarray has masked them): leave them out.
    ok = ds.run_status.values == 0 if "run_status" in ds else np.ones(ds.sizes["run"], dtype=bool)
    if not ok.all():
        print(f"geosim.plot_sweep: leaving out {int((~ok).sum())} failed runs (see run_status and run_error)")
    x, y = x[ok], y[ok]
    points = ds.point.values[ok]
    order = np.unique(points)
    px = np.array([x[points == p][0] for p in order])
    groups = [y[points == p] for p in order]
    mean = np.array([g.mean() for g in groups])
    lo = np.array([np.percentile(g, 10) for g in groups])
    hi = np.array([np.percentile(g, 90) for g in groups])
    sort = np.argsort(px)

    # With other parameters varying too, the means are not a curve: no line,
    # and the means are coloured by the next parameter.
    others = [] if batch else [str(p) for p in ds.parameter.values if str(p) != xlabel]
    fig = mfigure.Figure(figsize=(7.5 if others else 7, 4.5))
    ax = fig.subplots()
    ax.scatter(x, y, s=6, alpha=0.35, color="tab:blue", label="runs")
    ax.errorbar(px[sort], mean[sort], yerr=[mean[sort] - lo[sort], hi[sort] - mean[sort]],
                fmt="o" if batch or others else "o-", ms=3, lw=1, color="tab:red", ecolor="tab:red",
                alpha=0.6, label=f"mean over {int(ds.attrs.get('replicates', 1))} replicates, 10-90%")
    if others:
        c = ds.parameter_value.sel(parameter=others[0]).values[ok]
        pc = np.array([c[points == p][0] for p in order])
        sc = ax.scatter(px, mean, c=pc, s=14, cmap="viridis", zorder=3)
        fig.colorbar(sc, ax=ax, label=others[0])
    if batch:
        ax.set_xticks(range(len(ticks)))
        ax.set_xticklabels(ticks, rotation=20, ha="right")
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    sel = ", ".join(f"{d}={v}" for d, v in chosen.items())
    ax.set_ylabel(f"{metric}" + (f" ({sel})" if sel else ""))
    ax.set_title(f"{ds.attrs.get('sweep_name', '')}: {int(ok.sum())} runs", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, xlabel


if __name__ == "__main__":
    sys.exit(main())
