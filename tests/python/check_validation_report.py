#!/usr/bin/python3
"""The validation report (python3 -m geosim.validation, or its old script
tools/validation_report.py) on a synthetic posterior with known figures.

usage: check_validation_report.py geosim.validation|VALIDATION_REPORT.py WORKDIR

The test writes, in WORKDIR, a posterior file in the format of `geosim
calibrate` (docs/calibration.md): 2 parameters, 3 generations, 40 particles,
5 observations; a full-population check file lacking `model_median`; the
calibration file with the priors (a uniform on [0, 1] whose posterior is
deliberately narrow, a log-uniform on [1, 100] whose posterior is the prior)
and its observations table. It runs the tool and checks, against figures
computed here: the weighted median and 5%/95% quantiles, the identification
word and width, the coverage counts (fitted, held out, per operator, both
populations), the rows' formatting, --preamble, --check-up-to-date and exit 2
(also from a Python without xarray).
"""
import math
import os
import re
import subprocess
import sys

import numpy as np
import xarray as xr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
TOOLS = os.path.join(ROOT, "tools", "python")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"check_validation_report: FAIL: {what}", file=sys.stderr)


def weighted_quantile_by_hand(values, weights, q):
    """The smallest value whose cumulative weight (in value order) reaches q of the total."""
    pairs = sorted(zip(values, weights))
    total = sum(weights)
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= q * total:
            return v
    return pairs[-1][0]


P = 40
IDS = ["o_fit_covered", "o_fit_missed", "o_fit_unmeasured", "o_held_covered", "o_excluded"]


