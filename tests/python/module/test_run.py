"""geosim.load and geosim.run (tools/python/geosim/simulation.py) against the
command line: the same scenario, overrides and seed give the same Dataset as
xarray reads from the file `geosim run` writes, and bad input raises the
CLI's message with its place."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geosim
from geosim.simulation import set_arguments
from conftest import BASELINE, MINIMAL, assert_identical, open_file, run_cli

MIGRATION = {"targets.KGZ.migration": {"host": "RUS", "share": 0.2, "attitude_effect": 0.5,
                                       "remittance": 0.5, "leverage": 0.3},
             "events": {"shortage": {"date": "2014-03", "note": "n",
                                     "actions": [{"scale_labour_demand": {"power": "RUS", "factor": 1.3}}]}}}
# The same overrides as the command line takes them, written by hand.
MIGRATION_CLI = ["targets.KGZ.migration={host: RUS, share: 0.2, attitude_effect: 0.5, remittance: 0.5, "
                 "leverage: 0.3}",
                 "events={shortage: {date: 2014-03, note: n, actions: [{scale_labour_demand: {power: RUS, "
                 "factor: 1.3}}]}}"]

CASES = {
    "minimal": (MINIMAL, {}, [], None),
    "final_agents": (MINIMAL, {"output.agents": "final"}, ["output.agents=final"], 6),
    "snapshots": (MINIMAL, {"output.agents_every": 4, "output.agents": "final"},
                  ["output.agents_every=4", "output.agents=final"], None),
    "migration": (MINIMAL, MIGRATION, MIGRATION_CLI, None),
    "surveys": (MINIMAL, {"surveys.pew": {"favourable_above": 0.1, "unfavourable_below": -0.1,
                                          "response_sd": 0.2}},
                ["surveys.pew={favourable_above: 0.1, unfavourable_below: -0.1, response_sd: 0.2}"], None),
    "baseline": (BASELINE, {}, [], None),
    # The citizen variables the output section asks for, empty.
    "no_citizens": (MINIMAL, {"targets.KAZ.citizens": 0, "targets.KGZ.citizens": 0, "output.agents": "final",
                              "output.agents_every": 3},
                    ["targets.KAZ.citizens=0", "targets.KGZ.citizens=0", "output.agents=final",
                     "output.agents_every=3"], None),
    # Dates past datetime64[ns] (2262): cftime dates, as open_dataset decodes them.
    "after_2262": (MINIMAL, {"time.start": "2250-01", "time.end": "2263-06"},
                   ["time.start=2250-01", "time.end=2263-06"], None),
}


def cli_args(path, sets, ticks, seed, output):
    args = ["run", str(path), "-o", str(output), "--seed", str(seed), "--quiet"]
    for s in sets:
        args += ["--set", s]
    if ticks is not None:
        args += ["--ticks", str(ticks)]
    return args


@pytest.mark.parametrize("case", sorted(CASES))
def test_run_equals_the_cli_file(cli, tmp_path, case):
    path, python_set, cli_set, ticks = CASES[case]
    out = tmp_path / "cli.h5"
    done = run_cli(cli, *cli_args(path, cli_set, ticks, 7, out))
    assert done.returncode == 0, done.stderr
    ds = geosim.run(path, set=python_set, ticks=ticks, seed=7)
    assert_identical(ds, open_file(out))
    assert not list(tmp_path.glob("*.tmp.*"))


def test_path_writes_the_file_of_the_same_run(cli, tmp_path):
    out, ref = tmp_path / "python.h5", tmp_path / "cli.h5"
    ds = geosim.run(MINIMAL, seed=3, path=out, set={"output.agents": "final"})
    assert run_cli(cli, *cli_args(MINIMAL, ["output.agents=final"], None, 3, ref)).returncode == 0
    written = open_file(out)
    assert_identical(written, open_file(ref))
    assert_identical(ds, written)
    assert written.attrs["command_line"] == ds.attrs["command_line"]
    assert ds.attrs["command_line"].startswith("geosim.run(")


def test_a_loaded_scenario_runs_like_its_file(tmp_path):
    scenario = geosim.load(MINIMAL, set={"powers.CHN.budget.soft": 2.5}, ticks=5)
    assert scenario.ticks == 5 and scenario.get("powers.CHN.budget.soft") == 2.5
    direct = geosim.run(MINIMAL, set={"powers.CHN.budget.soft": 2.5}, ticks=5)
    assert_identical(geosim.run(scenario), direct)
    # Overrides given at run time apply after the scenario's own.
    more = geosim.run(scenario, set={"powers.CHN.budget.soft": 0.5})
    assert more.sizes["time"] == 6
    assert not more.budget.equals(direct.budget)


def test_values_and_defaults():
    scenario = geosim.load(MINIMAL)
    assert scenario.name == "minimal" and scenario.powers == ["RUS", "CHN"]
    assert scenario.get("powers.RUS.name") == "Russia"
    assert scenario.values["time"]["start"] in ("2013-09", "2013-09-01")
    assert scenario.defaults, "minimal.yaml leaves some values to defaults"
    key, value = next(iter(scenario.defaults.items()))
    assert scenario.get(key) == value
    with pytest.raises(KeyError):
        scenario.get("powers.XXX")
    assert "minimal" in repr(scenario)


def test_bad_scenario_raises_the_cli_message_with_its_place(cli, tmp_path):
    text = MINIMAL.read_text().replace("growth: 0.005", "growth: -7")
    assert "growth: -7" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "growth: -7" in l)
    with pytest.raises(geosim.InputError) as caught:
        geosim.load(bad)
    error = caught.value
    assert (error.file, error.line) == (str(bad), line)
    assert error.column == text.splitlines()[line - 1].index("-7") + 1
    assert error.key == "powers.CHN.growth" and error.kind == "RangeError"
    done = run_cli(cli, "validate", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == "geosim: " + str(error)
    # geosim.run refuses it the same way, before running anything.
    with pytest.raises(geosim.InputError, match=f"{bad}:{line}"):
        geosim.run(bad)


def test_a_typo_in_set_names_the_key(cli):
    with pytest.raises(geosim.InputError) as caught:
        geosim.run(MINIMAL, set={"powers.RUS.budgt": 1})
    error = caught.value
    assert error.kind == "UnknownKeyError" and error.file == "--set"
    assert "did you mean 'budget'" in str(error)
    done = run_cli(cli, "validate", str(MINIMAL), "--set", "powers.RUS.budgt=1")
    assert done.stderr.strip() == "geosim: " + str(error)


def test_set_writes_each_python_value_as_yaml_of_the_same_value():
    assert set_arguments({
        "a": "final", "b": "2040-12", "c": "Sanctions: phase 1", "d": "", "e": "~", "f": "# x", "g": "[a]",
        "h": "on", "i": "010", "j": "12.5", "k": np.float64(0.5), "l": [np.int64(1), 2.5], "m": Path("x/y"),
        "n": pd.Timestamp("2020-01-01"), "o": True, "p": {"q": np.bool_(False)}, "r": "é"}) == [
        "a=final", "b=2040-12", 'c="Sanctions: phase 1"', 'd=""', 'e="~"', 'f="# x"', 'g="[a]"', "h=on",
        'i="010"', 'j="12.5"', "k=0.5", "l=[1, 2.5]", "m=x/y", 'n="2020-01-01"', "o=true", "p={q: false}",
        "r=é"]
    # A number to the engine, though PyYAML (YAML 1.1) reads it as a string; in lists too.
    assert set_arguments({"x": "1e-05"}) == ['x="1e-05"']
    assert set_arguments({"x": ["1e5", "0o10", "010", "a"]}) == ['x=["1e5", "0o10", "010", a]']
    # numpy dates (a pandas datetime column) at midnight are dates; other numpy values are refused.
    assert set_arguments({"d": np.datetime64("2014-01-01", "ns")}) == ['d="2014-01-01"']
    for bad in (np.datetime64("2014-01-01T05", "ns"), np.bytes_(b"x"), np.complex128(1j)):
        with pytest.raises(TypeError, match="'d'"):
            set_arguments({"d": bad})
    with pytest.raises(TypeError, match="'a'.*set"):
        set_arguments({"a": {1, 2}})
    with pytest.raises(TypeError, match="time of day"):
        set_arguments({"time.start": pd.Timestamp("2020-01-01 12:00")})


@pytest.mark.parametrize("text", ["Sanctions: phase 1", "", "~", "# x", "[a]", "on", "010", "a #b"])
def test_a_string_reaches_the_scenario_as_written(text):
    assert geosim.load(MINIMAL, set={"description": text}).description == text


def test_the_command_line_attribute_repeats_the_run():
    ds = geosim.run(MINIMAL, set={"description": "Sanctions: phase 1", "name": "010", "seed": 3,
                                  "powers.CHN.budget.soft": 0.2, "groups.public.noise": 1e-05,
                                  "output.agents": "final", "events.sanctions": {"date": "2014-03", "note": "n",
                                  "actions": [{"scale_budget": {"power": "RUS", "channel": "all", "factor": 0.5}}]}},
                    ticks=4, seed=5)
    command = ds.attrs["command_line"]
    assert "'description': 'Sanctions: phase 1'" in command and "'powers.CHN.budget.soft': 0.2" in command
    assert_identical(eval(command, {"geosim": geosim}), ds)  # pylint: disable=eval-used


def test_a_repeated_override_is_repeated_by_the_command_line():
    soft = "powers.RUS.budget.soft"
    scenario = geosim.load(MINIMAL, set={soft: 5.0}, ticks=3).replace(
        set={"powers.RUS.budget": {"economic": 1, "security": 2, "soft": 1}}).replace(set={soft: 5.0})
    assert scenario.get(soft) == 5.0
    ds = geosim.run(scenario, seed=2)
    assert_identical(eval(ds.attrs["command_line"], {"geosim": geosim}), ds)  # pylint: disable=eval-used


def test_a_run_before_1678_has_cftime_dates():
    # xarray cannot load this file's empty event_time (it fails on no dates before 1678), so compare
    # with what it decodes lazily: cftime dates, and object for the empty variable.
    ds = geosim.run(MINIMAL, set={"time.start": "1600-01", "time.end": "1600-06"}, seed=1)
    assert ds.time.values[0].year == 1600 and ds.time.dtype == object
    assert ds.event_time.dtype == object and ds.event_time.size == 0


def test_values_read_as_the_engine_reads_them():
    scenario = geosim.load(MINIMAL, set={"powers.RUS.budget.soft": 1e-05, "description": "on"})
    assert scenario.get("powers.RUS.budget.soft") == 1e-05 and scenario.get("description") == "on"


def test_a_string_is_not_taken_for_a_number(cli):
    with pytest.raises(geosim.InputError) as caught:
        geosim.load(MINIMAL, set={"powers.RUS.budget.soft": "1.5"})
    assert caught.value.key == "powers.RUS.budget.soft" and '"1.5"' in caught.value.detail
    assert geosim.load(MINIMAL, set={"powers.RUS.budget.soft": np.float32(1.5)}).get(
        "powers.RUS.budget.soft") == 1.5


def test_arguments_are_checked():
    with pytest.raises(geosim.InputError, match="ticks"):
        geosim.run(MINIMAL, ticks=0)
    with pytest.raises(TypeError):
        geosim.run(MINIMAL, set=["powers.RUS.budget.soft=1"])
    with pytest.raises(geosim.InputError, match="threads"):
        geosim.run(MINIMAL, threads=-1)
    for bad in ("3", 1.0, True):
        with pytest.raises(TypeError, match="seed"):
            geosim.run(MINIMAL, seed=bad)
    for bad in (-1, 1 << 64):
        with pytest.raises(geosim.InputError, match="seed"):
            geosim.load(MINIMAL, seed=bad)
    assert geosim.load(MINIMAL, seed=np.uint64((1 << 64) - 1), ticks=np.int32(2)).seed == (1 << 64) - 1
    for name in ("threads", "ticks"):
        with pytest.raises(geosim.InputError, match=name):
            geosim.run(MINIMAL, **{name: 1 << 31})
    with pytest.raises(geosim.InputError) as caught:
        geosim.load("/nonexistent/scenario.yaml")
    assert caught.value.kind == "FileError"


def test_results_do_not_depend_on_threads():
    # More citizens than the single-thread threshold (32768): the update runs in parallel.
    one = geosim.run(BASELINE, threads=1, ticks=24)
    two = geosim.run(BASELINE, threads=2, ticks=24)
    assert_identical(one, two)


def test_the_gil_is_released_while_the_engine_runs():
    scenario = geosim.load(MINIMAL, set={"targets.KAZ.citizens": 4000000, "time.end": "2040-12"})
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("ds", geosim.run(scenario, threads=1)))
    gaps, last = [], time.perf_counter()
    worker.start()
    while worker.is_alive():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        time.sleep(0.001)
    engine = float(result["ds"].attrs["wall_seconds"])
    assert engine > 0.2, "the run is too short to tell"
    # Holding the GIL, the run would stall this loop for its whole length.
    assert max(gaps) < engine / 2, (max(gaps), engine)


def test_ctrl_c_stops_a_run_and_leaves_no_file(tmp_path):
    out = tmp_path / "long.h5"
    child = textwrap.dedent(f"""
        import os, sys
        import geosim
        scenario = geosim.load({str(MINIMAL)!r}, set={{"targets.KAZ.citizens": 2000000, "time.end": "2200-12"}})
        print("ready", flush=True)
        try:
            geosim.run(scenario, path={str(out)!r})
        except KeyboardInterrupt:
            print("interrupted", sorted(os.listdir({str(tmp_path)!r})), flush=True)
            sys.exit(0)
        print("finished", flush=True)
        sys.exit(1)
        """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True,
                            env=os.environ.copy())
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    started = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output
    assert output.strip() == "interrupted []", output
    assert time.perf_counter() - started < 30
