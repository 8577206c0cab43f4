"""The report's inputs: the posterior and check files of `geosim calibrate`
(docs/calibration.md), the calibration file's priors and settings, and the
bounds of its observations table."""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .._requires import require

np, xr = require("geosim.validation", "numpy", "xarray")

from ..results import ResultsFileError, as_text, labels, open_results  # noqa: E402
from .stats import PosteriorSample, Prior  # noqa: E402

__all__ = ["CHECK_VARIABLES", "Inputs", "ReportError", "attribute", "load_inputs", "observation_frame",
           "open_file", "posterior_sample", "priors_from_attributes", "read_bounds", "read_calibration",
           "read_priors", "setting", "setting_mismatches"]

# The per-observation variables of the predictive check (docs/calibration.md).
CHECK_VARIABLES = ("use", "operator", "observed", "model_lo", "model_median", "model_hi", "predictive_lo",
                   "predictive_median", "predictive_hi", "covered")
# The per-observation variables that are text; the others are numbers.
_TEXT_VARIABLES = ("use", "operator", "quantity", "instrument", "state", "partner", "period", "observed_units",
                   "reason")
# Defaults of the calibration file's settings that the posterior records (docs/calibration.md).
SETTING_DEFAULTS = {"abc.particles": 1000, "abc.keep": 0.5, "abc.min_acceptance": 0.02}


class ReportError(ValueError):
    """An input the report cannot use: a missing file, a file without the variables it needs."""


def open_file(path: str | os.PathLike, what: str) -> xr.Dataset:
    """A posterior or check file (`what` names which), loaded into memory."""
    try:
        return open_results(path, load=True)
    except ResultsFileError as exc:
        raise ReportError(f"{what} file {path}: {exc}") from exc


def _texts(values: Any) -> list[str]:
    return ["" if v is None else as_text(v) for v in np.ravel(values)]


def observation_frame(ds: xr.Dataset, missing: list[str]) -> dict[str, dict[str, Any]]:
    """Per observation id, the check's variables (NaN or '' where the file lacks one, named in `missing`)."""
    ids = labels(ds, "observation")
    cols: dict[str, list[Any]] = {}
    for name in CHECK_VARIABLES + ("quantity", "instrument", "state", "partner", "period", "observed_units",
                                   "reason", "observed_sd"):
        if name in ds.variables and ds[name].dims == ("observation",):
            vals = ds[name].values
            cols[name] = _texts(vals) if vals.dtype.kind in "OSU" else [float(v) for v in vals]
        else:
            if name in CHECK_VARIABLES:
                missing.append(name)
            cols[name] = ["" if name in _TEXT_VARIABLES else math.nan for _ in ids]
    return {oid: {k: cols[k][i] for k in cols} for i, oid in enumerate(ids)}


def posterior_sample(post: xr.Dataset) -> PosteriorSample:
    """The parameter names and the last generation's values, weights and design coordinates."""
    for name in ("value", "weight"):
        if name not in post:
            raise ReportError(f"the posterior file has no variable {name!r} (not a geosim calibrate posterior?)")
    names = labels(post, "parameter")
    value = post["value"].transpose("generation", "particle", "parameter").values[-1]
    weight = post["posterior_weight"].values if "posterior_weight" in post else post["weight"].values[-1]
    unit = post["unit"].transpose("generation", "particle", "parameter").values[-1] if "unit" in post else None
    return PosteriorSample(names, value, weight, unit)


def attribute(ds: xr.Dataset, name: str) -> Any:
    """A global attribute of `ds` (None if absent): bytes decoded, a one-element array as its element."""
    v = ds.attrs.get(name)
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.item()
    return v


def setting(calibration: dict, dotted: str) -> Any:
    """The calibration file's setting at a dotted key ("abc.particles"); None if absent."""
    d: Any = calibration
    for key in dotted.split("."):
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def read_calibration(path: str | os.PathLike) -> dict:
    """The calibration file as a mapping (PyYAML)."""
    try:
        import yaml  # pylint: disable=import-outside-toplevel  # only --calibration needs it
    except ImportError as exc:
        raise ReportError("--calibration needs PyYAML (Debian: apt-get install python3-yaml); "
                          "run it with /usr/bin/python3") from exc
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except OSError as exc:
        raise ReportError(f"{path}: {exc.strerror}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path}: not a calibration file (no mapping)")
    return data


def _prior_from_mapping(path: str, spec: Any) -> Prior:
    if isinstance(spec, list):
        return Prior(distribution="values", values=[float(v) for v in spec])
    if not isinstance(spec, dict):
        raise ReportError(f"parameter {path}: not a range or a list of values")
    if "values" in spec:
        return Prior(distribution="values", values=[float(v) for v in spec["values"]],
                     weights=[float(w) for w in spec.get("weights") or []])
    if "range" not in spec:
        raise ReportError(f"parameter {path}: no range or values")
    lo, hi = (float(v) for v in spec["range"])
    return Prior(lo=lo, hi=hi, scale=str(spec.get("scale", "linear")),
                 distribution=str(spec.get("distribution", "uniform")),
                 mean=float(spec.get("mean", math.nan)), sd=float(spec.get("sd", math.nan)),
                 mode=float(spec.get("mode", math.nan)))


