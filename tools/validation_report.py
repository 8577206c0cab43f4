#!/usr/bin/python3
"""The validation report of a calibration: a Markdown page generated from a
posterior file (`geosim calibrate`, docs/calibration.md).

usage: /usr/bin/python3 tools/validation_report.py POST.h5 [--check CHECK.h5]
           [--calibration CALIB.yaml] [--preamble PREAMBLE.md]
           [-o OUT.md | --check-up-to-date OUT.md]

The report holds the posterior's provenance and the command that reproduces
it, the coverage of the 90% posterior predictive intervals (fitted and
held-out rows apart, per operator), every prior against its posterior
(weighted median, 5% and 95% quantiles of the last generation, and how much
narrower the posterior's 90% interval is than the prior's), and every
observation with its predictive interval. CHECK.h5 is the predictive check
repeated at the full population (`geosim calibrate CALIB.yaml --check POST.h5
--full-population -o CHECK.h5`): its figures are shown first, the posterior's
own (the calibration's reduced population) beside them.

Prior ranges are read from the calibration file (--calibration), which also
gives the observations table whose bounds are shown; the posterior file does
not record them. Without it, identification is measured on the particles'
design coordinates (the prior CDF), which equals the prior's own scale for
uniform and log-uniform priors.

Prose that a person must write (what informed the mechanisms, what the model
gets wrong) is not generated: --preamble inserts a Markdown file after the
header, so that e.g. docs/validation.md can be regenerated from
docs/validation-preamble.md. --check-up-to-date exits 1 if the file differs
from what would be written. Exit 2: a missing package or input file, or a
posterior file the report cannot read.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any, Iterable, Sequence

_NEEDS = ("needs numpy and xarray (Debian: apt-get install python3-xarray python3-h5netcdf "
          "or python3-netcdf4); run it with /usr/bin/python3")
try:
    import numpy as np
    import xarray as xr
except ImportError as _exc:  # a Python without them (the pyenv one first on PATH)
    if __name__ == "__main__":
        print(f"validation_report: {_NEEDS} (missing: {_exc.name or _exc})", file=sys.stderr)
        sys.exit(2)
    raise ImportError(f"validation_report {_NEEDS} (missing: {_exc.name or _exc})") from _exc

__all__ = [
    "ReportError", "Prior", "ParameterSummary", "Coverage", "weighted_quantile", "identification",
    "read_priors", "priors_from_attributes", "read_bounds", "parameter_summaries", "coverage",
    "coverage_by_operator", "Inputs", "load_inputs", "header_section", "coverage_section",
    "parameters_section", "observations_section", "build_report", "main",
]

ROOT = Path(__file__).resolve().parent.parent
DASH = "—"
# The uses of docs/calibration.md, in the order the report lists them.
USES = ("fitted", "held_out", "excluded", "not_measurable", "no_operator")
USE_TITLES = {"fitted": "Fitted rows", "held_out": "Held-out rows", "excluded": "Excluded",
              "not_measurable": "Not measurable", "no_operator": "No operator"}
# The per-observation variables of the predictive check (docs/calibration.md).
CHECK_VARIABLES = ("use", "operator", "observed", "model_lo", "model_median", "model_hi", "predictive_lo",
                   "predictive_median", "predictive_hi", "covered")
# Defaults of the calibration file's settings that the posterior records (docs/calibration.md).
SETTING_DEFAULTS = {"abc.particles": 1000, "abc.keep": 0.5, "abc.min_acceptance": 0.02}
IDENTIFIED, WEAKLY = 0.5, 0.8
_SHORT = {"full population": "full pop.", "calibration population": "calib. pop."}


class ReportError(ValueError):
    """An input the report cannot use: a missing file, a file without the variables it needs."""


# --------------------------------------------------------------------------- numbers


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float | Sequence[float]) -> np.ndarray:
    """Weighted quantiles as docs/calibration.md reads a posterior: the smallest
    value whose cumulative normalised weight (in value order) reaches q.
    Non-finite values and their weights are left out."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[keep], w[keep]
    qs = np.atleast_1d(np.asarray(q, dtype=float))
    if v.size == 0:
        return np.full(qs.shape, np.nan)
    order = np.argsort(v, kind="stable")
    cdf = np.cumsum(w[order]) / w.sum()
    idx = np.minimum(np.searchsorted(cdf, qs), v.size - 1)
    return v[order][idx]


