#!/usr/bin/python3
"""geosim.bands and geosim.report (tools/python): band numbers against numpy,
clear errors, and an HTML report that headless Chromium renders.

usage: check_report.py WORKDIR [GEOSIM [CROSSED.yaml]]

GEOSIM (default build/release/geosim) runs tests/data/sweeps/crossed.yaml, a
real crossed experiment with an `alignment` series. Beside it the test builds
a synthetic sweep (3 scenarios, a failed run, an element absent in one
scenario) and a synthetic `geosim compare` file (2 scenarios, 6 outputs with
known numbers, one without pairs). Chromium must be installed (Debian:
apt-get install chromium); without it the test fails, it does not skip.
"""
import base64
import html
import io
import os
import re
import shutil
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
TOOLS = os.path.join(ROOT, "tools", "python")
sys.path.insert(0, TOOLS)
from geosim.bands import BandsError, bands  # noqa: E402
from geosim.report import write_report  # noqa: E402

PY = sys.executable
ENV = dict(os.environ, PYTHONPATH=TOOLS)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"check_report: FAIL: {what}", file=sys.stderr)


def synthetic_sweep(path):
    """A crossed-experiment results file in the sweep format (docs/sweeps.md):
    3 scenarios x 3 points x 4 replicates, alignment(run, time, power, target).
    Run 17 (sanctions) failed but holds a huge finite value, so only its
    run_status can keep it out; CHN is absent in soft_push (NaN)."""
    S, P, R, T = 3, 3, 4, 6
    rng = np.random.default_rng(7)
    runs = np.arange(S * P * R)
    values = rng.normal(0.4, 0.1, size=(S * P * R, T, 2, 2)) + np.linspace(0, 0.2, T)[None, :, None, None]
    values[runs // (P * R) == 2, :, 1, :] = np.nan
    status = np.zeros(S * P * R, dtype=np.int8)
    status[17] = 2
    values[17] = 100.0
    ds = xr.Dataset(
        {"alignment": (("run", "time", "power", "target"), values,
                       {"units": "1", "long_name": "government alignment"}),
         "run_status": ("run", status), "parameter_value": (("run", "parameter"), (runs // R % P)[:, None] * 0.1),
         "scenario_file": ("scenario", ["b.yaml", "s.yaml", "p.yaml"])},
        coords={"run": runs, "point": ("run", runs // R % P), "replicate": ("run", (runs % R).astype(np.int32)),
                "scenario_index": ("run", runs // (P * R)), "scenario": ["baseline", "sanctions", "soft_push"],
                "parameter": ["campaigns.threshold"], "power": ["RUS", "CHN"], "target": ["KAZ", "KGZ"],
                "time": np.array(["2013-09-01", "2013-10-01", "2013-11-01", "2013-12-01", "2014-01-01",
                                  "2014-02-01"], dtype="datetime64[ns]")},
        attrs={"sweep_id": "synthetic-1", "sweep_name": "synthetic", "points": P, "replicates": R})
    ds.to_netcdf(path, engine="netcdf4")
    return path


# The synthetic compare file: per scenario (mean, sd) of each output; NaN: no pairs.
OUTPUTS = [("final_alignment", "power=RUS, target=KAZ"), ("final_alignment", "power=RUS, target=KGZ"),
           ("final_alignment", "power=CHN, target=KAZ"), ("total_campaigns", "power=CHN, target=KGZ"),
           ("total_campaigns", "power=USA, target=KAZ"), ("kgz_campaigns_2019_2020", "")]
MEAN_SD = {"sanctions": [(-0.08, 0.02), (0.01, 0.05), (0.05, 0.025), (1.5, 0.5), (np.nan, np.nan), (-2.0, 4.0)],
           "soft_push": [(0.02, 0.04), (-0.03, 0.01), (0.0, 0.0), (2.0, 0.0), (0.5, 1.0), (1.0, 2.0)]}
# |mean| / sd, largest first, NaN last, ties in file order (soft_push: inf, 3, .5, .5, .5, NaN);
# sanctions' output 4 has no pairs: not in its table.
EXPECTED_ORDER = {"sanctions": [0, 3, 2, 5, 1], "soft_push": [3, 1, 0, 4, 5, 2]}
LONG_NAME = {"final_alignment": "alignment at the end", "total_campaigns": "campaigns <started> & counted",
             "kgz_campaigns_2019_2020": "KGZ campaigns 2019-2020"}


def synthetic_compare(path, sweep_id="synthetic-1"):
    labels = [m + (f"[{e}]" if e else "") for m, e in OUTPUTS]
    mean = np.array([[m for m, _ in MEAN_SD[s]] for s in MEAN_SD])
    sd = np.array([[d for _, d in MEAN_SD[s]] for s in MEAN_SD])
    pairs = np.where(np.isnan(mean), 0, 12).astype(np.int32)
    share = np.where(np.isnan(mean), np.nan, np.clip(0.5 + mean / 10, 0, 1))
    f = {"_FillValue": np.nan}
    v = {"mean_difference": mean, "mean_lo": mean - 0.6 * sd, "mean_hi": mean + 0.6 * sd,
         "median_difference": mean + 0.1 * sd, "difference_lo": mean - 1.6 * sd, "difference_hi": mean + 1.6 * sd,
         "sd_difference": sd, "share_positive": share, "reference_mean": np.full_like(mean, 0.4),
         "scenario_mean": 0.4 + mean}
    c = xr.Dataset({k: (("scenario", "output"), x) for k, x in v.items()},
                   coords={"scenario": list(MEAN_SD), "output": labels})
    c["pairs"] = (("scenario", "output"), pairs)
    for name, values in (("metric", [m for m, _ in OUTPUTS]), ("element", [e for _, e in OUTPUTS]),
                         ("long_name", [LONG_NAME[m] for m, _ in OUTPUTS])):
        c[name] = ("output", np.array(values, dtype=object))
    c.attrs = {"Conventions": "CF-1.8", "title": "geosim comparison", "geosim_version": "0.1.0",
               "reference": "baseline", "source": "synthetic.h5", "sweep_id": sweep_id, "confidence": 0.95,
               "coverage": 0.9, "points": 3, "replicates": 4, "pairs_rule": "run j with run j of the reference"}
    c.to_netcdf(path, engine="netcdf4", encoding={k: f for k in v})
    return path


def numpy_bands(ds, sel, reference=None):
    """The same quantiles straight from the file's runs (no xarray reshaping)."""
    x = ds["alignment"].sel(sel).values  # run, time
    ok = ds["run_status"].values == 0
    sc, pt, rp = ds["scenario_index"].values, ds["point"].values, ds["replicate"].values
    out = {}
    for k, name in enumerate(ds["scenario"].values):
        rows = np.flatnonzero((sc == k) & ok)
        if reference is None:
            vals = x[rows]
        else:
            if name == reference:
                continue
            r = list(ds["scenario"].values).index(reference)
            ref = {(pt[j], rp[j]): j for j in np.flatnonzero((sc == r) & ok)}
            vals = np.array([x[j] - x[ref[(pt[j], rp[j])]] for j in rows if (pt[j], rp[j]) in ref])
        with np.errstate(invalid="ignore"), np.testing.suppress_warnings() as sup:
            sup.filter(RuntimeWarning)
            out[str(name)] = (np.nanquantile(vals, [0.05, 0.5, 0.95], axis=0),
                              int(np.isfinite(vals).any(axis=1).sum()))
    return out


def check_bands(path, elements, reference):
    with xr.open_dataset(path) as ds:
        for sel in elements:
            for ref in (None, reference):
                b = bands(ds, "alignment", sel, difference_from=ref)
                want = numpy_bands(ds, sel, ref)
                check(list(b["scenario"].values) == list(want), f"{path} {sel} {ref}: scenarios")
                for s, (q, n) in want.items():
                    got = b["alignment"].sel(scenario=s).values
                    check(np.allclose(got, q, equal_nan=True, rtol=0, atol=1e-12), f"{path} {sel} {ref} {s}: quantiles")
                    check(int(b["runs"].sel(scenario=s)) == n, f"{path} {sel} {ref} {s}: runs {n}")
        return ds


def check_errors(sweep):
    with xr.open_dataset(sweep) as ds:
        for args, texts in ((("budget", {}), ["no time series 'budget'", "it has: alignment"]),
                            (("alignment", {"power": "XX", "target": "KAZ"}), ["no power 'XX'", "RUS, CHN"]),
                            (("alignment", {"power": "RUS"}), ["select one target", "KAZ, KGZ"])):
            try:
                bands(ds, *args)
                check(False, f"bands{args}: no error")
            except BandsError as e:
                check(all(t in str(e) for t in texts), f"bands{args}: message {e!s}")
    for mod, args in (("geosim.bands", [sweep, "--variable", "budget"]),
                      ("geosim.bands", [sweep, "--select", "power=RUS", "target=XX"]),
                      ("geosim.report", [sweep + ".none"]), ("geosim.report", [sweep])):
        r = subprocess.run([PY, "-m", mod, *args], capture_output=True, text=True, env=ENV)
        check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith(mod),
              f"{mod} {args}: exit {r.returncode}, stderr {r.stderr!r}")
    # A Python without xarray: one line naming it and the Python to use, exit 2.
    for mod in ("geosim.bands", "geosim.report"):
        code = f"import sys, runpy; sys.modules['xarray'] = None; runpy.run_module('{mod}', run_name='__main__')"
        r = subprocess.run([PY, "-c", code, "x.h5"], capture_output=True, text=True, env=ENV)
        check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "missing: xarray" in r.stderr
              and "/usr/bin/python3" in r.stderr, f"{mod} without xarray: exit {r.returncode}, {r.stderr!r}")


def png_ok(data, what, min_size=(100, 200)):
    img = mpimg.imread(io.BytesIO(data), format="png")
    h, w = img.shape[:2]
    rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    ink = float((rgb.min(axis=1) < 200).mean())
    check(h >= min_size[0] and w >= min_size[1] and ink > 0.005 and len(np.unique(rgb, axis=0)) > 8,
          f"{what}: {w}x{h}, {ink:.2%} ink: blank or tiny")


def check_html(path, expect_images, top=15):
    """The report's own text: sections, ranking, escaping; every image decodes."""
    text = open(path, encoding="utf-8").read()
    check("<script" not in text and "http://" not in text and "https://" not in text, "external resources or JS")
    check(text.count("paired differences from baseline") >= 3, "says 'paired differences from baseline'")
    for k, s in enumerate(MEAN_SD):
        m = re.search(rf'<section class="scenario" id="scenario-{k}".*?</section>', text, re.S)
        check(m is not None, f"section of {s}")
        if m is None:
            continue
        sec = m.group(0)
        check(f"<h2>{s}: paired differences from baseline</h2>" in sec, f"{s}: heading")
        rows = re.findall(r"<tr[^>]*><td><code>(.*?)</code>", sec)
        want = [html.escape(OUTPUTS[i][0] + (f"[{OUTPUTS[i][1]}]" if OUTPUTS[i][1] else ""))
                for i in EXPECTED_ORDER[s]][:top]
        check(rows == want, f"{s}: table order {rows} != {want}")
        check(("Without pairs (absent in sanctions or baseline, or no run finished): power=USA, target=KAZ."
               in sec) == (s == "sanctions"), f"{s}: elements without pairs listed under the forest plot")
    mean, sd = MEAN_SD["sanctions"][0]
    check(f"<td>{mean:.4g} [{mean - 0.6 * sd:.4g}, {mean + 0.6 * sd:.4g}]</td>" in text, "sanctions: mean [CI] cell")
    check("campaigns &lt;started&gt; &amp; counted" in text and "<started>" not in text, "long_name escaped")
    images = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    check(len(images) == expect_images, f"{len(images)} embedded images, expected {expect_images}")
    for alt, data in images:
        png_ok(base64.b64decode(data), f"image {alt!r}")
    return text, images


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("check_report: FAIL: chromium is not installed (Debian: apt-get install chromium, or "
                 "tools/install-deps.sh); the report's rendering cannot be checked")
    return exe


def run_chromium(exe, work, *args):
    """Headless Chromium; the new headless mode first, the old one if this build lacks it."""
    profile = os.path.join(work, "chromium-profile")  # never the user's own profile
    common = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
              "--allow-file-access-from-files", f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
    r = None
    for mode in ("--headless=new", "--headless"):
        r = subprocess.run([exe, mode, *common, *args], capture_output=True, text=True, timeout=180)
        if r.returncode == 0 and (r.stdout.strip() or not any(a.startswith("--dump-dom") for a in args)):
            return r.stdout
    check(False, f"chromium {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[-400:]}")
    return ""


def check_in_chromium(exe, work, report, expect_images):
    url = "file://" + os.path.abspath(report)
    dom = run_chromium(exe, work, "--dump-dom", url)
    check(len(re.findall(r"<img\b", dom)) == expect_images, f"DOM has {len(re.findall(r'<img', dom))} <img>")
    for k, s in enumerate(MEAN_SD):
        check(f'id="scenario-{k}"' in dom and f"{s}: paired differences from baseline" in dom, f"DOM: {s}")
    # Chromium's own decoding: a page frames the report and writes what it sees of the images.
    probe = os.path.join(work, "probe.html")
    with open(probe, "w") as f:
        f.write(f"""<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="f" src="{html.escape(url)}" width="1200" height="800"></iframe><script>
document.getElementById("f").onload = function () {{
  var imgs = this.contentDocument.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 100) ok++;
  document.getElementById("result").textContent = "images=" + imgs.length + " decoded=" + ok;
}};</script></body></html>""")
    dom = run_chromium(exe, work, "--dump-dom", "file://" + probe)
    want = f"images={expect_images} decoded={expect_images}"
    check(want in dom, f"Chromium decodes the images: {re.findall(r'images=[0-9]+ decoded=[0-9]+|pending', dom)}"
                       f", expected {want}")
    shot = os.path.join(work, "report_screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    run_chromium(exe, work, f"--screenshot={shot}", "--window-size=1280,2000", url)
    check(os.path.exists(shot), "no screenshot written")
    if os.path.exists(shot):
        with open(shot, "rb") as f:
            png_ok(f.read(), "screenshot", min_size=(1000, 1000))


def main():
    if len(sys.argv) not in (2, 3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    work = os.path.abspath(sys.argv[1])
    geosim = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build", "release", "geosim")
    crossed_yaml = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "tests", "data", "sweeps", "crossed.yaml")
    os.makedirs(work, exist_ok=True)
    exe = chromium()  # first: a missing browser is the likeliest failure, say it at once

    # Bands on the engine's own crossed experiment and on the synthetic sweep.
    crossed = os.path.join(work, "crossed.h5")
    for f in (crossed, crossed + ".journal"):
        if os.path.exists(f):
            os.remove(f)
    subprocess.run([geosim, "sweep", crossed_yaml, "-o", crossed, "--quiet"], check=True)
    check_bands(crossed, [{"power": p, "target": t} for p in ("RUS", "CHN", "USA") for t in ("KAZ", "UZB")],
                "minimal")
    sweep = synthetic_sweep(os.path.join(work, "synthetic.h5"))
    check_bands(sweep, [{"power": p, "target": t} for p in ("RUS", "CHN") for t in ("KAZ", "KGZ")], "baseline")
    with xr.open_dataset(sweep) as ds:
        b = bands(ds, "alignment", {"power": "RUS", "target": "KAZ"})
        check(int(b["runs"].sel(scenario="sanctions")) == 11 and float(b["alignment"].max()) < 10,
              "the failed run (run_status 2) is left out")
        b = bands(ds, "alignment", {"power": "CHN", "target": "KAZ"})
        check(int(b["runs"].sel(scenario="soft_push")) == 0 and b["alignment"].sel(scenario="soft_push").isnull().all(),
              "an absent element has no runs and NaN quantiles")
    png = os.path.join(work, "bands.png")
    r = subprocess.run([PY, "-m", "geosim.bands", crossed, "--variable", "alignment", "--select", "power=CHN",
                        "target=KAZ", "--difference-from", "minimal", "-o", png],
                       capture_output=True, text=True, env=ENV)
    check(r.returncode == 0 and os.path.exists(png), f"bands CLI: exit {r.returncode} {r.stderr!r}")
    if os.path.exists(png):
        with open(png, "rb") as f:
            png_ok(f.read(), "bands CLI PNG")
    check_errors(sweep)

    # The report: 3 metrics x 2 scenarios forest plots + 4 band figures (the
    # 4 alignment elements); `budget` is not a series of the sweep file.
    compare = synthetic_compare(os.path.join(work, "synthetic.compare.h5"))
    report = write_report(compare, os.path.join(work, "report.html"), sweep, variables=("alignment", "budget"))
    text, images = check_html(report, expect_images=10)
    check("No time series <code>budget</code>" in text and "class=\"warning\"" not in text, "bands section notes")
    # Band figures: largest final_alignment effect first (RUS/KAZ 4, RUS/KGZ 3, CHN/KAZ 2, CHN/KGZ none).
    order = [re.search(r"\((power=\w+, target=\w+)\)", alt).group(1)
             for alt, _ in images if alt.startswith("alignment")]
    check(order == ["power=RUS, target=KAZ", "power=RUS, target=KGZ", "power=CHN, target=KAZ",
                    "power=CHN, target=KGZ"], f"band figures in order of effect: {order}")
    check_in_chromium(exe, work, report, 10)

    # The CLI: --top, no sweep (forest plots only); a sweep of another experiment is flagged.
    out = os.path.join(work, "report_top3.html")
    r = subprocess.run([PY, "-m", "geosim.report", compare, "-o", out, "--top", "3"], capture_output=True,
                       text=True, env=ENV)
    check(r.returncode == 0, f"report CLI: exit {r.returncode} {r.stderr!r}")
    if r.returncode == 0:
        check_html(out, expect_images=6, top=3)
    other = write_report(synthetic_compare(os.path.join(work, "other.compare.h5"), sweep_id="another"),
                         os.path.join(work, "other.html"), sweep)
    check('class="warning"' in open(other, encoding="utf-8").read(), "a foreign sweep file is flagged")

    if failures:
        print(f"check_report: {len(failures)} failures", file=sys.stderr)
        return 1
    print("check_report: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
