#!/usr/bin/python3
"""Checks a geosim results file the way users read it (docs/results-format.md).

    check_results.py FILE [--agents] [--snapshots] [--migration]

Opens FILE with h5py, xarray.open_dataset and `ncdump -h`, and checks the
layout: named dimensions (no phony_dim), dates decoded on `time`, label
coordinates, units and long_name on the data variables, the global
attributes, and a few invariants of the model (shares sum to one). Exits 1
with one line per problem.
"""
import argparse
import math
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import xarray as xr

FORMAT_VERSION = "1.0"
CHANNELS = ["economic", "security", "soft"]

FORMAT_DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "results-format.md"


def documented_series(doc=FORMAT_DOC):
    """(always, optional): variable -> dims of the time series tables of
    docs/results-format.md (which tests/io/test_variables.cpp checks against
    the catalogue). Rows under a `### NAME (optional...` heading are a
    mechanism's, in a file only when its scenario uses the mechanism:
    optional maps the mechanism's name (lower case) to its variables."""
    series, optional, in_section, table = {}, {}, False, None
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line == "## Time series"
            table = series
        elif in_section and line.startswith("### "):
            table = optional.setdefault(line[4:].split()[0].lower(), {}) if "(optional" in line else series
        elif in_section and line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            table[cells[0].strip("`")] = tuple(d.strip() for d in cells[1].split(","))
    return series, optional


ALWAYS, OPTIONAL = documented_series()
# variable -> dims, in the order the format fixes
SERIES = {
    **ALWAYS,
    "power_name": ("power",),
    "target_name": ("target",),
    "event_id": ("event",),
    "event_time": ("event",),
    "event_tick": ("event",),
    "event_note": ("event",),
    "event_applied": ("event",),
}
AGENTS = {
    "final_attitude": ("citizen", "power"),
    "citizen_target": ("citizen",),
    "citizen_group": ("citizen",),
}
SNAPSHOTS = {
    "attitude": ("snapshot", "citizen", "power"),
    "snapshot_time": ("snapshot",),
    "snapshot_tick": ("snapshot",),
    "citizen_target": ("citizen",),
    "citizen_group": ("citizen",),
}
TEXT_ATTRS = ["Conventions", "title", "geosim_results_format", "geosim_version", "git_commit",
              "compiler", "build_type", "scenario_name", "scenario_file", "scenario_text",
              "resolved_parameters", "start_date", "command_line", "created"]
