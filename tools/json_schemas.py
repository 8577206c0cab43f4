#!/usr/bin/python3
"""Keeps the JSON Schemas shipped in docs/schema/ generated from the loaders'
own schemas (`geosim schema --json-schema`, `geosim schema --sweep
--json-schema`), so the files editors read cannot drift from the program.

usage: json_schemas.py GEOSIM DIR --check   exit 1 if a shipped file differs
       json_schemas.py GEOSIM DIR --write   regenerate them
"""
import os
import subprocess
import sys

FILES = {"scenario.schema.json": ["schema", "--json-schema"],
         "sweep.schema.json": ["schema", "--sweep", "--json-schema"]}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("--check", "--write"):
        sys.exit(__doc__)
    geosim, folder, mode = sys.argv[1:]
    stale = []
    for name, args in FILES.items():
        text = subprocess.run([geosim] + args, check=True, capture_output=True, text=True).stdout
        path = os.path.join(folder, name)
        if mode == "--write":
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            continue
        try:
            with open(path, encoding="utf-8") as f:
                shipped = f.read()
        except FileNotFoundError:
            shipped = None
        if shipped != text:
            stale.append(path)
            print(f"{path}: {'missing' if shipped is None else 'differs from `geosim ' + ' '.join(args) + '`'}")
    if stale:
        print(f"regenerate with: {sys.argv[0]} {geosim} {folder} --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
