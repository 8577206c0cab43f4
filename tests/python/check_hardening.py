#!/usr/bin/python3
"""Safe outputs and bounded command-line input: each case runs the CLI as a
user would and checks the exit code, the message and what is left on disk.

usage: check_hardening.py CASE GEOSIM MINIMAL.yaml WORK_DIR

cases:
  own_input      -o at the scenario (another spelling), at a base it extends,
                 for run, sweep and batch: exit 2, the file unchanged
  not_regular    -o at a FIFO: exit 2, still a FIFO
  stale_temp     OUT.h5.tmp.PID of a dead process is removed when OUT.h5 is
                 written; one of a live process is kept
  sweep_signal   SIGINT and SIGTERM during a sweep: exit 130, no results and
                 no temporary file, the journal kept; --resume completes it
  ticks          --ticks beyond the scenario's ticks: exit 2
  threads        --threads 100000 and -j 100000: exit 2, at once
  extends_deep   an extends chain 8,000 files deep: exit 2, no crash
  names          a non-UTF-8 byte or a control character in a name, an id or
                 a --set value: exit 2 with file:line:col and key; a tab in a
                 description is accepted and the file opens in xarray
  calendar       a run starting 1500-01 (and 0000-01) decodes in xarray to the
                 dates the engine counted; a sweep file says the same calendar
"""
import os
import signal
import stat
import subprocess
import sys
import time

from process_signals import wait_until_caught

case, geosim, minimal, work = sys.argv[1:5]
work = os.path.join(work, case)
os.makedirs(work, exist_ok=True)
for name in os.listdir(work):
    path = os.path.join(work, name)
    if os.path.isdir(path) and not os.path.islink(path):
        import shutil
        shutil.rmtree(path)
    else:
        os.remove(path)
problems = []
MINIMAL_TEXT = open(minimal, encoding="utf-8").read()


def geo(*args, **kw):
    return subprocess.run([geosim, *args], capture_output=True, text=True, errors="replace", **kw)


def expect(result, rc, *texts, what=""):
    if result.returncode != rc:
        problems.append(f"{what}: exit {result.returncode}, expected {rc}; stderr {result.stderr!r}")
        return
    for t in texts:
        if t not in result.stderr:
            problems.append(f"{what}: stderr lacks {t!r}: {result.stderr!r}")


def write(name, text, mode="w"):
    path = os.path.join(work, name)
    with open(path, mode) as f:
        f.write(text)
    return path


def own_input():
    base = write("base.yaml", MINIMAL_TEXT)
    os.makedirs(os.path.join(work, "sub"))
    scenario = write("s.yaml", "extends: base.yaml\nseed: 7\n")
    before = {p: open(p, "rb").read() for p in (base, scenario)}
    for out in (scenario, os.path.join(work, "sub", "..", "s.yaml"), base):
        r = geo("run", scenario, "-o", out, "--quiet")
        expect(r, 2, f"{out}: -o: is an input of this run", "refusing to overwrite it", what=f"run -o {out}")
    r = geo("batch", scenario, "-o", base, "--quiet")
    expect(r, 2, f"{base}: -o: is an input of this run", what="batch -o base")
    sweep = write("sweep.yaml", f"name: w\nbase: {scenario}\nticks: 2\nparameters:\n"
                                "  powers.CHN.budget.soft: {values: [0.5, 1.0]}\ndesign: grid\nreplicates: 1\n")
    before[sweep] = open(sweep, "rb").read()
    for out in (sweep, scenario):
        r = geo("sweep", sweep, "-o", out, "--quiet")
        expect(r, 2, f"{out}: -o: is an input of this run", what=f"sweep -o {out}")
    for p, text in before.items():
        if open(p, "rb").read() != text:
            problems.append(f"{p} was changed")
    left = sorted(n for n in os.listdir(work) if ".tmp." in n or n.endswith(".journal"))
    if left:
        problems.append(f"left behind: {left}")


def not_regular():
    fifo = os.path.join(work, "out.h5")
    os.mkfifo(fifo)
    r = geo("run", minimal, "-o", fifo, "--quiet", timeout=60)
    expect(r, 2, f"{fifo}: -o: exists and is not a regular file", what="run -o FIFO")
    r = geo("batch", minimal, "-o", fifo, "--quiet", timeout=60)
    expect(r, 2, f"{fifo}: -o: exists and is not a regular file", what="batch -o FIFO")
    if not stat.S_ISFIFO(os.lstat(fifo).st_mode):
        problems.append("the FIFO was replaced")


