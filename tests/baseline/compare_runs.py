#!/usr/bin/python3
"""Compares two geosim results files and asserts how they relate.

usage: compare_runs.py A.h5 B.h5 --expect same
       compare_runs.py A.h5 B.h5 --expect different-citizens
       compare_runs.py BASE.h5 CF.h5 --expect counterfactual --first-change YYYY-MM[-DD]

same
    B is a repeat of A (same scenario, same seed): every dataset is identical
    (names, dtype, shape, dimension names, attributes, values bit for bit,
    NaN where NaN) and so is every global attribute except `created`,
    `wall_seconds` and `command_line`.

different-citizens
    B runs A's scenario with another seed: same datasets, dimensions,
    coordinates, event log and global attributes (the scenario text, the
    resolved parameters, ...) except `seed`, which must differ (plus the
    three above). The scenario-determined initial state (row 0 of budget,
    stock, influence, alignment, ...) is identical, while the citizen-driven
    variables (attitude means and shares, overall and per group) differ:
    attitude_mean in every row, the others somewhere.

counterfactual
    B extends A's scenario and changes events only: the resolved parameters
    differ in `name`, `description` and `events` and nowhere else; the
    event logs differ first at --first-change (the earliest date of an event
    added, removed or changed); every time series is identical, bit for bit,
    in every row up to that event's tick (an event at tick k acts during
    tick k+1, so rows 0..k are the same) and differs in every row after it.

Exit 0 if the expectation holds, 1 if not (each violation is printed).
"""
import argparse
import sys

import h5py
import numpy as np
import yaml

VOLATILE_ATTRS = {"created", "wall_seconds", "command_line"}
REFERENCE_ATTRS = {"DIMENSION_LIST", "REFERENCE_LIST"}  # object references; compared as dimension names
COORDINATES = ["time", "power", "target", "channel", "group", "institution",
               "power_name", "target_name"]
EVENT_LOG = ["event_id", "event_time", "event_tick", "event_note", "event_applied"]
CITIZEN_VARIABLES = ["attitude_mean", "negative_share", "positive_share",
                     "group_attitude_mean", "group_negative_share", "group_positive_share"]
SCENARIO_DETERMINED_ROW0 = ["budget", "stock", "influence", "autonomy_stock", "autonomy_share",
                            "alignment", "alignment_self", "membership"]
SCENARIO_DIFFERENCES_ALLOWED = {"name", "description", "events"}


class Report:
    def __init__(self):
        self.problems = []
        self.notes = []

    def fail(self, text):
        self.problems.append(text)

    def note(self, text):
        self.notes.append(text)


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def dim_names(ds):
    return [[scale.name.lstrip("/") for scale in ds.dims[axis].values()] for axis in range(ds.ndim)]


