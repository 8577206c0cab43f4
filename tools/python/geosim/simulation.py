"""Scenarios and runs in process: ``geosim.load`` and ``geosim.run``.

The engine runs inside this Python (the compiled module ``geosim._core``)
with the GIL released; results come back as the ``xarray.Dataset`` that
``xarray.open_dataset`` would read from the file ``geosim run`` writes, with
no file written unless one is asked for.
"""
from __future__ import annotations

import datetime
import json
import operator
import os
import re
from collections.abc import Mapping
from typing import Any, Optional, Union

from ._requires import require
from .errors import InputError

np, pd, xr, yaml = require("geosim", "numpy", "pandas", "xarray", "yaml")

__all__ = ["Scenario", "load", "run", "set_arguments"]

PathLike = Union[str, "os.PathLike[str]"]


def _core():
    """The compiled module, or an ImportError that says how to get it."""
    try:
        from . import _core as core  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise ImportError(
            "geosim's compiled module (geosim._core) is not importable: build geosim "
            "(cmake --preset release && cmake --build --preset release) and put build/release/python "
            "on PYTHONPATH, or install it (cmake --install build/release); it is built for "
            f"Debian's /usr/bin/python3 ({exc})") from exc
    return core


def _plain(value: Any, where: str) -> Any:
    """`value` as the plain Python types YAML writes: numpy scalars and arrays,
    paths, dates and tuples converted; TypeError saying `where` for anything else."""
    if isinstance(value, np.datetime64):  # what pandas datetime columns hold
        day = value.astype("datetime64[D]")
        if np.isnat(value) or day != value:
            raise TypeError(f"{where}: {value!r} is not a date at midnight; scenario dates are YYYY-MM-DD")
        return str(day)
    if isinstance(value, np.generic):
        return _plain(value.item(), where)
    if isinstance(value, np.ndarray):
        return [_plain(v, where) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, datetime.datetime):  # pandas.Timestamp too
        if value.tzinfo is not None or value.time() != datetime.time():
            raise TypeError(f"{where}: {value!r} has a time of day or a zone; "
                            "scenario dates are YYYY-MM or YYYY-MM-DD")
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v, where) for k, v in value.items()}
    raise TypeError(f"{where}: cannot write a {type(value).__name__} as YAML "
                    "(give a number, bool, str, date, list or dict)")


def _plain_string(text: str) -> bool:
    """Whether `text` reads back as itself when written unquoted: no YAML syntax
    (``a: b``, ``[a]``, ``# x``, ``~``, ``""``) and no value of another type."""
    if not text or any(c < " " for c in text):
        return False
    try:
        float(text)  # a number to the engine (YAML 1.2), though PyYAML reads 1e-05 as a string
        return False
    except ValueError:
        pass
    try:
        return _load_yaml(text) == text
    except yaml.YAMLError:
        return False


def _python_value(text: str) -> Any:
    """The Python value whose --set text (from _yaml_value) is `text`."""
    if text.startswith('"'):
        return json.loads(text)
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text.startswith(("[", "{")):
        return _load_yaml(text)
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


def _yaml_value(value: Any, key: str = "value") -> str:
    """`value` as the YAML text of a --set value. A str stays a str: it is
    quoted unless it reads back as itself."""
    value = _plain(value, f"set= value of {key!r}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # nan and inf are refused by the loader with its own message
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if _plain_string(value) else json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return yaml.dump(value, Dumper=_Dumper, default_flow_style=True, sort_keys=False, width=1 << 30,
                     allow_unicode=True).strip().removesuffix("\n...")


class _Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
    """Writes a str inside a list or mapping quoted unless it reads back as
    itself to the engine (PyYAML would leave 1e5 or 0o10 bare)."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style=None if _plain_string(text) else '"'))


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """Reads YAML as the engine does (the 1.2 core schema): 010 is ten, 1e-05 a
    number, on and yes are strings; PyYAML's default is YAML 1.1."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _tag, _pattern, _first in (
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789")):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
_Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 0)
                        if loader.construct_scalar(node)[:2] in ("0o", "0x")
                        else int(loader.construct_scalar(node)))


