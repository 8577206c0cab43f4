#!/usr/bin/python3
"""Kill-and-resume identity: a sweep killed with SIGKILL at several moments
(as soon as its journal appears, early, midway, late, and again while
resuming), then finished with --resume, must give a file whose datasets equal
an uninterrupted sweep's. Also: a torn record at the journal's end and a
leftover temporary file are ignored; a journal without --resume, and a
journal of another sweep, are refused with exit status 2.

usage: kill_resume.py GEOSIM SWEEP.yaml WORKDIR
"""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_sweeps import compare  # noqa: E402

geosim, sweep, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []


def clean(out):
    for name in os.listdir(work):
        if name.startswith(os.path.basename(out)):
            os.remove(os.path.join(work, name))


def sweep_cmd(out, *extra):
    return [geosim, "sweep", sweep, "-o", out, "-j", "2", "--quiet", *extra]


def kill_after(cmd, seconds):
    """Starts cmd and SIGKILLs it `seconds` after its journal appears (start-up
    time, e.g. MPI_Init in an MPI build, does not count)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = cmd[cmd.index("-o") + 1] + ".journal"
    start = None
    while proc.poll() is None:
        if start is None and os.path.exists(journal) and os.path.getsize(journal) > 0:
            start = time.monotonic()
        if start is not None and time.monotonic() - start >= seconds:
            break
        time.sleep(0.002)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return finished


def records(journal):
    return os.path.getsize(journal) if os.path.exists(journal) else -1


# Reference: uninterrupted.
ref = os.path.join(work, "reference.h5")
clean(ref)
t0 = time.monotonic()
subprocess.run(sweep_cmd(ref), check=True)
duration = time.monotonic() - t0
print(f"reference sweep: {duration:.2f} s")

kill_points = [("journal appears", None), ("10%", 0.1), ("50%", 0.5), ("90%", 0.9)]
for i, (label, fraction) in enumerate(kill_points):
    out = os.path.join(work, f"killed{i}.h5")
    clean(out)
    finished = kill_after(sweep_cmd(out), (fraction or 0) * duration)
    journal = out + ".journal"
    if not finished and not os.path.exists(journal) and os.path.exists(out):
        # The kill landed after the sweep had written its file and removed its
        # journal, while the process was exiting (likely on a loaded machine).
        finished = True
    print(f"kill at {label}: {'finished before the kill' if finished else f'journal {records(journal)} bytes'}")
    if not finished:
        if not os.path.exists(journal):
            failures.append(f"kill at {label}: no journal left")
            continue
        # Without --resume the journal is refused, not overwritten.
        r = subprocess.run(sweep_cmd(out), capture_output=True, text=True)
        if r.returncode != 2 or "--resume" not in r.stderr:
            failures.append(f"kill at {label}: rerun without --resume gave {r.returncode}: {r.stderr}")
        if i == 2:
            # A torn last record (as a kill mid-write or a power cut leaves) and a
            # temporary of a killed final write are ignored.
            with open(journal, "ab") as f:
                f.write(b"GGSJ\x02\x00\x00\x00" + b"\x40\x00\x00\x00\x00\x00\x00\x00" + b"torn")
            with open(out + ".tmp.999999", "wb") as f:
                f.write(b"\x89HDF\r\n\x1a\n garbage of a killed writer")
        if i == 3:
            # Killed again while resuming.
            kill_after(sweep_cmd(out, "--resume"), 0.3 * duration)
    r = subprocess.run(sweep_cmd(out, "--resume"), capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"kill at {label}: resume exit {r.returncode}: {r.stderr}")
        continue
    if os.path.exists(out + ".journal"):
        failures.append(f"kill at {label}: journal left after the sweep finished")
    if any(n.startswith(os.path.basename(out) + ".tmp.") for n in os.listdir(work)):
        failures.append(f"kill at {label}: temporary file left")
    for problem in compare(ref, out):
        failures.append(f"kill at {label}: {problem}")

# A journal of another sweep is refused.
other = os.path.join(work, "other.h5")
clean(other)
kill_after(sweep_cmd(other), 0.3 * duration)
if os.path.exists(other + ".journal"):
    foreign_sweep = os.path.join(work, "foreign.yaml")
    with open(sweep) as f:
        text = f.read().replace("seed: 2024", "seed: 2025")
    base_dir = os.path.dirname(os.path.abspath(sweep))
    text = text.replace("base: ../", f"base: {os.path.dirname(base_dir)}/")
    with open(foreign_sweep, "w") as f:
        f.write(text)
    r = subprocess.run([geosim, "sweep", foreign_sweep, "-o", other, "--resume", "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 2 or "another sweep" not in r.stderr:
        failures.append(f"foreign journal: exit {r.returncode}: {r.stderr}")
    size = os.path.getsize(other + ".journal")
    r = subprocess.run(sweep_cmd(other, "--resume"), capture_output=True, text=True)
    if r.returncode != 0 or compare(ref, other):
        failures.append(f"journal after a refused foreign resume: exit {r.returncode} {r.stderr}")
else:
    print("note: the sweep finished before it could be killed; foreign-journal check skipped")

for f in failures:
    print("FAIL:", f)
print("kill-and-resume:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
