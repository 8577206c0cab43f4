#!/usr/bin/python3
"""MPI identity: `mpirun -n 3 geosim sweep` (rank 0 hands out runs and writes
the file) gives the same datasets as `geosim sweep -j 1`; also for a sweep
whose failing runs are recorded (both exit 1, the files equal, failures and
their messages included), and with --fail-fast the job stops (exit 2).

usage: check_mpi.py MPIRUN GEOSIM SWEEP.yaml FAILING_SWEEP.yaml WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_sweeps import compare  # noqa: E402

mpirun, geosim, sweep, failing, work = sys.argv[1:6]
os.makedirs(work, exist_ok=True)
MPIRUN = [mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "3"]
problems = []


def fresh(name):
    out = os.path.join(work, name)
    for suffix in ("", ".journal"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
    return out


for label, sweep_file, rc in (("sweep", sweep, 0), ("failing sweep", failing, 1)):
    j1, mpi = fresh(f"j1_{rc}.h5"), fresh(f"mpi3_{rc}.h5")
    r = subprocess.run([geosim, "sweep", sweep_file, "-o", j1, "-j", "1", "--quiet"])
    if r.returncode != rc:
        sys.exit(f"{label} -j 1: exit {r.returncode}, expected {rc}")
    r = subprocess.run([*MPIRUN, geosim, "sweep", sweep_file, "-o", mpi], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    if r.returncode != rc:
        sys.exit(f"{label}: mpirun exit {r.returncode}, expected {rc}")
    if "3 processes" not in r.stdout:
        sys.exit("the sweep did not run on 3 processes (is geosim built with -DGEOSIM_MPI=ON?)")
    if rc and "runs failed; see run_status and run_error" not in r.stderr:
        problems.append(f"{label}: no failure count on stderr")
    problems += [f"{label}: mpi vs -j 1: {p}" for p in compare(j1, mpi)]

# --fail-fast: the first failure stops every rank; the journal is kept.
ff = fresh("mpi3_fail_fast.h5")
r = subprocess.run([*MPIRUN, geosim, "sweep", failing, "-o", ff, "--fail-fast"], capture_output=True, text=True)
if r.returncode != 2 or "is not a valid scenario" not in r.stderr or not os.path.exists(ff + ".journal"):
    problems.append(f"--fail-fast under MPI: exit {r.returncode}, {r.stderr}")

for p in problems:
    print("FAIL:", p)
print("mpi identity:", "FAILED" if problems else "ok")
sys.exit(1 if problems else 0)