NUMBER_ATTRS = ["seed", "ticks", "scenario_ticks", "truncated", "events_skipped",
                "negative_threshold", "wall_seconds"]


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def check(self, ok, message):
        if not ok:
            self.problems.append(message)
        return ok

    def with_h5py(self):
        with h5py.File(self.path, "r") as f:
            for name, obj in f.items():
                if not isinstance(obj, h5py.Dataset):
                    self.check(False, f"h5py: unexpected group /{name}")
                    continue
                is_scale = obj.attrs.get("CLASS") == b"DIMENSION_SCALE"
                if obj.ndim and not is_scale:
                    self.check("DIMENSION_LIST" in obj.attrs,
                               f"h5py: {name} has no dimension scales attached")
                    for axis, scales in enumerate(obj.dims):
                        self.check(len(scales) == 1,
                                   f"h5py: axis {axis} of {name} has {len(scales)} scales")
            text = f.attrs.get("scenario_text")
            self.check(isinstance(text, str), "h5py: scenario_text is not a UTF-8 string")

    def with_xarray(self, want_agents, want_snapshots=False, want_migration=False):
        ds = xr.open_dataset(self.path)
        try:
            for dim in ds.dims:
                self.check(not str(dim).startswith("phony_dim"), f"xarray: phony dimension {dim}")
            for dim in ("time", "power", "target", "channel", "group", "institution", "event"):
                self.check(dim in ds.dims, f"xarray: no dimension {dim}")
            self.check(np.issubdtype(ds["time"].dtype, np.datetime64),
                       f"xarray: time not decoded to dates (dtype {ds['time'].dtype})")
            if ds.sizes.get("time", 0) > 1:
                self.check(bool((np.diff(ds["time"].values) > np.timedelta64(0)).all()),
                           "xarray: time not increasing")
            self.check(str(ds["time"].values[0])[:10] == ds.attrs.get("start_date"),
                       "xarray: time[0] is not start_date")
            powers = [str(p) for p in ds["power"].values]
            self.check(len(powers) >= 1 and len(set(powers)) == len(powers),
                       f"xarray: power coordinate {powers}")
            self.check("self" not in [p.lower() for p in powers],
                       "xarray: power coordinate includes self")
            self.check(list(ds["channel"].values) == CHANNELS,
                       f"xarray: channel coordinate {list(ds['channel'].values)}")
            self.check(ds.attrs.get("Conventions") == "CF-1.8", "missing Conventions = CF-1.8")
            self.check(ds.attrs.get("geosim_results_format") == FORMAT_VERSION,
                       f"geosim_results_format is {ds.attrs.get('geosim_results_format')!r}, "
                       f"expected {FORMAT_VERSION}")
            for a in TEXT_ATTRS:
                self.check(isinstance(ds.attrs.get(a), str), f"global attribute {a} missing or not text")
            for a in NUMBER_ATTRS:
                self.check(isinstance(ds.attrs.get(a), (int, float, np.number)),
                           f"global attribute {a} missing or not a number")

            expected = dict(SERIES)
            if want_agents or "final_attitude" in ds:
                expected.update(AGENTS)
            if want_snapshots or "attitude" in ds:
                expected.update(SNAPSHOTS)
            # A mechanism's variables come all together or not at all.
            present = {mechanism: any(name in ds for name in names) for mechanism, names in OPTIONAL.items()}
            present["migration"] = present["migration"] or want_migration
            for mechanism, names in OPTIONAL.items():
                if present[mechanism]:
                    expected.update(names)
            for name, dims in expected.items():
                if self.check(name in ds.variables, f"xarray: no variable {name}"):
                    self.check(ds[name].dims == dims,
                               f"xarray: {name} has dims {ds[name].dims}, expected {dims}")
            for name, var in ds.data_vars.items():
                self.check(bool(var.attrs.get("long_name")), f"{name}: no long_name")
                numeric = var.dtype.kind in "iufM"
                if numeric:
                    units = var.attrs.get("units") or var.encoding.get("units")
                    self.check(bool(units), f"{name}: no units")
            for name in ("power", "target", "channel", "group", "institution"):
                self.check(bool(ds[name].attrs.get("long_name")), f"{name}: no long_name")

            self.invariants(ds)
            if present["migration"] and all(name in ds for name in OPTIONAL["migration"]):
                self.migration(ds)
            if present["surveys"] and all(name in ds for name in OPTIONAL["surveys"]):
                self.surveys(ds)
            if "attitude" in ds:
                self.snapshots(ds)
        finally:
            ds.close()

    def invariants(self, ds):
        tol = 1e-9
        alloc = ds["allocation"].values
        self.check(bool(np.isnan(alloc[0]).all()), "allocation row 0 is not all NaN")
        self.check(not np.isnan(alloc[1:]).any(), "allocation has NaN after row 0")
        total = ds["influence"].sum("power") + ds["autonomy_share"]
        self.check(bool((abs(total - 1) < tol).all()),
                   "influence shares plus autonomy share do not sum to 1")
        total = ds["alignment"].sum("power") + ds["alignment_self"]
        self.check(bool((abs(total - 1) < tol).all()), "alignment does not sum to 1")
        for name in ("influence", "autonomy_share", "alignment", "negative_share",
                     "positive_share"):
            v = ds[name].values
            self.check(bool(((v >= -tol) & (v <= 1 + tol)).all()), f"{name} outside [0, 1]")
        v = ds["attitude_mean"].values
        self.check(bool(((v >= -1) & (v <= 1)).all()), "attitude_mean outside [-1, 1]")
        self.check(int((ds["event_applied"] == 0).sum()) == int(ds.attrs["events_skipped"]),
                   "events_skipped does not match event_applied")
        self.check(ds.sizes["time"] == int(ds.attrs["ticks"]) + 1, "time has not ticks + 1 rows")

    def surveys(self, ds):
        """Survey shares (docs/results-format.md, "Surveys"): shares in [0, 1]
        whose categories do not overlap."""
        self.check("survey" in ds.dims and bool(ds["survey"].attrs.get("long_name")),
                   "survey: no dimension or no long_name")
        fav, unfav = ds["survey_favourable"].values, ds["survey_unfavourable"].values
        self.check(bool(((fav >= 0) & (fav <= 1) & (unfav >= 0) & (unfav <= 1)).all()),
                   "survey_favourable or survey_unfavourable outside [0, 1] or NaN")
        self.check(bool((fav + unfav <= 1 + 1e-12).all()), "survey shares overlap: favourable + unfavourable > 1")

    def migration(self, ds):
        """Migrant shares and remittances (docs/results-format.md, "Migration")."""
        share, sent = ds["migrant_share"].values, ds["remittances"].values
        moving = ~np.isnan(share[0])  # the targets with migration: NaN all along for the others
        self.check(bool(moving.any()), "migrant_share: no target has migration")
        self.check(bool(np.isnan(share[:, ~moving]).all()) and bool(np.isnan(sent[:, ~moving]).all()),
                   "migrant_share or remittances not NaN for a target without migration")
        self.check(bool(((share[:, moving] >= 0) & (share[:, moving] <= 1)).all()),
                   "migrant_share outside [0, 1]")
        self.check(bool(np.isnan(sent[0]).all()), "remittances row 0 is not all NaN")
        self.check(bool((sent[1:, moving] >= 0).all()), "remittances negative or NaN after row 0")
        self.check(bool((ds["labour_demand"].values >= 0).all()), "labour_demand negative or NaN")

    def snapshots(self, ds):
        """The periodic snapshots of every citizen's attitudes (output.agents_every)."""
        when = ds["snapshot_time"]
        self.check(np.issubdtype(when.dtype, np.datetime64),
                   f"xarray: snapshot_time not decoded to dates (dtype {when.dtype})")
        self.check("snapshot_time" in ds["attitude"].coords and "snapshot_tick" in ds["attitude"].coords,
                   "xarray: snapshot_time / snapshot_tick are not coordinates of attitude")
        ticks = ds["snapshot_tick"].values
        self.check(len(ticks) >= 1 and int(ticks[0]) == 0, f"snapshot_tick does not start at 0: {ticks}")
        if len(ticks) > 1:
            every = int(ticks[1] - ticks[0])
            self.check(bool((np.diff(ticks) == every).all()) and int(ticks[-1]) <= int(ds.attrs["ticks"])
                       and int(ticks[-1]) + every > int(ds.attrs["ticks"]),
                       f"snapshot_tick is not 0, N, 2N, ... up to the last tick: {ticks}")
        # snapshot k is dated like row snapshot_tick[k] of time
        self.check(bool((ds["time"].values[ticks] == when.values).all()),
                   "snapshot_time does not match time at snapshot_tick")
        self.check(ds["attitude"].dtype == np.float32, f"attitude is {ds['attitude'].dtype}, not float32")
        v = ds["attitude"].values
        self.check(bool(((v >= -1) & (v <= 1)).all()), "attitude outside [-1, 1]")
        if "final_attitude" in ds and int(ticks[-1]) == int(ds.attrs["ticks"]):
            self.check(np.array_equal(v[-1], ds["final_attitude"].values),
                       "the last snapshot differs from final_attitude")
        # The example of docs/results-format.md: mean attitude toward a power by target.
        power = str(ds["power"].values[0])
        by_target = ds.attitude.sel(power=power).groupby(ds.citizen_target).mean()
        by_target["citizen_target"] = ds.target.values[by_target.citizen_target.values]
        by_target = by_target.swap_dims(snapshot="snapshot_time")
        means = by_target.values
        # agree with attitude_mean (float64 mean of the float32 attitudes) at the snapshots
        want = ds["attitude_mean"].sel(power=power).isel(time=ticks).values
        self.check(means.shape == want.shape and bool((abs(means - want) < 1e-5).all()),
                   "mean snapshot attitude by target differs from attitude_mean")
        with h5py.File(self.path, "r") as f:
            d = f["attitude"]
            self.check(d.chunks is not None and d.chunks[0] == 1 and d.chunks[2] == d.shape[2],
                       f"attitude is not chunked per snapshot: {d.chunks}")
            self.check(d.compression == "gzip" and d.shuffle,
                       "attitude is not shuffle + deflate compressed")

    def with_ncdump(self):
        try:
            r = subprocess.run(["ncdump", "-h", self.path], capture_output=True, text=True,
                               timeout=120)
        except FileNotFoundError:
            self.check(False, "ncdump not found (install netcdf-bin)")
            return
        if self.check(r.returncode == 0, f"ncdump -h failed: {r.stderr.strip()}"):
            self.check("phony_dim" not in r.stdout, "ncdump: phony dimensions")
            self.check("time = " in r.stdout and "power = " in r.stdout,
                       "ncdump: time/power dimensions missing")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--agents", action="store_true",
                        help="require the final agents (final_attitude, ...)")
    parser.add_argument("--snapshots", action="store_true",
                        help="require the attitude snapshots (attitude, snapshot_time, ...)")
    parser.add_argument("--migration", action="store_true",
                        help="require the migration series (migrant_share, remittances, labour_demand)")
    args = parser.parse_args()
    c = Checker(args.file)
    try:
        c.with_h5py()
        c.with_xarray(args.agents, args.snapshots, args.migration)
        c.with_ncdump()
    except Exception as e:  # a reader refusing the file is a failure, not a crash
        c.problems.append(f"{type(e).__name__}: {e}")
    if c.problems:
        for p in c.problems:
            print(f"check_results: {args.file}: {p}", file=sys.stderr)
        return 1
    print(f"check_results: {args.file}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
