"""A self-contained HTML report of a `geosim compare` file: paired differences
of each scenario from the reference, as tables of the largest effects and
forest plots, with uncertainty bands of the sweep's time series if given.

usage: /usr/bin/python3 -m geosim.report COMPARE.h5 [--sweep SWEEP.h5]
           [-o REPORT.html] [--top N] [--variable NAME ...]

The page has no external resources and needs no JavaScript: CSS is inline and
figures are PNGs embedded as base64 ``data:`` URLs, so it can be mailed or
attached to an issue as one file.
"""
from __future__ import annotations

import argparse
import base64
import html
import io
import itertools
import os
import sys

_NEEDS = ("needs xarray, numpy and matplotlib (Debian: apt-get install python3-xarray "
          "python3-matplotlib); run it with /usr/bin/python3")
try:
    import numpy as np
    import xarray as xr
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .bands import BandsError, bands, open_results, plot_bands, range_text, series_names
    from .results import as_text, labels
    from .sweeps import tidy
except ImportError as _exc:  # a Python without them (the pyenv one first on PATH)
    if __name__ == "__main__":
        print(f"geosim.report: {_NEEDS} (missing: {_exc.name or _exc})", file=sys.stderr)
        sys.exit(2)
    raise ImportError(f"geosim.report {_NEEDS} (missing: {_exc.name or _exc})") from _exc

__all__ = ["ReportError", "load_compare", "write_report"]

# What the tables and plots read; the file's other variables are optional.
_NEEDED = ("metric", "element", "long_name", "mean_difference", "mean_lo", "mean_hi", "median_difference",
           "difference_lo", "difference_hi", "sd_difference", "share_positive", "pairs")
_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:2em auto;max-width:72em;
 padding:0 1.5em;color:#1d1d1f}
