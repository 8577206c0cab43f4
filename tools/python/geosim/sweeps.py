"""Sweep and batch results files (docs/sweeps.md, "Output") as tidy datasets."""
from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["tidy"]


def tidy(ds: xr.Dataset) -> xr.Dataset:
    """Return `ds` with its ``run`` dimension unstacked into ``point`` and
    ``replicate`` (and ``scenario``, for a batch of several scenarios).

    Every result becomes ``(scenario,) point, replicate, ...``; per-run
    bookkeeping (``seed``, ``run_status``, ``run_error``, ``overrides``,
    ``command``, ``run``) follows the same dimensions. The parameters
    (one variable per path, ``parameter_value`` and ``design_unit``), which
    a point fixes, are indexed by ``point`` alone. ``scenario`` keeps the
    file's order and its per-scenario variables (``scenario_file``, ...).
    """
    if "run" not in ds.dims or "point" not in ds or "replicate" not in ds:
        raise ValueError("not a geosim sweep or batch results file (no run, point and replicate)")
    crossed = ds.sizes.get("scenario", 1) > 1
    if crossed and ds.attrs.get("geosim_results_format") == "sweep-1.0":
        raise ValueError("a batch written by an older geosim (results format sweep-1.0) numbers its runs "
                         "differently; run it again to unstack it by scenario")
    names = list(ds["parameter"].values) if "parameter" in ds.coords else []
    by_point = [v for v in names + ["parameter_value", "design_unit"] if v in ds]
    per_scenario = [v for v in ds.data_vars if ds[v].dims == ("scenario",)]
    scenarios = ds["scenario"].values

    # The parameters: one value per point (every scenario and replicate of a point share it).
    first = ds[by_point].isel(run=np.unique(ds["point"].values, return_index=True)[1])
    params = first.swap_dims(run="point").drop_vars([c for c in ("run", "replicate", "seed", "scenario_index")
                                                    if c in first.coords or c in first.data_vars])

    rest = ds.drop_vars(by_point + per_scenario + ["scenario"])
    index = ["point", "replicate"]
    if crossed:
        rest = rest.assign_coords(scenario=("run", scenarios[ds["scenario_index"].values]))
        index = ["scenario"] + index
    rest = rest.assign_coords(run_index=("run", ds["run"].values))
    # Every combination exists, so unstacking fills nothing; numpy still
    # warns while it prepares integer arrays with a NaN fill it never uses.
    with np.errstate(invalid="ignore"):
        rest = rest.drop_vars("scenario_index").set_index(run=index).unstack("run")
    rest = rest.rename(run_index="run").transpose(*index, ...)
    out = xr.merge([rest, params, ds[per_scenario]], combine_attrs="override")
    if crossed:
        out = out.reindex(scenario=scenarios)
    return out
