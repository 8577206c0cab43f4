#!/usr/bin/python3
"""Compares two sweep results files: every dataset (names, dtypes, shapes,
values with NaN == NaN, dimension scales) and every attribute must be equal,
except the attributes that record timing and host (created, wall_seconds, host).

usage: compare_sweeps.py [--ignore ATTR,ATTR...] [--allow-new VAR,VAR...] A.h5 B.h5
exit 0 if equal, 1 with the differences. --ignore names more attributes to
skip (tools/check_identity.sh skips the build's provenance: commit, compiler).
--allow-new names variables that B may have and A lack (a newer build's
additions: then everything else must still be equal).
"""
import sys

import h5py
import numpy as np

VARYING = {"created", "wall_seconds", "host"}


def attrs(obj):
    out = {}
    for k, v in obj.attrs.items():
        if k in VARYING or k in ("DIMENSION_LIST", "REFERENCE_LIST"):
            continue
        # bytes, so that a NaN fill value equals itself
        out[k] = np.asarray(v).tobytes() if isinstance(v, (np.ndarray, np.generic)) else v
    return out


def values(ds):
    data = ds[()]
    if ds.dtype.kind == "O":
        return [x.decode() if isinstance(x, bytes) else x for x in np.ravel(data)]
    return data


def dims(ds):
    return [[s.name for s in d.values()] for d in ds.dims]


def compare(a_path, b_path, allow_new=()):
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        b_keys = [k for k in b.keys() if k in a or k not in allow_new]
        if list(a.keys()) != b_keys:
            problems.append(f"datasets differ: {list(a.keys())} vs {b_keys}")
        if attrs(a) != attrs(b):
            for k in set(attrs(a)) | set(attrs(b)):
                if attrs(a).get(k) != attrs(b).get(k):
                    problems.append(f"global attribute {k} differs")
        for name in a.keys():
            if name not in b:
                continue
            x, y = a[name], b[name]
            if x.dtype != y.dtype or x.shape != y.shape:
                problems.append(f"{name}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}")
                continue
            if attrs(x) != attrs(y):
                problems.append(f"{name}: attributes differ")
            if dims(x) != dims(y):
                problems.append(f"{name}: dimensions differ")
            vx, vy = values(x), values(y)
            if isinstance(vx, list):
                if vx != vy:
                    problems.append(f"{name}: text values differ")
            elif not np.array_equal(vx, vy, equal_nan=vx.dtype.kind == "f"):
                problems.append(f"{name}: values differ")
    return problems


if __name__ == "__main__":
    args = sys.argv[1:]
    new = []
    while len(args) > 2 and args[0] in ("--ignore", "--allow-new"):
        (VARYING.update if args[0] == "--ignore" else new.extend)(args[1].split(","))
        args = args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    found = compare(args[0], args[1], new)
    for p in found:
        print(f"{args[0]} vs {args[1]}: {p}")
    sys.exit(1 if found else 0)
