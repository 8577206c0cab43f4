"""Fixtures of the Python module's tests (tests/python_module.cmake runs each
file under pytest with Debian's /usr/bin/python3, PYTHONPATH at the build
tree's package, GEOSIM_CLI at the geosim binary of the same build)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import xarray as xr

SOURCE = Path(__file__).resolve().parents[3]
MINIMAL = SOURCE / "tests" / "data" / "minimal.yaml"
BASELINE = SOURCE / "scenarios" / "central_asia_2013.yaml"

# Attributes that say when, how fast and by which call a file was made.
PROVENANCE = ("command_line", "created", "wall_seconds", "host")


@pytest.fixture(scope="session")
def cli() -> str:
    path = os.environ.get("GEOSIM_CLI")
    if not path:
        pytest.fail("GEOSIM_CLI is not set: run these tests with ctest (tests/python_module.cmake)")
    return path


def run_cli(cli_path: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([cli_path, *args], capture_output=True, text=True, check=False)


def open_file(path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def without_provenance(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    for name in PROVENANCE:
        out.attrs.pop(name, None)
    return out


def _attribute_problems(where: str, a: dict, b: dict) -> list[str]:
    """Attributes that differ in value or in type (identical() takes 1 == 1.0 == True)."""
    problems = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if type(x) is not type(y) or getattr(x, "dtype", None) != getattr(y, "dtype", None) \
                or str(x) != str(y):
            problems.append(f"{where}attribute {key}: {x!r:.60} ({type(x).__name__}) vs "
                            f"{y!r:.60} ({type(y).__name__})")
    return problems


def assert_identical(a: xr.Dataset, b: xr.Dataset) -> None:
    """Equal values, dims, coordinates and attributes, provenance aside, with the
    same dtypes for every variable and attribute (which identical() alone does
    not check); on failure, say which variable or attribute differs."""
    a, b = without_provenance(a), without_provenance(b)
    problems = [f"variables only in one: {sorted(set(a.variables) ^ set(b.variables))}"] \
        if set(a.variables) != set(b.variables) else []
    for name in sorted(set(a.variables) & set(b.variables)):
        if a[name].dtype != b[name].dtype:
            problems.append(f"{name}: dtype {a[name].dtype} vs {b[name].dtype}")
        elif not a[name].variable.identical(b[name].variable):
            problems.append(f"{name}: differs ({a[name].attrs} vs {b[name].attrs})")
        problems += _attribute_problems(f"{name}: ", a[name].attrs, b[name].attrs)
    problems += _attribute_problems("", a.attrs, b.attrs)
    if not problems and not a.identical(b):
        problems.append("(coordinates or order)")
    if problems:
        raise AssertionError("datasets differ: " + "; ".join(problems))
