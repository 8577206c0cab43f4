#!/usr/bin/python3
"""Sweeps that lose nothing and survive failing runs (docs/sweeps.md):

- runs that fail are recorded (run_status, run_error, results as fill values),
  the sweep goes on, and exits 1 saying how many failed;
- -j 1 and -j 3 give identical files, failures included;
- --fail-fast stops at the first failure (exit 2 for a refused scenario) and
  keeps the journal; a --resume without it finishes the sweep;
- a corrupt record in the middle of the journal (and a torn one at its end)
  costs only its own run: --resume reports it on stderr, keeps every later
  record (they are not run again) and the file equals an uninterrupted sweep's;
- killed with a failed run in the journal, --resume does not run it again and
  its status survives;
- --resume of a finished sweep with failures says so again (exit 1).

The sweep (tests/data/sweeps/with_failures.yaml) has 16 points x 3 replicates;
points with p % 4 == 2 start the period after it ends, so runs 6-8, 18-20,
30-32 and 42-44 are refused.

usage: check_failures.py GEOSIM SWEEP.yaml WORKDIR
"""
import os
import re
import signal
import struct
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_sweeps import compare  # noqa: E402

geosim, sweep, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []
RUNS, REPLICATES = 48, 3
INVALID = [r for r in range(RUNS) if (r // REPLICATES) % 4 == 2]
MAGIC, RUN, FAILED = b"GGSJ", 2, 3


def fresh(name):
    path = os.path.join(work, name)
    for suffix in ("", ".journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def sweep_cmd(out, *extra):
    return [geosim, "sweep", sweep, "-o", out, *extra]


def run(cmd, expect, what):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != expect:
        failures.append(f"{what}: exit {r.returncode}, expected {expect}\n{r.stdout}{r.stderr}")
    return r


def journal_records(path):
    """(offset, length, kind, run) of each record after the identity record,
    read by the framing alone (magic, kind, length, checksum, payload)."""
    data = open(path, "rb").read()
    out, offset = [], 0
    while offset + 24 <= len(data) and data[offset:offset + 4] == MAGIC:
        kind, length = struct.unpack_from("<IQ", data, offset + 4)
        if offset + 24 + length > len(data):
            break
        run_index = struct.unpack_from("<Q", data, offset + 24)[0] if kind != 1 else -1
        out.append((offset, 24 + length, kind, run_index))
        offset += 24 + length
    return out[1:]


def same(a, b, label):
    """Records the differences between two results files (or that one is missing)."""
    missing = [p for p in (a, b) if not os.path.exists(p)]
    if missing:
        failures.append(f"{label}: no file {missing}")
        return
    failures.extend(f"{label}: {p}" for p in compare(a, b))


def recovered(stdout):
    m = re.search(r"(\d+) run now, (\d+) recovered from the journal", stdout)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


# 1. An uninterrupted sweep with failures: recorded, exit 1, counted.
ref = fresh("reference.h5")
r = run(sweep_cmd(ref, "-j", "2"), 1, "sweep with failures")
sentence = f"geosim: {len(INVALID)} of {RUNS} runs failed; see run_status and run_error in {ref}"
if sentence not in r.stderr:
    failures.append(f"no failure count on stderr: {r.stderr!r}")
if f", {len(INVALID)} failed" not in r.stdout:
    failures.append(f"the summary does not count failures: {r.stdout!r}")
if os.path.exists(ref + ".journal") or not os.path.exists(ref):
    failures.append("the sweep with failures did not write its file and remove its journal")
    open(ref, "wb").close()  # the checks below then report what they lack
else:
    with h5py.File(ref, "r") as f:
        status = f["run_status"]
        expected = np.zeros(RUNS, dtype=np.int8)
        expected[INVALID] = 1
        if status.dtype != np.int8 or not np.array_equal(status[()], expected):
            failures.append(f"run_status {status.dtype} {status[()]}")
        if list(status.attrs["flag_values"]) != [0, 1, 2] or \
                status.attrs["flag_meanings"] != b"ok invalid failed" and \
                status.attrs["flag_meanings"] != "ok invalid failed":
            failures.append(f"run_status flags {dict(status.attrs)}")
        errors = [e.decode() if isinstance(e, bytes) else e for e in f["run_error"][()]]
        for i, e in enumerate(errors):
            if (e != "") != (i in INVALID):
                failures.append(f"run_error of run {i}: {e!r}")
        e6 = errors[6]
        if not ("run 6 " in e6 and "is not a valid scenario" in e6 and "time.end" in e6):
            failures.append(f"run_error of run 6 does not say why: {e6!r}")
        ok = np.setdiff1d(np.arange(RUNS), INVALID)
        fa = f["final_alignment"]
        if not np.isnan(fa[INVALID]).all() or not np.isfinite(fa[ok]).all():
            failures.append("final_alignment: failed runs are not NaN, or ok runs are not finite")
        if not np.isnan(fa.attrs["_FillValue"]):
            failures.append("final_alignment has no NaN _FillValue")
        tc = f["total_campaigns"]
        if tc.attrs.get("_FillValue") != -2147483647 or (tc[INVALID] != -2147483647).any() or \
                (tc[ok] < 0).any():
            failures.append(f"total_campaigns fill: {tc.attrs.get('_FillValue')} {tc[INVALID]}")

# 2. Thread counts: identical files, failures included.
for jobs in ("1", "3"):
    out = fresh(f"j{jobs}.h5")
    run(sweep_cmd(out, "-j", jobs, "--quiet"), 1, f"-j {jobs}")
    same(ref, out, f"-j {jobs} vs reference")

# 3. --fail-fast: stops at run 6 (exit 2, a refused scenario), keeps the journal.
ff = fresh("fail_fast.h5")
r = run(sweep_cmd(ff, "-j", "1", "--fail-fast", "--quiet"), 2, "--fail-fast")
if "run 6 " not in r.stderr or "is not a valid scenario" not in r.stderr:
    failures.append(f"--fail-fast does not name the failing run: {r.stderr!r}")
journal = ff + ".journal"
if os.path.exists(ff) or not os.path.exists(journal):
    failures.append("--fail-fast: expected a journal and no results file")
else:
    records = journal_records(journal)
    if [(k, run_index) for _, _, k, run_index in records] != [(RUN, i) for i in range(6)]:
        failures.append(f"--fail-fast journal: {records}")
    # 4. One corrupt byte in the middle record, and a torn record at the end.
    offset, length, _, _ = records[2]
    with open(journal, "r+b") as f:
        f.seek(offset + length // 2)
        byte = f.read(1)
        f.seek(offset + length // 2)
        f.write(bytes([byte[0] ^ 0x10]))
    with open(journal, "ab") as f:
        f.write(MAGIC + b"\x02\x00\x00\x00" + b"\x40\x00\x00\x00\x00\x00\x00\x00" + b"torn")
    r = run(sweep_cmd(ff, "-j", "2", "--resume"), 1, "resume after a corrupt record")
    said = f"skipped 1 corrupt record of the journal {journal} (bytes {offset} to {offset + length - 1})"
    if said not in r.stderr:
        failures.append(f"resume does not report the corrupt record: {r.stderr!r}")
    if recovered(r.stdout) != (RUNS - 5, 5):
        failures.append(f"resume after a corrupt record: expected 43 run now, 5 recovered: {r.stdout!r}")
    same(ref, ff, "resume after a corrupt record")

# 5. Killed with a failed run in the journal: --resume does not run it again.
killed = fresh("killed.h5")
proc = subprocess.Popen(sweep_cmd(killed, "-j", "1", "--quiet"),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
journal = killed + ".journal"
while proc.poll() is None:
    if os.path.exists(journal) and any(k == FAILED for _, _, k, _ in journal_records(journal)):
        os.kill(proc.pid, signal.SIGKILL)
        break
    time.sleep(0.002)
proc.wait()
if proc.returncode != -signal.SIGKILL:
    failures.append(f"the sweep to kill ended by itself (exit {proc.returncode}); make it longer")
else:
    records = journal_records(journal)
    failed_runs = [run_index for _, _, k, run_index in records if k == FAILED]
    print(f"killed with {len(records)} records in the journal, failed runs {failed_runs}")
    if not failed_runs or not set(failed_runs) <= set(INVALID):
        failures.append(f"failed records in the journal: {failed_runs}")
    r = run(sweep_cmd(killed, "-j", "2", "--resume"), 1, "resume with a failure in the journal")
    if recovered(r.stdout) != (RUNS - len(records), len(records)):
        failures.append(f"resume with a failure in the journal: expected {len(records)} recovered: "
                        f"{r.stdout!r}")
    same(ref, killed, "resume with a failure in the journal")

# 6. --resume of the finished sweep: already complete, still failed.
r = run(sweep_cmd(ref, "--resume"), 1, "resume of a finished sweep with failures")
if "already complete" not in r.stdout or sentence not in r.stderr:
    failures.append(f"resume of a finished sweep with failures: {r.stdout!r} {r.stderr!r}")

# 7. A run that goes non-finite is a failed run (status 2) naming what overflowed.
nf_sweep = os.path.join(os.path.dirname(sweep), "non_finite.yaml")
nf = fresh("non_finite.h5")
r = run([geosim, "sweep", nf_sweep, "-o", nf, "--quiet"], 1, "a sweep with a non-finite run")
with h5py.File(nf, "r") as f:
    status = list(f["run_status"][:])
    errors = [e.decode() if isinstance(e, bytes) else e for e in f["run_error"][:]]
if status != [0, 2] or "budget[CHN, soft] became inf at tick 4 (2014-01)" not in errors[1] or errors[0]:
    failures.append(f"non-finite run: status {status}, errors {errors}")

for f in failures:
    print("FAIL:", f)
print("failure checks:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
