"""Uncertainty bands of a sweep's time series: for each scenario and date, the
median and a central range (5-95% by default) over every run that finished
(``run_status == 0``), over all design points and replicates together.

usage: /usr/bin/python3 -m geosim.bands SWEEP.h5 --variable alignment
           --select power=RUS target=KAZ [--difference-from SCENARIO] [-o OUT.png]

The series must have been kept by the sweep (``time_series:`` in the sweep
file, docs/sweeps.md). One label of each of the series' other dimensions is
selected. With ``--difference-from`` the band is that of the paired
differences from a reference scenario (same point and replicate, hence the
same seed and parameters), not of the levels.
"""
from __future__ import annotations

import argparse
import sys
import warnings

_NEEDS = ("needs xarray, numpy and matplotlib (Debian: apt-get install python3-xarray "
          "python3-matplotlib); run it with /usr/bin/python3")
try:
    import matplotlib.dates as mdates
    import numpy as np
    import xarray as xr
    from matplotlib.figure import Figure

    from .results import ResultsFileError, labels
    from .results import open_results as _open_results
    from .sweeps import tidy
except ImportError as _exc:  # a Python without them (the pyenv one first on PATH)
    if __name__ == "__main__":
        print(f"geosim.bands: {_NEEDS} (missing: {_exc.name or _exc})", file=sys.stderr)
        sys.exit(2)
    raise ImportError(f"geosim.bands {_NEEDS} (missing: {_exc.name or _exc})") from _exc

__all__ = ["BandsError", "bands", "open_results", "plot_bands", "series_names"]

# Dimensions the band is taken over or drawn along, never selected by the user.
_RUN_DIMS = ("scenario", "point", "replicate", "time")


class BandsError(ValueError):
    """A request the file cannot answer (no such series, dimension or label)."""


def series_names(ds: xr.Dataset) -> list[str]:
    """The time series a sweep file (or its tidy form) holds, in file order."""
    runs = {"run"} if "run" in ds.dims else {"point", "replicate"}
    return [str(v) for v in ds.data_vars if "time" in ds[v].dims and runs <= set(ds[v].dims)]


def _as_tidy(ds: xr.Dataset) -> xr.Dataset:
    # A results file has `run`; tidy() moves it to (scenario,) point, replicate.
    return tidy(ds) if "run" in ds.dims else ds


def _select(ds: xr.Dataset, da: xr.DataArray, variable: str, select: dict) -> tuple[xr.DataArray, str]:
    """`da` at one label of each dimension other than those of _RUN_DIMS, and
    the selection as text ("power=RUS, target=KAZ")."""
    free = [d for d in da.dims if d not in _RUN_DIMS]
    for dim in select:
        if dim not in free:
            raise BandsError(f"{variable} has no dimension {dim!r}; its dimensions: {', '.join(free) or 'none'}")
    chosen = {}
    for dim in free:
        names = labels(ds, dim)
        if dim not in select:
            if len(names) == 1:  # nothing to choose
                chosen[dim] = 0
                continue
            raise BandsError(f"select one {dim} of {variable} ({dim}=LABEL); its labels: {', '.join(names)}")
        label = str(select[dim])
        if label not in names:
            raise BandsError(f"{variable} has no {dim} {label!r}; its labels: {', '.join(names)}")
        chosen[dim] = names.index(label)
    # By position: labels may be strings, numbers or absent, and compare as text.
    text = ", ".join(f"{d}={labels(ds, d)[i]}" for d, i in chosen.items())
    return da.isel(chosen), text


def bands(ds_or_tidy: xr.Dataset, variable: str, select: dict,
          quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
          difference_from: str | None = None) -> xr.Dataset:
    """Quantiles of a time series over all runs that finished, per scenario and date.

    ``ds_or_tidy`` is a sweep or batch results file as opened by xarray, or
    ``geosim.sweeps.tidy`` of one. ``select`` maps each of the series' other
    dimensions to one label (``{"power": "RUS", "target": "KAZ"}``); a
    dimension of one label may be left out. Runs with ``run_status != 0``
    are left out, as are missing values (an element absent in a scenario).
    Quantiles are type 7 (linear interpolation, numpy's default).

    With ``difference_from`` (a scenario's name) the quantiles are those of
    the paired differences ``scenario - reference`` at the same point and
    replicate, both runs finished; the reference itself is dropped.

    Returns a Dataset with ``VARIABLE(scenario, quantile, time)`` and
    ``runs(scenario)``, the runs (or pairs) with a value; its attributes say
    what was selected.
    """
    t = _as_tidy(ds_or_tidy)
    if variable not in series_names(t):
        have = series_names(t)
        raise BandsError(f"no time series {variable!r} in the sweep file; it has: {', '.join(have)}" if have else
                         f"no time series {variable!r}: the sweep file has none (keep some with "
                         f"time_series: [{variable}] in the sweep file)")
    qs = [float(q) for q in quantiles]
    if not qs or any(not 0.0 <= q <= 1.0 for q in qs):
        raise BandsError(f"quantiles must be in [0, 1], got {quantiles}")
    da, text = _select(t, t[variable], variable, select)
    if "scenario" not in da.dims:
        # One scenario (a sweep): tidy keeps its name on a dimension of one.
        name = labels(t, "scenario")[0] if "scenario" in t.dims else str(t.attrs.get("sweep_name", "sweep"))
        da = da.expand_dims(scenario=[name])
    da = da.astype(float)
    if "run_status" in t:
        status = t["run_status"]
        ok = status == 0 if "scenario" in status.dims else (status == 0).expand_dims(scenario=da["scenario"].values)
        da = da.where(ok)
    if difference_from is not None:
        names = [str(s) for s in da["scenario"].values]
        if str(difference_from) not in names:
            raise BandsError(f"no scenario {difference_from!r} to take differences from; the scenarios: "
                             f"{', '.join(names)}")
        ref = da.isel(scenario=names.index(str(difference_from)))
        da = da.isel(scenario=[i for i, s in enumerate(names) if s != str(difference_from)]) - ref
    with warnings.catch_warnings():  # an absent element is all NaN: its quantiles are NaN, as they should be
        warnings.simplefilter("ignore", RuntimeWarning)
        q = da.quantile(qs, dim=["point", "replicate"], skipna=True)
    runs = da.notnull().any("time").sum(["point", "replicate"]).astype("int32")
    src = t[variable].attrs
    out = xr.Dataset({variable: q.transpose("scenario", "quantile", "time"), "runs": runs})
    out[variable].attrs = {"long_name": src.get("long_name", variable), "units": src.get("units", "")}
    out["runs"].attrs["long_name"] = "pairs of runs with a value" if difference_from else "runs with a value"
    out.attrs = {"variable": variable, "selection": text, "difference_from": difference_from or "",
                 "quantile_method": "linear interpolation (type 7)",
                 "runs_used": "run_status == 0, every point and replicate"}
    return out


