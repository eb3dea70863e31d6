"""`infernav data import FILE`: update prices, rates and benchmarks from a data pack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the data command."""
    p = sub.add_parser("data", help="import a data pack (prices, exchange rates, benchmarks)")
    inner = p.add_subparsers(dest="data_command", required=True)
    imp = inner.add_parser("import", help="check a data pack and make it the active data")
    imp.add_argument("file", type=Path, help="the pack (.zip with manifest.json)")
    imp.set_defaults(handler=import_command)


def import_command(args: argparse.Namespace) -> int:
    """Import a pack; a refused pack leaves the previous data in place."""
    from desktop_app.services.datapack import import_pack

    pack = import_pack(args.file)
    print(
        f"Imported data pack {pack.manifest.label}: {len(pack.cloud_prices)} cloud prices, "
        f"{len(pack.fx_rates)} exchange rates, {len(pack.benchmarks)} benchmark figures."
    )
    return 0
