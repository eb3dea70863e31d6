"""`infernav engines`: which llama-server and Ollama the app would use, and why that one."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    """Add the engines command."""
    p = sub.add_parser(
        "engines",
        help="which llama-server and ollama the app uses (bundled, your choice, or PATH)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=engines)


def engines(args: argparse.Namespace) -> int:
    """Print the engine each trial, benchmark and the Launch view would start."""
    from desktop_app.services.engines.discovery import find_all
    from desktop_app.services.stores import open_user

    store = open_user()
    try:
        found = find_all(store)
    finally:
        store.close()
    if args.json:
        payload = {
            engine: {
                "path": str(info.path) if info.path else None,
                "version": info.version,
                "found_by": info.found_by,
                "usable": info.usable,
                "devices": None if info.devices is None else list(info.devices),
                "problem": info.problem,
                "how_to_get": info.how_to_get,
            }
            for engine, info in found.items()
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    for engine, info in found.items():
        if info.usable:
            print(f"{engine}: {info.summary}")
        elif info.problem:
            print(f"{engine}: {info.problem} {info.how_to_get}")
        else:
            print(f"{engine}: not found. {info.how_to_get}")
    return 0