def identification(ratio: float) -> str:
    """The word for a posterior-to-prior 90% interval width ratio."""
    if not math.isfinite(ratio):
        return DASH
    if ratio < IDENTIFIED:
        return "identified"
    if ratio < WEAKLY:
        return "weakly"
    return "not identified"


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def fmt_sig(x: Any, sig: int = 3) -> str:
    """x to `sig` significant figures, thousands separated, integers as integers; NaN as a dash."""
    if not _finite(x):
        return DASH
    x = float(x)
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15:
        return f"{int(round(x)):,}"
    mag = math.floor(math.log10(abs(x)))
    if mag >= sig - 1:
        return f"{int(round(x, -(mag - sig + 1))):,}"
    decimals = sig - 1 - mag
    if decimals > 8:
        return f"{x:.{sig - 1}e}"
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_plain(x: Any) -> str:
    """A number given by a person (a prior's bound): up to 4 significant figures, no trailing zeros."""
    return DASH if not _finite(x) else f"{float(x):.4g}"


def fmt_value(x: Any, unit: str) -> str:
    """An observed or modelled figure in its unit: shares to 2 decimals, counts as whole numbers
    (2 significant figures below 10), the rest (money, ratios) to 3 significant figures."""
    if not _finite(x):
        return DASH
    x = float(x)
    if unit == "share":
        text = f"{x:.2f}"
        return text[1:] if text == "-0.00" else text
    if unit == "count":
        return fmt_sig(x, 2) if abs(x) < 10 else fmt_sig(round(x), 3)
    return fmt_sig(x)


def fmt_share(x: float) -> str:
    return DASH if not _finite(x) else f"{x:.2f}"


# --------------------------------------------------------------------------- priors


@dataclass
class Prior:
    """One prior of the calibration file (docs/sweeps.md's parameter forms)."""
    lo: float = math.nan
    hi: float = math.nan
    scale: str = "linear"
    distribution: str = "uniform"  # uniform, normal, triangular, values
    mean: float = math.nan
    sd: float = math.nan
    mode: float = math.nan
    values: list[float] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def transform(self, x: Any) -> np.ndarray:
        """x on the prior's own scale (the logarithm for a log prior)."""
        x = np.asarray(x, dtype=float)
        if self.scale != "log":
            return x
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)

    def quantiles(self, qs: Sequence[float]) -> np.ndarray:
        """The prior's quantiles on its own scale."""
        qs = np.asarray(qs, dtype=float)
        if self.distribution == "values":
            w = self.weights or [1.0] * len(self.values)
            return weighted_quantile(self.transform(self.values), w, qs)
        a, b = float(self.transform(self.lo)), float(self.transform(self.hi))
        if self.distribution == "normal":
            nd = NormalDist()
            fa = nd.cdf((self.lo - self.mean) / self.sd)
            fb = nd.cdf((self.hi - self.mean) / self.sd)
            return np.array([self.mean + self.sd * nd.inv_cdf(min(max(fa + q * (fb - fa), 1e-15), 1 - 1e-15))
                             for q in qs])
        if self.distribution == "triangular":
            lo, hi, c = self.lo, self.hi, self.mode
            fc = (c - lo) / (hi - lo)
            return np.array([lo + math.sqrt(q * (hi - lo) * (c - lo)) if q < fc
                             else hi - math.sqrt((1 - q) * (hi - lo) * (hi - c)) for q in qs])
        return a + qs * (b - a)

    def describe(self) -> str:
        """The prior as the report shows it."""
        if self.distribution == "values":
            text = "{" + ", ".join(fmt_plain(v) for v in self.values) + "}"
            if self.weights:
                text += " weights " + ", ".join(fmt_plain(w) for w in self.weights)
            return text
        text = f"[{fmt_plain(self.lo)}, {fmt_plain(self.hi)}]"
        if self.distribution == "normal":
            text = f"normal({fmt_plain(self.mean)}, {fmt_plain(self.sd)}) in {text}"
        elif self.distribution == "triangular":
            text = f"triangular(mode {fmt_plain(self.mode)}) in {text}"
        if self.scale == "log":
            text += " log"
        return text


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


def read_calibration(path: str | os.PathLike) -> dict:
    """The calibration file as a mapping (PyYAML)."""
    try:
        import yaml
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