def plain(value):
    """Attribute or dataset value in a form == can compare."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def same_attr(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return plain(a) == plain(b)


def same_values(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    if a.dtype.kind == "O":
        return a.tolist() == b.tolist()
    return np.array_equal(a, b)


def differs_by_row(a, b):
    """Boolean per row (axis 0): does any element differ (NaN == NaN)?"""
    a = a.reshape(a.shape[0], -1)
    b = b.reshape(b.shape[0], -1)
    if a.dtype.kind == "f":
        equal = (a == b) | (np.isnan(a) & np.isnan(b))
    else:
        equal = a == b
    return ~equal.all(axis=1)


def compare_structure(fa, fb, r, with_attrs=True, skip=()):
    """Same dataset names, dtypes, shapes, dimension names and dataset attributes."""
    da, db = datasets(fa), datasets(fb)
    if set(da) != set(db):
        r.fail(f"datasets only in A: {sorted(set(da) - set(db))}, only in B: {sorted(set(db) - set(da))}")
    for name in sorted(set(da) & set(db)):
        if name in skip:
            continue
        a, b = da[name], db[name]
        if a.dtype != b.dtype or a.shape != b.shape:
            r.fail(f"{name}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
            continue
        if dim_names(a) != dim_names(b):
            r.fail(f"{name}: dimensions {dim_names(a)} vs {dim_names(b)}")
        if not with_attrs:
            continue
        ka = set(a.attrs) - REFERENCE_ATTRS
        kb = set(b.attrs) - REFERENCE_ATTRS
        if ka != kb:
            r.fail(f"{name}: attributes {sorted(ka)} vs {sorted(kb)}")
        for key in sorted(ka & kb):
            if not same_attr(a.attrs[key], b.attrs[key]):
                r.fail(f"{name}: attribute {key}: {plain(a.attrs[key])!r} vs {plain(b.attrs[key])!r}")
    return da, db


def compare_global_attrs(fa, fb, r, ignore=(), must_differ=()):
    ka, kb = set(fa.attrs), set(fb.attrs)
    if ka != kb:
        r.fail(f"global attributes only in A: {sorted(ka - kb)}, only in B: {sorted(kb - ka)}")
    compared = 0
    for key in sorted(ka & kb):
        if key in VOLATILE_ATTRS or key in ignore:
            continue
        equal = plain(fa.attrs[key]) == plain(fb.attrs[key])
        if key in must_differ:
            if equal:
                r.fail(f"global attribute {key} should differ but is {plain(fa.attrs[key])!r} in both")
        elif not equal:
            r.fail(f"global attribute {key}: {str(plain(fa.attrs[key]))[:80]!r} vs {str(plain(fb.attrs[key]))[:80]!r}")
        compared += 1
    return compared


def time_series(ds_map):
    return {name: ds for name, ds in ds_map.items()
            if ds.ndim >= 1 and dim_names(ds)[0] == ["time"] and name != "time"}


def expect_same(fa, fb, r):
    da, db = compare_structure(fa, fb, r)
    identical = 0
    for name in sorted(set(da) & set(db)):
        if same_values(da[name][()], db[name][()]):
            identical += 1
        else:
            r.fail(f"{name}: values differ")
    attrs = compare_global_attrs(fa, fb, r)
    r.note(f"{identical} datasets identical, {attrs} global attributes equal "
           f"(ignoring {', '.join(sorted(VOLATILE_ATTRS))})")


def spin_up_years(f):
    """time.spin_up of the run's resolved scenario (0 if it has none)."""
    text = f.attrs.get("resolved_parameters", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    for line in text.splitlines():
        if line.strip().startswith("spin_up:"):
            return float(line.split(":", 1)[1].split("#")[0])
    return 0.0


def expect_different_citizens(fa, fb, r):
    da, db = compare_structure(fa, fb, r)
    compare_global_attrs(fa, fb, r, must_differ={"seed"})
    for name in COORDINATES + EVENT_LOG:
        if name not in da:
            r.fail(f"{name}: missing")
        elif not same_values(da[name][()], db[name][()]):
            r.fail(f"{name}: differs (it depends on the scenario only)")
    # With a spin-up, row 0 is the end of unrecorded ticks in which the
    # citizens moved: it depends on the seed like every later row.
    spun_up = spin_up_years(fa) > 0
    if spun_up:
        r.note(f"row 0 not compared: the scenario spins up {spin_up_years(fa):g} years")
    for name in [] if spun_up else SCENARIO_DETERMINED_ROW0:
        if name in da and name in db and not same_values(da[name][0], db[name][0]):
            r.fail(f"{name}: row 0 differs (the initial state depends on the scenario only)")
    for name in CITIZEN_VARIABLES:
        if name not in da or name not in db:
            r.fail(f"{name}: missing")
            continue
        rows = differs_by_row(da[name][()], db[name][()])
        if name == "attitude_mean" and not rows.all():
            r.fail(f"{name}: identical in rows {np.flatnonzero(~rows).tolist()[:10]} despite another seed")
        elif not rows.any():
            r.fail(f"{name}: identical despite another seed")
        else:
            r.note(f"{name}: differs in {rows.sum()} of {rows.size} rows")


def tree_differences(a, b, path=""):
    """Dotted paths where two YAML trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                out.append(sub)
            else:
                out += tree_differences(a[key], b[key], sub)
        return out
    return [] if a == b else [path or "(root)"]


def event_log(f):
    ids = [plain(x) for x in f["event_id"][()]]
    ids = [x.decode() if isinstance(x, bytes) else x for x in ids]
    rows = zip(ids, f["event_time"][()].tolist(), f["event_tick"][()].tolist(),
               [plain(x) for x in f["event_note"][()]], f["event_applied"][()].tolist())
    return {eid: (time, tick, note, applied) for eid, time, tick, note, applied in rows}


def day_number(f, text):
    """A YYYY-MM[-DD] date as days since the file's start date (the `time` units)."""
    start = np.datetime64(plain(f.attrs["start_date"]).decode())
    date = np.datetime64(text if len(text) > 7 else text + "-01")
    return float((date - start) / np.timedelta64(1, "D"))


def expect_counterfactual(fa, fb, r, first_change):
    # The event log may change length (an event disabled); everything else keeps its shape.
    da, db = compare_structure(fa, fb, r, skip=["event"] + EVENT_LOG)
    compare_global_attrs(fa, fb, r, ignore={"title", "scenario_name", "scenario_description", "scenario_file",
                                            "scenario_text", "resolved_parameters", "defaults_applied",
                                            "events_skipped"})
    for name in COORDINATES:
        if not same_values(da[name][()], db[name][()]):
            r.fail(f"{name}: differs")

    # The parameters differ only in the name, the description and the events.
    pa = yaml.safe_load(plain(fa.attrs["resolved_parameters"]))
    pb = yaml.safe_load(plain(fb.attrs["resolved_parameters"]))
    changed = tree_differences(pa, pb)
    outside = [p for p in changed if p.split(".")[0] not in SCENARIO_DIFFERENCES_ALLOWED]
    if outside:
        r.fail(f"resolved parameters differ outside {sorted(SCENARIO_DIFFERENCES_ALLOWED)}: {outside}")
    r.note(f"parameters changed: {', '.join(changed) or '(none)'}")

    # The events that differ, and the earliest of them.
    # An event differs if its log entry does (added, removed, moved, renoted)
    # or if its parameters do (e.g. its actions), as long as one run has it.
    ea, eb = event_log(fa), event_log(fb)
    differing = {eid for eid in set(ea) | set(eb) if ea.get(eid) != eb.get(eid)}
    differing |= {p.split(".")[1] for p in changed
                  if p.startswith("events.") and (p.split(".")[1] in ea or p.split(".")[1] in eb)}
    if not differing:
        r.fail("the event logs are identical: the counterfactual changes no event")
        return
    first_time = min(min(log[e][0] for log in (ea, eb) if e in log) for e in differing)
    first_tick = min(min(log[e][1] for log in (ea, eb) if e in log) for e in differing)
    firsts = sorted(e for e in differing if any(e in log and log[e][1] == first_tick for log in (ea, eb)))
    r.note(f"events changed: {', '.join(sorted(differing))}; first: {', '.join(firsts)} "
           f"(tick {first_tick}, day {first_time:g})")
    expected_time = day_number(fa, first_change)
    months = lambda days: np.datetime64(plain(fa.attrs["start_date"]).decode()) + np.timedelta64(int(days), "D")
    if str(months(first_time))[:7] != str(months(expected_time))[:7]:
        r.fail(f"first changed event is at {months(first_time)}, the test expects {first_change}")

    # Rows 0..first_tick identical, every later row differs somewhere.
    series = time_series(da)
    rows = da["time"].shape[0]
    differs = np.zeros(rows, dtype=bool)
    for name in sorted(series):
        by_row = differs_by_row(da[name][()], db[name][()])
        early = np.flatnonzero(by_row[: first_tick + 1])
        if early.size:
            r.fail(f"{name}: differs already in row {early[0]} (before the first change, tick {first_tick})")
        differs |= by_row
    late_same = np.flatnonzero(~differs[first_tick + 1:]) + first_tick + 1
    if first_tick + 1 >= rows:
        r.fail(f"the first change (tick {first_tick}) is beyond the run's {rows - 1} ticks")
    elif late_same.size:
        r.fail(f"rows {late_same.tolist()[:10]} after the first change are identical to the baseline")
    r.note(f"{len(series)} time series: rows 0..{first_tick} identical, rows {first_tick + 1}..{rows - 1} differ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--expect", required=True, choices=["same", "different-citizens", "counterfactual"])
    parser.add_argument("--first-change", help="counterfactual: date of the first changed event (YYYY-MM[-DD])")
    args = parser.parse_args()
    if args.expect == "counterfactual" and not args.first_change:
        parser.error("--expect counterfactual needs --first-change")
    r = Report()
    with h5py.File(args.a, "r") as fa, h5py.File(args.b, "r") as fb:
        if args.expect == "same":
            expect_same(fa, fb, r)
        elif args.expect == "different-citizens":
            expect_different_citizens(fa, fb, r)
        else:
            expect_counterfactual(fa, fb, r, args.first_change)
    print(f"{args.a} vs {args.b} (expect {args.expect}):")
    for text in r.notes:
        print(f"  {text}")
    for text in r.problems:
        print(f"  FAIL {text}")
    if r.problems:
        print(f"{len(r.problems)} problem(s)", file=sys.stderr)
        return 1
    print("  ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
