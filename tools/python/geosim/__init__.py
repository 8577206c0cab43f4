"""geosim from Python: scenarios, runs and sweeps in process, and the tools
that read, plot and compare results.

    import geosim
    ds = geosim.run("scenarios/central_asia_2013.yaml")
    ds.attitude_mean.sel(power="CHN").plot.line(x="time")

The engine runs in this process (the compiled module geosim._core, built for
Debian's /usr/bin/python3) and returns xarray Datasets equal to what the
command line writes. README.md, "From Python", shows how to make
``import geosim`` work; docs/python.md documents the functions.
"""
from .errors import InputError, RunError

__all__ = ["InputError", "RunError", "Scenario", "batch", "evaluate", "load", "run", "sweep", "__version__"]


def __getattr__(name: str):
    # The engine's functions import numpy, xarray and the compiled module on
    # first use, so that the pure tools (geosim.bands, ...) import without them.
    if name in ("Scenario", "load", "run"):
        from . import simulation  # pylint: disable=import-outside-toplevel
        return getattr(simulation, name)
    if name in ("sweep", "batch", "evaluate"):
        from . import sweeping  # pylint: disable=import-outside-toplevel
        return getattr(sweeping, name)
    if name == "__version__":
        from . import simulation  # pylint: disable=import-outside-toplevel
        return simulation._core().version  # pylint: disable=protected-access
    raise AttributeError(f"module 'geosim' has no attribute {name!r}")
