"""Numbers and table cells as the validation report prints them."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from .stats import Coverage

__all__ = ["DASH", "covered_of_measured", "covered_text", "finite", "fmt_plain", "fmt_share", "fmt_sig",
           "fmt_value", "interval_text", "markdown_table", "observed_text"]

DASH = "—"


def finite(x: Any) -> bool:
    """Whether `x` is a finite number (False for text, None and NaN)."""
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def fmt_sig(x: Any, sig: int = 3) -> str:
    """x to `sig` significant figures, thousands separated, integers as integers; NaN as a dash."""
    if not finite(x):
        return DASH
    x = float(x)
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15:
        return f"{int(round(x)):,}"
    mag = math.floor(math.log10(abs(x)))
    if mag >= sig - 1:
        return f"{int(round(x, -(mag - sig + 1))):,}"
    decimals = sig - 1 - mag
    if decimals > 8:
        return f"{x:.{sig - 1}e}"
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_plain(x: Any) -> str:
    """A number given by a person (a prior's bound): up to 4 significant figures, no trailing zeros."""
    return DASH if not finite(x) else f"{float(x):.4g}"


def fmt_value(x: Any, unit: str) -> str:
    """An observed or modelled figure in its unit: shares to 2 decimals, counts as whole numbers
    (2 significant figures below 10), the rest (money, ratios) to 3 significant figures."""
    if not finite(x):
        return DASH
    x = float(x)
    if unit == "share":
        text = f"{x:.2f}"
        return text[1:] if text == "-0.00" else text
    if unit == "count":
        return fmt_sig(x, 2) if abs(x) < 10 else fmt_sig(round(x), 3)
    return fmt_sig(x)


def fmt_share(x: float) -> str:
    """A share or ratio to 2 decimals; NaN as a dash."""
    return DASH if not finite(x) else f"{x:.2f}"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> list[str]:
    """The lines of a Markdown table; `align` has one letter per column, "r" for right-aligned."""
    align = align or "l" * len(header)
    sep = ["---:" if a == "r" else "---" for a in align]
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return lines


def covered_of_measured(c: Coverage) -> str:
    """Covered over measured rows of one use ("3 / 4 (1 not measured)"); a dash if it has none."""
    if not c.rows:
        return DASH
    text = f"{c.covered} / {c.measured}"
    return text + (f" ({c.rows - c.measured} not measured)" if c.measured < c.rows else "")


def observed_text(row: dict[str, Any], bounds: tuple[float, float] | None) -> str:
    """The observed figure in its unit, with its standard deviation or the table's bounds."""
    unit = row["observed_units"]
    value, sd = row["observed"], row["observed_sd"]
    lo, hi = bounds if bounds else (math.nan, math.nan)
    if finite(lo) and finite(hi):
        text = f"[{fmt_value(lo, unit)}, {fmt_value(hi, unit)}]"
        return text if not finite(value) else f"{fmt_value(value, unit)} in {text}"
    if finite(lo) or finite(hi):
        bound, sign = (lo, ">") if finite(lo) else (hi, "<")
        if not finite(value) or value == bound:
            return f"{sign} {fmt_value(bound, unit)}"
        return f"{fmt_value(value, unit)} ({sign} {fmt_value(bound, unit)})"
    text = fmt_value(value, unit)
    if finite(sd) and finite(value):
        text += f" ± {fmt_value(sd, unit) if unit != 'share' or sd >= 0.005 else fmt_sig(sd, 1)}"
    return text


def interval_text(row: dict[str, Any] | None) -> str:
    """The 90% predictive interval of a row ("lo to hi"); a dash if the row or its bounds are absent."""
    if row is None:
        return DASH
    lo, hi, unit = row["predictive_lo"], row["predictive_hi"], row["observed_units"]
    if not (finite(lo) and finite(hi)):
        return DASH
    return f"{fmt_value(lo, unit)} to {fmt_value(hi, unit)}"


def covered_text(row: dict[str, Any] | None) -> str:
    """Whether the interval holds the figure: yes, **no**, not measured, or not in file (no such row)."""
    if row is None:
        return "not in file"
    c = row["covered"]
    if not finite(c):
        return "not measured"
    return "yes" if c == 1 else "**no**"
