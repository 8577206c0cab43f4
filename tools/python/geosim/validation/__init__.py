"""The validation report of a calibration: a Markdown page generated from a
posterior file of `geosim calibrate` (docs/calibration.md).

usage: PYTHONPATH=tools/python /usr/bin/python3 -m geosim.validation POST.h5
           [--check CHECK.h5] [--calibration CALIB.yaml] [--preamble PREAMBLE.md]
           [-o OUT.md | --check-up-to-date OUT.md]

(``/usr/bin/python3 tools/validation_report.py ...`` runs the same without PYTHONPATH.)

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

The modules: ``read`` (the input files), ``stats`` (quantiles, identification,
coverage), ``markdown`` (the page's sections), ``formatting`` (numbers and
table cells), ``cli`` (the command line).

    from geosim.validation import build_report
    text = build_report("posterior.h5", check="check_full.h5",
                        calibration="scenarios/calibration/baseline.yaml")
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Where each name is defined. They are imported on first use, so that
# ``python3 -m geosim.validation`` run by a Python without numpy or xarray
# reaches the command line, which says what to install, rather than failing
# while the package is imported.
_EXPORTS = {
    "main": "cli",
    "build_report": "markdown", "header_section": "markdown", "coverage_section": "markdown",
    "parameters_section": "markdown", "observations_section": "markdown", "display_path": "markdown",
    "ReportError": "read", "Inputs": "read", "load_inputs": "read", "read_calibration": "read",
    "read_priors": "read", "priors_from_attributes": "read", "read_bounds": "read",
    "posterior_sample": "read", "observation_frame": "read",
    "Prior": "stats", "PosteriorSample": "stats", "ParameterSummary": "stats", "Coverage": "stats",
    "weighted_quantile": "stats", "identification": "stats", "parameter_summaries": "stats",
    "coverage": "stats", "coverage_by_operator": "stats",
}

__all__ = ["Coverage", "Inputs", "ParameterSummary", "PosteriorSample", "Prior", "ReportError", "build_report",
           "coverage", "coverage_by_operator", "coverage_section", "display_path", "header_section",
           "identification", "load_inputs", "main", "observation_frame", "observations_section",
           "parameter_summaries", "parameters_section", "posterior_sample", "priors_from_attributes", "read_bounds",
           "read_calibration", "read_priors", "weighted_quantile"]

if TYPE_CHECKING:
    from .cli import main
    from .markdown import (build_report, coverage_section, display_path, header_section, observations_section,
                           parameters_section)
    from .read import (Inputs, ReportError, load_inputs, observation_frame, posterior_sample,
                       priors_from_attributes, read_bounds, read_calibration, read_priors)
    from .stats import (Coverage, ParameterSummary, PosteriorSample, Prior, coverage, coverage_by_operator,
                        identification, parameter_summaries, weighted_quantile)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib  # pylint: disable=import-outside-toplevel
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
