#!/usr/bin/python3
"""MPI identity: `mpirun -n 3 geosim sweep` (rank 0 hands out runs and writes
the file) gives the same datasets as `geosim sweep -j 1`.

usage: check_mpi.py MPIRUN GEOSIM SWEEP.yaml WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_sweeps import compare  # noqa: E402

mpirun, geosim, sweep, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
outs = {"mpi": os.path.join(work, "mpi3.h5"), "j1": os.path.join(work, "j1.h5")}
for out in outs.values():
    for suffix in ("", ".journal"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
subprocess.run([geosim, "sweep", sweep, "-o", outs["j1"], "-j", "1", "--quiet"], check=True)
r = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "3",
                    geosim, "sweep", sweep, "-o", outs["mpi"]], capture_output=True, text=True)
print(r.stdout, r.stderr)
if r.returncode != 0:
    sys.exit(f"mpirun failed with {r.returncode}")
if "3 processes" not in r.stdout:
    sys.exit("the sweep did not run on 3 processes (is geosim built with -DGEOSIM_MPI=ON?)")
problems = compare(outs["j1"], outs["mpi"])
for p in problems:
    print("FAIL: mpi vs -j 1:", p)
print("mpi identity:", "FAILED" if problems else "ok")
sys.exit(1 if problems else 0)