def _load_yaml(text: str) -> Any:
    """`text` read as the engine reads it (see _Loader)."""
    return yaml.load(text, Loader=_Loader)  # nosec: a SafeLoader


def _integer(value: Any, name: str, minimum: int, maximum: int = (1 << 63) - 1) -> Optional[int]:
    """`value` (None, an int or a numpy integer) checked against [minimum, maximum]:
    TypeError for another type, InputError (as the engine's own checks) out of range."""
    if value is None:
        return None
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name}= takes an int, not {type(value).__name__}")
    value = operator.index(value)
    if not minimum <= value <= maximum:
        bound = f">= {minimum}" if maximum == (1 << 63) - 1 else f"in [{minimum}, {maximum}]"
        detail = f"expected an integer {bound}, got {value}"
        raise InputError(f"geosim: {name}: {detail}", "geosim", 0, 0, name, detail, "UsageError")
    return value


SEED_MAX = (1 << 64) - 1
INT_MAX = (1 << 31) - 1  # ticks, threads, jobs, replicates: C ints in the engine


def set_arguments(values: Optional[Mapping[str, Any]]) -> list[str]:
    """``{"path": value}`` as the command line's ``--set path=value`` arguments.

    Values may be numbers, booleans, strings, lists or mappings (written as
    YAML flow text); keys are dotted paths, as with ``--set``.
    """
    if values is None:
        return []
    if not isinstance(values, Mapping):
        raise TypeError(f"set= takes a mapping of dotted paths to values, not {type(values).__name__}")
    out = []
    for key, value in values.items():
        if not isinstance(key, str):
            raise TypeError(f"set= keys are dotted paths (str), not {type(key).__name__}")
        out.append(f"{key}={_yaml_value(value, key)}")
    return out


class Scenario:
    """A validated scenario, as the engine will run it.

    Made by :func:`geosim.load`. Its resolved values (the file, its
    ``extends:`` chain, ``set=`` overrides and every default written in) are
    :attr:`values`; the defaults the file did not give are :attr:`defaults`.
    """

    def __init__(self, native: Any, path: str, overrides: list[str], ticks: Optional[int],
                 seed: Optional[int]) -> None:
        self._native = native
        self._path, self._overrides, self._ticks, self._seed = path, overrides, ticks, seed

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def description(self) -> str:
        return self._native.description

    @property
    def path(self) -> str:
        """The scenario file."""
        return self._path

    @property
    def overrides(self) -> list[str]:
        """The ``path=value`` overrides applied, in order."""
        return list(self._overrides)

    @property
    def ticks(self) -> int:
        """Ticks a run does (after any ``ticks=``)."""
        return self._native.ticks

    @property
    def seed(self) -> int:
        """The seed a run uses unless given another."""
        return self._native.seed

    @property
    def start(self) -> str:
        return self._native.start

    @property
    def end(self) -> str:
        return self._native.end

    @property
    def citizens(self) -> int:
        return self._native.citizens

    @property
    def powers(self) -> list[str]:
        return self._native.powers

    @property
    def targets(self) -> list[str]:
        return self._native.targets

    @property
    def groups(self) -> list[str]:
        return self._native.groups

    @property
    def values(self) -> dict:
        """Every resolved value, as nested dicts and lists (a copy)."""
        return _load_yaml(self._native.resolved_yaml) or {}

    @property
    def defaults(self) -> dict[str, Any]:
        """The values taken from defaults, by dotted path."""
        out = {}
        for line in self._native.defaults_applied.splitlines():
            key, _, text = line.partition(": ")
            out[key] = _load_yaml(text)
        return out

    def get(self, path: str) -> Any:
        """The resolved value at a dotted path (``"powers.RUS.budget"``); KeyError if none."""
        node: Any = self.values
        for part in path.split("."):
            if isinstance(node, list):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise KeyError(f"{self.name} has no value at {path!r}")
        return node

    def to_yaml(self) -> str:
        """The resolved scenario as YAML (what ``geosim validate --defaults`` resolves)."""
        return self._native.resolved_yaml

    def replace(self, *, set: Optional[Mapping[str, Any]] = None, ticks: Optional[int] = None,
                seed: Optional[int] = None) -> "Scenario":
        """This scenario loaded again with more overrides (applied after its own), or another
        horizon or seed."""
        return load(self._path, set=None, ticks=ticks if ticks is not None else self._ticks,
                    seed=seed if seed is not None else self._seed,
                    _overrides=self._overrides + set_arguments(set))

    def __repr__(self) -> str:
        return (f"<geosim.Scenario {self.name!r}: {self.start} to {self.end}, {self.ticks} ticks, "
                f"{len(self.powers)} powers, {len(self.targets)} targets, {self.citizens} citizens>")