def synthetic(work):
    """Writes the posterior, the check, the calibration file and its table; returns the sample."""
    rng = np.random.default_rng(11)
    # a: narrow (a 0.05-wide band in [0, 1]); b: the prior itself (log-uniform on [1, 100]).
    a = 0.40 + 0.05 * rng.random(P)
    b = 10 ** (2 * (np.arange(P) + rng.random(P)) / P)
    # Skewed weights: the weighted median is far from the unweighted one.
    w = np.where(a > 0.43, 5.0, 1.0) * (0.5 + rng.random(P))
    w /= w.sum()
    gens = 3
    value = np.empty((gens, P, 2))
    unit = np.empty((gens, P, 2))
    weight = np.empty((gens, P))
    for g in range(gens):  # earlier generations: wider, equal weights
        spread = 1.0 / (g + 1)
        value[g, :, 0] = 0.425 + (a - 0.425) * (1 + 9 * spread * (g < gens - 1))
        value[g, :, 1] = b
        weight[g] = 1.0 / P
    value[-1, :, 0], weight[-1] = a, w
    unit[..., 0] = value[..., 0]
    unit[..., 1] = np.log(value[..., 1]) / np.log(100.0)
    obs = {
        "quantity": ["unfavourable_share", "unfavourable_share", "protest_count", "protest_count",
                     "trade_turnover"],
        "instrument": ["poll", "poll", "tracker", "tracker", "customs"],
        "state": ["KAZ", "KGZ", "REGION", "TJK", "UZB"],
        "partner": ["CHN", "CHN", "CHN", "CHN", "RUS"],
        "period": ["2019", "2019..2020", "2018-01..2020-08", "2023", "2021"],
        "observed_units": ["share", "share", "count", "count", "USD million"],
        "use": ["fitted", "fitted", "fitted", "held_out", "excluded"],
        "reason": ["", "", "", "", "a reprint of another row"],
        "operator": ["op_share", "op_share", "op_count", "op_count", ""],
    }
    num = {
        "observed": [0.3, 0.35, 98.0, 12.0, 5432.1],
        "observed_sd": [0.02, np.nan, np.nan, np.nan, np.nan],
        "error_sd": [0.03, 0.03, 0.7, 0.7, np.nan],
        "model_lo": [0.25, 0.05, np.nan, 3.2, np.nan],
        "model_median": [0.31, 0.12, np.nan, 8.0, np.nan],
        "model_hi": [0.36, 0.2, np.nan, 25.0, np.nan],
        "predictive_lo": [0.2466, 0.0, np.nan, 2.04, np.nan],
        "predictive_median": [0.31, 0.12, np.nan, 8.0, np.nan],
        "predictive_hi": [0.3712, 0.25, np.nan, 31.7, np.nan],
        "covered": [1, 0, np.nan, 1, np.nan],
    }
    ds = xr.Dataset(
        {
            "tolerance": ("generation", [3.0, 2.0, 1.25]),
            "acceptance": ("generation", [1.0, 0.5, 0.25]),
            "effective_sample_size": ("generation", [40.0, 40.0, 1 / float((w ** 2).sum())]),
            "simulations": ("generation", np.array([80, 40, 40], dtype=np.int64)),
            "failed": ("generation", np.array([0, 1, 0], dtype=np.int64)),
            "unit": (("generation", "particle", "parameter"), unit),
            "value": (("generation", "particle", "parameter"), value),
            "weight": (("generation", "particle"), weight),
            "distance": (("generation", "particle"), rng.random((gens, P))),
            "a": ("particle", a),
            "b": ("particle", b),
            "posterior_weight": ("particle", w),
            **{k: ("observation", np.array(v, dtype=object)) for k, v in obs.items()},
            **{k: ("observation", np.array(v, dtype=float)) for k, v in num.items()},
            "predicted": (("draw", "observation"), rng.random((4, 5))),
        },
        coords={"generation": np.arange(gens, dtype=np.int32),
                "parameter": np.array(["a", "b"], dtype=object),
                "observation": np.array(IDS, dtype=object)},
        attrs={"title": "geosim calibration synthetic", "git_commit": "abc123def456", "geosim_version": "0.1.0",
               "calibration_file": "/elsewhere/synthetic.yaml", "stop_reason": "max_generations",
               "held_out_from": 2022, "particles": 80, "keep": 0.5, "min_acceptance": 0.02,
               "total_simulations": 160, "predictive_draws": 4, "predictive_failed": 0, "seed": 5,
               "seconds": 12.5, "method": "ABC (synthetic)"},
    )
    post = os.path.join(work, "post.h5")
    ds.to_netcdf(post)
    # The check at the full population: o_fit_missed and o_fit_unmeasured covered, the held-out row missed.
    chk = ds[list(obs) + [k for k in num if k != "model_median"]].copy(deep=True)
    chk["covered"].values[:] = [1, 1, 1, 0, np.nan]
    chk["predictive_lo"].values[2], chk["predictive_hi"].values[2] = 40.0, 150.0
    chk.attrs = {"title": "geosim calibration check synthetic", "git_commit": "abc123def456"}
    check_path = os.path.join(work, "check.h5")
    chk.to_netcdf(check_path)
    table = os.path.join(work, "obs.csv")
    with open(table, "w", encoding="utf-8") as f:
        f.write("id,quantity,instrument,state,partner,period,value,sd,lower,upper,unit,source,publisher,"
                "source_year,url,note\n")
        lowers = {"o_fit_unmeasured": "40"}
        for i, oid in enumerate(IDS):
            f.write(f"{oid},{obs['quantity'][i]},{obs['instrument'][i]},{obs['state'][i]},{obs['partner'][i]},"
                    f"{obs['period'][i]},{num['observed'][i]},,{lowers.get(oid, '')},,{obs['observed_units'][i]},"
                    "s,p,2020,,\n")
    calib = os.path.join(work, "synthetic.yaml")
    with open(calib, "w", encoding="utf-8") as f:
        f.write("name: synthetic\nseed: 5\nparameters:\n  a: {range: [0, 1]}\n"
                "  b: {range: [1, 100], scale: log}\nobservations:\n  file: obs.csv\n  held_out_from: 2022\n"
                "abc:\n  particles: 80\n")
    return post, check_path, calib, a, b, w


def command(tool):
    """How to start the tool: a script by its path, the package with -m (PYTHONPATH at tools/python)."""
    return [sys.executable, tool] if tool.endswith(".py") else [sys.executable, "-m", tool]


def run(tool, *args, python_args=()):
    env = dict(os.environ, PYTHONPATH=TOOLS, PYTHONDONTWRITEBYTECODE="1")  # no __pycache__ in the source tree
    cmd = command(tool)
    return subprocess.run([cmd[0], *python_args, *cmd[1:], *args], capture_output=True, text=True, env=env)