def range_text(lo: float, hi: float) -> str:
    """A central range of quantiles as text: (0.05, 0.95) -> "5–95%"."""
    return f"{lo * 100:g}–{hi * 100:g}%"


def plot_bands(b: xr.Dataset, ax=None, reference: str | None = None, title: str | None = None) -> Figure:
    """Draw ``bands()`` output: per scenario the median (the quantile nearest
    0.5) as a line and the outermost quantiles as a shaded band, dates on x.

    ``reference`` is drawn in black (levels) so the others read against it;
    the other scenarios take matplotlib's colours in order, the reference
    skipped, so a scenario has the same colour in a plot of its levels and
    one of its differences from the reference.
    Draws into ``ax`` if given, else into a new Figure (no pyplot, so the
    caller's backend is untouched). Returns the figure.
    """
    variable = b.attrs["variable"]
    if ax is None:
        fig = Figure(figsize=(7.5, 3.6))
        ax = fig.subplots()
    qs = b["quantile"].values
    lo, hi, mid = qs.min(), qs.max(), qs[np.argmin(np.abs(qs - 0.5))]
    time = b["time"].values
    diff = b.attrs.get("difference_from", "")
    reference = reference or diff or None
    others = 0
    for s in b["scenario"].values:
        y = b[variable].sel(scenario=s)
        if reference is not None and str(s) == reference:
            colour = "black"
        else:
            colour, others = f"C{others}", others + 1
        n = int(b["runs"].sel(scenario=s))
        if n == 0:  # absent in this scenario: say so rather than draw nothing silently
            ax.plot([], [], color=colour, label=f"{s}: no runs with a value")
            continue
        ax.fill_between(time, y.sel(quantile=lo).values, y.sel(quantile=hi).values,
                        color=colour, alpha=0.18, lw=0)
        ax.plot(time, y.sel(quantile=mid).values, color=colour, lw=1.6,
                label=f"{s} ({n} {'pairs' if diff else 'runs'}{', reference' if colour == 'black' else ''})")
    if diff:
        ax.axhline(0.0, color="0.3", lw=0.8, ls="--")
    if len(time) > 1:  # also when no scenario has values, so the axis still shows the dates
        ax.set_xlim(time[0], time[-1])
    if np.issubdtype(time.dtype, np.datetime64):
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.set_xlabel("time")
    units = b[variable].attrs.get("units", "")
    what = f"difference from {diff}" if diff else variable
    ax.set_ylabel(what + (f" [{units}]" if units and units != "1" else ""))
    what = f"paired differences from {diff}" if diff else "levels"
    ax.set_title(title or f"{variable} ({b.attrs['selection']}): {what}, median and "
                 f"{range_text(lo, hi)} of runs", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return ax.figure


def open_results(path: str) -> xr.Dataset:
    """``xr.open_dataset(path)`` with one-line errors for a missing or foreign file (BandsError)."""
    try:
        return _open_results(path)
    except ResultsFileError as e:
        raise BandsError(str(e)) from e.__cause__


def _parse_select(items: list[str]) -> dict:
    out = {}
    for item in items:
        dim, eq, label = item.partition("=")
        if not eq or not dim or not label:
            raise BandsError(f"--select: expected DIM=LABEL (power=RUS), got {item!r}")
        out[dim] = label
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line (module docstring); returns the exit status."""
    ap = argparse.ArgumentParser(prog="python3 -m geosim.bands", description=__doc__.split("\n\n")[0])
    ap.add_argument("sweep", help="a sweep or batch results file with time series")
    ap.add_argument("--variable", default="alignment", help="a kept time series (default: alignment)")
    ap.add_argument("--select", nargs="*", default=[], metavar="DIM=LABEL")
    ap.add_argument("--difference-from", default=None, metavar="SCENARIO",
                    help="band of paired differences from this scenario")
    ap.add_argument("-o", "--output", default=None, help="PNG file (default: VARIABLE_LABELS_bands.png)")
    args = ap.parse_args(argv)
    try:
        select = _parse_select(args.select)
        with open_results(args.sweep) as ds:
            b = bands(ds, args.variable, select, difference_from=args.difference_from)
    except (BandsError, OSError, ValueError) as e:  # bad input: one line, exit 2 as geosim does
        print(f"geosim.bands: {args.sweep}: {e}", file=sys.stderr)
        return 2
    out = args.output or "_".join([args.variable, *select.values(), "bands"]) + ".png"
    fig = plot_bands(b, reference=args.difference_from)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