h1{font-size:1.5em;margin-bottom:.2em} h2{border-bottom:2px solid #ccd;padding-bottom:.2em;margin-top:2em}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em} dl.meta dt{font-weight:600}
dl.meta dd{margin:0} table{border-collapse:collapse;margin:.5em 0 1em} caption{text-align:left;color:#555}
th,td{padding:.25em .7em;border-bottom:1px solid #dde;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left} td small{color:#666}
figure{margin:1em 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.9em} .warning{background:#fff4d6;border-left:4px solid #e0a800;padding:.5em 1em}
.lead{color:#444} code{font-size:.95em}
"""


class ReportError(ValueError):
    """An input the report cannot use (not a compare file, a foreign sweep file)."""


def load_compare(path: str) -> xr.Dataset:
    """Open a `geosim compare` file, checking it has what the report reads."""
    try:
        with open_results(path) as f:
            c = f.load()  # small (scenarios x outputs); read now so the file is not held open
    except BandsError as e:
        raise ReportError(f"{path}: {e}") from e
    missing = [v for v in _NEEDED if v not in c.variables]
    if missing or "scenario" not in c.dims or "output" not in c.dims or "reference" not in c.attrs:
        what = ", ".join(missing) or "the scenario and output dimensions and the reference attribute"
        raise ReportError(f"{path}: not a geosim compare file (no {what})")
    return c


def _num(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{x:.4g}"


def _mpl(s: str) -> str:
    return s.replace("$", r"\$")  # matplotlib would read $...$ as mathematics


def _img(fig: Figure, alt: str, caption: str) -> str:
    """A figure as an <img> with its PNG inline (no file beside the report)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>\n")


def _scores(c: xr.Dataset, s) -> np.ndarray:
    """|mean| / sd of the paired differences: the effect in units of its spread."""
    mean = c["mean_difference"].sel(scenario=s).values.astype(float)
    sd = c["sd_difference"].sel(scenario=s).values.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(mean) / sd  # sd 0 with a mean: inf (a sure effect, ranked first); 0 / 0: NaN


def _ranked(scores: np.ndarray) -> list[int]:
    # Largest first, NaN (no pairs, or no spread and no effect) last, ties in file order.
    return sorted(range(len(scores)), key=lambda i: (bool(np.isnan(scores[i])),
                                                     0.0 if np.isnan(scores[i]) else -scores[i]))


def _table(c: xr.Dataset, s, top: int, band: str, conf: str) -> str:
    v = {k: c[k].sel(scenario=s).values for k in _NEEDED[3:]}
    # Outputs without pairs (absent in the scenario or the reference) have no
    # effect to rank; they are counted here and named under the forest plots.
    # With pairs, a NaN score (no spread, no effect) still ranks last.
    order = [i for i in _ranked(_scores(c, s)) if v["pairs"][i] > 0]
    unpaired = c.sizes["output"] - len(order)
    order = order[:top]
    rows = []
    for i in order:
        out, name = as_text(c["output"].values[i]), as_text(c["long_name"].values[i])
        first = f"<td><code>{html.escape(out)}</code><br><small>{html.escape(name)}</small></td>"
        share = v["share_positive"][i]
        rows.append(
            f"<tr>{first}"
            f"<td>{_num(v['mean_difference'][i])} [{_num(v['mean_lo'][i])}, {_num(v['mean_hi'][i])}]</td>"
            f"<td>{_num(v['median_difference'][i])}</td>"
            f"<td>[{_num(v['difference_lo'][i])}, {_num(v['difference_hi'][i])}]</td>"
            f"<td>{'–' if not np.isfinite(share) else f'{share:.0%}'}</td><td>{int(v['pairs'][i])}</td></tr>")
    caption = (f"The {len(order)} largest of {c.sizes['output'] - unpaired} outputs with pairs, ranked by "
               f"|mean| / sd of the paired differences" + (f"; {unpaired} without pairs, named under the "
                                                           f"forest plots." if unpaired else "."))
    head = (f"<tr><th>output</th><th>mean [{conf} CI]</th><th>median</th><th>{band} range</th>"
            f"<th>share &gt; 0</th><th>pairs</th></tr>")
    return (f'<table class="effects"><caption>{html.escape(caption)}</caption>\n<thead>{head}</thead>\n'
            f"<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n")


def _forest(c: xr.Dataset, s, metric: str, rows: list[int], reference: str, band: str, conf: str) -> Figure:
    """One row per element (``rows``: those with pairs): the median (dot), the
    central range of the paired differences (thin bar), the mean's interval
    (thick bar), and zero."""
    fig = Figure(figsize=(7.5, 1.3 + 0.32 * len(rows)))
    ax = fig.subplots()
    sel = {k: c[k].sel(scenario=s).values for k in ("median_difference", "difference_lo", "difference_hi",
                                                   "mean_lo", "mean_hi", "mean_difference", "pairs")}
    names = [as_text(c["element"].values[i]) or metric for i in rows]
    for y, i in enumerate(rows):
        ax.hlines(y, sel["difference_lo"][i], sel["difference_hi"][i], color="0.55", lw=1.4)
        ax.hlines(y, sel["mean_lo"][i], sel["mean_hi"][i], color="tab:blue", lw=5, alpha=0.8)
        ax.plot([sel["median_difference"][i]], [y], "o", color="black", ms=4.5, zorder=3)
    ax.axvline(0.0, color="tab:red", lw=0.9, ls="--")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_mpl(t) for t in names], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first element on top, as in the table
    ax.set_xlabel(_mpl(f"{s} − {reference}"), fontsize=9)
    ax.set_title(_mpl(f"{metric}: paired differences of {s} from {reference}"), fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(handles=[Line2D([], [], marker="o", color="black", ls="", ms=4.5, label="median"),
                       Line2D([], [], color="0.55", lw=1.4, label=f"{band} of differences"),
                       Line2D([], [], color="tab:blue", lw=5, alpha=0.8, label=f"mean, {conf} CI")],
              fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the rows, never over them
    fig.tight_layout()
    return fig


def _element_key(text: str) -> frozenset:
    # "power=RUS, target=KAZ" -> {(power, RUS), (target, KAZ)}: independent of the dims' order.
    return frozenset(tuple(p.split("=", 1)) for p in text.split(", ") if "=" in p)


def _band_elements(c: xr.Dataset, t: xr.Dataset, variable: str) -> list[dict]:
    """Every element of a series, those with the largest effect in the compare
    file's final_VARIABLE first (the same element, at the end of the run)."""
    free = [d for d in t[variable].dims if d not in ("scenario", "point", "replicate", "time")]
    elements = [dict(zip(free, combo)) for combo in itertools.product(*(labels(t, d) for d in free))]
    rank = {}
    final = np.asarray([as_text(m) for m in c["metric"].values]) == f"final_{variable}"
    for s in c["scenario"].values:
        scores = _scores(c, s)
        for i in np.flatnonzero(final):
            key = _element_key(as_text(c["element"].values[i]))
            score = -1.0 if np.isnan(scores[i]) else float(scores[i])
            rank[key] = max(rank.get(key, -1.0), score)
    return sorted(elements, key=lambda e: -rank.get(frozenset(e.items()), -1.0))  # stable: file order otherwise


def _bands_section(c: xr.Dataset, sweep_path: str, variables, reference: str, per_variable: int) -> str:
    try:
        with open_results(sweep_path) as ds:
            # Only the series drawn: the other metrics and series of a large sweep need not be read.
            drop = [v for v in ds.data_vars if "run" in ds[v].dims and ds[v].ndim > 1
                    and v not in variables and v not in ("parameter_value", "design_unit")]
            t = tidy(ds.drop_vars(drop).load())
    except (BandsError, ValueError) as e:
        raise ReportError(f"{sweep_path}: {e}") from e
    parts = [f"<section class=\"bands\" id=\"bands\"><h2>Time series: levels and paired differences from "
             f"{html.escape(reference)}</h2>\n"]
    if str(t.attrs.get("sweep_id", "")) != str(c.attrs.get("sweep_id", "")):
        parts.append(f'<p class="warning">The sweep file {html.escape(sweep_path)} is not the one compared '
                     f"(sweep_id {html.escape(str(t.attrs.get('sweep_id', '?')))}, compare file: "
                     f"{html.escape(str(c.attrs.get('sweep_id', '?')))}).</p>\n")
    scenarios = labels(t, "scenario")
    paired = reference in scenarios and len(scenarios) > 1
    for variable in variables:
        if variable not in series_names(t):
            have = ", ".join(series_names(t)) or "none"
            parts.append(f"<p>No time series <code>{html.escape(variable)}</code> in the sweep file "
                         f"(it has: {html.escape(have)}).</p>\n")
            continue
        # Elements with pairs first (those with differences to show), then
        # those with levels only; never one absent from every scenario.
        chosen = []
        for element in _band_elements(c, t, variable):
            levels = bands(t, variable, element)
            diffs = bands(t, variable, element, difference_from=reference) if paired else None
            if int(levels["runs"].sum()) > 0:
                chosen.append((diffs is None or int(diffs["runs"].sum()) == 0, len(chosen), levels, diffs))
            if sum(not x[0] for x in chosen) == per_variable:  # enough: a large scenario has many elements
                break
        for _, _, levels, diffs in sorted(chosen, key=lambda x: x[:2])[:per_variable]:
            fig = Figure(figsize=(12 if paired else 7.5, 3.6))
            axes = fig.subplots(1, 2 if paired else 1, squeeze=False)[0]
            plot_bands(levels, ax=axes[0], reference=reference)
            if diffs is not None:
                plot_bands(diffs, ax=axes[1])
            fig.tight_layout()
            what = levels.attrs["selection"]
            caption = (f"{variable} ({what}): left, each scenario's level (reference {reference} in black); "
                       f"right, paired differences from {reference}." if diffs is not None else
                       f"{variable} ({what}): each scenario's level (the sweep file has no scenario "
                       f"{reference} to pair with).")
            parts.append(_img(fig, f"{variable} ({what}): levels and paired differences from {reference}",
                              caption + " Lines are medians, bands 5–95% over all points and replicates that ran."))
    parts.append("</section>\n")
    return "".join(parts)


def write_report(compare_path: str, out_html: str, sweep_path: str | None = None,
                 variables: tuple[str, ...] = ("alignment",), top: int = 15, band_elements: int = 4) -> str:
    """Write the HTML report of a compare file to ``out_html`` and return its path.

    ``top`` outputs per scenario go in the table of largest effects; with a
    ``sweep_path`` (the sweep file that was compared) each time series of
    ``variables`` gets band plots of its first ``band_elements`` elements
    (largest final effects first). Raises ReportError for unusable inputs.
    """
    c = load_compare(compare_path)
    a = c.attrs
    ref = as_text(a["reference"])
    cov = float(a.get("coverage", 0.9))
    band = range_text((1 - cov) / 2, (1 + cov) / 2)
    conf = f"{float(a.get('confidence', 0.95)):.0%}"
    scenarios = labels(c, "scenario")
    metrics = list(dict.fromkeys(as_text(m) for m in c["metric"].values))  # file order, once each
    esc = html.escape
    meta = [("source", a.get("source", "?")), ("sweep_id", a.get("sweep_id", "?")), ("reference", ref),
            ("pairs", a.get("pairs_rule", "?")),
            ("design", f"{a.get('points', '?')} points × {a.get('replicates', '?')} replicates per scenario"),
            ("confidence", f"{conf}: Student-t interval of the mean paired difference"),
            ("coverage", f"{cov:.0%}: the central {band} range of the paired differences"),
            ("geosim", a.get("geosim_version", "?")), ("compare file", compare_path)]
    if "failed_runs" in a:  # not every writer says; the pairs column shows what was left out
        meta.insert(5, ("failed runs", f"{a['failed_runs']} (their pairs are left out)"))
    links = ", ".join(f'<a href="#scenario-{k}">{esc(s)}</a>' for k, s in enumerate(scenarios)) or "none"
    title = f"{a.get('title', 'geosim compare')}: paired differences from {ref}"
    out = [f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>{esc(title)}</title>\n'
           f"<style>{_STYLE}</style></head><body>\n<header><h1>{esc(title)}</h1>\n"
           f'<p class="lead">Every number is a paired difference from {esc(ref)}: a scenario\'s run minus '
           f"{esc(ref)}'s run at the same design point and replicate (same seed, same parameters).</p>\n"
           '<dl class="meta">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(as_text(v))}</dd>" for k, v in meta)
           + f"<dt>scenarios</dt><dd>{links}</dd></dl></header>\n"]
    for k, s in enumerate(scenarios):
        out.append(f'<section class="scenario" id="scenario-{k}" data-scenario="{esc(s)}">\n'
                   f"<h2>{esc(s)}: paired differences from {esc(ref)}</h2>\n"
                   f"<h3>Largest effects</h3>\n{_table(c, s, top, band, conf)}<h3>By metric</h3>\n")
        for m in metrics:
            rows = [i for i, x in enumerate(c["metric"].values) if as_text(x) == m]
            median, pairs = (c[v].sel(scenario=s).values for v in ("median_difference", "pairs"))
            have = [i for i in rows if pairs[i] > 0 and np.isfinite(median[i])]
            # Elements absent in either scenario are listed, not drawn as empty rows.
            none = "; ".join(as_text(c["element"].values[i]) or m for i in rows if i not in have)
            none = f" Without pairs (absent in {s} or {ref}, or no run finished): {none}." if none else ""
            if not have:
                out.append(f"<p>{esc(m)}: no pairs.{esc(none)}</p>\n")
                continue
            out.append(_img(_forest(c, s, m, have, ref, band, conf),
                            f"Forest plot of {m}: paired differences of {s} from {ref}",
                            f"{m} ({as_text(c['long_name'].values[rows[0]])}): paired differences of {s} from "
                            f"{ref}. Dot: median; thin bar: {band} of the differences; thick bar: the mean's "
                            f"{conf} interval.{none}"))
        out.append("</section>\n")
    if sweep_path is not None:
        out.append(_bands_section(c, sweep_path, variables, ref, band_elements))
    out.append("</body></html>\n")
    tmp = f"{out_html}.tmp.{os.getpid()}"  # never leave half a report under the real name
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("".join(out))
        os.replace(tmp, out_html)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise ReportError(f"cannot write {out_html}: {e.strerror or e}") from e
    return out_html


def main(argv: list[str] | None = None) -> int:
    """The command line (module docstring); returns the exit status."""
    ap = argparse.ArgumentParser(prog="python3 -m geosim.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("compare", help="the file `geosim compare` wrote")
    ap.add_argument("--sweep", default=None, help="the sweep file compared, for band plots of its time series")
    ap.add_argument("-o", "--output", default=None, help="HTML file (default: COMPARE with .html)")
    ap.add_argument("--top", type=int, default=15, help="outputs in each table of largest effects (default 15)")
    ap.add_argument("--variable", action="append", default=None, metavar="NAME",
                    help="a time series to draw bands of (repeatable; default: alignment)")
    args = ap.parse_args(argv)
    if args.top < 1:
        print("geosim.report: --top: expected a number >= 1", file=sys.stderr)
        return 2
    out = args.output or os.path.splitext(args.compare)[0] + ".html"
    try:
        write_report(args.compare, out, args.sweep, tuple(args.variable or ("alignment",)), args.top)
    except ReportError as e:
        print(f"geosim.report: {e}", file=sys.stderr)
        return 2
    except BandsError as e:
        print(f"geosim.report: {args.sweep}: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
