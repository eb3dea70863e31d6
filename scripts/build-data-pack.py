#!/usr/bin/env python3
"""Build a data pack (zip + manifest.json with each CSV's SHA-256) from CSVs in the data/ schema.

    scripts/build-data-pack.py --name workshop-2026-12 --version 1 -o pack.zip \
        data/cloud_prices.csv data/fx_rates.csv

A workshop host edits the CSVs (new prices, each with its source and observed date), builds
one file and hands it to every attendee: `infernav data import pack.zip` or File → Import data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import zipfile
from pathlib import Path

ALLOWED = ("cloud_prices.csv", "fx_rates.csv", "benchmarks.csv")


def build(csvs: list[Path], name: str, version: int, out: Path, created: str) -> Path:
    files = {}
    for p in csvs:
        if p.name not in ALLOWED:
            raise SystemExit(f"{p.name}: a pack holds only {', '.join(ALLOWED)}")
        files[p.name] = p.read_bytes()
    manifest = {
        "format": "infernav-data-pack",
        "schema": 1,
        "name": name,
        "version": version,
        "created": created,
        "files": {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=2))
        for n, b in files.items():
            z.writestr(n, b)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", nargs="+", type=Path)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", type=int, required=True)
    ap.add_argument("--created", default=dt.date.today().isoformat())
    ap.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args(argv)
    print(build(a.csv, a.name, a.version, a.output, a.created))
    return 0


if __name__ == "__main__":
    sys.exit(main())
