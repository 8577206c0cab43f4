"""Sending a signal to a child process only once it can handle it.

A fixed sleep before the signal is not enough on a loaded machine: a
sanitizer build may still be starting when it expires, and the signal then
kills the process before its handler is installed. /proc/PID/status lists the
signals a process catches (SigCgt), so the tests wait for that instead.
"""
import signal
import subprocess
import time


def catches(pid: int, sig: signal.Signals) -> bool:
    """Whether process `pid` has a handler installed for `sig` (Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (int(sig) - 1) & 1)
    except FileNotFoundError:
        pass
    return False


def wait_until_caught(proc: subprocess.Popen, sig: signal.Signals, timeout: float = 60.0) -> bool:
    """Waits until `proc` catches `sig`; False if it ended or the time ran out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if catches(proc.pid, sig):
            return True
        time.sleep(0.01)
    return False
