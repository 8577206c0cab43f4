#!/usr/bin/python3
"""Keeps the key tables of docs/scenario-format.md generated from the
scenario schema the program holds (`geosim schema`), so the two cannot drift.

In the document, a table is generated between
    <!-- schema-table PREFIX -->
    <!-- /schema-table -->
from every schema key under PREFIX ("" for the top-level scalars), its path
shown relative to PREFIX.

usage: scenario_tables.py GEOSIM DOC.md --check   exit 1 if a table differs
       scenario_tables.py GEOSIM DOC.md --write   regenerate the tables in place
"""
import re
import subprocess
import sys

BLOCK = re.compile(r"(<!-- schema-table (\S*) -->\n)(.*?)(<!-- /schema-table -->)", re.S)


def schema(geosim):
    out = subprocess.run([geosim, "schema"], check=True, capture_output=True, text=True).stdout
    lines = out.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def table(keys, prefix):
    rows = []
    for key in keys:
        path = key["path"]
        if prefix:
            if not path.startswith(prefix + "."):
                continue
            rel = path[len(prefix) + 1:]
        else:
            if "." in path:
                continue
            rel = path
        default = key["default"]
        default = f"**{default}**" if default == "(required)" else (f"`{default}`" if default and " " not in default else default)
        rows.append(f"| `{rel}` | {key['type']} | {key['unit']} | {default} | {key['range']} | {key['doc']} |")
    if not rows:
        sys.exit(f"scenario_tables.py: no schema key under '{prefix}'")
    return "| key | type | unit | default | range | meaning |\n| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n"


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("--check", "--write"):
        sys.exit(__doc__)
    geosim, doc, mode = sys.argv[1:]
    keys = schema(geosim)
    text = open(doc, encoding="utf-8").read()
    blocks = list(BLOCK.finditer(text))
    if not blocks:
        sys.exit(f"{doc}: no <!-- schema-table PREFIX --> blocks")
    new = BLOCK.sub(lambda m: m.group(1) + table(keys, m.group(2)) + m.group(4), text)
    covered = {k["path"] for k in keys for b in blocks
               if (b.group(2) and k["path"].startswith(b.group(2) + ".")) or (not b.group(2) and "." not in k["path"])}
    missing = [k["path"] for k in keys if k["path"] not in covered and not k["path"].startswith("events.<event>.actions")]
    if mode == "--write":
        open(doc, "w", encoding="utf-8").write(new)
    elif new != text:
        for old_block, new_block in zip(BLOCK.finditer(text), BLOCK.finditer(new)):
            if old_block.group(3) != new_block.group(3):
                print(f"{doc}: the table for '{old_block.group(2)}' differs from the schema")
        print(f"regenerate with: {sys.argv[0]} {geosim} {doc} --write")
        return 1
    if missing:
        print(f"{doc}: schema keys in no table: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