# --------------------------------------------------------------------------- posterior


def open_file(path: str | os.PathLike, what: str) -> xr.Dataset:
    """A posterior or check file, loaded into memory."""
    if not os.path.isfile(path):
        raise ReportError(f"{path}: no such {what} file")
    try:
        with xr.open_dataset(path) as ds:
            return ds.load()
    except Exception as exc:  # netCDF/HDF5 errors have no common base class
        raise ReportError(f"{path}: cannot be read as a netCDF {what} file ({exc})") from exc


def _text(values: Any) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else ("" if v is None else str(v)) for v in np.ravel(values)]


def _labels(ds: xr.Dataset, dim: str) -> list[str]:
    return _text(ds[dim].values) if dim in ds.variables else [str(i) for i in range(ds.sizes.get(dim, 0))]


def observation_frame(ds: xr.Dataset, missing: list[str]) -> dict[str, dict[str, Any]]:
    """Per observation id, the check's variables (NaN or '' where the file lacks one, named in `missing`)."""
    ids = _labels(ds, "observation")
    cols: dict[str, list[Any]] = {}
    for name in CHECK_VARIABLES + ("quantity", "instrument", "state", "partner", "period", "observed_units",
                                   "reason", "observed_sd"):
        if name in ds.variables and ds[name].dims == ("observation",):
            vals = ds[name].values
            cols[name] = _text(vals) if vals.dtype.kind in "OSU" else [float(v) for v in vals]
        else:
            if name in CHECK_VARIABLES:
                missing.append(name)
            numeric = name not in ("use", "operator", "quantity", "instrument", "state", "partner", "period",
                                   "observed_units", "reason")
            cols[name] = [math.nan if numeric else "" for _ in ids]
    return {oid: {k: cols[k][i] for k in cols} for i, oid in enumerate(ids)}


@dataclass
class ParameterSummary:
    """One parameter: its prior, the last generation's weighted quantiles, identification."""
    name: str
    prior: Prior | None
    q05: float
    median: float
    q95: float
    ratio: float
    basis: str  # "prior" (its own scale) or "unit" (the prior CDF)

    @property
    def word(self) -> str:
        return identification(self.ratio)


def posterior_sample(post: xr.Dataset) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray | None]:
    """Parameter names, the last generation's values (particle, parameter), weights, and design coordinates."""
    for name in ("value", "weight"):
        if name not in post:
            raise ReportError(f"the posterior file has no variable {name!r} (not a geosim calibrate posterior?)")
    names = _labels(post, "parameter")
    value = post["value"].transpose("generation", "particle", "parameter").values[-1]
    weight = post["posterior_weight"].values if "posterior_weight" in post else post["weight"].values[-1]
    unit = post["unit"].transpose("generation", "particle", "parameter").values[-1] if "unit" in post else None
    return names, value, weight, unit


def parameter_summaries(post: xr.Dataset, priors: dict[str, Prior]) -> list[ParameterSummary]:
    """Every parameter of the posterior against its prior (priors: by path; absent ones use the unit coordinate)."""
    names, value, weight, unit = posterior_sample(post)
    out = []
    for j, name in enumerate(names):
        q05, med, q95 = weighted_quantile(value[:, j], weight, [0.05, 0.5, 0.95])
        prior = priors.get(name)
        ratio, basis = math.nan, "prior"
        if prior is not None:
            t05, t95 = weighted_quantile(prior.transform(value[:, j]), weight, [0.05, 0.95])
            p05, p95 = prior.quantiles([0.05, 0.95])
            if p95 > p05:
                ratio = float((t95 - t05) / (p95 - p05))
        elif unit is not None:
            u05, u95 = weighted_quantile(unit[:, j], weight, [0.05, 0.95])
            ratio, basis = float((u95 - u05) / 0.9), "unit"
        out.append(ParameterSummary(name, prior, float(q05), float(med), float(q95), ratio, basis))
    return out


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """Rows of one use: how many, how many measured, how many covered."""
    rows: int = 0
    measured: int = 0
    covered: int = 0

    @property
    def share(self) -> float:
        return self.covered / self.measured if self.measured else math.nan

    def add(self, covered: float) -> None:
        self.rows += 1
        if _finite(covered):
            self.measured += 1
            self.covered += int(covered == 1)