def read_priors(calibration: dict) -> dict[str, Prior]:
    """The priors (`parameters:`) of a calibration file read by read_calibration."""
    params = calibration.get("parameters") or {}
    return {str(k): _prior_from_mapping(str(k), v) for k, v in params.items()}


def priors_from_attributes(post: xr.Dataset, names: Iterable[str]) -> dict[str, Prior]:
    """Priors recorded on the posterior's per-parameter variables, where a
    writer records them (attributes prior_range, prior_scale,
    prior_distribution, prior_mean, prior_sd, prior_mode). The posterior
    files of docs/calibration.md do not: an empty mapping."""
    out = {}
    for name in names:
        attrs = post[name].attrs if name in post else {}
        if "prior_range" not in attrs:
            continue
        lo, hi = (float(v) for v in np.ravel(attrs["prior_range"])[:2])
        out[name] = Prior(lo=lo, hi=hi, scale=str(attrs.get("prior_scale", "linear")),
                          distribution=str(attrs.get("prior_distribution", "uniform")),
                          mean=float(attrs.get("prior_mean", math.nan)), sd=float(attrs.get("prior_sd", math.nan)),
                          mode=float(attrs.get("prior_mode", math.nan)))
    return out


def read_bounds(table: str | os.PathLike) -> dict[str, tuple[float, float]]:
    """Each row's (lower, upper) bounds from the observations table (NaN where absent)."""
    def num(text: str | None) -> float:
        return float(text) if text not in (None, "") else math.nan

    try:
        with open(table, encoding="utf-8", newline="") as f:
            return {r["id"]: (num(r.get("lower")), num(r.get("upper"))) for r in csv.DictReader(f)}
    except OSError as exc:
        raise ReportError(f"{table}: {exc.strerror}") from exc


def setting_mismatches(post: xr.Dataset, calibration: dict, names: list[str]) -> list[str]:
    """Where the calibration file given disagrees with what the posterior recorded."""
    out = []
    pairs = [("seed", "seed"), ("observations.held_out_from", "held_out_from"), ("abc.particles", "particles"),
             ("abc.keep", "keep"), ("abc.min_acceptance", "min_acceptance")]
    for key, name in pairs:
        given = setting(calibration, key)
        given = SETTING_DEFAULTS.get(key) if given is None else given
        recorded = attribute(post, name)
        if given is None or recorded is None:
            continue
        try:
            same = float(given) == float(recorded)
        except (TypeError, ValueError):
            same = str(given) == str(recorded)
        if not same:
            out.append(f"`{key}` {given} (the posterior: {recorded})")
    given_params = [str(p) for p in (calibration.get("parameters") or {})]
    if sorted(given_params) != sorted(names):
        extra = sorted(set(given_params) - set(names))
        lacking = sorted(set(names) - set(given_params))
        if extra:
            out.append("priors the posterior does not have: " + ", ".join(f"`{p}`" for p in extra))
        if lacking:
            out.append("posterior parameters without a prior here: " + ", ".join(f"`{p}`" for p in lacking))
    return out


@dataclass
class Inputs:
    """Everything a report is made from, read and checked (see load_inputs)."""
    posterior: str
    post: xr.Dataset
    frame: dict[str, dict[str, Any]]
    post_missing: list[str]
    check: str | None = None
    chk: xr.Dataset | None = None
    cframe: dict[str, dict[str, Any]] | None = None
    chk_missing: list[str] = field(default_factory=list)
    calibration: str | None = None
    cal: dict | None = None
    priors: dict[str, Prior] = field(default_factory=dict)
    table: Path | None = None
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    preamble: str | None = None
    preamble_text: str | None = None


def load_inputs(posterior: str, check: str | None = None, calibration: str | None = None,
                preamble: str | None = None) -> Inputs:
    """Reads the posterior, the check, the calibration file (priors, the observations table's
    bounds) and the preamble; ReportError if one is missing or unreadable."""
    post = open_file(posterior, "posterior")
    for name in ("use", "generation", "parameter"):
        if name not in post.variables:
            raise ReportError(f"{posterior}: no {name!r}: not a posterior file of `geosim calibrate`")
    post_missing: list[str] = []
    inp = Inputs(posterior, post, observation_frame(post, post_missing), post_missing,
                 check=check, calibration=calibration, preamble=preamble)
    if check:
        inp.chk = open_file(check, "check")
        inp.cframe = observation_frame(inp.chk, inp.chk_missing)
        for oid, row in inp.cframe.items():  # what the check lacks is read from the posterior
            for key in ("use", "operator", "observed_units"):
                if not row[key] and oid in inp.frame:
                    row[key] = inp.frame[oid][key]
    inp.priors = priors_from_attributes(post, labels(post, "parameter"))
    if calibration:
        inp.cal = read_calibration(calibration)
        inp.priors.update(read_priors(inp.cal))
        if setting(inp.cal, "observations.file"):
            inp.table = Path(calibration).resolve().parent / str(setting(inp.cal, "observations.file"))
            inp.bounds = read_bounds(inp.table)
    if preamble:
        try:
            inp.preamble_text = Path(preamble).read_text(encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{preamble}: {exc.strerror}") from exc
    return inp
