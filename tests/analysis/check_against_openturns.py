#!/usr/bin/python3
"""geosim analyse against OpenTURNS: the same Saltelli sweep's indices.

Runs a saltelli sweep of the named-actions fixture (3 parameters, N = 256),
analyses it with `geosim analyse`, and recomputes every output's indices
with OpenTURNS 1.20 (Debian's python3-openturns) from the same runs: the
first-order index with MauntzKucherenkoSensitivityAlgorithm (the Saltelli
2010 form, centred) and the total index with JansenSensitivityAlgorithm.
The two libraries normalise by slightly different variance estimates, so
they agree to statistical precision, not to the last digit: every index
within 0.01. Prints the largest differences.

usage: check_against_openturns.py GEOSIM DATA_DIR WORK_DIR
"""
import pathlib
import subprocess
import sys

try:
    import numpy as np
    import openturns as ot
    import xarray as xr
except ImportError as e:
    sys.exit(f"check_against_openturns.py: needs Debian's numpy, xarray and python3-openturns "
             f"(tools/install-deps.sh): {e}")

TOLERANCE = 0.01


def main() -> int:
    geosim, data, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    sweep = work / "ot.yaml"
    sweep.write_text(
        f"base: {data / 'named_actions.yaml'}\n"
        "parameters:\n"
        "  events.sanctions.actions[rus_economy].scale_budget.factor: {range: [0.3, 1.0]}\n"
        "  powers.CHN.valence.economic: {range: [-0.5, 0.2]}\n"
        "  targets.KAZ.opinion_sensitivity: {range: [0, 0.5]}\n"
        "design: saltelli\nsamples: 256\nseed: 3\ncommon_random_numbers: true\n"
        "metrics: [final_alignment, final_attitude_mean]\n")
    results, report = work / "ot.h5", work / "ot.sensitivity.h5"
    for f in (results, report, pathlib.Path(str(results) + ".journal")):
        f.unlink(missing_ok=True)
    subprocess.run([geosim, "sweep", str(sweep), "-o", str(results), "-j", "2", "--quiet"], check=True)
    subprocess.run([geosim, "analyse", str(results), "-o", str(report), "--quiet", "--resamples", "0"],
                   check=True)

    ds, rep = xr.open_dataset(results), xr.open_dataset(report)
    k = ds.sizes["parameter"]
    n = ds.sizes["run"] // (k + 2)
    units = ds.design_unit.values.reshape(n, k + 2, k)
    # OpenTURNS' pick-freeze layout: A, B, then E_i = A with column i from B (our AB_i).
    x = np.concatenate([units[:, 0], units[:, k + 1]] + [units[:, 1 + i] for i in range(k)])
    worst_first = worst_total = 0.0
    checked = 0
    seen = {}  # outputs of each metric so far: the element's index in the metric's flattened dims
    for o, (label, metric) in enumerate(zip(rep.output.values, rep.output_metric.values)):
        metric = str(metric)
        element = seen.get(metric, 0)
        seen[metric] = element + 1
        y = ds[metric].values.reshape(ds.sizes["run"], -1)[:, element].reshape(n, k + 2)
        yy = np.concatenate([y[:, 0], y[:, k + 1]] + [y[:, 1 + i] for i in range(k)])[:, None]
        if np.var(yy) == 0:
            continue
        first = np.array(ot.MauntzKucherenkoSensitivityAlgorithm(ot.Sample(x), ot.Sample(yy), n)
                         .getFirstOrderIndices())
        total = np.array(ot.JansenSensitivityAlgorithm(ot.Sample(x), ot.Sample(yy), n).getTotalOrderIndices())
        df = np.abs(first - rep.first_order.values[o]).max()
        dt = np.abs(total - rep.total_order.values[o]).max()
        worst_first, worst_total = max(worst_first, df), max(worst_total, dt)
        checked += 1
        if df > TOLERANCE or dt > TOLERANCE:
            print(f"{label}: geosim S {rep.first_order.values[o]} ST {rep.total_order.values[o]}; "
                  f"OpenTURNS S {first} ST {total}", file=sys.stderr)
            return 1
    if checked < 4:
        print(f"only {checked} outputs vary; expected at least 4", file=sys.stderr)
        return 1
    print(f"{checked} outputs x {k} parameters, N = {n}: largest difference from OpenTURNS "
          f"{worst_first:.5f} (first order, MauntzKucherenko), {worst_total:.5f} (total, Jansen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