def table_row(text, first_cell):
    """The cells of the Markdown table row whose first cell is `first_cell`."""
    for line in text.splitlines():
        if line.startswith("| "):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if cells[0] == first_cell:
                return cells
    return None


def numbers(cell):
    return [float(x.replace(",", "")) for x in re.findall(r"-?[\d,]*\.?\d+", cell)]


def close(shown, exact, sig=3):
    """`shown` is `exact` to `sig` significant figures."""
    return abs(shown - exact) <= 0.5 * 10 ** (math.floor(math.log10(abs(exact))) - sig + 1) * 1.0001


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tool, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    post, check_path, calib, a, b, w = synthetic(work)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, TOOLS)
    import geosim.validation as vr

    # The figures by hand.
    a05, a50, a95 = (weighted_quantile_by_hand(a, w, q) for q in (0.05, 0.5, 0.95))
    b05, b50, b95 = (weighted_quantile_by_hand(b, w, q) for q in (0.05, 0.5, 0.95))
    check(abs(a50 - np.median(a)) > 0.005, "the synthetic weights do not move the median (test too weak)")
    ratio_a = (a95 - a05) / 0.9
    ratio_b = (math.log(b95) - math.log(b05)) / (0.9 * math.log(100.0))
    check(ratio_a < 0.5 and ratio_b >= 0.8, f"synthetic posterior not as designed: {ratio_a}, {ratio_b}")
    got = vr.weighted_quantile(a, w, [0.05, 0.5, 0.95])
    check(list(got) == [a05, a50, a95], f"weighted_quantile(a) {list(got)} != {[a05, a50, a95]}")
    for r, word in ((0.49, "identified"), (0.5, "weakly"), (0.79, "weakly"), (0.8, "not identified"),
                    (1.2, "not identified"), (math.nan, "—")):
        check(vr.identification(r) == word, f"identification({r}) is {vr.identification(r)!r}, not {word!r}")

    # The report with everything.
    pre = os.path.join(work, "preamble.md")
    with open(pre, "w", encoding="utf-8") as f:
        f.write("## What informed the mechanisms\n\nHAND-WRITTEN PROSE\n")
    out = os.path.join(work, "validation.md")
    r = run(tool, post, "--check", check_path, "--calibration", calib, "--preamble", pre, "-o", out)
    check(r.returncode == 0, f"the tool failed ({r.returncode}): {r.stderr.strip()}")
    text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    check(not re.search(r"\bnan\b|\binf\b", text, re.I), "NaN or inf printed as a number")

    # Header and preamble.
    check("abc123def456" in text and "- seed: 5" in text and "- simulations: 160" in text,
          "provenance (git commit, seed, simulations) missing")
    check("- generations: 3 " in text and "- final tolerance: 1.25" in text, "generations or final tolerance missing")
    ess = 1 / float((w ** 2).sum())
    m = re.search(r"- final effective sample size: ([\d.]+)", text)
    check(m is not None and close(float(m.group(1)), ess), f"final ESS not {ess:.3g}")
    check(re.search(r"geosim calibrate \S*synthetic\.yaml -o \S*post\.h5\n", text) is not None,
          "the reproducing command is missing")
    check("Warning" not in text, "a warning although the calibration file matches the posterior")
    i_pre, i_cov, i_head = text.find("HAND-WRITTEN PROSE"), text.find("## Coverage"), text.find("**Posterior**")
    check(0 <= i_head < i_pre < i_cov, "the preamble is not between the header and the coverage")
    check("the check file has no `model_median`" in text, "the missing model_median is not reported")

    # Coverage: posterior fitted 3 rows, 2 measured, 1 covered; held out 1/1/1. Check: 3/3/3 and 1/1/0.
    rows = [line for line in text.splitlines() if line.startswith("| fitted |") or line.startswith("| held out |")]
    want = ["| fitted | full population | 3 | 3 | 3 | 1.00 |", "| held out | full population | 1 | 1 | 0 | 0.00 |",
            "| fitted | calibration population | 3 | 2 | 1 | 0.50 |",
            "| held out | calibration population | 1 | 1 | 1 | 1.00 |"]
    check(rows == want, f"coverage rows {rows} != {want}")
    op = table_row(text, "`op_share`")
    check(op == ["`op_share`", "2 / 2", "—", "1 / 2", "—"], f"op_share coverage {op}")
    op = table_row(text, "`op_count`")
    check(op == ["`op_count`", "1 / 1", "0 / 1", "0 / 0 (1 not measured)", "1 / 1"], f"op_count coverage {op}")

    # Parameters.
    ra, rb = table_row(text, "`a`"), table_row(text, "`b`")
    check(ra is not None and rb is not None, "no parameter rows")
    if ra and rb:
        check(ra[1] == "[0, 1]" and rb[1] == "[1, 100] log", f"prior ranges {ra[1]!r}, {rb[1]!r}")
        check(close(numbers(ra[2])[0], a50) and close(numbers(rb[2])[0], b50),
              f"medians {ra[2]}, {rb[2]} not {a50:.3g}, {b50:.3g}")
        lo, hi = numbers(ra[3])
        check(close(lo, a05) and close(hi, a95), f"a's interval {ra[3]} not {a05:.3g} to {a95:.3g}")
        lo, hi = numbers(rb[3])
        check(close(lo, b05) and close(hi, b95), f"b's interval {rb[3]} not {b05:.3g} to {b95:.3g}")
        check(abs(float(ra[4]) - ratio_a) <= 0.005 and abs(float(rb[4]) - ratio_b) <= 0.005,
              f"widths {ra[4]}, {rb[4]} not {ratio_a:.2f}, {ratio_b:.2f}")
        check(ra[5] == "identified" and rb[5] == "not identified", f"identification {ra[5]!r}, {rb[5]!r}")

    # Observations: the check's figures first, the posterior's after; bounds from the table.
    o1, o2, o3 = (table_row(text, f"`{i}`") for i in IDS[:3])
    check(o1 is not None and o1[6] == "0.30 ± 0.02" and o1[7] == "—" and o1[8] == "0.25 to 0.37"
          and o1[9] == "yes", f"o_fit_covered row {o1}")
    check(o2 is not None and o2[9] == "yes" and o2[11] == "**no**", f"o_fit_missed row {o2}")
    check(o3 is not None and o3[6] == "98 (> 40)" and o3[8] == "40 to 150" and o3[9] == "yes"
          and o3[10] == "—" and o3[11] == "not measured", f"o_fit_unmeasured row {o3}")
    check("- `o_excluded`: a reprint of another row" in text, "the excluded row and its reason are missing")

    # Without the calibration file: the design coordinates give the same widths (uniform priors).
    r = run(tool, post)
    check(r.returncode == 0, f"the tool without --calibration failed: {r.stderr.strip()}")
    rb2 = table_row(r.stdout, "`b`")
    check(rb2 is not None and rb2[1] == "not recorded" and abs(float(rb2[4]) - ratio_b) <= 0.005
          and rb2[5] == "not identified", f"b without priors: {rb2}")
    check("full population" not in r.stdout, "a check file's rows without --check")

    # --check-up-to-date, and exit 2 on a missing file.
    args = [post, "--check", check_path, "--calibration", calib, "--preamble", pre]
    r = run(tool, *args, "--check-up-to-date", out)
    check(r.returncode == 0, f"--check-up-to-date on a fresh file: {r.returncode} {r.stderr.strip()}")
    with open(out, "a", encoding="utf-8") as f:
        f.write("edited by hand\n")
    r = run(tool, *args, "--check-up-to-date", out)
    check(r.returncode == 1 and "edited by hand" in r.stderr, f"--check-up-to-date on an edited file: {r.returncode}")
    r = run(tool, os.path.join(work, "absent.h5"))
    check(r.returncode == 2 and "absent.h5" in r.stderr, f"a missing posterior: exit {r.returncode}")
    # -S: without site-packages, so numpy and xarray are missing: one line that says what to do, exit 2.
    r = run(tool, post, python_args=["-S"])
    check(r.returncode == 2 and "Traceback" not in r.stderr and "/usr/bin/python3" in r.stderr
          and "xarray" in r.stderr, f"a Python without xarray: exit {r.returncode}, {r.stderr!r}")

    if failures:
        print(f"check_validation_report: {len(failures)} failures", file=sys.stderr)
        return 1
    print("check_validation_report: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
