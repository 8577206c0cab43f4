#!/usr/bin/python3
"""check_results.py must fail on a file that is plain HDF5 without the
netCDF conventions (no dimension scales, no units, time as bare numbers).

    test_checker.py CHECK_RESULTS BAD.h5
"""
import subprocess
import sys

import h5py
import numpy as np


def main():
    checker, bad = sys.argv[1:3]
    with h5py.File(bad, "w") as f:
        f["time"] = np.arange(4.0)
        f["alignment"] = np.zeros((4, 2, 2))
        f.attrs["Conventions"] = "CF-1.8"
    r = subprocess.run([sys.executable, checker, bad], capture_output=True, text=True)
    if r.returncode == 0:
        print("test_checker: check_results.py accepted a file without dimension scales",
              file=sys.stderr)
        return 1
    if "phony" not in r.stderr and "dimension" not in r.stderr:
        print(f"test_checker: unexpected complaint: {r.stderr}", file=sys.stderr)
        return 1
    print("test_checker: bad file rejected as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