def coverage(frame: dict[str, dict[str, Any]], use: str) -> Coverage:
    """Coverage of the rows whose use is `use` (measured: `covered` is 0 or 1)."""
    c = Coverage()
    for row in frame.values():
        if row["use"] == use:
            c.add(row["covered"])
    return c


def coverage_by_operator(frame: dict[str, dict[str, Any]]) -> dict[str, dict[str, Coverage]]:
    """Per operator (in order of first appearance), the coverage of its fitted and held-out rows."""
    out: dict[str, dict[str, Coverage]] = {}
    for row in frame.values():
        if row["use"] in ("fitted", "held_out"):
            op = row["operator"] or "(none)"
            out.setdefault(op, {"fitted": Coverage(), "held_out": Coverage()})[row["use"]].add(row["covered"])
    return out


def _n_of(c: Coverage) -> str:
    if not c.rows:
        return DASH
    text = f"{c.covered} / {c.measured}"
    return text + (f" ({c.rows - c.measured} not measured)" if c.measured < c.rows else "")


# --------------------------------------------------------------------------- the report


def display_path(path: str | os.PathLike | None) -> str:
    """A path as the report prints it: relative to the repository if inside it, else its name
    (so that the report does not depend on where it is generated)."""
    if path is None:
        return ""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return p.name


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> list[str]:
    align = align or "l" * len(header)
    sep = ["---:" if a == "r" else "---" for a in align]
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return lines


def _attr(ds: xr.Dataset, name: str) -> Any:
    v = ds.attrs.get(name)
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.item()
    return v


