"""The package's tools (python3 -m geosim.plot, ...): they work on a Dataset
from geosim.run as on a results file, and a Python without their packages
gets a message that says what to do, not a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import geosim
from geosim import facts, plot
from conftest import BASELINE, MINIMAL, SOURCE

TOOLS = ["geosim.plot", "geosim.plot_sweep", "geosim.facts", "geosim.bands", "geosim.report",
         "geosim.validation"]


def test_the_run_figure_takes_a_dataset_or_a_file(tmp_path):
    ds = geosim.run(MINIMAL, path=tmp_path / "run.h5")
    from_dataset, from_file = plot.run_figure(ds), plot.run_figure(tmp_path / "run.h5")
    assert len(from_dataset.axes) == len(from_file.axes) == 3 * len(ds.target)
    first = from_dataset.axes[0].lines[0].get_ydata()
    assert list(first) == list(from_file.axes[0].lines[0].get_ydata())


def test_facts_measure_a_dataset_as_its_file(tmp_path):
    ds = geosim.run(BASELINE, path=tmp_path / "base.h5")
    assert facts.measure(ds) == facts.measure(str(tmp_path / "base.h5"))
    assert len(facts.judge(facts.measure(ds))) >= 5


@pytest.mark.parametrize("tool", TOOLS)
def test_a_python_without_the_packages_is_told_what_to_do(tool):
    # -S: without site-packages, so numpy, xarray and matplotlib are missing.
    env = dict(os.environ, PYTHONPATH=str(SOURCE / "tools" / "python"))
    done = subprocess.run([sys.executable, "-S", "-m", tool, "x.h5"], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "/usr/bin/python3" in done.stderr and tool.split(".")[1] in done.stderr, done.stderr


@pytest.mark.parametrize("script", ["plot_run.py", "plot_sweep.py", "baseline_facts.py", "validation_report.py"])
def test_the_old_scripts_say_it_too(script):
    done = subprocess.run([sys.executable, "-S", str(SOURCE / "tools" / script), "x.h5"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "/usr/bin/python3" in done.stderr


def test_the_engine_functions_say_it_too():
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-S", "-c", "import geosim; geosim.run('x.yaml')"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    assert "ImportError: geosim needs" in done.stderr and "/usr/bin/python3" in done.stderr, done.stderr
    assert Path(SOURCE / "tools" / "python" / "geosim" / "_requires.py").exists()


def test_cmake_install_makes_a_working_package(tmp_path):
    build, where = os.environ.get("GEOSIM_BUILD_DIR"), os.environ.get("GEOSIM_PYTHON_INSTALL_DIR")
    assert build and where, "run under ctest (tests/python_module.cmake sets GEOSIM_BUILD_DIR)"
    done = subprocess.run(["cmake", "--install", build, "--prefix", str(tmp_path)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    version = subprocess.run([str(tmp_path / "bin" / "geosim"), "--version"], capture_output=True, text=True,
                             check=False)
    assert version.returncode == 0 and "geosim" in version.stdout
    package = tmp_path / where
    check = ("import geosim, sys; ds = geosim.run(sys.argv[1]); "
             "print(geosim.__file__); print(ds.sizes['time'])")
    env = dict(os.environ, PYTHONPATH=str(package))
    done = subprocess.run([sys.executable, "-c", check, str(MINIMAL)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    path, rows = done.stdout.split()
    assert path.startswith(str(package)) and int(rows) == 13
    for name in ("simulation.py", "plot.py", "facts.py", "_requires.py", "results.py", "validation/__main__.py"):
        assert (package / "geosim" / name).is_file()
