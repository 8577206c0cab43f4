"""Plots one geosim run: for each target, influence by channel, government
alignment and mean public attitude toward each power, over time.

    /usr/bin/python3 -m geosim.plot RUN.h5 [-o RUN.png] [--dpi 110]

or, from Python, ``geosim.plot.run_figure(ds)`` with a Dataset from
``geosim.run`` (a notebook shows the Figure it returns). Reads the results
file with xarray (docs/results-format.md). One row of panels per target;
each power has one colour throughout the figure, and the target's own
autonomy / non-alignment is grey.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Union

from ._requires import require

mdates, mfigure, mlines, mpl, xr = require("geosim.plot", "matplotlib.dates", "matplotlib.figure",
                                           "matplotlib.lines", "matplotlib", "xarray")

__all__ = ["run_figure", "main"]

CHANNEL_STYLES = {"economic": "-", "security": "--", "soft": ":"}
SELF_COLOUR = "0.45"


def power_colours(powers):
    cmap = mpl.colormaps["tab10"]
    return {p: cmap(i % 10) for i, p in enumerate(powers)}


def date_axis(ax):
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)


def run_figure(results: Union["xr.Dataset", str, os.PathLike]) -> "mfigure.Figure":
    """The figure of one run: a Dataset from ``geosim.run`` or a results file of ``geosim run``."""
    if isinstance(results, xr.Dataset):
        return _figure(results, results.attrs.get("scenario_name", "run"))
    with xr.open_dataset(results) as ds:
        return _figure(ds, os.path.basename(os.fspath(results)))


def _figure(ds: "xr.Dataset", name: str) -> "mfigure.Figure":
    time = ds["time"].values
    powers = [str(p) for p in ds["power"].values]
    power_names = [str(n) for n in ds["power_name"].values]
    targets = [str(t) for t in ds["target"].values]
    target_names = [str(n) for n in ds["target_name"].values]
    channels = [str(c) for c in ds["channel"].values]
    colours = power_colours(powers)

    nt = len(targets)
    fig = mfigure.Figure(figsize=(16, 3.1 * nt + 0.8))
    axes = fig.subplots(nt, 3, sharex=True, squeeze=False)
    for i, t in enumerate(targets):
        ax_inf, ax_al, ax_att = axes[i]
        label = f"{target_names[i]} ({t})" if target_names[i] != t else t

        for c in channels:
            style = CHANNEL_STYLES.get(c, "-.")
            for p in powers:
                ax_inf.plot(time, ds["influence"].sel(channel=c, power=p, target=t),
                            color=colours[p], linestyle=style, linewidth=1.6)
            ax_inf.plot(time, ds["autonomy_share"].sel(channel=c, target=t),
                        color=SELF_COLOUR, linestyle=style, linewidth=1.2)
        ax_inf.set_ylim(0, 1)
        ax_inf.set_ylabel("influence share")
        ax_inf.set_title(f"{label}: influence by channel", fontsize=10, loc="left")

        for p in powers:
            ax_al.plot(time, ds["alignment"].sel(power=p, target=t), color=colours[p],
                       linewidth=1.8)
        ax_al.plot(time, ds["alignment_self"].sel(target=t), color=SELF_COLOUR,
                   linewidth=1.4)
        ax_al.set_ylim(0, 1)
        ax_al.set_ylabel("alignment")
        ax_al.set_title(f"{label}: government alignment", fontsize=10, loc="left")

        for p in powers:
            ax_att.plot(time, ds["attitude_mean"].sel(power=p, target=t), color=colours[p],
                        linewidth=1.8)
        ax_att.axhline(0, color="0.6", linewidth=0.8)
        ax_att.set_ylim(-1, 1)
        ax_att.set_ylabel("mean attitude")
        ax_att.set_title(f"{label}: public attitude toward each power", fontsize=10,
                         loc="left")

        for ax in (ax_inf, ax_al, ax_att):
            date_axis(ax)

    power_handles = [mlines.Line2D([], [], color=colours[p], linewidth=2,
                            label=f"{n} ({p})" if n != p else p)
                     for p, n in zip(powers, power_names)]
    power_handles.append(mlines.Line2D([], [], color=SELF_COLOUR, linewidth=2,
                                label="self (autonomy / non-aligned)"))
    channel_handles = [mlines.Line2D([], [], color="black", linestyle=CHANNEL_STYLES.get(c, "-."),
                              label=c) for c in channels]
    fig.legend(handles=power_handles, loc="upper left", ncol=min(len(power_handles), 6),
               bbox_to_anchor=(0.01, 1.0 - 0.15 / fig.get_figheight()), frameon=False,
               title="powers", fontsize=9)
    fig.legend(handles=channel_handles, loc="upper right", ncol=len(channel_handles),
               bbox_to_anchor=(0.99, 1.0 - 0.15 / fig.get_figheight()), frameon=False,
               title="channel (influence panels)", fontsize=9)

    title = f"geosim: {ds.attrs.get('scenario_name', name)}"
    details = f"seed {ds.attrs.get('seed')}, {ds.attrs.get('ticks')} ticks"
    if int(ds.attrs.get("truncated", 0)):
        details += f" of {ds.attrs.get('scenario_ticks')}, shortened"
    fig.suptitle(f"{title}  ({details})", fontsize=13, y=1.0 - 0.05 / fig.get_figheight(),
                 va="top")
    fig.tight_layout(rect=(0, 0, 1, 1.0 - 0.5 / fig.get_figheight()))
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results file written by `geosim run`")
    parser.add_argument("-o", "--output", help="PNG to write (default: RESULTS with .png)")
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args()
    out = args.output or os.path.splitext(args.results)[0] + ".png"
    try:
        run_figure(args.results).savefig(out, dpi=args.dpi)
    except (OSError, KeyError, ValueError) as e:
        print(f"geosim.plot: {args.results}: {e}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
