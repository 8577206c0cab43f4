"""Third-party modules a geosim tool needs, with a message that says what to do
when the Python running it lacks them (the python3 first on PATH is often not
Debian's, which has them)."""
from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["require"]

# Debian 12 packages of the modules the tools use.
_PACKAGES = {
    "numpy": "python3-numpy",
    "xarray": "python3-xarray",
    "yaml": "python3-yaml",
    "matplotlib": "python3-matplotlib",
    "h5py": "python3-h5py",
    "pandas": "python3-pandas",
    "netCDF4": "python3-netcdf4",
    "jsonschema": "python3-jsonschema",
}


def require(tool: str, *modules: str) -> tuple[ModuleType, ...]:
    """Import `modules` (dotted names allowed) for `tool` and return them in order.

    If one is missing, raise ImportError naming the tool, every missing module,
    the Debian packages that provide them and this interpreter; when `tool` is
    being run as a program (``python3 -m geosim.plot``, or a package's
    ``__main__``), print that and exit with status 2 instead of a traceback.
    """
    loaded, missing = [], []
    for name in modules:
        try:
            loaded.append(importlib.import_module(name))
        except ImportError:
            missing.append(name)
    if not missing:
        return tuple(loaded)
    packages = " ".join(sorted({_PACKAGES.get(m.split(".")[0], m) for m in missing}))
    message = (f"{tool} needs {', '.join(missing)}, which this Python ({sys.executable}) lacks; "
               f"run it with Debian's /usr/bin/python3 (apt-get install {packages})")
    main = sys.modules.get("__main__")
    # A package run with -m runs its __main__ submodule.
    if main is not None and getattr(main, "__spec__", None) is not None and main.__spec__.name in (
            tool, f"{tool}.__main__"):
        print(message, file=sys.stderr)
        sys.exit(2)
    raise ImportError(message)


def run_tool(module: str) -> None:
    """Run `module`'s main() as a program and exit with its status (the old
    scripts in tools/ call this); a missing package is one message, exit 2."""
    try:
        main = importlib.import_module(module).main
    except ImportError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