def _get(d: dict, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _setting_mismatches(post: xr.Dataset, calibration: dict, names: list[str]) -> list[str]:
    """Where the calibration file given disagrees with what the posterior recorded."""
    out = []
    pairs = [("seed", "seed", None), ("observations.held_out_from", "held_out_from", None),
             ("abc.particles", "particles", 1000), ("abc.keep", "keep", 0.5),
             ("abc.min_acceptance", "min_acceptance", 0.02)]
    for key, attr, default in pairs:
        given = _get(calibration, key)
        given = default if given is None else given
        recorded = _attr(post, attr)
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


def _observed_text(row: dict[str, Any], bounds: tuple[float, float] | None) -> str:
    unit = row["observed_units"]
    value, sd = row["observed"], row["observed_sd"]
    lo, hi = bounds if bounds else (math.nan, math.nan)
    if _finite(lo) and _finite(hi):
        text = f"[{fmt_value(lo, unit)}, {fmt_value(hi, unit)}]"
        return text if not _finite(value) else f"{fmt_value(value, unit)} in {text}"
    if _finite(lo) or _finite(hi):
        bound, sign = (lo, ">") if _finite(lo) else (hi, "<")
        if not _finite(value) or value == bound:
            return f"{sign} {fmt_value(bound, unit)}"
        return f"{fmt_value(value, unit)} ({sign} {fmt_value(bound, unit)})"
    text = fmt_value(value, unit)
    if _finite(sd) and _finite(value):
        text += f" ± {fmt_value(sd, unit) if unit != 'share' or sd >= 0.005 else fmt_sig(sd, 1)}"
    return text


def _interval(row: dict[str, Any] | None) -> str:
    if row is None:
        return DASH
    lo, hi, unit = row["predictive_lo"], row["predictive_hi"], row["observed_units"]
    if not (_finite(lo) and _finite(hi)):
        return DASH
    return f"{fmt_value(lo, unit)} to {fmt_value(hi, unit)}"


def _covered(row: dict[str, Any] | None) -> str:
    if row is None:
        return "not in file"
    c = row["covered"]
    if not _finite(c):
        return "not measured"
    return "yes" if c == 1 else "**no**"


def _provenance(ds: xr.Dataset, path: str, label: str) -> list[str]:
    gens = ds.sizes.get("generation", 0)
    items = [("file", f"`{display_path(path)}`"), ("title", _attr(ds, "title")),
             ("geosim", _attr(ds, "geosim_version")), ("git commit", _attr(ds, "git_commit")),
             ("method", _attr(ds, "method")), ("seed", _attr(ds, "seed")),
             ("simulations", fmt_sig(_attr(ds, "total_simulations")) if _attr(ds, "total_simulations") is not None
              else None)]
    if gens:
        items.append(("generations", f"{gens} (stop: {_attr(ds, 'stop_reason') or DASH})"))
        if "tolerance" in ds:
            items.append(("final tolerance", fmt_sig(ds["tolerance"].values[-1])))
        if "effective_sample_size" in ds:
            items.append(("final effective sample size", fmt_sig(ds["effective_sample_size"].values[-1])))
    if _attr(ds, "held_out_from") is not None:
        items.append(("held out from", _attr(ds, "held_out_from")))
    draws = _attr(ds, "predictive_draws")
    if draws is not None:
        items.append(("predictive draws", f"{draws} ({_attr(ds, 'predictive_failed') or 0} failed)"))
    if _attr(ds, "seconds") is not None:
        items.append(("wall time", f"{fmt_sig(_attr(ds, 'seconds'))} s"))
    if _attr(ds, "calibration_file") is not None:
        items.append(("calibration file recorded", f"`{_attr(ds, 'calibration_file')}`"))
    lines = [f"**{label}**", ""]
    lines += [f"- {k}: {v}" for k, v in items if v is not None and v != ""]
    return lines


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
    inp.priors = priors_from_attributes(post, _labels(post, "parameter"))
    if calibration:
        inp.cal = read_calibration(calibration)
        inp.priors.update(read_priors(inp.cal))
        if _get(inp.cal, "observations.file"):
            inp.table = Path(calibration).resolve().parent / str(_get(inp.cal, "observations.file"))
            inp.bounds = read_bounds(inp.table)
    if preamble:
        try:
            inp.preamble_text = Path(preamble).read_text(encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{preamble}: {exc.strerror}") from exc
    return inp


def header_section(inp: Inputs, output: str | None = None) -> list[str]:
    """Title, the commands that reproduce the posterior and the page, provenance, warnings."""
    post = inp.post
    cal_shown = display_path(inp.calibration) if inp.calibration else (
        _attr(post, "calibration_file") or "CALIB.yaml")
    post_shown = display_path(inp.posterior)
    L = [f"<!-- Generated by tools/validation_report.py from {post_shown}: do not edit by hand. -->", "",
         f"# Validation: {_attr(post, 'title') or 'geosim calibration'}", ""]
    regen = ["/usr/bin/python3 tools/validation_report.py", post_shown]
    for flag, path in (("--check", inp.check), ("--calibration", inp.calibration), ("--preamble", inp.preamble)):
        if path:
            regen += [flag, display_path(path)]
    regen += ["-o", display_path(output) if output else "OUT.md"]
    L += ["Reproduce the posterior and this page with", "", f"    geosim calibrate {cal_shown} -o {post_shown}"]
    if inp.check:
        L += [f"    geosim calibrate {cal_shown} --check {post_shown} --full-population "
              f"-o {display_path(inp.check)}"]
    L += ["    " + " ".join(regen), ""]
    L += _provenance(post, inp.posterior, "Posterior") + [""]
    if inp.chk is not None:
        L += _provenance(inp.chk, inp.check, "Full-population check") + [""]
    if inp.cal is not None:
        mism = _setting_mismatches(post, inp.cal, _labels(post, "parameter"))
        if mism:
            L += [f"**Warning**: `{display_path(inp.calibration)}` differs from the file the posterior was made "
                  "with: " + "; ".join(mism) + ".", ""]
    for label, miss in (("posterior", inp.post_missing), ("check", inp.chk_missing)):
        if miss:
            L += [f"**Note**: the {label} file has no " + ", ".join(f"`{m}`" for m in miss)
                  + ": those figures are shown as " + DASH + ".", ""]
    return L


def _populations(inp: Inputs) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    sets = [("calibration population", inp.frame)]
    if inp.cframe is not None:
        sets.insert(0, ("full population", inp.cframe))
    return sets


def coverage_section(inp: Inputs) -> list[str]:
    """Coverage of fitted and held-out rows (each population), and per operator."""
    L = ["## Coverage of the 90% predictive intervals", "",
         "A row is covered if the 90% posterior predictive interval holds its figure (for a bound: "
         "reaches into it). A calibrated model covers about 90% of rows; fitted rows covered and held-out "
         "rows missed means the model learned the data rather than the world.", ""]
    sets = _populations(inp)
    rows = []
    for label, fr in sets:
        for use in ("fitted", "held_out"):
            c = coverage(fr, use)
            rows.append([use.replace("_", " "), label, str(c.rows), str(c.measured), str(c.covered),
                         fmt_share(c.share)])
    L += _table(["use", "predictive check", "rows", "measured", "covered", "share"], rows, "llrrrr") + [""]
    L += ["Per operator (covered / measured):", ""]
    header = ["operator"]
    per = []
    for label, fr in sets:
        per.append(coverage_by_operator(fr))
        suffix = f", {_SHORT[label]}" if len(sets) > 1 else ""
        header += [f"fitted{suffix}", f"held out{suffix}"]
    rows = []
    for op in dict.fromkeys(op for p in per for op in p):
        r = [f"`{op}`"]
        for p in per:
            c = p.get(op, {"fitted": Coverage(), "held_out": Coverage()})
            r += [_n_of(c["fitted"]), _n_of(c["held_out"])]
        rows.append(r)
    return L + _table(header, rows) + [""]


def parameters_section(inp: Inputs) -> list[str]:
    """Every prior against the last generation, and the generations."""
    post = inp.post
    summaries = parameter_summaries(post, inp.priors)
    L = ["## Parameters", "",
         "The last generation's weighted median and 90% interval (5% and 95% weighted quantiles) of each "
         "parameter. *Width* is the posterior's 90% interval width over the prior's, on the prior's own "
         f"scale (the logarithm for a log prior): identified below {IDENTIFIED}, weakly below {WEAKLY}, "
         "not identified from there on."]
    if "effective_sample_size" in post and post.sizes.get("generation", 0):
        L += [f"The quantiles rest on an effective sample of {fmt_sig(post['effective_sample_size'].values[-1])} "
              f"of {post.sizes.get('particle', 0)} particles (docs/calibration.md, *Known limits*)."]
    if any(s.basis == "unit" for s in summaries):
        L += ["Parameters whose prior is not known here (no --calibration, none recorded in the posterior) are "
              "measured on the particles' design coordinates (the prior CDF): the same for uniform and "
              "log-uniform priors."]
    L += [""]
    rows = [[f"`{s.name}`", s.prior.describe() if s.prior else "not recorded", fmt_sig(s.median),
             f"{fmt_sig(s.q05)} to {fmt_sig(s.q95)}", fmt_share(s.ratio), s.word] for s in summaries]
    L += _table(["parameter", "prior", "median", "90% interval", "width", "identification"], rows,
                "llrrrl") + [""]
    if "tolerance" in post and post.sizes.get("generation", 0):
        g = post["generation"].values
        cols = [(k, post[k].values) for k in ("simulations", "failed", "acceptance", "tolerance",
                                               "effective_sample_size") if k in post]
        rows = [[str(int(g[i]))] + [fmt_share(v[i]) if k == "acceptance" else fmt_sig(v[i]) for k, v in cols]
                for i in range(len(g))]
        L += ["Generations:", ""]
        L += _table(["generation"] + [k.replace("effective_sample_size", "ESS") for k, _ in cols], rows,
                    "r" * (1 + len(cols))) + [""]
    return L


def observations_section(inp: Inputs) -> list[str]:
    """One table per use (fitted, held out), then the rows not used with their reasons."""
    frame, cframe = inp.frame, inp.cframe
    L = ["## Observations", "",
         "Observed: the figure, ± the source's standard deviation where it gives one, bounds in brackets "
         "(a range) or after > or < (one bound). Model median: the model's measure over the predictive draws; "
         "90% predictive: the same with the measurement error drawn."]
    if inp.table is not None:
        L += [f"Bounds are read from `{display_path(inp.table)}` as it is now (the posterior does not record them)."]
    if cframe is not None:
        L += ["The first figures are the full-population check's; the last two columns the calibration "
              "population's (the posterior file's own check)."]
    L += [""]
    position = {oid: i for i, oid in enumerate(frame)}
    for use in ("fitted", "held_out"):
        ids = sorted((oid for oid, r in frame.items() if r["use"] == use),
                     key=lambda oid: (frame[oid]["operator"], position[oid]))
        if not ids:
            continue
        L += [f"### {USE_TITLES[use]} ({len(ids)})", ""]
        header = ["id", "quantity", "instrument", "state", "partner", "period", "observed", "model median",
                  "90% predictive", "covered"]
        if cframe is not None:
            header += ["90% predictive, calib. pop.", "covered, calib. pop."]
        rows = []
        for oid in ids:
            r = frame[oid]
            shown = cframe.get(oid) if cframe is not None else r
            row = [f"`{oid}`", r["quantity"], r["instrument"], r["state"], r["partner"] or DASH, r["period"],
                   _observed_text(r, inp.bounds.get(oid)),
                   fmt_value(shown["model_median"], r["observed_units"]) if shown else DASH,
                   _interval(shown), _covered(shown)]
            if cframe is not None:
                row += [_interval(r), _covered(r)]
            rows.append(row)
        L += _table(header, rows, "lllllllrrl" + ("rl" if cframe is not None else "")) + [""]

    L += ["### Rows not used", ""]
    order = {u: i for i, u in enumerate(USES)}
    for use in sorted({r["use"] for r in frame.values()} - {"fitted", "held_out"},
                      key=lambda u: (order.get(u, len(order)), u)):
        ids = [oid for oid, r in frame.items() if r["use"] == use]
        L += [f"**{USE_TITLES.get(use, use or DASH)}** ({len(ids)} {'row' if len(ids) == 1 else 'rows'})", ""]
        if use == "excluded":
            L += [f"- `{oid}`: {frame[oid]['reason'] or DASH}" for oid in ids]
        elif use == "no_operator":
            # Hundreds of rows: by quantity, with the instruments no operator reads.
            by_quantity: dict[str, list[str]] = {}
            for oid in ids:
                by_quantity.setdefault(frame[oid]["quantity"] or DASH, []).append(frame[oid]["instrument"])
            rows = [[f"`{q}`", str(len(inst)), ", ".join(dict.fromkeys(i or DASH for i in inst))]
                    for q, inst in sorted(by_quantity.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
            L += _table(["quantity", "rows", "instruments"], rows, "lrl")
        else:
            by_reason: dict[str, list[str]] = {}
            for oid in ids:
                by_reason.setdefault(frame[oid]["reason"] or DASH, []).append(oid)
            for reason, rids in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                if len(rids) > 12:
                    L += [f"- {reason}: {len(rids)} rows"]
                else:
                    L += [f"- {reason}: " + ", ".join(f"`{i}`" for i in rids)]
        L += [""]
    return L


def build_report(posterior: str, check: str | None = None, calibration: str | None = None,
                 preamble: str | None = None, output: str | None = None) -> str:
    """The report's Markdown. `output` only names the file in the regeneration command."""
    inp = load_inputs(posterior, check, calibration, preamble)
    L = header_section(inp, output)
    if inp.preamble_text is not None:
        L += [inp.preamble_text.rstrip("\n"), ""]
    L += coverage_section(inp) + parameters_section(inp) + observations_section(inp)
    return "\n".join(L).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="validation_report.py", description=__doc__.split("\n")[0])
    parser.add_argument("posterior", help="the posterior file of `geosim calibrate`")
    parser.add_argument("--check", help="the predictive check at the full population (CHECK.h5)")
    parser.add_argument("--calibration", help="the calibration file (its priors and observations table)")
    parser.add_argument("--preamble", help="Markdown inserted after the header (hand-written text)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="write the report here (default: stdout)")
    out.add_argument("--check-up-to-date", metavar="FILE",
                     help="exit 1 if FILE differs from the report that would be written")
    args = parser.parse_args(argv)
    try:
        text = build_report(args.posterior, args.check, args.calibration, args.preamble,
                            args.output or args.check_up_to_date)
    except ReportError as exc:
        print(f"validation_report: {exc}", file=sys.stderr)
        return 2
    if args.check_up_to_date:
        target = Path(args.check_up_to_date)
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if old == text:
            print(f"{target}: up to date")
            return 0
        if old is None:
            print(f"{target}: does not exist; write it with -o {target}", file=sys.stderr)
            return 1
        diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), str(target), "generated",
                                         lineterm="", n=0))
        changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
        what = "line differs" if changed == 1 else "lines differ"
        print(f"{target}: out of date ({changed} {what}); regenerate it with -o {target}", file=sys.stderr)
        for line in diff[:40]:
            print(line, file=sys.stderr)
        if len(diff) > 40:
            print(f"... ({len(diff) - 40} more diff lines)", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
