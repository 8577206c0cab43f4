#!/usr/bin/python3
"""Plots one geosim run: for each target, influence by channel, government
alignment and mean public attitude toward each power, over time.

    plot_run.py RUN.h5 [-o RUN.png] [--dpi 110]

Reads the results file with xarray (docs/results-format.md). One row of
panels per target; each power has one colour throughout the figure, and the
target's own autonomy / non-alignment is grey.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

CHANNEL_STYLES = {"economic": "-", "security": "--", "soft": ":"}
SELF_COLOUR = "0.45"


def power_colours(powers):
    cmap = plt.get_cmap("tab10")
    return {p: cmap(i % 10) for i, p in enumerate(powers)}


def date_axis(ax):
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)


def plot(path, out, dpi):
    ds = xr.open_dataset(path)
    try:
        time = ds["time"].values
        powers = [str(p) for p in ds["power"].values]
        power_names = [str(n) for n in ds["power_name"].values]
        targets = [str(t) for t in ds["target"].values]
        target_names = [str(n) for n in ds["target_name"].values]
        channels = [str(c) for c in ds["channel"].values]
        colours = power_colours(powers)

        nt = len(targets)
        fig, axes = plt.subplots(nt, 3, figsize=(16, 3.1 * nt + 0.8), sharex=True,
                                 squeeze=False)
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

        power_handles = [Line2D([], [], color=colours[p], linewidth=2,
                                label=f"{n} ({p})" if n != p else p)
                         for p, n in zip(powers, power_names)]
        power_handles.append(Line2D([], [], color=SELF_COLOUR, linewidth=2,
                                    label="self (autonomy / non-aligned)"))
        channel_handles = [Line2D([], [], color="black", linestyle=CHANNEL_STYLES.get(c, "-."),
                                  label=c) for c in channels]
        fig.legend(handles=power_handles, loc="upper left", ncol=min(len(power_handles), 6),
                   bbox_to_anchor=(0.01, 1.0 - 0.15 / fig.get_figheight()), frameon=False,
                   title="powers", fontsize=9)
        fig.legend(handles=channel_handles, loc="upper right", ncol=len(channel_handles),
                   bbox_to_anchor=(0.99, 1.0 - 0.15 / fig.get_figheight()), frameon=False,
                   title="channel (influence panels)", fontsize=9)

        title = f"geosim: {ds.attrs.get('scenario_name', os.path.basename(path))}"
        details = f"seed {ds.attrs.get('seed')}, {ds.attrs.get('ticks')} ticks"
        if int(ds.attrs.get("truncated", 0)):
            details += f" of {ds.attrs.get('scenario_ticks')}, shortened"
        fig.suptitle(f"{title}  ({details})", fontsize=13, y=1.0 - 0.05 / fig.get_figheight(),
                     va="top")
        fig.tight_layout(rect=(0, 0, 1, 1.0 - 0.5 / fig.get_figheight()))
        fig.savefig(out, dpi=dpi)
        plt.close(fig)
    finally:
        ds.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results file written by `geosim run`")
    parser.add_argument("-o", "--output", help="PNG to write (default: RESULTS with .png)")
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args()
    out = args.output or os.path.splitext(args.results)[0] + ".png"
    try:
        plot(args.results, out, args.dpi)
    except (OSError, KeyError, ValueError) as e:
        print(f"plot_run: {args.results}: {e}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
