#!/usr/bin/python3
"""A full disk while geosim writes: exit 1, one plain sentence on stderr (no
HDF5 internals), no results file and no temporary file left, no crash.

usage: check_disk_full.py MODE KIND GEOSIM SCENARIO.yaml SWEEP.yaml WORK_DIR

MODE limit: the write fails where the process's file size limit
(RLIMIT_FSIZE, as `ulimit -f`) is reached; SIGXFSZ is ignored so that the
write returns EFBIG instead of killing the process. Runs everywhere.
MODE tmpfs: the output directory is a small tmpfs (ENOSPC); needs mount
rights (root), otherwise the test is skipped (exit 77).

KIND run (results at the end), snapshots (output.agents_every, written as
the run goes), final (output.agents=final), sweep (results file and journal)
or batch. Each kind is first written without a limit to learn its size, then
with the disk full at several points of the write, from early on to the
last bytes (the close).
"""
import os
import resource
import shutil
import signal
import subprocess
import sys

SKIP = 77
mode, kind, geosim, scenario, sweep, work = sys.argv[1:7]
work = os.path.join(work, f"{mode}_{kind}")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# Enough citizens that the agent datasets span many chunks and writes.
CITIZENS = ["--set", "targets.KAZ.citizens=60000", "--set", "targets.KGZ.citizens=40000"]


def command(out_dir):
    out = os.path.join(out_dir, "out.h5")
    if kind == "run":
        return [geosim, "run", scenario, "--quiet", "-o", out], out
    if kind == "snapshots":
        return [geosim, "run", scenario, "--quiet", "-o", out, "--set", "output.agents_every=2"] + CITIZENS, out
    if kind == "final":
        return [geosim, "run", scenario, "--quiet", "-o", out, "--set", "output.agents=final"] + CITIZENS, out
    if kind == "sweep":
        return [geosim, "sweep", sweep, "--quiet", "-j", "1", "-o", out], out
    if kind == "batch":
        # Two scenarios with distinct names (a batch refuses a name twice).
        other = os.path.join(os.path.dirname(scenario), "other_powers.yaml")
        return [geosim, "batch", scenario, other, "--quiet", "-j", "1", "-o", out], out
    sys.exit(f"unknown kind {kind}")


def run(args, limit=None):
    def limit_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ)
    if limit is not None:
        # OpenMPI's start-up in sweeps writes its own shared-memory files,
        # which the limit would refuse before geosim writes anything: keep
        # its data in memory instead.
        env["PMIX_MCA_gds"] = "hash"
    return subprocess.run(args, capture_output=True, text=True, timeout=240, preexec_fn=limit_size, env=env)


def check_failed(proc, out_dir, label):
    """The problems with a run that met a full disk (empty list: none)."""
    problems = []
    # OpenMPI's helper process of a sweep (same limit, SIGXFSZ) announces the
    # signal it forwards; only the limit raises that signal, a full disk does not.
    err = "\n".join(line for line in proc.stderr.strip().splitlines()
                    if not (mode == "limit" and "Forwarding signal 25" in line))
    if proc.returncode != 1:
        problems.append(f"{label}: exit code {proc.returncode}, expected 1 (stderr {err!r})")
    lines = err.splitlines()
    if len(lines) != 1:
        problems.append(f"{label}: expected one line on stderr, got {len(lines)}: {err!r}")
    for internal in ("H5", "HDF5", "buf =", "buf=", "0x", "errno"):
        if internal in err:
            problems.append(f"{label}: stderr shows internals ({internal!r}): {err!r}")
    wanted = "no space left on device" if mode == "tmpfs" else "file too large"
    if wanted not in err:
        problems.append(f"{label}: stderr does not say {wanted!r}: {err!r}")
    left = [n for n in os.listdir(out_dir) if not n.endswith(".journal")]
    if left:
        problems.append(f"{label}: files left behind: {left}")
    return problems


def mount_tmpfs(path, size_bytes):
    os.makedirs(path, exist_ok=True)
    kib = max(4, size_bytes // 4096 * 4)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", path],
                          capture_output=True, text=True)
    return proc.returncode == 0


def umount(path):
    subprocess.run(["umount", path], capture_output=True)


full_dir = os.path.join(work, "unlimited")
os.makedirs(full_dir)
args, out = command(full_dir)
proc = run(args)
if proc.returncode != 0:
    sys.exit(f"the run without a limit failed: rc {proc.returncode}: {proc.stderr}")
size = os.path.getsize(out)
problems = []
if mode == "limit":
    limits = sorted({size // 16, size // 4, size // 2, size * 9 // 10, size - 1})
    for limit in limits:
        out_dir = os.path.join(work, f"limit_{limit}")
        os.makedirs(out_dir)
        args, out = command(out_dir)
        problems += check_failed(run(args, limit), out_dir, f"limit {limit} of {size} bytes")
        print(f"limit {limit} of {size} bytes: checked")
elif mode == "tmpfs":
    if os.geteuid() != 0:
        print("not root: cannot mount a tmpfs; skipped")
        sys.exit(SKIP)
    for fraction in (4, 2):
        out_dir = os.path.join(work, f"tmpfs_{fraction}")
        if not mount_tmpfs(out_dir, size // fraction):
            print("mount -t tmpfs is not permitted here; skipped")
            sys.exit(SKIP)
        try:
            args, out = command(out_dir)
            problems += check_failed(run(args), out_dir, f"tmpfs of 1/{fraction} of {size} bytes")
            print(f"tmpfs of 1/{fraction} of {size} bytes: checked")
        finally:
            umount(out_dir)
else:
    sys.exit(f"unknown mode {mode}")
if problems:
    sys.exit("\n".join(problems))
print(f"{mode} {kind}: a full disk gives exit 1 and one plain sentence")
