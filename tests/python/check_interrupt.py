#!/usr/bin/python3
"""Ctrl-C (or SIGTERM) during `geosim run`: the run stops before its next
tick, exits 130, says so, and leaves no results file and no temporary file.

usage: check_interrupt.py GEOSIM SCENARIO.yaml WORK_DIR [SIGINT|SIGTERM]
"""
import os
import signal
import subprocess
import sys
import time

from process_signals import wait_until_caught

geosim, scenario, work = sys.argv[1:4]
sig = getattr(signal, sys.argv[4]) if len(sys.argv) > 4 else signal.SIGINT
os.makedirs(work, exist_ok=True)
for name in os.listdir(work):
    os.remove(os.path.join(work, name))
out = os.path.join(work, "interrupted.h5")
# Long enough that the signal always arrives mid-run: 2,000 monthly ticks.
proc = subprocess.Popen([geosim, "run", scenario, "-o", out, "--set", "time.end=2180-12",
                         "--set", "events.chinese_growth_slows.enabled=true"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
if not wait_until_caught(proc, sig):
    proc.kill()
    sys.exit(f"the run never installed its {sig.name} handler: rc {proc.returncode}")
time.sleep(1.5)  # into the run
if proc.poll() is not None:
    sys.exit(f"the run ended before the signal: rc {proc.returncode}, stderr {proc.stderr.read()}")
proc.send_signal(sig)
try:
    stdout, stderr = proc.communicate(timeout=30)
except subprocess.TimeoutExpired:
    proc.kill()
    sys.exit(f"the run did not stop within 30 s of {sig.name}")
problems = []
if proc.returncode != 130:
    problems.append(f"exit code {proc.returncode}, expected 130")
if "interrupted; no results written" not in stderr:
    problems.append(f"stderr does not say it was interrupted: {stderr!r}")
left = os.listdir(work)
if left:
    problems.append(f"files left behind: {left}")
if problems:
    sys.exit("\n".join(problems))
print("interrupted cleanly:", stderr.strip())
