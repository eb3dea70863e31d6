"""`infernav compare`: the side-by-side table of two to four frameworks."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import textwrap
from typing import Any

from desktop_app.domain.compare.table import DEFAULT_FRAMEWORKS, Cell, Comparison
from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS


def register(sub: Any) -> None:
    """Add `compare`."""
    p = sub.add_parser(
        "compare",
        help="side-by-side table of 2-4 frameworks",
        description="Compare 2-4 frameworks side by side. Ids: "
        + ", ".join(FRAMEWORK_IDS)
        + f". Without ids: {' '.join(DEFAULT_FRAMEWORKS)}.",
    )
    p.add_argument("ids", nargs="*", metavar="FRAMEWORK", help="framework ids (2 to 4)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--csv", action="store_true", help="one line per cell, with its source")
    p.set_defaults(handler=compare)


def _cell_json(cell: Cell) -> dict[str, Any]:
    prov = cell.provenance
    fig = cell.figure
    return {
        "value": cell.text,
        "known": cell.known,
        "conflicts": list(cell.conflicts),
        "figure_id": fig.id if fig else None,
        "low": fig.low if fig else None,
        "high": fig.high if fig else None,
        "unit": fig.unit if fig else None,
        "benchmark_id": cell.benchmark.id if cell.benchmark else None,
        "source": prov.source if prov else None,
        "source_type": prov.source_type if prov else None,
        "retrieved": prov.retrieved if prov else None,
        "also": [f.id for f in cell.also],
        "detail": cell.tooltip,
    }


def to_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as a JSON-serialisable dict."""
    return {
        "frameworks": [{"id": fw.id, "name": fw.name} for fw in comparison.frameworks],
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "cells": {
                    fid: _cell_json(cell)
                    for fid, cell in zip(comparison.ids, row.cells, strict=True)
                },
            }
            for row in comparison.rows
        ],
        "conflicts": comparison.conflict_titles,
    }


CSV_HEADER = (
    "row", "label", "framework", "value", "low", "high", "unit",
    "conflicts", "source", "source_type", "retrieved",
)  # fmt: skip


def _write_csv(comparison: Comparison) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in comparison.rows:
        for fid, cell in zip(comparison.ids, row.cells, strict=True):
            data = _cell_json(cell)
            writer.writerow(
                [
                    row.key,
                    row.label,
                    fid,
                    cell.text,
                    "" if data["low"] is None else data["low"],
                    "" if data["high"] is None else data["high"],
                    data["unit"] or "",
                    ";".join(cell.conflicts),
                    data["source"] or "",
                    data["source_type"] or "",
                    data["retrieved"] or "",
                ]
            )


def _write_text(comparison: Comparison) -> None:
    width = max(80, shutil.get_terminal_size((120, 24)).columns)
    label_w = 24
    col_w = max(14, (width - label_w) // len(comparison.ids) - 2)
    refs: dict[str, int] = {}

    def ref(cell: Cell) -> str:
        prov = cell.provenance
        if prov is None or not prov.source:
            return ""
        key = f"{prov.source} ({prov.source_type or 'source'}), retrieved {prov.retrieved}"
        return f" [{refs.setdefault(key, len(refs) + 1)}]"

    names = [fw.name for fw in comparison.frameworks]
    print(" " * label_w + "".join(n[:col_w].ljust(col_w + 2) for n in names).rstrip())
    for row in comparison.rows:
        wrapped = [textwrap.wrap(c.display + ref(c), col_w) or [""] for c in row.cells]
        labels = textwrap.wrap(row.label, label_w - 2)
        for i in range(max(len(labels), *(len(w) for w in wrapped))):
            head = labels[i] if i < len(labels) else ""
            cells = "".join((w[i] if i < len(w) else "").ljust(col_w + 2) for w in wrapped)
            print((head.ljust(label_w) + cells).rstrip())
    print("\n⚠ = other figures disagree; unknown = no value in the guide or the sourced data.")
    for cid, title in comparison.conflict_titles.items():
        if any(cid in c.conflicts for r in comparison.rows for c in r.cells):
            print(f"⚠ {cid}: {title}")
    print("\nSources:")
    for key, n in refs.items():
        print(f"[{n}] {key}")


def compare(args: argparse.Namespace) -> int:
    """Print the side-by-side table as text, JSON or CSV."""
    from desktop_app.domain.compare.table import CompareError, build_comparison
    from desktop_app.errors import UserError
    from desktop_app.services.stores import open_bundled

    ids = args.ids or list(DEFAULT_FRAMEWORKS)
    store = open_bundled()
    try:
        comparison = build_comparison(store, ids)
    except CompareError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(json.dumps(to_json(comparison), indent=2, ensure_ascii=False))
    elif args.csv:
        _write_csv(comparison)
    else:
        _write_text(comparison)
    return 0
