#!/usr/bin/python3
"""Derived rows of the observations table, recomputed from its primary rows.

usage: derive_observations.py [TABLE.csv] [--check]

Some figures the model can be compared with are ratios of figures the
sources give: China's trade with a state over Russia's (the same instrument,
state and period), or a supplier's share of a state's arms imports over a
SIPRI window (the supplier's trend-indicator values over all suppliers').
They are kept in the table as rows whose id starts with `derived_`, each
naming the rows it comes from in its note. This script rewrites them from the
primary rows (default table: scenarios/data/observations.csv); --check exits 1
if the table's derived rows differ from what it would write.
"""
import argparse
import csv
import io
import itertools
import sys
from pathlib import Path

COLUMNS = ["id", "quantity", "instrument", "state", "partner", "period", "value", "sd", "lower", "upper",
           "unit", "source", "publisher", "source_year", "url", "note"]
# SIPRI's five-year windows the table's annual values cover.
ARMS_WINDOWS = [(2009, 2013), (2014, 2018), (2017, 2021)]


def number(text):
    return float(text) if text not in ("", None) else None


def fmt(value):
    return f"{value:.4g}"


def joined(rows, key):
    seen = []
    for r in rows:
        if r[key] and r[key] not in seen:
            seen.append(r[key])
    return "; ".join(seen)


def derived_row(id_, quantity, instrument, state, partner, period, value, sources, note):
    return {
        "id": id_, "quantity": quantity, "instrument": instrument, "state": state, "partner": partner,
        "period": period, "value": fmt(value), "sd": "", "lower": "", "upper": "", "unit": "share" if
        quantity == "arms_import_share" else "ratio", "source": joined(sources, "source"),
        "publisher": joined(sources, "publisher"), "source_year": str(max(int(r["source_year"]) for r in sources)),
        "url": joined(sources, "url"), "note": note,
    }


def trade_ratios(rows):
    """China's turnover over Russia's: same instrument, state and period, exact values only."""
    out = []
    turnover = [r for r in rows if r["quantity"] == "trade_turnover" and r["unit"] == "USD million"
                and not r["lower"] and not r["upper"]]
    keys = sorted({(r["instrument"], r["state"], r["period"]) for r in turnover})
    for instrument, state, period in keys:
        def pick(partner):
            return [r for r in turnover if (r["instrument"], r["state"], r["period"], r["partner"]) ==
                    (instrument, state, period, partner)]
        chn, rus = pick("CHN"), pick("RUS")
        pairs = []
        for a, b in itertools.product(chn, rus):  # reports of the same figures give one ratio, not several
            if all(abs(float(a["value"]) / float(b["value"]) / (float(c["value"]) / float(d["value"])) - 1) > 0.01
                   for c, d in pairs):
                pairs.append((a, b))
        for k, (a, b) in enumerate(pairs):
            suffix = "" if len(pairs) == 1 else f"_{k + 1}"
            out.append(derived_row(
                f"derived_trade_ratio_{state.lower()}_{period.replace('..', '_').replace('-', '')}_{instrument}{suffix}",
                "trade_ratio_china_russia", instrument, state, "CHN", period,
                float(a["value"]) / float(b["value"]), [a, b],
                f"derived: {a['id']} / {b['id']} (China's turnover over Russia's, the same source type and period)"))
    return out


def arms_shares(rows):
    """A supplier's share of a state's arms imports (SIPRI TIV) over a window, for Russia and China."""
    out = []
    tiv = [r for r in rows if r["quantity"] == "arms_import_tiv" and r["instrument"] == "sipri"]
    annual = [r for r in tiv if len(r["period"]) == 4]
    for state in sorted({r["state"] for r in annual}):
        for first, last in ARMS_WINDOWS:
            years = [str(y) for y in range(first, last + 1)]
            totals = [r for r in annual if r["state"] == state and not r["partner"] and r["period"] in years]
            if len(totals) != len(years):
                continue  # the table lacks some year's total: no share
            total = sum(float(r["value"]) for r in totals)
            if total <= 0:
                continue
            for partner in ("RUS", "CHN"):
                part = [r for r in annual if r["state"] == state and r["partner"] == partner and r["period"] in years]
                value = sum(float(r["value"]) for r in part)  # a year without a row delivered nothing
                out.append(derived_row(
                    f"derived_arms_share_{state.lower()}_{partner.lower()}_{first}_{last}", "arms_import_share",
                    "sipri", state, partner, f"{first}..{last}", value / total, part + totals or totals,
                    f"derived: {partner}'s trend-indicator values over all suppliers', {first}-{last}, from "
                    f"{len(part)} supplier rows and {len(totals)} yearly totals (arms_import_tiv rows); a year "
                    f"without a supplier row counts as 0"))
    return out


def rewritten(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    primary = [r for r in rows if not r["id"].startswith("derived_")]
    derived = trade_ratios(primary) + arms_shares(primary)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(primary + derived)
    return out.getvalue(), len(derived)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("table", nargs="?", default=str(Path(__file__).resolve().parent.parent /
                                                        "scenarios/data/observations.csv"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = Path(args.table).read_text(encoding="utf-8")
    new, count = rewritten(text)
    if args.check:
        if new != text:
            print(f"{args.table}: derived rows are out of date; run tools/derive_observations.py", file=sys.stderr)
            return 1
        print(f"{args.table}: {count} derived rows up to date")
        return 0
    Path(args.table).write_text(new, encoding="utf-8")
    print(f"{args.table}: {count} derived rows written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
