"""The report's statistics: weighted quantiles of the posterior, each prior's
quantiles on its own scale, how well a parameter is identified, and the
coverage of the predictive intervals."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, NamedTuple, Sequence

from .._requires import require
from .formatting import DASH, finite, fmt_plain

(np,) = require("geosim.validation", "numpy")

__all__ = ["IDENTIFIED", "WEAKLY", "Coverage", "ParameterSummary", "PosteriorSample", "Prior", "coverage",
           "coverage_by_operator", "identification", "parameter_summaries", "weighted_quantile"]

# Posterior-to-prior width ratios below which a parameter is identified, weakly identified.
IDENTIFIED, WEAKLY = 0.5, 0.8


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


class PosteriorSample(NamedTuple):
    """The last generation of a posterior (geosim.validation.read.posterior_sample)."""
    names: list[str]  # the parameters, in the file's order
    value: np.ndarray  # (particle, parameter)
    weight: np.ndarray  # (particle,)
    unit: np.ndarray | None  # design coordinates (the prior CDF), (particle, parameter), if recorded


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
        """The identification word of `ratio`."""
        return identification(self.ratio)


def parameter_summaries(sample: PosteriorSample, priors: dict[str, Prior]) -> list[ParameterSummary]:
    """Every parameter of the posterior against its prior (priors: by path; absent ones use the unit coordinate)."""
    names, value, weight, unit = sample
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


@dataclass
class Coverage:
    """Rows of one use: how many, how many measured, how many covered."""
    rows: int = 0
    measured: int = 0
    covered: int = 0

    @property
    def share(self) -> float:
        """Covered rows over measured ones (NaN if none is measured)."""
        return self.covered / self.measured if self.measured else math.nan

    def add(self, covered: float) -> None:
        """Count a row whose `covered` is 1, 0 or NaN (not measured)."""
        self.rows += 1
        if finite(covered):
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