def load(path: PathLike, *, set: Optional[Mapping[str, Any]] = None, ticks: Optional[int] = None,
         seed: Optional[int] = None, _overrides: Optional[list[str]] = None) -> Scenario:
    """Read, merge (``extends:``), override and validate a scenario file.

    ``set`` maps dotted paths to values, as ``--set path=value`` does on the
    command line; ``ticks`` runs only the first N ticks; ``seed`` replaces the
    scenario's. Raises :class:`geosim.InputError` (file, line, column, key and
    the CLI's message) on bad input.
    """
    overrides = list(_overrides or []) + set_arguments(set)
    ticks, seed = _integer(ticks, "ticks", 1, INT_MAX), _integer(seed, "seed", 0, SEED_MAX)
    native = _core().load(os.fspath(path), overrides, ticks, seed)
    return Scenario(native, os.fspath(path), overrides, ticks, seed)


def last_of_each(overrides: list[str]) -> list[tuple[str, str]]:
    """The (path, text) of `overrides` with only the last of a repeated path,
    in the order of the last ones: the same scenario, since an override
    replaces what its path held, and a form a mapping can hold."""
    pairs = [tuple(o.split("=", 1)) for o in overrides]
    last = {key: i for i, (key, _) in enumerate(pairs)}
    return [pair for i, pair in enumerate(pairs) if last[pair[0]] == i]


def _command(scenario: Scenario, seed: Optional[int]) -> str:
    """The Python call that repeats a run (the file's command_line attribute)."""
    args = [repr(scenario.path)]
    if scenario.overrides:
        args.append("set={" + ", ".join(repr(k) + ": " + repr(_python_value(v))
                                        for k, v in last_of_each(scenario.overrides)) + "}")
    if scenario._ticks is not None:  # pylint: disable=protected-access
        args.append(f"ticks={scenario._ticks}")  # pylint: disable=protected-access
    args.append(f"seed={seed if seed is not None else scenario.seed}")
    return "geosim.run(" + ", ".join(args) + ")"


# Dates datetime64[ns] holds; xarray decodes others to cftime objects.
_NS_DATES = (np.datetime64("1678-01-01", "D"), np.datetime64("2262-04-11", "D"))


def _dates(days: "np.ndarray", units: str, calendar: str) -> "np.ndarray":
    """Days since the start as xarray decodes them: datetime64[ns], or, out of
    its range, what open_dataset gives (cftime dates, with its warning)."""
    start = np.datetime64(units[len("days since "):], "D")
    dates = start + days.astype(np.int64).astype("timedelta64[D]")
    in_range = _NS_DATES[0] <= start < _NS_DATES[1]
    if in_range and (days.size == 0 or (_NS_DATES[0] <= dates.min() and dates.max() < _NS_DATES[1])):
        return dates.astype("datetime64[ns]")
    if days.size == 0:  # as open_dataset gives it (decode_cf_datetime fails on no dates)
        return np.empty(0, dtype=object)
    from xarray.coding.times import decode_cf_datetime  # pylint: disable=import-outside-toplevel
    return decode_cf_datetime(days, units, calendar)


