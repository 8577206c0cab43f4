"""The command line of geosim.validation (``python3 -m geosim.validation``)."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Sequence

from .._requires import require

# Before the modules that import them, so a Python without them hears of all at once.
require("geosim.validation", "numpy", "xarray")

from .markdown import build_report  # noqa: E402
from .read import ReportError  # noqa: E402

__all__ = ["main"]

PROG = "python3 -m geosim.validation"


def _report_difference(target: Path, old: str | None, text: str) -> int:
    """--check-up-to-date: 0 if `old` (the file's text, None if absent) is `text`, else 1 with the diff's start."""
    if old == text:
        print(f"{target}: up to date")
        return 0
    if old is None:
        print(f"{target}: does not exist; write it with -o {target}", file=sys.stderr)
        return 1
    diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), str(target), "generated",
                                     lineterm="", n=0))
    changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
    what = "line differs" if changed == 1 else "lines differ"
    print(f"{target}: out of date ({changed} {what}); regenerate it with -o {target}", file=sys.stderr)
    for line in diff[:40]:
        print(line, file=sys.stderr)
    if len(diff) > 40:
        print(f"... ({len(diff) - 40} more diff lines)", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (the package's docstring); returns the exit status:
    0, 1 (--check-up-to-date: the file differs) or 2 (an input the report cannot use)."""
    parser = argparse.ArgumentParser(prog=PROG, description="The validation report of a calibration: a Markdown "
                                     "page generated from a posterior file of `geosim calibrate`.")
    parser.add_argument("posterior", help="the posterior file of `geosim calibrate`")
    parser.add_argument("--check", help="the predictive check at the full population (CHECK.h5)")
    parser.add_argument("--calibration", help="the calibration file (its priors and observations table)")
    parser.add_argument("--preamble", help="Markdown inserted after the header (hand-written text)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="write the report here (default: stdout)")
    out.add_argument("--check-up-to-date", metavar="FILE",
                     help="exit 1 if FILE differs from the report that would be written")
    args = parser.parse_args(argv)
    try:
        text = build_report(args.posterior, args.check, args.calibration, args.preamble,
                            args.output or args.check_up_to_date)
    except ReportError as exc:
        print(f"geosim.validation: {exc}", file=sys.stderr)
        return 2
    if args.check_up_to_date:
        target = Path(args.check_up_to_date)
        return _report_difference(target, target.read_text(encoding="utf-8") if target.is_file() else None, text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