def dead_pid():
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def stale_temp():
    out = os.path.join(work, "out.h5")
    dead = write(f"out.h5.tmp.{dead_pid()}", "partial")
    live = write(f"out.h5.tmp.{os.getpid()}", "in progress")
    other = write("out.h5.tmp.notapid", "keep")
    r = geo("run", minimal, "-o", out, "--quiet")
    expect(r, 0, what="run")
    if os.path.exists(dead):
        problems.append("the temporary of a dead process was not removed")
    for p in (live, other, out):
        if not os.path.exists(p):
            problems.append(f"{p} is missing")


def sweep_signal():
    sweep = write("sweep.yaml", f"name: long\nbase: {minimal}\nticks: 12\nparameters:\n"
                                "  powers.CHN.budget.soft: {range: [0.1, 2.0]}\ndesign: lhs\n"
                                "samples: 20000\nreplicates: 5\nseed: 1\n")
    out = os.path.join(work, "out.h5")
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = subprocess.Popen([geosim, "sweep", sweep, "-o", out, "-j", "1", "--quiet", "--resume"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if not wait_until_caught(proc, sig):
            proc.kill()
            problems.append(f"{sig.name}: the sweep never installed its handler: rc {proc.returncode}")
            return
        time.sleep(1.5)  # into the sweep
        if proc.poll() is not None:
            problems.append(f"the sweep ended before the signal: rc {proc.returncode}")
            return
        proc.send_signal(sig)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            problems.append(f"{sig.name}: the sweep did not stop within 60 s")
            return
        if proc.returncode != 130 or "interrupted; no results written" not in stderr:
            problems.append(f"{sig.name}: exit {proc.returncode}, stderr {stderr!r}")
        left = sorted(os.listdir(work))
        if left != ["out.h5.journal", "sweep.yaml"]:
            problems.append(f"{sig.name}: files left: {left}")


def ticks():
    r = geo("run", minimal, "-o", os.path.join(work, "out.h5"), "--ticks", "100000")
    expect(r, 2, "--ticks: the scenario has 12 ticks and --ticks runs only the first N, got 100000",
           what="run --ticks")
    r = geo("batch", minimal, "-o", os.path.join(work, "b.h5"), "--ticks", "13")
    expect(r, 2, "the scenario has 12 ticks", what="batch --ticks")
    if os.listdir(work):
        problems.append(f"files written: {os.listdir(work)}")


def threads():
    cap = 4 * os.cpu_count()
    r = geo("run", minimal, "-o", os.path.join(work, "out.h5"), "--threads", "100000", timeout=30)
    expect(r, 2, f"--threads: expected at most {cap} (4 x the {os.cpu_count()} hardware threads), got 100000",
           what="run --threads")
    r = geo("run", minimal, "-o", os.path.join(work, "ok.h5"), "--threads", str(cap), "--quiet", timeout=60)
    expect(r, 0, what=f"run --threads {cap}")
    r = geo("batch", minimal, "-o", os.path.join(work, "b.h5"), "-j", "100000", timeout=30)
    expect(r, 2, "-j: expected at most", what="batch -j")


def extends_deep():
    depth = 8000
    write(f"c{depth - 1}.yaml", MINIMAL_TEXT)
    for i in range(depth - 1):
        write(f"c{i}.yaml", f"extends: c{i + 1}.yaml\n")
    r = geo("validate", os.path.join(work, "c0.yaml"), timeout=120)
    expect(r, 2, "c63.yaml:1:10: extends: an extends chain may be at most 64 files deep", what="validate")
    write("d63.yaml", MINIMAL_TEXT)
    for i in range(63):
        write(f"d{i}.yaml", f"extends: d{i + 1}.yaml\n")
    expect(geo("validate", os.path.join(work, "d0.yaml")), 0, what="a chain of exactly 64 files")


def names():
    bad = [
        ("power name", MINIMAL_TEXT.replace("name: Russia", "name: Rus\xffsia"), "powers.RUS.name", ":13:11:"),
        ("target name", MINIMAL_TEXT.replace("name: Kazakhstan", 'name: "Kaz\\x07akhstan"'),
         "targets.KAZ.name", ":25:11:"),
        ("scenario name", MINIMAL_TEXT.replace("name: minimal", 'name: "mini\\x1bmal"'), "name", ":3:7:"),
        ("description control",
         MINIMAL_TEXT.replace("description: Two powers competing over two small targets.",
                              'description: "\\x00Two powers"'), "description", ":4:14:"),
        ("comment", MINIMAL_TEXT.replace("# A minimal", "# A min\xe9imal"), "", ":1:8:"),
    ]
    for what, text, key, place in bad:
        path = os.path.join(work, "bad.yaml")
        with open(path, "wb") as f:
            f.write(text.encode("latin-1"))  # minimal.yaml is ASCII: \xff and \xe9 become single bytes
        r = geo("run", path, "-o", os.path.join(work, "bad.h5"))
        expect(r, 2, path + place, (key + ": " if key else "") + "expected UTF-8 text without control characters",
               what=what)
    r = subprocess.run([geosim, "run", minimal, "-o", os.path.join(work, "set.h5"),
                        b"--set", b"powers.CHN.name=Ch\xffina"], capture_output=True)
    if r.returncode != 2 or b"--set: powers.CHN.name: expected UTF-8 text without control characters" not in r.stderr:
        problems.append(f"--set with a non-UTF-8 byte: exit {r.returncode}, stderr {r.stderr!r}")
    # Tabs and newlines in free text are fine, and the file opens.
    ok = write("ok.yaml", MINIMAL_TEXT.replace("description: Two powers competing over two small targets.",
                                               'description: "Two powers\\tcompeting\\nover two targets."'))
    out = os.path.join(work, "ok.h5")
    expect(geo("run", ok, "-o", out, "--quiet"), 0, what="a tab and a newline in the description")
    import xarray
    with xarray.open_dataset(out) as ds:
        if ds.attrs["scenario_description"] != "Two powers\tcompeting\nover two targets.":
            problems.append(f"description read back as {ds.attrs['scenario_description']!r}")
    left = sorted(n for n in os.listdir(work) if n.endswith(".h5") and n != "ok.h5" or ".tmp." in n)
    if left:
        problems.append(f"files written by refused runs: {left}")


def calendar():
    import warnings

    import h5py
    import xarray
    warnings.simplefilter("ignore")
    for start, end, expected in (("1500-01", "1500-06", ["1500-01-01", "1500-02-01", "1500-03-01"]),
                                 ("0000-01", "0000-06", ["0000-01-01", "0000-02-01", "0000-03-01"])):
        out = os.path.join(work, f"{start}.h5")
        r = geo("run", minimal, "-o", out, "--set", f"time.start={start}", "--set", f"time.end={end}", "--quiet")
        expect(r, 0, what=f"run from {start}")
        if r.returncode:
            continue
        with xarray.open_dataset(out) as ds:
            got = [t.strftime("%Y-%m-%d") for t in ds["time"].values[:3]]
            if got != expected:
                problems.append(f"from {start}: xarray decodes {got}, expected {expected}")
            if ds["time"].encoding.get("calendar") != "proleptic_gregorian":
                problems.append(f"from {start}: calendar {ds['time'].encoding.get('calendar')!r}")
    out = os.path.join(work, "batch.h5")
    expect(geo("batch", minimal, "-o", out, "--ticks", "2", "--time-series", "alignment", "--quiet"), 0,
           what="batch")
    if os.path.exists(out):
        with h5py.File(out, "r") as f:
            cal = f["time"].attrs["calendar"]
            cal = cal.decode() if isinstance(cal, bytes) else str(cal)
            if cal != "proleptic_gregorian":
                problems.append(f"sweep file calendar {cal!r}")


{"own_input": own_input, "not_regular": not_regular, "stale_temp": stale_temp, "sweep_signal": sweep_signal,
 "ticks": ticks, "threads": threads, "extends_deep": extends_deep, "names": names,
 "calendar": calendar}[case]()
if problems:
    sys.exit(f"{case}:\n  " + "\n  ".join(problems))
print(f"{case}: ok")
