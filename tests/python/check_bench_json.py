#!/usr/bin/python3
"""Checks the JSON of geosim-bench --json: every citizen count asked for is
there with 1 thread and with all threads, every figure positive, and the
ratio to the bandwidth bound consistent with the rate and the bound.

usage: check_bench_json.py FILE CITIZENS...
"""
import json
import sys


def main():
    path, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
    with open(path) as f:
        bench = json.load(f)
    problems = []
    if bench["powers"] != 3 or bench["targets"] != 5:
        problems.append(f"expected 3 powers and 5 targets, got {bench['powers']} and {bench['targets']}")
    bound = bench["bandwidth_bound_updates_per_second"]
    if not bench["bandwidth_bytes_per_second"]["median"] > 0 or not bound > 0:
        problems.append("bandwidth and its bound must be positive")
    if bench["bytes_per_update"] != 12:
        problems.append(f"bytes per update {bench['bytes_per_update']}, expected 12")
    threads_by_size = {}
    for row in bench["results"]:
        rate = row["updates_per_second"]
        if not 0 < rate["min"] <= rate["median"] <= rate["max"]:
            problems.append(f"{row['citizens']} citizens, {row['threads']} threads: min <= median <= max fails: {rate}")
        if abs(row["ratio_to_bound"] - rate["median"] / bound) > 1e-9 * max(1.0, row["ratio_to_bound"]):
            problems.append(f"{row['citizens']} citizens: ratio_to_bound is not median / bound")
        threads_by_size.setdefault(row["citizens"], set()).add(row["threads"])
    all_threads = max((row["threads"] for row in bench["results"]), default=0)
    for size in sizes:
        if threads_by_size.get(size) != {1, all_threads}:
            problems.append(f"{size} citizens: thread counts {sorted(threads_by_size.get(size, []))}, "
                            f"expected 1 and {all_threads}")
    if set(threads_by_size) != set(sizes):
        problems.append(f"sizes {sorted(threads_by_size)}, expected {sizes}")
    if problems:
        print("\n".join(f"{path}: {p}" for p in problems), file=sys.stderr)
        return 1
    print(f"{path}: {len(bench['results'])} rows for {sizes}, bound {bound:.3g} updates/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
