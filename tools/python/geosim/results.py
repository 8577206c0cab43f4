"""geosim's netCDF files (runs, sweeps, compare files, calibration posteriors)
as xarray opens them: one-line errors for a file that is missing or foreign,
and dimension labels as text."""
from __future__ import annotations

import os
from typing import Any

import xarray as xr

__all__ = ["ResultsFileError", "as_text", "labels", "open_results"]


class ResultsFileError(ValueError):
    """A file that does not exist or that xarray cannot open."""


def open_results(path: str | os.PathLike, *, load: bool = False) -> xr.Dataset:
    """``xr.open_dataset(path)``, raising ResultsFileError with a one-line
    message ("no such file", "not a netCDF-4/HDF5 file xarray can read")
    rather than xarray's own.

    The Dataset reads lazily and holds the file open (use it in ``with``);
    with ``load=True`` its data are read into memory and the file is closed.
    """
    if not os.path.isfile(path):
        raise ResultsFileError("no such file")
    try:
        ds = xr.open_dataset(path)
    except (OSError, ValueError) as e:  # xarray's own message spans lines and lists IO backends
        raise ResultsFileError("not a netCDF-4/HDF5 file xarray can read") from e
    if not load:
        return ds
    with ds:
        try:
            return ds.load()
        except (OSError, ValueError) as e:  # a damaged file can open and still fail here
            raise ResultsFileError("not a netCDF-4/HDF5 file xarray can read") from e


def as_text(value: Any) -> str:
    """A label or attribute as text: bytes (netCDF's fixed-length strings) decoded, anything else str()."""
    return value.decode() if isinstance(value, bytes) else str(value)


def labels(ds: xr.Dataset, dim: str) -> list[str]:
    """The labels of dimension `dim` of `ds` as text: its coordinate's values,
    or "0", "1", ... where it has none; empty if `ds` has no such dimension."""
    if dim not in ds.dims:
        return []
    if dim in ds.coords:
        return [as_text(v) for v in ds[dim].values]
    return [str(i) for i in range(ds.sizes[dim])]
