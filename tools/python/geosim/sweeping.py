"""Sweeps, batches and designs made elsewhere, in process: ``geosim.sweep``
and ``geosim.evaluate``.

Runs go through the engine's sweep runner, as with ``geosim sweep``: worker
threads, a journal beside the results file (a killed sweep keeps every
finished run; ``resume=True`` runs only the missing ones), failed runs
recorded rather than fatal, and results that do not depend on ``jobs``. The
results come back tidy: parameters as variables over ``point``, results over
``point`` and ``replicate`` (geosim.sweeps.tidy).
"""
from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional, Union

from ._requires import require
from .simulation import (INT_MAX, SEED_MAX, PathLike, Scenario, _core, _Dumper, _integer, _plain, _yaml_value,
                         last_of_each)
from .sweeps import tidy

np, xr, yaml = require("geosim", "numpy", "xarray", "yaml")

__all__ = ["batch", "evaluate", "sweep"]

Progress = Union[bool, Callable[[int, int, int], Any], None]


class _ProgressLine:
    """A progress line on stderr (a notebook shows it under the cell), at most twice a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, finished: int, failed: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.5 and finished < total:
            return
        self.shown = now
        failures = f", {failed} failed" if failed else ""
        sys.stderr.write(f"\rgeosim: {finished}/{total} runs{failures}, {now - self.started:.0f} s ")
        if finished >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _callback(progress: Progress) -> Optional[Callable[[int, int, int], Any]]:
    if progress is True:
        return _ProgressLine()
    if progress is False or progress is None:
        return None
    if not callable(progress):
        raise TypeError("progress= takes True, False or a function (finished, failed, total)")
    return progress


def _open(output: str) -> "xr.Dataset":
    with xr.open_dataset(output) as ds:
        return tidy(ds.load())


def _run(path: str, text: Optional[str], output: Optional[PathLike], jobs: int, resume: bool,
         extend: bool, fail_fast: bool, progress: Progress) -> "xr.Dataset":
    return _execute(lambda target, resuming, callback: _core().sweep(
        path, text, target, jobs, bool(resuming), extend and resuming is not None, fail_fast, callback),
        output, jobs, resume, progress)


def _execute(start: Callable[[str, Optional[bool], Any], dict], output: Optional[PathLike], jobs: int,
             resume: bool, progress: Progress) -> "xr.Dataset":
    """Runs `start(target, resume, callback)` into `output` (or a temporary
    folder, then resume is None) and returns the tidy results."""
    _integer(jobs, "jobs", 0, INT_MAX)
    callback = _callback(progress)
    if output is not None:
        summary = start(os.fspath(output), resume, callback)
        dataset = _open(os.fspath(output))
    else:
        with tempfile.TemporaryDirectory(prefix="geosim-sweep-") as folder:
            target = os.path.join(folder, "sweep.h5")
            summary = start(target, None, callback)
            dataset = _open(target)
    dataset.attrs["runs_failed"] = np.int64(summary["failed"])
    dataset.attrs["runs_recovered"] = np.int64(summary["recovered"])
    return dataset


def batch(scenarios: Sequence[Union[Scenario, PathLike]], *, replicates: int = 1, seed: int = 0,
          ticks: Optional[int] = None, time_series: Sequence[str] = (), output: Optional[PathLike] = None,
          jobs: int = 0, resume: bool = False, fail_fast: bool = False,
          progress: Progress = False) -> "xr.Dataset":
    """Run scenario files side by side, as ``geosim batch`` does, and return tidy results.

    Replicate k has the same seed in every scenario, so differences between
    scenarios are paired (the effect of the scenarios' differences alone).
    Results are over ``scenario``, ``point`` (one) and ``replicate``; the
    axes are the union of the scenarios' labels, with fill values where one
    lacks a label. Every built-in metric is kept, and the named
    ``time_series``. ``output``, ``resume``, ``jobs`` and ``progress`` are
    as in :func:`sweep`. A :class:`Scenario` stands for its file: its
    overrides are not applied (give a file, or use :func:`sweep` with
    ``scenarios:`` and ``set:``).
    """
    replicates, seed = _integer(replicates, "replicates", 1, INT_MAX), _integer(seed, "seed", 0, SEED_MAX)
    ticks, jobs = _integer(ticks, "ticks", 1, INT_MAX), _integer(jobs, "jobs", 0, INT_MAX)
    paths = []
    for item in scenarios:
        if isinstance(item, Scenario):
            if item.overrides:
                raise ValueError(f"batch runs scenario files; {item.name} has overrides {item.overrides}: "
                                 "write them into a file that extends it, or use geosim.sweep with set:")
            item = item.path
        paths.append(os.path.abspath(os.fspath(item)))
    return _execute(lambda target, resuming, callback: _core().batch(
        paths, replicates, seed, ticks, list(time_series), target, jobs, bool(resuming), fail_fast, callback),
        output, jobs, resume, progress)


def sweep(sweep: Union[PathLike, Mapping[str, Any]], *, output: Optional[PathLike] = None, jobs: int = 0,
          resume: bool = False, extend: bool = False, fail_fast: bool = False,
          progress: Progress = False) -> "xr.Dataset":
    """Run a sweep or batch and return its tidy results.

    ``sweep`` is a sweep file (docs/sweeps.md) or the same content as a
    dict; a dict's relative paths (``base:``, ``table:``) are relative to the
    current directory. ``output`` is the results file: with it, the journal
    ``OUTPUT.journal`` beside it keeps every finished run, so an interrupted
    sweep (Ctrl-C, a killed kernel) continues with ``resume=True``; without
    it, the sweep runs in a temporary folder removed afterwards. ``extend``
    adds the new samples of a saltelli or sobol sweep to a finished one.
    ``jobs`` is the worker threads (0: all cores); results do not depend on
    it. A run that fails is recorded in ``run_status`` and ``run_error`` and
    counted in the ``runs_failed`` attribute (``fail_fast=True`` raises at
    the first instead); ``runs_recovered`` counts the runs a resume took
    from the journal rather than ran. ``progress`` is True for a progress line on stderr,
    or a function called with (finished, failed, total) about ten times a
    second (raising in it stops the sweep, journal kept).

    Returns the results file as a Dataset with ``run`` unstacked into
    ``point`` and ``replicate`` (and ``scenario`` for a batch of several),
    every parameter a variable over ``point``.
    """
    if isinstance(sweep, Mapping):
        text = yaml.dump(_plain(sweep, "sweep="), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        anchor = os.path.join(os.getcwd(), "<sweep>")
        return _run(anchor, text, output, jobs, resume, extend, fail_fast, progress)
    return _run(os.fspath(sweep), None, output, jobs, resume, extend, fail_fast, progress)


def _design_rows(design: Any) -> tuple[list[str], list[list[Any]]]:
    """The column names and rows of a pandas DataFrame or a mapping of columns."""
    if hasattr(design, "columns") and hasattr(design, "itertuples"):
        columns = [str(c) for c in design.columns]
        rows = [list(row) for row in design.itertuples(index=False, name=None)]
        return columns, rows
    if isinstance(design, Mapping):
        columns = [str(c) for c in design]
        values = [list(v) for v in design.values()]
        if len({len(v) for v in values}) > 1:
            raise ValueError("the design's columns differ in length")
        return columns, [list(row) for row in zip(*values)]
    raise TypeError("design= takes a pandas DataFrame (or a mapping of columns) whose columns are "
                    "parameter paths")


def _set_section(overrides: list[str]) -> str:
    """A sweep file's ``set:`` of a scenario's overrides, their YAML text kept
    as it was given (not read back, which would turn ``010`` into 8)."""
    if not overrides:
        return ""
    lines = ["set:"]
    for key, text in last_of_each(overrides):
        lines.append(f"  {json.dumps(key, ensure_ascii=False)}: {text}")
    return "\n".join(lines) + "\n"


def evaluate(scenario: Union[Scenario, PathLike], design: Any, *, replicates: int = 1, seed: int = 0,
             common_random_numbers: bool = False, metrics: Union[str, Sequence[Any]] = "all",
             time_series: Sequence[str] = (), ticks: Optional[int] = None,
             output: Optional[PathLike] = None, jobs: int = 0, resume: bool = False,
             fail_fast: bool = False, progress: Progress = False) -> "xr.Dataset":
    """Run a scenario at the points of a design made elsewhere and return tidy results.

    ``design`` is a pandas DataFrame (or a mapping of columns) with one row
    per point and one column per parameter, named by its dotted path
    (``powers.CHN.budget.soft``), as from OpenTURNS, scipy.stats.qmc or an
    EMA-style experiment. It runs as a sweep with the ``table`` design
    (docs/sweeps.md): every point ``replicates`` times, seeds from ``seed``,
    in parallel over ``jobs`` threads, with results that do not depend on
    ``jobs``. ``metrics`` and ``time_series`` choose what is kept, as in a
    sweep file. The design is written as CSV beside ``output`` (or in a
    temporary folder), where the sweep reads it; ``output`` and ``resume``
    behave as in :func:`sweep`.
    """
    columns, rows = _design_rows(design)
    if not columns or not rows:
        raise ValueError("the design has no columns or no rows")
    if isinstance(scenario, Scenario):
        base, overrides = os.path.abspath(scenario.path), scenario.overrides
        ticks = ticks if ticks is not None else scenario._ticks  # pylint: disable=protected-access
    else:
        base, overrides = os.path.abspath(os.fspath(scenario)), []
    replicates, seed = _integer(replicates, "replicates", 1, INT_MAX), _integer(seed, "seed", 0, SEED_MAX)
    ticks, jobs = _integer(ticks, "ticks", 1, INT_MAX), _integer(jobs, "jobs", 0, INT_MAX)
    spec: dict[str, Any] = {"name": "evaluate", "base": base}
    if ticks is not None:
        spec["ticks"] = ticks
    spec.update({"design": "table", "table": None, "replicates": replicates, "seed": seed})
    if common_random_numbers:
        spec["common_random_numbers"] = True
    spec["metrics"] = metrics if isinstance(metrics, str) else list(metrics)
    if time_series:
        spec["time_series"] = list(time_series)

    def run_in(folder: str, target: Optional[str]) -> "xr.Dataset":
        table = os.path.join(folder, (os.path.basename(target) if target else "design") + ".design.csv")
        with open(table, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_yaml_value(v, column) for v, column in zip(row, columns)] for row in rows)
        spec["table"] = table
        text = yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True) + _set_section(overrides)
        return _run(os.path.join(os.getcwd(), "<evaluate>"), text, target, jobs, resume, False, fail_fast,
                    progress)

    if output is not None:
        target = os.path.abspath(os.fspath(output))
        return run_in(os.path.dirname(target), target)
    with tempfile.TemporaryDirectory(prefix="geosim-design-") as folder:
        return run_in(folder, None)
