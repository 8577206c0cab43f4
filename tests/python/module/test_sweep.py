"""geosim.sweep and geosim.evaluate (tools/python/geosim/sweeping.py) against
the command line and against runs one by one: the same sweep gives the same
results at any job count, a design from a DataFrame gives each point's own
run, and an interrupted sweep resumes from its journal."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml

import geosim
from geosim.sweeps import tidy
from conftest import MINIMAL, assert_identical, open_file, run_cli

# 8 x 8 grid points, one replicate: 64 runs.
GRID = {
    "name": "grid64",
    "base": str(MINIMAL),
    "parameters": {
        "powers.CHN.budget.soft": {"range": [0.5, 2.5], "levels": 8},
        "powers.RUS.budget.security": {"range": [1.0, 3.0], "levels": 8},
    },
    "seed": 11,
    "time_series": ["alignment"],
}
# Attributes naming where the sweep came from (a file or a dict).
SOURCE = ("sweep_file",)
# Attributes geosim.sweep adds: runs that failed, and runs a resume took from the journal.
COUNTS = ("runs_failed", "runs_recovered")


def without(ds, names):
    out = ds.copy()
    for name in names:
        out.attrs.pop(name, None)
    return out


def test_a_64_run_sweep_equals_the_cli_sweep(cli, tmp_path):
    spec = tmp_path / "grid.yaml"
    spec.write_text(yaml.safe_dump(GRID, sort_keys=False))
    out = tmp_path / "cli.h5"
    done = run_cli(cli, "sweep", str(spec), "-o", str(out), "-j", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    reference = tidy(open_file(out))
    assert reference.sizes["point"] == 64 and reference.sizes["replicate"] == 1

    from_file = geosim.sweep(spec, jobs=1, output=tmp_path / "python.h5")
    assert_identical(without(from_file, COUNTS), reference)
    assert not (tmp_path / "python.h5.journal").exists()

    from_dict = geosim.sweep(GRID, jobs=2)
    assert_identical(without(from_dict, [*COUNTS, *SOURCE]), without(reference, SOURCE))
    assert int(from_dict.attrs["runs_failed"]) == 0
    # Parameters are named variables over point.
    assert from_dict["powers.CHN.budget.soft"].dims == ("point",)
    assert from_dict.alignment.dims[:2] == ("point", "replicate")


DESIGN = pd.DataFrame({"powers.CHN.budget.soft": [0.5, 1.25, 2.0, 2.75, 0.8],
                       "powers.RUS.budget.security": [1.0, 1.5, 2.5, 3.0, 2.2]})


def test_a_design_from_a_dataframe_equals_its_points_run_one_by_one():
    ds = geosim.evaluate(MINIMAL, DESIGN, replicates=2, seed=4, jobs=2, time_series=["alignment"])
    assert ds.sizes["point"] == len(DESIGN) and ds.sizes["replicate"] == 2
    for column in DESIGN.columns:
        np.testing.assert_array_equal(ds[column].values, DESIGN[column].values)
    for point, row in DESIGN.iterrows():
        for replicate in range(2):
            seed = int(ds.seed.values[point, replicate])
            alone = geosim.run(MINIMAL, set=dict(row), seed=seed)
            np.testing.assert_array_equal(ds.alignment.values[point, replicate], alone.alignment.values)
            np.testing.assert_array_equal(ds.final_alignment.values[point, replicate],
                                          alone.alignment.values[-1])
    # Each call writes its table in its own temporary folder, which the sweep's identity names.
    identity = ["sweep_id", "sweep_identity"]
    assert_identical(without(ds, identity), without(geosim.evaluate(MINIMAL, DESIGN, replicates=2, seed=4, jobs=1,
                                                                    time_series=["alignment"]), identity))


def test_a_design_keeps_the_scenario_overrides_as_written():
    # Strings that read as other things unquoted, and a number.
    scenario = geosim.load(MINIMAL, set={"description": "on: 010", "name": "010", "targets.KAZ.citizens": 400,
                                         "surveys.pew": {"favourable_above": 0.1, "unfavourable_below": -0.1}})
    ds = geosim.evaluate(scenario, DESIGN.head(2), seed=5, jobs=1, time_series=["alignment"])
    overrides = str(ds.overrides.values[0, 0])
    assert 'description="on: 010"' in overrides and 'name="010"' in overrides, overrides
    assert 'surveys.pew={"favourable_above": 0.1, "unfavourable_below": -0.1}' in overrides, overrides
    for point, row in DESIGN.head(2).iterrows():
        alone = geosim.run(scenario, set=dict(row), seed=int(ds.seed.values[point, 0]))
        np.testing.assert_array_equal(ds.alignment.values[point, 0], alone.alignment.values)


def test_a_design_takes_a_scenario_whose_overrides_repeat_a_path():
    soft = "powers.RUS.budget.soft"
    scenario = geosim.load(MINIMAL, set={soft: 1.0}).replace(set={soft: 2.0})
    ds = geosim.evaluate(scenario, DESIGN.head(1), seed=3, jobs=1, time_series=["alignment"])
    alone = geosim.run(scenario, set=dict(DESIGN.iloc[0]), seed=int(ds.seed.values[0, 0]))
    np.testing.assert_array_equal(ds.alignment.values[0, 0], alone.alignment.values)
    assert f"{soft}=2.0" in str(ds.overrides.values[0, 0]) and f"{soft}=1.0" not in str(ds.overrides.values[0, 0])


def test_a_design_from_a_dataframe_equals_the_cli_table_sweep(cli, tmp_path):
    DESIGN.to_csv(tmp_path / "design.csv", index=False)
    spec = tmp_path / "table.yaml"
    spec.write_text(yaml.safe_dump({"name": "table", "base": str(MINIMAL), "design": "table",
                                    "table": "design.csv", "replicates": 3, "seed": 9}))
    out = tmp_path / "cli.h5"
    assert run_cli(cli, "sweep", str(spec), "-o", str(out), "--quiet").returncode == 0
    reference = tidy(open_file(out))
    ds = geosim.evaluate(geosim.load(MINIMAL), DESIGN, replicates=3, seed=9, jobs=2)
    for name in ("final_alignment", "final_attitude_mean", "total_campaigns", "seed"):
        np.testing.assert_array_equal(ds[name].values, reference[name].values)


def test_a_bad_sweep_raises_the_cli_message(cli, tmp_path):
    bad = dict(GRID, replicate=2)
    with pytest.raises(geosim.InputError) as caught:
        geosim.sweep(bad)
    assert caught.value.kind == "UnknownKeyError" and caught.value.key == "replicate"
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(bad, sort_keys=False))
    with pytest.raises(geosim.InputError) as from_file:
        geosim.sweep(spec)
    done = run_cli(cli, "sweep", str(spec), "-o", str(tmp_path / "x.h5"))
    assert done.returncode == 2 and done.stderr.strip() == "geosim: " + str(from_file.value)
    with pytest.raises(ValueError, match="columns"):
        geosim.evaluate(MINIMAL, pd.DataFrame())


def test_an_error_in_the_progress_function_stops_the_sweep_and_keeps_its_journal(tmp_path):
    calls = []

    def progress(finished, failed, total):
        calls.append((finished, failed, total))
        raise RuntimeError("stop here")

    long = dict(GRID, parameters={"powers.CHN.budget.soft": {"range": [0.5, 2.5], "levels": 400}},
                set={"targets.KAZ.citizens": 20000})
    out = tmp_path / "long.h5"
    with pytest.raises(RuntimeError, match="stop here"):
        geosim.sweep(long, output=out, jobs=1, progress=progress)
    assert calls and calls[0][2] == 400
    assert not out.exists() and (tmp_path / "long.h5.journal").exists()


def test_an_interrupted_sweep_resumes_where_it_stopped(tmp_path):
    spec = dict(GRID, parameters={"powers.CHN.budget.soft": {"range": [0.5, 2.5], "levels": 60}},
                set={"targets.KAZ.citizens": 50000}, time_series=[])
    out = tmp_path / "sweep.h5"
    child = textwrap.dedent(f"""
        import sys
        import geosim
        def progress(finished, failed, total):
            if finished >= 3:
                print("started", flush=True)
        try:
            geosim.sweep({spec!r}, output={str(out)!r}, jobs=1, progress=progress)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        print("finished", flush=True)
        sys.exit(1)
        """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True,
                            env=os.environ.copy())
    assert proc.stdout.readline().strip() == "started"
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=120)
    lines = [line for line in output.split() if line != "started"]
    assert proc.returncode == 0 and lines == ["interrupted"], output
    assert not out.exists() and (tmp_path / "sweep.h5.journal").exists()

    resumed = geosim.sweep(spec, output=out, resume=True, jobs=2)
    assert not (tmp_path / "sweep.h5.journal").exists()
    assert 3 <= int(resumed.attrs["runs_recovered"]) < 60
    assert_identical(without(resumed, [*COUNTS, *SOURCE]),
                     without(geosim.sweep(spec, jobs=2), [*COUNTS, *SOURCE]))


def test_a_batch_equals_the_cli_batch(cli, tmp_path):
    other = tmp_path / "richer.yaml"
    other.write_text(f"extends: {MINIMAL}\nname: richer\npowers:\n  CHN:\n    budget: {{soft: 2.0}}\n")
    out = tmp_path / "cli.h5"
    done = run_cli(cli, "batch", str(MINIMAL), str(other), "-o", str(out), "-r", "3", "--seed", "5",
                   "--time-series", "alignment", "--quiet")
    assert done.returncode == 0, done.stderr
    reference = tidy(open_file(out))
    ds = geosim.batch([MINIMAL, other], replicates=3, seed=5, time_series=["alignment"], jobs=2)
    assert_identical(without(ds, COUNTS), reference)
    assert list(ds.scenario.values) == ["minimal", "richer"]
    # Paired: replicate k has one seed in both scenarios.
    np.testing.assert_array_equal(ds.seed.sel(scenario="minimal"), ds.seed.sel(scenario="richer"))
    with pytest.raises(ValueError, match="overrides"):
        geosim.batch([geosim.load(MINIMAL, set={"seed": 3})])