def _variable(dims: tuple, values: Any, attrs: dict) -> "xr.Variable":
    """One variable as xarray decodes it from the file (CF conventions): times
    as datetime64, fill values moved into the encoding."""
    encoding = {}
    if isinstance(values, list):
        values = np.array(values, dtype=object)
    if "_FillValue" in attrs:
        encoding["_FillValue"] = attrs.pop("_FillValue")
    units = attrs.get("units")
    if "calendar" in attrs and isinstance(units, str) and units.startswith("days since "):
        encoding["units"], encoding["calendar"] = attrs.pop("units"), attrs.pop("calendar")
        values = _dates(values, encoding["units"], encoding["calendar"])
    if "coordinates" in attrs:
        encoding["coordinates"] = attrs.pop("coordinates")
    # fastpath: the arrays are final (native dtypes, datetime64[ns], str objects),
    # so xarray's conversion through pandas, most of this call's time, is skipped.
    return xr.Variable(dims, values, attrs, encoding, fastpath=True)


def dataset_from_raw(raw: dict) -> "xr.Dataset":
    """The Dataset of ``geosim._core.run``'s arrays and attributes."""
    variables, coords = {}, set()
    for name, dims, values, attrs in raw["variables"]:
        if "coordinates" in attrs:
            coords.update(attrs["coordinates"].split())
        variables[name] = _variable(dims, values, attrs)
        if dims == (name,):
            coords.add(name)
    try:
        if any(v.dtype == object and v.size and not isinstance(v.values.flat[0], str)
               for v in variables.values()):
            raise TypeError("cftime dates: xarray builds their index")
        return _construct(variables, coords, dict(raw["dims"]), raw["attrs"])
    except (AttributeError, TypeError):  # cftime dates, or another xarray than Debian 12's: the public way
        data = {k: v for k, v in variables.items() if k not in coords}
        return xr.Dataset(data, coords={k: variables[k] for k in coords}, attrs=raw["attrs"])


def _construct(variables: dict, coords: set, dims: dict, attrs: dict) -> "xr.Dataset":
    """The Dataset made directly, without the alignment and merging of
    ``xr.Dataset(...)``, which would take longer than the rest of the call:
    every variable here already has its final dimensions, and each dimension
    coordinate gets the pandas index xarray would build."""
    from xarray.core.indexes import PandasIndex  # pylint: disable=import-outside-toplevel

    indexes = {}
    for name in coords:
        if variables[name].dims == (name,):
            index = PandasIndex(pd.Index(variables[name].values, name=name), name)
            indexes[name] = index
            variables[name] = index.create_variables({name: variables[name]})[name]
    return xr.Dataset._construct_direct(variables, coords, dims, attrs, indexes)  # pylint: disable=protected-access


def run(scenario: Union[Scenario, PathLike], *, seed: Optional[int] = None,
        set: Optional[Mapping[str, Any]] = None, ticks: Optional[int] = None, threads: int = 0,
        path: Optional[PathLike] = None) -> "xr.Dataset":
    """Run a scenario in this process and return its results.

    ``scenario`` is a :class:`Scenario` or a scenario file. ``set`` and
    ``ticks`` apply on top of the scenario's own (as ``--set`` and
    ``--ticks``); ``seed`` replaces its seed; ``threads`` is the citizen
    update's thread count (0: all cores; results do not depend on it).

    Returns the ``xarray.Dataset`` equal to ``xarray.open_dataset`` of the
    file ``geosim run`` writes (values, dimensions, coordinates, units and
    attributes; only ``command_line``, ``created`` and ``wall_seconds``
    differ). Nothing is written unless ``path`` is given; then that file is
    written too, by the same run. Ctrl-C stops the run (KeyboardInterrupt)
    and leaves no file. Raises :class:`geosim.InputError` on bad input and
    :class:`geosim.RunError` if the run fails.
    """
    seed, threads = _integer(seed, "seed", 0, SEED_MAX), _integer(threads, "threads", 0, INT_MAX)
    if not isinstance(scenario, Scenario):
        scenario = load(scenario, set=set, ticks=ticks)
    elif set or ticks is not None:
        scenario = scenario.replace(set=set, ticks=ticks)
    raw = _core().run(scenario._native, seed, threads,  # pylint: disable=protected-access
                      None if path is None else os.fspath(path), _command(scenario, seed))
    return dataset_from_raw(raw)
